"""Named values used across the service: statuses live here, never as bare strings elsewhere.

Each choice class lists its values in order and gives the Chinese label that integrators
write in spreadsheets, so imports accept either.
"""
from __future__ import annotations


class Choices:
    """Ordered values with Chinese labels; ``parse`` accepts the value or the label."""

    LABELS_ZH: dict[str, str] = {}
    ALIASES: dict[str, str] = {}

    @classmethod
    def values(cls) -> list[str]:
        return list(cls.LABELS_ZH)

    @classmethod
    def label(cls, value: str, lang: str = "zh") -> str:
        return cls.LABELS_ZH[value] if lang == "zh" else value

    @classmethod
    def parse(cls, text: str) -> str | None:
        key = text.strip()
        if key.lower() in cls.LABELS_ZH:
            return key.lower()
        for value, label in cls.LABELS_ZH.items():
            if key == label:
                return value
        return cls.ALIASES.get(key.lower(), cls.ALIASES.get(key))


class DivisionLevel(Choices):
    PROVINCE, CITY, COUNTY, TOWN, COMMUNITY = "province", "city", "county", "town", "community"
    LABELS_ZH = {PROVINCE: "省", CITY: "市", COUNTY: "县/区", TOWN: "乡镇/街道", COMMUNITY: "社区/村"}
    # Code length for each level: GB/T 2260 (6 digits) extended to 9 and 12 below the county.
    CODE_LENGTH = {PROVINCE: 6, CITY: 6, COUNTY: 6, TOWN: 9, COMMUNITY: 12}
    # How many leading digits a division shares with everything below it.
    PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWN: 9, COMMUNITY: 12}

    @classmethod
    def rank(cls, level: str) -> int:
        return cls.values().index(level)


class KeyPlaceKind(Choices):
    LABELS_ZH = {
        "gate": "出入口", "road": "道路", "parking": "停车场", "building_entrance": "楼栋出入口",
        "perimeter": "周界", "square": "广场", "school_gate": "校园门口", "hospital": "医院",
        "market": "市场", "other": "其他",
    }
    ALIASES = {"大门": "gate", "门口": "gate", "停车区": "parking", "单元门": "building_entrance"}


class CameraKind(Choices):
    LABELS_ZH = {"bullet": "枪机", "dome": "球机", "ptz": "云台", "fisheye": "鱼眼", "other": "其他"}
    ALIASES = {"半球": "dome", "枪式": "bullet", "云台摄像机": "ptz", "全景": "fisheye"}
    # Typical horizontal field of view (degrees) and useful range (metres) when none is given.
    DEFAULT_FOV = {"bullet": 90.0, "dome": 100.0, "ptz": 60.0, "fisheye": 180.0, "other": 90.0}
    DEFAULT_RANGE = {"bullet": 40.0, "dome": 25.0, "ptz": 100.0, "fisheye": 15.0, "other": 30.0}


class Lifecycle(Choices):
    PLANNED, INSTALLED, NETWORKED, RETIRED = "planned", "installed", "networked", "retired"
    LABELS_ZH = {PLANNED: "规划", INSTALLED: "已安装", NETWORKED: "已联网", RETIRED: "已退役"}
    ALIASES = {"在建": PLANNED, "已建": INSTALLED, "联网": NETWORKED, "退役": RETIRED, "报废": RETIRED}


class NetworkedLevel(Choices):
    NONE, TOWN, COUNTY, CITY = "none", "town", "county", "city"
    LABELS_ZH = {NONE: "未联网", TOWN: "乡镇级", COUNTY: "县级", CITY: "市级"}
    ALIASES = {"无": NONE, "": NONE, "乡镇": TOWN, "街道": TOWN, "县": COUNTY, "区县": COUNTY,
               "县区级": COUNTY, "市": CITY}


class Role(Choices):
    ADMIN, INTEGRATOR, MONITOR = "admin", "integrator", "monitor"
    LABELS_ZH = {ADMIN: "管理员", INTEGRATOR: "集成商", MONITOR: "值班员"}


class CameraState(Choices):
    UNKNOWN, ONLINE, DEGRADED, OFFLINE, MAINTENANCE = (
        "unknown", "online", "degraded", "offline", "maintenance")
    LABELS_ZH = {UNKNOWN: "未知", ONLINE: "在线", DEGRADED: "图像异常", OFFLINE: "离线",
                 MAINTENANCE: "维护中"}


class CheckKind(Choices):
    LIVENESS, PICTURE = "liveness", "picture"
    LABELS_ZH = {LIVENESS: "在线检测", PICTURE: "图像诊断"}


class Fault(Choices):
    """Picture faults found by the video quality diagnosis (health_checks.diagnosis)."""

    LABELS_ZH = {"signal_lost": "信号丢失", "black": "黑屏", "too_dark": "画面过暗",
                 "overexposed": "画面过亮", "frozen": "画面冻结", "blurred": "图像模糊",
                 "occluded": "镜头遮挡", "colour_cast": "偏色", "noise": "噪声/雪花"}


class IncidentKind(Choices):
    CAMERA_OFFLINE, CAMERA_DEGRADED = "camera_offline", "camera_degraded"
    COMPOUND_OUTAGE, KEY_PLACE_UNCOVERED = "compound_outage", "key_place_uncovered"
    LABELS_ZH = {CAMERA_OFFLINE: "探头离线", CAMERA_DEGRADED: "图像异常",
                 COMPOUND_OUTAGE: "小区整体故障", KEY_PLACE_UNCOVERED: "重点部位失去覆盖"}


class IncidentStatus(Choices):
    OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
    LABELS_ZH = {OPEN: "待处置", ACKNOWLEDGED: "已签收", RESOLVED: "已恢复"}


class IncidentEventKind(Choices):
    """The steps of the closed loop: report, hand on by level, handle, feed back, archive."""

    OPENED, CHANGED, FOLDED, UNFOLDED = "opened", "changed", "folded", "unfolded"
    NOTIFIED, ESCALATED, REMINDED = "notified", "escalated", "reminded"
    ACKNOWLEDGED, RESOLVED = "acknowledged", "resolved"
    LABELS_ZH = {OPENED: "发现", CHANGED: "变化", FOLDED: "并入小区故障", UNFOLDED: "单独处置",
                 NOTIFIED: "已通知", ESCALATED: "分级转办", REMINDED: "提醒",
                 ACKNOWLEDGED: "签收", RESOLVED: "恢复"}


class Language(Choices):
    ZH, EN = "zh-CN", "en"
    LABELS_ZH = {ZH: "中文", EN: "English"}


class OutboxStatus(Choices):
    PENDING, SENT, FAILED = "pending", "sent", "failed"
    LABELS_ZH = {PENDING: "待发送", SENT: "已发送", FAILED: "发送失败"}
