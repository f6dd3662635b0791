"""The summary table as a governance centre pastes it into its weekly report: CSV and XLSX.

One row per division (the children, what the division holds itself, then the total), Chinese
headers by default or English ones; the workbook adds the late compounds and the rules.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from camera_registry.errors import field_error
from camera_registry.services.reports import TIMEZONE, Report, Row

LANGUAGES = ("zh", "en")
COUNT, RATE, TEXT = "count", "rate", "text"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str
    rule_zh: str
    rule_en: str

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def rule(self, lang: str) -> str:
        return self.rule_zh if lang == "zh" else self.rule_en


COLUMNS = (
    Column("code", "区划代码", "Division code", TEXT, "行政区划代码", "administrative code"),
    Column("name", "区划名称", "Division", TEXT, "最后一行为合计；“本级”为直属本级的对象",
           "the last row is the total; '本级' rows hold what belongs to the division itself"),
    Column("compounds", "小区总数", "Compounds", COUNT, "登记的全部小区", "every compound"),
    Column("campaign", "创建小区", "Campaign compounds", COUNT, "纳入平安小区创建的小区",
           "compounds in the Safe Compound campaign"),
    Column("built", "建设到位", "Built", COUNT,
           "创建小区中至少有一路探头为已安装或已联网",
           "campaign compounds with at least one installed or networked camera"),
    Column("built_rate", "建设到位率", "Built rate", RATE, "建设到位 ÷ 创建小区",
           "built / campaign compounds"),
    Column("networked", "联网到位", "Networked", COUNT,
           "建设到位，且已安装/已联网探头全部联网至县级或市级平台",
           "built, and every installed or networked camera networked to the county or city "
           "platform"),
    Column("networked_rate", "联网到位率", "Networked rate", RATE, "联网到位 ÷ 创建小区",
           "networked / campaign compounds"),
    Column("weak", "薄弱小区", "Weak compounds", COUNT, "标记为治安基础薄弱的小区",
           "compounds marked weak"),
    Column("built_late", "建设逾期", "Late: built", COUNT,
           "创建小区未建设到位且建设目标日期早于统计日期",
           "campaign compounds not built whose built target is before the report's date"),
    Column("networked_late", "联网逾期", "Late: networked", COUNT,
           "创建小区未联网到位且联网目标日期早于统计日期",
           "campaign compounds not networked whose networked target is before the date"),
    Column("cameras", "登记探头", "Cameras registered", COUNT, "规划、已安装、已联网（不含已退役）",
           "planned, installed and networked cameras (not retired)"),
    Column("installed", "已安装探头", "Cameras installed", COUNT, "已安装或已联网",
           "installed or networked"),
    Column("networked_cameras", "已联网探头", "Cameras networked", COUNT, "生命周期为已联网",
           "lifecycle networked"),
    Column("channels", "联网路数", "Networked channels", COUNT,
           "已联网至乡镇级、县级或市级平台的探头（全区域，不限于小区）",
           "cameras networked to the town, county or city platform, anywhere"),
    Column("checked", "检测探头", "Cameras checked", COUNT, "已安装/已联网且启用在线检测",
           "installed or networked with health checks enabled"),
    Column("online", "在线", "Online", COUNT, "检测探头中状态为在线或图像异常（视频流可达）",
           "checked cameras whose state is online or degraded (the stream answers)"),
    Column("maintenance", "维护中", "In maintenance", COUNT, "检测探头中处于维护时段的",
           "checked cameras inside a maintenance window"),
    Column("online_rate", "在线率", "Online rate", RATE, "在线 ÷（检测探头 − 维护中）",
           "online / (checked − in maintenance)"),
    Column("intact", "完好", "Intact", COUNT, "已安装探头中状态为在线（图像诊断通过）",
           "installed cameras whose state is online (the picture passes)"),
    Column("intact_rate", "完好率", "Intact rate", RATE, "完好 ÷ 已安装探头",
           "intact / installed cameras"),
    Column("online_rate_period", "时段在线率", "Online rate (period)", RATE,
           "统计时段内在线时长 ÷ 应在线时长（检测探头，扣除维护时段）",
           "online camera-hours / scheduled camera-hours of checked cameras over the period "
           "(maintenance left out)"),
    Column("intact_rate_period", "时段完好率", "Intact rate (period)", RATE,
           "统计时段内完好时长 ÷ 已安装探头总时长",
           "intact camera-hours / camera-hours of installed cameras over the period"),
    Column("key_places", "重点部位", "Key places", COUNT, "登记的重点部位", "every key place"),
    Column("key_places_full", "全覆盖", "Fully covered", COUNT,
           "在用探头覆盖比例 ≥ 要求覆盖比例", "working coverage ≥ the required coverage"),
    Column("key_places_partial", "部分覆盖", "Partly covered", COUNT,
           "覆盖比例 ≥ 5% 但未达要求", "coverage at least 5% but below the required one"),
    Column("key_places_uncovered", "未覆盖", "Uncovered", COUNT, "覆盖比例 < 5%（盲区）",
           "coverage below 5% (a blind spot)"),
    Column("key_places_design_full", "设计全覆盖", "Fully covered by design", COUNT,
           "全部已安装探头都在用时可达全覆盖", "fully covered if every installed camera worked"),
)

TITLE = {"zh": "{name}平安小区建设与视频监控统计表",
         "en": "{name}: Safe Compound campaign and video network figures"}
SUBTITLE = {"zh": "统计时点 {as_of}（北京时间）｜时段 {days} 天｜数据来源：{source}｜口径见“说明”",
            "en": "As of {as_of} (Beijing time) | period {days} day(s) | source: {source} | "
                  "rules on the 'Rules' sheet"}
SOURCES = {"zh": {"live": "实时", "reconstructed": "按历史状态重建", "snapshot": "当日08:00快照"},
           "en": {"live": "live", "reconstructed": "reconstructed from the history",
                  "snapshot": "the 08:00 snapshot of that day"}}
SHEETS = {"zh": ("统计表", "逾期小区", "说明"), "en": ("Summary", "Late compounds", "Rules")}
LATE_COLUMNS = {
    "zh": ("小区ID", "小区名称", "社区代码", "社区名称", "逾期事项", "建设目标", "联网目标",
           "逾期天数", "薄弱小区"),
    "en": ("Compound id", "Compound", "Community code", "Community", "Late for", "Built target",
           "Networked target", "Days late", "Weak"),
}
LATE_WORDS = {"zh": {"built": "建设", "networked": "联网", True: "是", False: ""},
              "en": {"built": "built", "networked": "networked", True: "yes", False: ""}}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise field_error("lang", f"must be one of {', '.join(LANGUAGES)}")
    return lang


def row_values(row: Row, lang: str, total: bool) -> list[Any]:
    data = row.to_json()
    name = row.name
    if total:
        name = f"{row.name}（合计）" if lang == "zh" else f"{row.name} (total)"
    return [name if c.key == "name" else data[c.key] for c in COLUMNS]


def to_csv(report: Report, lang: str = "zh") -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header(lang) for c in COLUMNS])
    rows = report.rows
    for index, row in enumerate(rows):
        values = row_values(row, lang, total=index == len(rows) - 1)
        writer.writerow([_csv_cell(c, value) for c, value in zip(COLUMNS, values)])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == RATE:
        return f"{value * 100:.1f}%"
    return str(value)


def to_xlsx(report: Report, lang: str = "zh") -> bytes:
    book = Workbook()
    summary_sheet = book.active
    summary_sheet.title = SHEETS[lang][0]
    _summary_sheet(summary_sheet, report, lang)
    _late_sheet(book.create_sheet(SHEETS[lang][1]), report, lang)
    _rules_sheet(book.create_sheet(SHEETS[lang][2]), lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_sheet(sheet, report: Report, lang: str) -> None:
    sheet.append([TITLE[lang].format(name=report.total.name)])
    as_of = report.as_of.replace(tzinfo=timezone.utc).astimezone(TIMEZONE)
    sheet.append([SUBTITLE[lang].format(as_of=as_of.strftime("%Y-%m-%d %H:%M"),
                                        days=report.days,
                                        source=SOURCES[lang][report.source])])
    sheet.append([c.header(lang) for c in COLUMNS])
    rows = report.rows
    for index, row in enumerate(rows):
        sheet.append(row_values(row, lang, total=index == len(rows) - 1))
    header, first, last = 3, 4, 3 + len(rows)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[header]:
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if column.key == "name" else (
            14 if column.kind == TEXT else 11)
        if column.kind == RATE:
            for (cell,) in sheet.iter_rows(min_row=first, max_row=last, min_col=index,
                                           max_col=index):
                cell.number_format = "0.0%"
        if column.kind == TEXT:
            for (cell,) in sheet.iter_rows(min_row=first, max_row=last, min_col=index,
                                           max_col=index):
                cell.number_format = "@"  # codes stay text, not numbers in exponent form
    sheet.freeze_panes = sheet.cell(row=first, column=3)


def _late_sheet(sheet, report: Report, lang: str) -> None:
    sheet.append(list(LATE_COLUMNS[lang]))
    words = LATE_WORDS[lang]
    for late in report.late_compounds:
        sheet.append([late["compound_id"], late["name"], late["division_code"],
                      late["division_name"],
                      ("、" if lang == "zh" else ", ").join(words[w] for w in late["late_for"]),
                      late["built_target"], late["networked_target"], late["days_late"],
                      words[late["weak"]]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (10, 22, 16, 18, 12, 12, 12, 10, 8)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _rules_sheet(sheet, lang: str) -> None:
    sheet.append(["指标" if lang == "zh" else "Figure", "口径" if lang == "zh" else "Rule"])
    for column in COLUMNS:
        sheet.append([column.header(lang), column.rule(lang)])
    sheet.append([])
    sheet.append(["docs/COVERAGE.md"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 90
