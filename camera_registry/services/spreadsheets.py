"""Camera spreadsheets as integrators keep them: CSV or XLSX, Chinese or English headers.

This module knows files, headers and cells; ``imports.py`` knows cameras. Reading turns a file
into rows of JSON-typed values keyed by column (``read_sheet`` then ``read_row``); writing turns
rows of Python values into CSV or XLSX bytes with the same headers, so that an export can be
imported again unchanged.

Cell conventions (docs/IMPORT.md): an empty cell means "not given"; ``-`` empties an optional
value; ``***`` in the password column keeps the current password.
"""
from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from difflib import get_close_matches
from typing import Any, Iterable, Sequence

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from camera_registry.choices import CameraKind, Choices, Lifecycle, NetworkedLevel
from camera_registry.errors import BadRequest, ServiceError
from camera_registry.services.credentials import REDACTED

FORMATS = ("csv", "xlsx")
LANGUAGES = ("zh", "en")
MIME_TYPES = {"csv": "text/csv; charset=utf-8",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CLEAR_MARK = "-"
NAME_SEPARATORS = re.compile(r"[;；\n]")
SHEET_TITLES = {"zh": "摄像机", "en": "cameras"}
HELP_TITLES = {"zh": "填写说明", "en": "instructions"}
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in Chinese sheets
TEMPLATE_ROWS = 5000  # rows of the template that get drop-down lists

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls (and other old Office files)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EXCEL_EPOCH = date(1899, 12, 30)
TRUE_WORDS = {"是", "true", "1", "yes", "y", "启用", "开启", "on", "√"}
FALSE_WORDS = {"否", "false", "0", "no", "n", "停用", "禁用", "关闭", "off", "×"}


class UnsupportedFile(ServiceError):
    """The upload is not a CSV or XLSX file at all (as opposed to a damaged one)."""

    status, error = 415, "unsupported_media_type"


class CellError(ValueError):
    """A cell that cannot be turned into the column's type; the message is for the user."""


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NOT_GIVEN = _Marker("NOT_GIVEN")  # an empty cell: keep the current value or the default
CLEAR = _Marker("CLEAR")  # "-": empty this optional value


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its headers, cell type and documentation."""

    key: str  # the CameraIn field, or compound / building / key_places (places by name)
    zh: str
    en: str
    kind: str  # code, division, text, secret, float, int, bool, date, choice, names
    meaning_en: str
    meaning_zh: str
    example: str = ""
    required: bool = False  # the header must be present: a new camera needs a value
    clearable: bool = False  # "-" empties it
    choices: type[Choices] | None = None
    aliases: tuple[str, ...] = ()

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def cleared(self) -> Any:
        """The value "-" stands for."""
        return {"text": "", "names": []}.get(self.kind)

    def accepted(self, lang: str = "en") -> str:
        """Accepted values, for messages and documentation."""
        if self.choices is not None:
            return ", ".join(f"{self.choices.label(v)} ({v})" for v in self.choices.values())
        return {"bool": "是/否, true/false, 1/0", "date": "YYYY-MM-DD (also 2024/5/1, 2024年5月1日)",
                "float": "a number", "int": "a whole number"}.get(self.kind, "")


COLUMNS: tuple[Column, ...] = (
    Column("code", "国标编码", "code", "code", "GB/T 28181 20-digit national code; the key: a "
           "row whose code exists updates that camera", "GB/T 28181 20位国标编码；已存在的编码更新该摄像机",
           "37130200011320000001", required=True, aliases=("国标编号", "国标ID", "设备编码", "设备国标编码")),
    Column("name", "名称", "name", "text", "camera name, 1-100 characters", "点位名称",
           "阳光花园东门1", required=True, aliases=("点位名称", "摄像机名称", "设备名称")),
    Column("kind", "类型", "kind", "choice", "camera type (default bullet)", "摄像机类型（默认枪机）",
           "枪机", choices=CameraKind, aliases=("摄像机类型", "设备类型")),
    Column("stream_url", "视频流地址", "stream_url", "text",
           "rtsp://, rtsps://, http:// or https:// URL; credentials in it are moved to the "
           "username and password", "取流地址（rtsp/http），其中的账号密码会移入用户名、密码列",
           "rtsp://10.1.2.3:554/ch1", required=True, aliases=("取流地址", "流地址", "rtsp地址")),
    Column("stream_username", "用户名", "stream_username", "text", "stream username",
           "取流用户名", "admin", clearable=True, aliases=("取流用户名",)),
    Column("stream_password", "密码", "stream_password", "secret",
           "stream password; *** keeps the current one (exports always write ***)",
           "取流密码；填 *** 表示保持原密码（导出时一律写 ***）", "***", clearable=True,
           aliases=("取流密码",)),
    Column("lon", "经度", "lon", "float", "WGS-84 longitude", "WGS-84 经度", "118.3512",
           required=True),
    Column("lat", "纬度", "lat", "float", "WGS-84 latitude", "WGS-84 纬度", "35.0515",
           required=True),
    Column("height_m", "安装高度(米)", "height_m", "float", "mounting height in metres, 0-300",
           "安装高度，米", "4.5", clearable=True, aliases=("安装高度", "高度")),
    Column("bearing_deg", "朝向(度)", "bearing_deg", "float",
           "direction of view, degrees clockwise from north, 0-360 (default 0)",
           "朝向，正北顺时针度数", "90", aliases=("朝向", "方位角")),
    Column("fov_deg", "水平视场角(度)", "fov_deg", "float",
           "horizontal field of view in degrees (default by type)", "水平视场角（默认按类型）", "90",
           clearable=True, aliases=("水平视场角", "视场角")),
    Column("range_m", "监控距离(米)", "range_m", "float",
           "useful range in metres, up to 2000 (default by type)", "有效监控距离（默认按类型）", "40",
           clearable=True, aliases=("监控距离", "有效距离")),
    Column("division_code", "行政区划代码", "division_code", "division",
           "code of the camera's division (the community when it is in a compound)",
           "所属行政区划代码（在小区内时为社区代码）", "371302001001", required=True,
           aliases=("区划代码", "行政区划编码", "行政区划")),
    Column("compound", "所属小区", "compound", "text", "compound name, within the division",
           "小区名称（在该行政区划内）", "阳光花园", clearable=True, aliases=("小区", "小区名称")),
    Column("building", "楼栋", "building", "text", "building name, within the compound",
           "楼栋名称（在该小区内）", "3号楼", clearable=True, aliases=("楼栋名称", "楼号")),
    Column("key_places", "重点部位", "key_places", "names",
           "key places the camera watches: names separated by ; or ；, looked up in the "
           "compound, then the division and the divisions above it up to the county; #id "
           "names one by id", "监看的重点部位名称，用 ; 或 ； 分隔；先在小区内查找，再在行政区划及上级（至区县）查找",
           "东门；停车场", clearable=True, aliases=("重点场所", "监控部位")),
    Column("lifecycle", "建设状态", "lifecycle", "choice",
           "lifecycle (default installed); networked needs a networked level",
           "建设状态（默认已安装）；已联网需填联网级别", "已联网", choices=Lifecycle,
           aliases=("状态",)),
    Column("networked_level", "联网级别", "networked_level", "choice",
           "platform the camera is networked to (default none)", "联网到哪一级平台（默认未联网）",
           "县级", choices=NetworkedLevel),
    Column("networked_since", "联网时间", "networked_since", "date",
           "date the camera was networked", "联网日期", "2017-11-20", clearable=True,
           aliases=("联网日期",)),
    Column("integrator", "建设单位", "integrator", "text", "who built the camera",
           "建设（集成）单位", "某某科技有限公司", clearable=True, aliases=("集成商", "施工单位")),
    Column("probe_enabled", "启用巡检", "probe_enabled", "bool",
           "whether the stream is checked (default yes)", "是否巡检视频流（默认是）", "是",
           aliases=("巡检",)),
    Column("probe_interval_s", "巡检间隔(秒)", "probe_interval_s", "int",
           "seconds between checks, 10-86400 (default: the service's)", "巡检间隔秒数",
           "300", clearable=True, aliases=("巡检间隔",)),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def _normalize_header(text: str) -> str:
    """Headers match whatever the width, case, spacing or a trailing required-mark *."""
    text = unicodedata.normalize("NFKC", text).strip().lower().rstrip("*").strip()
    return re.sub(r"[\s_\-]+", "", text)


def _header_index() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for header in (column.zh, column.en, column.key, *column.aliases):
            key = _normalize_header(header)
            assert index.get(key, column) is column, f"header {header} is ambiguous"
            index[key] = column
    return index


HEADERS = _header_index()


# --- reading files --------------------------------------------------------------------------

@dataclass
class Table:
    """The non-empty rows of a file, with the row numbers a spreadsheet shows (from 1)."""

    format: str
    encoding: str | None
    rows: list[tuple[int, list[Any]]]


def read_table(data: bytes, filename: str = "") -> Table:
    """Decide the format from the content (names lie), then read it."""
    if not data.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00"):
        raise BadRequest("the file is empty")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise UnsupportedFile("this is an Excel 97-2003 (.xls) or other old Office file; save it "
                              "as Excel Workbook (.xlsx) or CSV UTF-8 and upload that")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise BadRequest(f"{filename} is not a readable XLSX workbook (the file is damaged or "
                         f"truncated); save it again from Excel")
    return _read_csv(data)


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), then GB18030 (a superset of GBK, as Chinese Excel writes)."""
    if data.startswith(UTF16_BOMS):  # Excel's "Unicode text" export
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        return text, encoding
    raise UnsupportedFile("the file is neither CSV text (UTF-8 or GBK/GB18030) nor an XLSX "
                          "workbook")


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    if any(ord(char) < 32 and char not in "\t\r\n\f" for char in text[:65536]):
        raise UnsupportedFile("the file is not CSV text (it holds binary data); upload a CSV or "
                              "XLSX file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[Any]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # a record is one spreadsheet row
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise BadRequest(f"the CSV file cannot be read at row {number + 1}: {exc}") from None
    return Table("csv", encoding, rows)


def _delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise BadRequest("the XLSX file is damaged (not a readable ZIP archive); save it again "
                         "from Excel") from None
    if "xl/workbook.xml" not in names:
        raise UnsupportedFile("this ZIP archive is not an Excel workbook; upload a CSV or XLSX "
                              "file")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged parts
        raise BadRequest(f"the XLSX file is damaged and cannot be read ({type(exc).__name__}); "
                         f"save it again from Excel") from None
    try:
        sheet = _data_sheet(workbook)
        sheet.reset_dimensions()  # some writers store a wrong size; read what is there
        rows = [(number, list(cells)) for number, cells in enumerate(
            sheet.iter_rows(values_only=True), start=1)
            if any(not _blank(cell) for cell in cells)]
    except Exception as exc:  # as above: damaged sheet XML, shared strings, styles...
        raise BadRequest(f"the XLSX file is damaged and cannot be read ({type(exc).__name__}); "
                         f"save it again from Excel") from None
    finally:
        workbook.close()
    return Table("xlsx", None, rows)


def _data_sheet(workbook):
    if not workbook.worksheets:
        raise BadRequest("the workbook has no worksheet")
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() in {title.lower() for title in SHEET_TITLES.values()}:
            return sheet
    return workbook.worksheets[0]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- headers ---------------------------------------------------------------------------------

@dataclass
class Sheet:
    """A table whose header row has been found and mapped to columns."""

    table: Table
    header_row: int
    columns: dict[int, Column]  # cell position -> column
    headers: dict[str, str]  # column key -> the header as written in the file
    language: str  # zh or en: the language of the file's headers
    data: list[tuple[int, list[Any]]] = field(default_factory=list)

    def column_name(self, key: str) -> str:
        """The header of a column as the file writes it (or as it would in its language)."""
        if key in self.headers:
            return self.headers[key]
        column = COLUMNS_BY_KEY.get(key)
        return column.header(self.language) if column else ""


def read_sheet(data: bytes, filename: str = "") -> Sheet:
    return map_headers(read_table(data, filename))


def map_headers(table: Table) -> Sheet:
    if not table.rows:
        raise BadRequest("the file has no rows")
    header_at = _find_header_row(table.rows)
    header_row, cells = table.rows[header_at]
    columns: dict[int, Column] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for position, cell in enumerate(cells):
        if _blank(cell):
            continue  # a value under it is a row error (read_row)
        text = str(cell).strip()
        column = HEADERS.get(_normalize_header(text))
        if column is None:
            unknown.append(text)
        elif column.key in headers:
            raise BadRequest(f"the columns {headers[column.key]!r} and {text!r} both mean "
                             f"{column.zh} ({column.en}); keep one",
                             [{"column": text, "message": "repeated column"}])
        else:
            columns[position] = column
            headers[column.key] = text
    if unknown:
        raise BadRequest(f"unknown column{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(map(repr, unknown))}; see docs/IMPORT.md or download the "
                         f"template", [{"column": text, "message": _suggest(text)}
                                       for text in unknown])
    missing = [column for column in COLUMNS if column.required and column.key not in headers]
    if missing:
        raise BadRequest("missing required column" + ("s " if len(missing) > 1 else " ") +
                         ", ".join(f"{c.zh} ({c.en})" for c in missing),
                         [{"column": c.zh, "message": f"required column (English header: {c.en})"}
                          for c in missing])
    language = "zh" if any(_has_cjk(text) for text in headers.values()) else "en"
    return Sheet(table, header_row, columns, headers, language, table.rows[header_at + 1:])


def _find_header_row(rows: list[tuple[int, list[Any]]]) -> int:
    """The first row naming two known columns; else the first row (reported as unknown)."""
    for at, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = sum(1 for cell in cells
                    if not _blank(cell) and _normalize_header(str(cell)) in HEADERS)
        if known >= 2:
            return at
    return 0


def _suggest(text: str) -> str:
    close = get_close_matches(_normalize_header(text), list(HEADERS), n=1, cutoff=0.6)
    if close:
        column = HEADERS[close[0]]
        return f"unknown column; did you mean {column.zh} ({column.en})?"
    return "unknown column"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


# --- cells -----------------------------------------------------------------------------------

@dataclass
class RowError:
    """A problem with one row: the row as the spreadsheet numbers it and the column header."""

    row: int
    column: str
    field: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field,
                "message": self.message}


@dataclass
class SheetRow:
    number: int
    values: dict[str, Any]  # column key -> JSON value, or CLEAR; empty cells are left out
    errors: list[RowError]


def read_row(sheet: Sheet, number: int, cells: Sequence[Any]) -> SheetRow:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for position, column in sheet.columns.items():
        raw = cells[position] if position < len(cells) else None
        try:
            value = convert_cell(column, raw)
        except CellError as exc:
            errors.append(RowError(number, sheet.headers[column.key], column.key, str(exc)))
            continue
        if value is not NOT_GIVEN:
            values[column.key] = value
    for position, raw in enumerate(cells):
        if position not in sheet.columns and not _blank(raw):
            errors.append(RowError(number, f"column {get_column_letter(position + 1)}", "",
                                   "a value in a column without a header"))
    return SheetRow(number, values, errors)


def convert_cell(column: Column, value: Any) -> Any:
    """A cell as the JSON value the API would receive; NOT_GIVEN, CLEAR or CellError."""
    if _blank(value):
        return NOT_GIVEN
    if isinstance(value, str) and _nfkc(value) == CLEAR_MARK:
        if not column.clearable:
            raise CellError("cannot be emptied with -: "
                            + ("every camera needs one" if column.required else
                               "leave the cell empty to keep the current value"))
        return CLEAR
    return CONVERTERS[column.kind](column, value)


def _nfkc(text: str) -> str:
    """Full-width digits and signs, which Chinese input methods produce, as plain ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _unwrap(text: str) -> str:
    """Tricks that keep Excel from mangling long numbers: ="0123..." and a leading '."""
    match = re.fullmatch(r'="(.*)"', text)
    if match:
        return match.group(1).strip()
    return text[1:].strip() if text.startswith("'") else text


def _code(column: Column, value: Any) -> str:
    if isinstance(value, bool):
        raise CellError("expected a 20-digit code, got a true/false cell")
    if isinstance(value, float) or (isinstance(value, int) and abs(value) >= 10 ** 15):
        raise CellError("Excel stored the code as a number and lost its last digits; format "
                        "the column as text (文本) and type the code again")
    text = _unwrap(_nfkc(str(value)))
    if re.fullmatch(r"\d(\.\d+)?e\+?\d+", text, re.IGNORECASE):
        raise CellError(f"{text} is in scientific notation: Excel turned the code into a "
                        f"number and lost its last digits; format the column as text (文本)")
    return text


def _division(column: Column, value: Any) -> str:
    if isinstance(value, bool):
        raise CellError("expected a division code, got a true/false cell")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        raise CellError(f"{value} is not a division code (6, 9 or 12 digits)")
    return _unwrap(_nfkc(str(value)))


def _text(column: Column, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _format_number(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _number(column: Column, value: Any) -> float:
    if isinstance(value, bool):
        raise CellError("expected a number, got a true/false cell")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = _nfkc(value).replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{value.strip()!r} is not a number") from None
    else:
        raise CellError(f"expected a number, got a {type(value).__name__} cell")
    if not math.isfinite(number):
        raise CellError("must be a finite number")
    return number


def _whole(column: Column, value: Any) -> int:
    number = _number(column, value)
    if not number.is_integer():
        raise CellError(f"{_format_number(number)} is not a whole number")
    return int(number)


def _bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = _nfkc(str(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{str(value).strip()!r} is not yes or no: write 是/否, true/false or 1/0")


def _date(column: Column, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel date serial in a cell without a date format
            return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        raise CellError(f"{value} is not a date")
    if isinstance(value, time):
        raise CellError("expected a date, got a time of day")
    text = _nfkc(str(value))
    match = (re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                          r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text)
             or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if match is None:
        raise CellError(f"{str(value).strip()!r} is not a date: write YYYY-MM-DD")
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        raise CellError(f"{text} is not a real date") from None


def _choice(column: Column, value: Any) -> str:
    assert column.choices is not None
    text = _text(column, value)
    parsed = column.choices.parse(text)
    if parsed is None:
        raise CellError(f"{text!r} is not one of {column.accepted()}")
    return parsed


def _names(column: Column, value: Any) -> Any:
    names = [name.strip() for name in NAME_SEPARATORS.split(_text(column, value))]
    names = list(dict.fromkeys(name for name in names if name))
    return names or NOT_GIVEN


def _secret(column: Column, value: Any) -> str:
    # Never echoed in a message: the password column has no conversion errors at all.
    return _text(column, value)


CONVERTERS = {"code": _code, "division": _division, "text": _text, "secret": _secret,
              "float": _number, "int": _whole, "bool": _bool, "date": _date, "choice": _choice,
              "names": _names}


# --- writing files ---------------------------------------------------------------------------

def _format_number(value: float) -> str:
    """Shortest text that reads back as the same float (90.0 is written 90)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def cell_text(column: Column, value: Any, lang: str) -> Any:
    """A row value as written in a file: labels in the file's language, *** for a password."""
    if value is None or value == "" or value == []:
        return None
    if column.kind == "choice":
        assert column.choices is not None
        return column.choices.label(value, lang)
    if column.kind == "bool":
        return ("是" if value else "否") if lang == "zh" else ("true" if value else "false")
    if column.kind == "names":
        return ("；" if lang == "zh" else ";").join(value)
    if column.kind == "secret":
        return REDACTED  # whatever the caller passed: a password is never written out
    return value


def write_table(rows: Iterable[dict[str, Any]], fmt: str, lang: str) -> bytes:
    if fmt == "csv":
        return write_csv(rows, lang)
    return write_xlsx(rows, lang)


def write_csv(rows: Iterable[dict[str, Any]], lang: str) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header(lang) for column in COLUMNS])
    for row in rows:
        writer.writerow([_csv_cell(cell_text(column, row.get(column.key), lang))
                         for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _format_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_xlsx(rows: Iterable[dict[str, Any]], lang: str) -> bytes:
    """A write-only workbook (fast for tens of thousands of rows); codes are text cells."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLES[lang])
    _size_columns(sheet)
    sheet.freeze_panes = "A2"
    sheet.append([column.header(lang) for column in COLUMNS])
    for row in rows:
        sheet.append([cell_text(column, row.get(column.key), lang) for column in COLUMNS])
    return _save(workbook)


def write_template(fmt: str, lang: str) -> bytes:
    """An empty sheet with the headers; the XLSX one has drop-down lists and instructions."""
    if fmt == "csv":
        return write_csv([], lang)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLES[lang]
    sheet.append([column.header(lang) for column in COLUMNS])
    _size_columns(sheet)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position).font = Font(bold=True, color="C00000" if
                                                      column.required else None)
        if column.kind in ("code", "division"):
            # Text cells: Excel would otherwise turn a 20-digit code into 3.7E+19.
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=position).number_format = "@"
        options = _drop_down(column, lang)
        if options:
            validation = DataValidation(type="list", formula1=f'"{",".join(options)}"',
                                        allow_blank=True)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    _instructions(workbook.create_sheet(HELP_TITLES[lang]), lang)
    return _save(workbook)


def _drop_down(column: Column, lang: str) -> list[str]:
    if column.choices is not None:
        return [column.choices.label(value, lang) for value in column.choices.values()]
    if column.kind == "bool":
        return ["是", "否"] if lang == "zh" else ["true", "false"]
    return []


def _instructions(sheet, lang: str) -> None:
    if lang == "zh":
        sheet.append(["列名", "英文列名", "必填列", "说明", "可填写的值", "示例"])
    else:
        sheet.append(["header", "Chinese header", "required", "meaning", "accepted values",
                      "example"])
    for column in COLUMNS:
        other = column.en if lang == "zh" else column.zh
        required = ("是" if lang == "zh" else "yes") if column.required else ""
        meaning = column.meaning_zh if lang == "zh" else column.meaning_en
        sheet.append([column.header(lang), other, required, meaning, column.accepted(lang),
                      column.example])
    notes = {
        "zh": ["空单元格表示“不填”：新建时用默认值，更新时保持原值。",
               "填 - 表示清空可选项（如楼栋、密码、重点部位）。",
               "国标编码已存在时更新该摄像机，否则新建；同一文件内编码不能重复。",
               "整个文件要么全部导入，要么（有任一行错误时）全部不导入。"],
        "en": ["An empty cell means 'not given': the default for a new camera, the current "
               "value for an existing one.",
               "- empties an optional value (building, password, key places...).",
               "A row whose code exists updates that camera, otherwise it creates one; a code "
               "may appear only once in a file.",
               "A file is imported entirely or, when any row is rejected, not at all."],
    }
    sheet.append([])
    for note in notes[lang]:
        sheet.append([note])
    for position, width in enumerate((18, 18, 8, 60, 50, 24), start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.cell(row=1, column=1).font = Font(bold=True)


def _size_columns(sheet) -> None:
    for position, column in enumerate(COLUMNS, start=1):
        width = {"code": 24, "division": 16, "names": 24}.get(column.kind, 14)
        if column.key == "stream_url":
            width = 36
        sheet.column_dimensions[get_column_letter(position)].width = width


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
