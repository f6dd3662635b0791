"""GB/T 28181 20-digit device codes: validation and decoding.

Layout (positions from 1): 1-8 owner's division (province, city, county, grassroots unit),
9-10 industry, 11-13 device type, 14 network, 15-20 serial number.
"""
from __future__ import annotations

from dataclasses import dataclass

INDUSTRIES = {
    "00": ("社会治安路面接入", "public-security roads"),
    "01": ("社会治安社区接入", "community and buildings"),
    "02": ("社会治安内部接入", "public-security internal"),
    "03": ("社会治安其他接入", "public-security other"),
    "04": ("交通路面接入", "traffic roads"),
    "05": ("交通卡口接入", "traffic checkpoints"),
    "06": ("交通内部接入", "traffic internal"),
    "07": ("交通其他接入", "traffic other"),
    "08": ("城市管理接入", "city management"),
    "09": ("卫生环保接入", "health and environment"),
    "10": ("商检海关接入", "inspection and customs"),
    "11": ("教育部门接入", "education"),
    "40": ("农林牧渔业接入", "agriculture, forestry and fishery"),
    "41": ("采矿企业接入", "mining"),
    "42": ("制造企业接入", "manufacturing"),
    "43": ("冶金企业接入", "metallurgy"),
    "44": ("电力企业接入", "power"),
    "45": ("燃气企业接入", "gas"),
    "46": ("建筑企业接入", "construction"),
    "47": ("物流企业接入", "logistics"),
    "48": ("邮政企业接入", "postal"),
    "49": ("信息企业接入", "information"),
    "50": ("住宿和餐饮业接入", "hotels and catering"),
    "51": ("金融企业接入", "finance"),
    "52": ("房地产业接入", "real estate"),
    "53": ("商务服务业接入", "business services"),
    "54": ("水利企业接入", "water"),
    "55": ("娱乐企业接入", "entertainment"),
}

DEVICE_TYPES = {
    "111": ("DVR", "DVR"),
    "112": ("视频服务器", "video server"),
    "113": ("编码器", "encoder"),
    "118": ("网络视频录像机(NVR)", "NVR"),
    "131": ("摄像机", "camera"),
    "132": ("网络摄像机(IPC)", "network camera (IPC)"),
}
# A registered channel is a camera, or an encoder channel that carries an analogue camera.
CAMERA_TYPES = {"131", "132"}
ENCODER_TYPES = {"111", "112", "113", "118"}
CHANNEL_TYPES = CAMERA_TYPES | ENCODER_TYPES

NETWORKS = {
    "0": ("监控报警专网", "public-security video network"),
    "1": ("监控报警专网", "public-security video network"),
    "2": ("行业专网", "industry private network"),
    "3": ("政法网", "politics-and-law network"),
    "5": ("公安信息网", "public-security information network"),
    "6": ("政务外网", "government extranet"),
    "7": ("互联网", "internet"),
    "8": ("专线", "leased line"),
}


class DeviceCodeError(ValueError):
    """A device code that is not a valid GB/T 28181 camera channel code."""


@dataclass(frozen=True)
class DeviceCode:
    code: str

    @property
    def division(self) -> str:
        return self.code[:8]

    @property
    def county(self) -> str:
        return self.code[:6]

    @property
    def industry(self) -> str:
        return self.code[8:10]

    @property
    def device_type(self) -> str:
        return self.code[10:13]

    @property
    def network(self) -> str:
        return self.code[13]

    @property
    def serial(self) -> str:
        return self.code[14:]

    def describe(self) -> dict:
        """The decoded parts, with Chinese and English names, for API answers and pages."""
        industry = INDUSTRIES.get(self.industry, ("保留", "reserved"))
        device_type = DEVICE_TYPES[self.device_type]
        network = NETWORKS.get(self.network, ("保留", "reserved"))
        return {
            "division": self.division,
            "county": self.county,
            "industry": {"code": self.industry, "name_zh": industry[0], "name_en": industry[1]},
            "device_type": {"code": self.device_type, "name_zh": device_type[0],
                            "name_en": device_type[1]},
            "network": {"code": self.network, "name_zh": network[0], "name_en": network[1]},
            "serial": self.serial,
        }


def parse_device_code(text: str) -> DeviceCode:
    """Validate the form of a code (not its division, which needs the registry)."""
    code = text.strip()
    if len(code) != 20 or not code.isascii() or not code.isdigit():
        raise DeviceCodeError(f"must be exactly 20 digits, got {len(code)} characters")
    if code[10:13] not in CHANNEL_TYPES:
        allowed = ", ".join(f"{k} {v[1]}" for k, v in DEVICE_TYPES.items())
        raise DeviceCodeError(
            f"device type (digits 11-13) is {code[10:13]}, which is not a camera or encoder "
            f"type; expected one of: {allowed}")
    return DeviceCode(code)
