"""Reading and writing camera spreadsheets: encodings, formats, headers and cells."""
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from camera_registry.errors import BadRequest
from camera_registry.services.spreadsheets import (CLEAR, COLUMNS, COLUMNS_BY_KEY, NOT_GIVEN,
                                                   CellError, UnsupportedFile, convert_cell,
                                                   decode_text, read_row, read_sheet,
                                                   read_table, write_table, write_template)
from tests.camera_registry.import_support import csv_bytes, headers, xlsx_bytes

HEADER = "国标编码,名称,视频流地址,经度,纬度,行政区划代码\n"
ROW = "37130200011320000001,阳光花园东门,rtsp://127.0.0.1/1,118.351,35.051,371302001001\n"


def cell(key, value):
    return convert_cell(COLUMNS_BY_KEY[key], value)


# --- encodings and formats -------------------------------------------------------------------

@pytest.mark.parametrize("encoding, reported", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_text_is_decoded_in_each_encoding(encoding, reported):
    text, found = decode_text((HEADER + ROW).encode(encoding))
    assert found == reported and text.lstrip("\ufeff").startswith("国标编码,名称")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_cells_survive_each_encoding(encoding):
    sheet = read_sheet((HEADER + ROW).encode(encoding), "cameras.csv")
    values = read_row(sheet, *sheet.data[0]).values
    assert values["name"] == "阳光花园东门" and values["code"] == "37130200011320000001"


def test_excel_unicode_text_export_is_read():
    data = (HEADER + ROW).replace(",", "\t").encode("utf-16")
    sheet = read_sheet(data, "cameras.txt")
    assert read_row(sheet, *sheet.data[0]).values["name"] == "阳光花园东门"


def test_rows_keep_the_numbers_a_spreadsheet_shows():
    data = (HEADER + "\n" + ROW.replace("阳光花园东门", '"两行\n名称"')).encode()
    sheet = read_sheet(data)
    assert [number for number, _cells in sheet.data] == [3]


def test_xlsx_is_read_with_typed_cells():
    data = xlsx_bytes([headers("en", ["code", "name", "stream_url", "lon", "lat",
                                      "division_code"]),
                       ["37130200011320000001", "gate", "rtsp://127.0.0.1/1", 118.351, 35.051,
                        371302001001]])
    sheet = read_sheet(data, "cameras.xlsx")
    values = read_row(sheet, *sheet.data[0]).values
    assert sheet.table.format == "xlsx" and sheet.language == "en"
    assert values["lon"] == 118.351 and values["division_code"] == "371302001001"


def test_xlsx_sheet_named_for_cameras_is_preferred():
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["请在“摄像机”表中填写"])
    workbook.create_sheet("摄像机").append(HEADER.strip().split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_sheet(buffer.getvalue()).headers["code"] == "国标编码"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n"])
def test_empty_file_is_a_bad_request(data):
    with pytest.raises(BadRequest, match="empty"):
        read_table(data, "cameras.csv")


@pytest.mark.parametrize("data, match", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not CSV text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "97-2003"),
])
def test_files_that_are_not_spreadsheets_are_unsupported(data, match):
    with pytest.raises(UnsupportedFile, match=match):
        read_table(data, "cameras.csv")


def test_zip_that_is_not_a_workbook_is_unsupported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(UnsupportedFile, match="not an Excel workbook"):
        read_table(buffer.getvalue(), "cameras.docx")


def test_truncated_xlsx_is_a_bad_request():
    data = xlsx_bytes([HEADER.strip().split(",")])
    with pytest.raises(BadRequest, match="damaged"):
        read_table(data[: len(data) // 2], "cameras.xlsx")


def test_xlsx_name_on_text_is_a_bad_request():
    with pytest.raises(BadRequest, match="not a readable XLSX"):
        read_table(b"this is not a workbook", "cameras.xlsx")


# --- headers ---------------------------------------------------------------------------------

def test_english_headers_are_recognised():
    sheet = read_sheet(csv_bytes([headers("en")]))
    assert sheet.language == "en" and set(sheet.headers) == {c.key for c in COLUMNS}


def test_chinese_headers_are_recognised():
    sheet = read_sheet(csv_bytes([headers("zh")]))
    assert sheet.language == "zh" and set(sheet.headers) == {c.key for c in COLUMNS}


def test_headers_match_despite_width_case_spacing_and_required_marks():
    data = csv_bytes([["国标编码*", "Name", "Stream URL", "经度", "纬度", "行政区划代码",
                       "安装高度（米）"]])
    assert read_sheet(data).headers["height_m"] == "安装高度（米）"


def test_a_title_row_above_the_header_is_skipped():
    data = csv_bytes([["阳光花园监控点位表"], HEADER.strip().split(","),
                      ROW.strip().split(",")])
    sheet = read_sheet(data)
    assert sheet.header_row == 2 and sheet.data[0][0] == 3


def test_unknown_headers_are_named_with_a_suggestion():
    with pytest.raises(BadRequest) as caught:
        read_sheet(csv_bytes([HEADER.strip().split(",") + ["备注", "经纬"]]))
    assert "'备注'" in caught.value.message and "'经纬'" in caught.value.message
    assert {detail["column"] for detail in caught.value.details} == {"备注", "经纬"}


def test_missing_required_columns_are_named_in_both_languages():
    with pytest.raises(BadRequest) as caught:
        read_sheet(csv_bytes([["国标编码", "名称", "经度", "纬度"]]))
    assert "视频流地址 (stream_url)" in caught.value.message
    assert "行政区划代码 (division_code)" in caught.value.message


def test_a_column_given_twice_is_a_bad_request():
    with pytest.raises(BadRequest, match="both mean"):
        read_sheet(csv_bytes([HEADER.strip().split(",") + ["code"]]))


def test_a_value_without_a_header_is_a_row_error():
    sheet = read_sheet(csv_bytes([HEADER.strip().split(","), ROW.strip().split(",") + ["x"]]))
    errors = read_row(sheet, *sheet.data[0]).errors
    assert [(e.row, e.column) for e in errors] == [(2, "column G")]


# --- cells -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [("118.35", 118.35), ("１１８.３５", 118.35),
                                             (118.35, 118.35), (" 90 ", 90.0)])
def test_numbers_are_read_from_text_and_numeric_cells(value, expected):
    assert cell("lon", value) == expected


@pytest.mark.parametrize("value", ["118,35", "东经118", "nan"])
def test_text_that_is_not_a_number_is_a_cell_error(value):
    with pytest.raises(CellError):
        cell("lon", value)


@pytest.mark.parametrize("value, expected", [("60", 60), (60.0, 60), ("300.0", 300)])
def test_whole_numbers(value, expected):
    assert cell("probe_interval_s", value) == expected


def test_a_fraction_is_not_a_whole_number():
    with pytest.raises(CellError, match="not a whole number"):
        cell("probe_interval_s", "60.5")


@pytest.mark.parametrize("value, expected", [("是", True), ("否", False), ("TRUE", True),
                                             ("false", False), ("1", True), (0, False),
                                             (True, True), ("停用", False)])
def test_yes_and_no_in_chinese_or_english(value, expected):
    assert cell("probe_enabled", value) is expected


def test_an_unclear_yes_or_no_is_a_cell_error():
    with pytest.raises(CellError, match="是/否"):
        cell("probe_enabled", "也许")


@pytest.mark.parametrize("value", ["2017-11-20", "2017/11/20", "2017.11.20", "2017年11月20日",
                                   "20171120", "2017/11/20 0:00", date(2017, 11, 20), 43059])
def test_dates_in_the_forms_spreadsheets_use(value):
    assert cell("networked_since", value) == "2017-11-20"


@pytest.mark.parametrize("value", ["2017-02-30", "去年", "11/20/2017"])
def test_impossible_or_unknown_dates_are_cell_errors(value):
    with pytest.raises(CellError):
        cell("networked_since", value)


@pytest.mark.parametrize("value, expected", [("球机", "dome"), ("dome", "dome"), ("DOME", "dome"),
                                             ("半球", "dome")])
def test_enumerations_accept_the_value_or_the_chinese_label(value, expected):
    assert cell("kind", value) == expected


def test_an_unknown_enumeration_value_lists_the_choices():
    with pytest.raises(CellError, match=r"球机 \(dome\)"):
        cell("kind", "红外")


@pytest.mark.parametrize("value", [3.713020001132e+19, 37130200011320000001])
def test_a_code_excel_stored_as_a_number_is_a_cell_error(value):
    with pytest.raises(CellError, match="format the column as text"):
        cell("code", value)


def test_a_code_in_scientific_notation_is_a_cell_error():
    with pytest.raises(CellError, match="scientific notation"):
        cell("code", "3.71302E+19")


@pytest.mark.parametrize("value", ['="37130200011320000001"', "'37130200011320000001",
                                   "３７１３０２０００１１３２００００００１"])
def test_codes_protected_from_excel_are_unwrapped(value):
    assert cell("code", value) == "37130200011320000001"


def test_empty_cells_are_not_given():
    assert cell("height_m", "  ") is NOT_GIVEN and cell("height_m", None) is NOT_GIVEN


def test_a_dash_clears_an_optional_value():
    assert cell("building", "-") is CLEAR and cell("stream_password", "－") is CLEAR


def test_a_dash_cannot_clear_a_required_value():
    with pytest.raises(CellError, match="every camera needs one"):
        cell("name", "-")


def test_key_places_split_on_either_semicolon():
    assert cell("key_places", "东门；停车场; 东门") == ["东门", "停车场"]


# --- writing ---------------------------------------------------------------------------------

ROW_VALUES = {"code": "37130200011320000001", "name": "东门", "kind": "dome",
              "stream_url": "rtsp://127.0.0.1/1", "stream_password": "***", "lon": 118.351,
              "lat": 35.051, "bearing_deg": 90.0, "division_code": "371302001001",
              "key_places": ["东门", "停车场"], "lifecycle": "networked",
              "networked_level": "county", "networked_since": date(2017, 11, 20),
              "probe_enabled": False, "probe_interval_s": 300}


def test_csv_is_written_with_a_bom_for_excel():
    assert write_table([ROW_VALUES], "csv", "zh").startswith(b"\xef\xbb\xbf\xe5\x9b\xbd")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_written_rows_read_back_as_the_same_values(fmt, lang):
    sheet = read_sheet(write_table([ROW_VALUES], fmt, lang), f"cameras.{fmt}")
    values = read_row(sheet, *sheet.data[0]).values
    assert values == {**ROW_VALUES, "networked_since": "2017-11-20"}


def test_a_password_is_never_written():
    data = write_table([{**ROW_VALUES, "stream_password": "Pa55-w0rd-Xyzzy"}], "csv", "en")
    assert b"Pa55" not in data and b"***" in data


def test_xlsx_codes_are_text_cells():
    workbook = openpyxl.load_workbook(io.BytesIO(write_table([ROW_VALUES], "xlsx", "zh")))
    assert workbook.active["A2"].value == "37130200011320000001"


def test_csv_template_is_the_header_row():
    assert write_template("csv", "en").decode("utf-8-sig").strip() == ",".join(headers("en"))


def test_xlsx_template_has_drop_downs_and_instructions():
    workbook = openpyxl.load_workbook(io.BytesIO(write_template("xlsx", "zh")))
    sheet = workbook["摄像机"]
    assert [c.value for c in sheet[1]] == headers("zh")
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"枪机,球机,云台,鱼眼,其他"' in lists
    assert workbook["填写说明"]["A2"].value == "国标编码"
