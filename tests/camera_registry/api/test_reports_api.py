"""GET /api/v1/reports/summary (JSON, CSV, XLSX) and /reports/daily: figures, files, scope."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from camera_registry.services import reports
from tests.camera_registry.coverage_support import NOW, build_campaign

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def campaign(admin, city, session):
    return build_campaign(admin, city, session)


def test_summary_of_the_city_and_its_counties(admin, campaign):
    response = admin.get("/reports/summary", query_string={"division": "371300"})
    assert response.status_code == 200, response.json
    body = response.json
    division = body["division"]
    assert (division["code"], division["name"]) == ("371300", "临沂市")
    assert (division["campaign"], division["built"], division["networked"],
            division["channels"]) == (3, 2, 1, 5)
    assert [row["code"] for row in body["children"]] == ["371302", "371311"]
    assert sum(row["channels"] for row in body["children"]) == division["channels"]
    assert body["source"] == "live" and body["held_directly"] is None
    assert body["period"]["days"] == 1 and body["rules"] == "docs/COVERAGE.md"
    assert {c["name"] for c in body["late_compounds"]} == {"南坊小区", "龙潭小区"}


def test_without_a_division_the_root_is_reported(admin, campaign):
    assert admin.get("/reports/summary").json["division"]["code"] == "371300"


def test_a_street_token_sees_only_its_street(make_api, campaign):
    street = make_api("monitor", campaign.city.street_a)
    body = street.get("/reports/summary").json
    assert body["division"]["code"] == campaign.city.street_a
    assert [row["code"] for row in body["children"]] == [campaign.city.community_a1,
                                                         campaign.city.community_a2]
    assert body["held_directly"]["cameras"] == 1  # the school-gate camera of the street
    assert body["division"]["campaign"] == 2  # a1 and a2; b1 is in the other county
    assert {c["name"] for c in body["late_compounds"]} == {"南坊小区"}
    for code in ("371300", campaign.city.county_b, campaign.city.community_b1):
        response = street.get("/reports/summary", query_string={"division": code})
        assert response.status_code == 422, code
        assert "in your scope" in response.json["message"]
    response = street.get("/reports/summary.csv", query_string={"division": "371300"})
    assert response.status_code == 422
    rows = _csv(street.get("/reports/summary.csv").data)
    assert [row[0] for row in rows[1:]] == [campaign.city.community_a1,
                                            campaign.city.community_a2,
                                            campaign.city.street_a, campaign.city.street_a]


def test_csv_has_chinese_headers_one_row_per_division_and_the_total_last(admin, campaign):
    response = admin.get("/reports/summary.csv", query_string={"division": "371300"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="summary-371300-' in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())  # Excel reads the UTF-8
    rows = _csv(response.data)
    assert rows[0][:6] == ["区划代码", "区划名称", "小区总数", "创建小区", "建设到位", "建设到位率"]
    assert [row[1] for row in rows[1:]] == ["兰山区", "罗庄区", "临沂市（合计）"]
    total = dict(zip(rows[0], rows[-1]))
    assert (total["创建小区"], total["联网路数"], total["在线率"]) == ("3", "5", "60.0%")
    same = admin.get("/reports/summary", query_string={"division": "371300", "format": "csv"})
    assert same.data == response.data


def test_english_headers_on_request(admin, campaign):
    rows = _csv(admin.get("/reports/summary.csv", query_string={"lang": "en"}).data)
    assert rows[0][:4] == ["Division code", "Division", "Compounds", "Campaign compounds"]
    assert rows[-1][1] == "临沂市 (total)"


def test_xlsx_is_the_same_table_with_rules_and_late_compounds(admin, campaign):
    response = admin.get("/reports/summary.xlsx", query_string={"division": "371300"})
    assert response.status_code == 200 and response.mimetype == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["统计表", "逾期小区", "说明"]
    sheet = book["统计表"]
    assert "临沂市" in sheet["A1"].value and "北京时间" in sheet["A2"].value
    header = [cell.value for cell in sheet[3]]
    assert header[:3] == ["区划代码", "区划名称", "小区总数"]
    total = dict(zip(header, [cell.value for cell in sheet[6]]))
    assert total["区划名称"] == "临沂市（合计）" and total["联网路数"] == 5
    assert total["在线率"] == 0.6
    assert sheet.cell(row=6, column=header.index("在线率") + 1).number_format == "0.0%"
    late = [[cell.value for cell in row] for row in book["逾期小区"].iter_rows(min_row=2)]
    assert {row[1]: row[4] for row in late} == {"南坊小区": "建设、联网", "龙潭小区": "联网"}
    rules = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=2)
             if row[1].value}
    assert "县级或市级" in rules["联网到位"]
    english = openpyxl.load_workbook(io.BytesIO(admin.get(
        "/reports/summary", query_string={"format": "xlsx", "lang": "en"}).data))
    assert english.sheetnames == ["Summary", "Late compounds", "Rules"]


def test_a_past_date(admin, campaign, session):
    body = admin.get("/reports/summary", query_string={"at": "2026-11-20"}).json
    assert body["source"] == "reconstructed" and body["date"] == "2026-11-20"
    assert body["as_of"] == "2026-11-20T00:00:00Z"
    reports.take_snapshot(session, NOW)
    session.commit()
    body = admin.get("/reports/summary", query_string={"at": "2026-11-21", "days": "7"}).json
    assert body["source"] == "reconstructed"  # snapshots hold one-day periods only
    body = admin.get("/reports/summary", query_string={"at": "2026-11-21"}).json
    assert body["source"] == "snapshot" and body["division"]["channels"] == 5


def test_daily_figures_for_trend_charts(admin, campaign, session):
    reports.take_snapshot(session, NOW)
    session.commit()
    response = admin.get("/reports/daily", query_string={"division": campaign.city.county_a})
    assert response.status_code == 200
    assert response.json["division"] == campaign.city.county_a
    (item,) = response.json["items"]
    assert item["date"] == "2026-11-21" and item["name"] == "兰山区"
    assert admin.get("/reports/daily", query_string={"from": "2026-11-22"}).json["items"] == []


@pytest.mark.parametrize("path, params, status, field", [
    ("/reports/summary", {"at": "2026-13-01"}, 422, "at"),
    ("/reports/summary", {"at": "2999-01-01"}, 422, "at"),
    ("/reports/summary", {"days": "0"}, 422, "days"),
    ("/reports/summary", {"days": "32"}, 422, "days"),
    ("/reports/summary", {"format": "pdf"}, 422, "format"),
    ("/reports/summary", {"lang": "fr", "format": "csv"}, 422, "lang"),
    ("/reports/summary", {"division": "999999"}, 422, "division"),
    ("/reports/summary", {"colour": "red"}, 400, None),
    ("/reports/summary.csv", {"format": "csv"}, 400, None),
    ("/reports/summary.xlsx", {"lang": "de"}, 422, "lang"),
    ("/reports/daily", {"from": "2026-11-31"}, 422, "from"),
])
def test_bad_parameters_are_refused(admin, city, path, params, status, field):
    response = admin.get(path, query_string=params)
    assert response.status_code == status, response.json
    if field:
        assert response.json["details"][0]["field"] == field


def test_reports_need_a_token(client_without_token):
    assert client_without_token.get("/api/v1/reports/summary").status_code == 401
    assert client_without_token.get("/api/v1/reports/summary.csv").status_code == 401


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
