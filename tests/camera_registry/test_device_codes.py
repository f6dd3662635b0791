import pytest

from camera_registry.device_codes import DeviceCodeError, parse_device_code


def test_parts_of_a_code():
    code = parse_device_code(" 37130201011323000042 ")
    assert (code.division, code.industry, code.device_type, code.network, code.serial) == (
        "37130201", "01", "132", "3", "000042")


def test_describe_names_industry_type_and_network():
    info = parse_device_code("37130201011323000042").describe()
    assert info["network"]["name_en"] == "politics-and-law network"
    assert info["device_type"]["name_zh"] == "网络摄像机(IPC)"


def test_reserved_industry_is_described_as_reserved():
    assert parse_device_code("37130201991323000042").describe()["industry"]["name_en"] == "reserved"


@pytest.mark.parametrize("text", ["", "123", "3713020101132030004２", "371302010113230000421"])
def test_wrong_length_or_characters(text):
    with pytest.raises(DeviceCodeError, match="20 digits"):
        parse_device_code(text)


@pytest.mark.parametrize("device_type", ["200", "215", "216", "121"])
def test_platforms_and_groups_are_not_channels(device_type):
    with pytest.raises(DeviceCodeError, match="not a camera or encoder"):
        parse_device_code(f"3713020101{device_type}0300042")
