"""POST /cameras/import, GET /cameras/export and GET /cameras/import/template."""
import io
import logging

import openpyxl
import pytest

from tests.camera_registry.import_support import (PASSWORD, code, csv_bytes, headers,  # noqa: F401
                                                  places, read_csv, row, table, xlsx_bytes)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(api, data: bytes, filename: str = "cameras.csv", query: str = "", **kwargs):
    return api.post(f"/cameras/import{query}", data={"file": (io.BytesIO(data), filename)},
                    content_type="multipart/form-data", **kwargs)


def camera_codes(api) -> list[str]:
    return [item["code"] for item in api.get("/cameras?sort=code").json["items"]]


@pytest.fixture
def street_a_integrator(make_api, city):
    return make_api("integrator", city.street_a)


# --- importing -------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding_creates_cameras(admin, city, encoding):
    response = upload(admin, csv_bytes(table([row(1, city), row(2, city)]), encoding))
    assert response.status_code == 200, response.json
    assert response.json["summary"]["created"] == 2 and response.json["applied"] is True
    assert camera_codes(admin) == [code(1), code(2)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_with_either_header_language_creates_cameras(admin, city, lang):
    response = upload(admin, xlsx_bytes(table([row(1, city)], lang)), "cameras.xlsx")
    assert response.status_code == 200 and response.json["file"]["language"] == lang
    assert camera_codes(admin) == [code(1)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("lang, column", [("zh", "经度"), ("en", "lon")])
def test_a_bad_row_is_reported_in_each_encoding_and_language(admin, city, encoding, lang,
                                                             column):
    data = csv_bytes(table([row(1, city), row(2, city, lon="东经118度")], lang), encoding)
    response = upload(admin, data)
    assert response.status_code == 422
    assert response.json["details"] == [{"row": 3, "column": column, "field": "lon",
                                         "message": "'东经118度' is not a number"}]


def test_an_xlsx_code_stored_as_a_number_is_a_row_error(admin, city):
    data = xlsx_bytes(table([row(1, city, code=37130200011320000001)]))
    response = upload(admin, data, "cameras.xlsx")
    assert response.status_code == 422 and response.json["details"][0]["column"] == "国标编码"
    assert "format the column as text" in response.json["details"][0]["message"]


def test_a_raw_csv_body_is_accepted(admin, city):
    response = admin.post("/cameras/import", data=csv_bytes(table([row(1, city)])),
                          content_type="text/csv")
    assert response.status_code == 200 and camera_codes(admin) == [code(1)]


def test_a_raw_xlsx_body_is_accepted(admin, city):
    response = admin.post("/cameras/import", data=xlsx_bytes(table([row(1, city)])),
                          content_type=XLSX)
    assert response.status_code == 200 and camera_codes(admin) == [code(1)]


@pytest.mark.parametrize("query, form", [("?dry_run=true", {}), ("", {"dry_run": "1"})])
def test_a_dry_run_reports_and_writes_nothing(admin, city, query, form):
    data = {"file": (io.BytesIO(csv_bytes(table([row(1, city)]))), "c.csv"), **form}
    response = admin.post(f"/cameras/import{query}", data=data,
                          content_type="multipart/form-data")
    assert response.status_code == 200 and response.json["dry_run"] is True
    assert response.json["created"] == [{"row": 2, "code": code(1), "name": "东门1"}]
    assert camera_codes(admin) == []


def test_a_dry_run_reports_rejected_rows_with_200(admin, city):
    response = upload(admin, csv_bytes(table([row(1, city, lon="x")])), query="?dry_run=1")
    assert response.status_code == 200 and response.json["summary"]["rejected"] == 1


def test_rejected_rows_are_a_422_with_the_full_report(admin, city):
    response = upload(admin, csv_bytes(table([row(1, city), row(2, city, lat="北纬")])))
    body = response.json
    assert response.status_code == 422 and body["error"] == "invalid_input"
    assert body["details"] == [{"row": 3, "column": "纬度", "field": "lat",
                                "message": "'北纬' is not a number"}]
    assert body["report"]["summary"] == {"rows": 2, "created": 1, "updated": 0,
                                         "unchanged": 0, "rejected": 1}
    assert camera_codes(admin) == []


def test_reimporting_updates_by_code(admin, city):
    upload(admin, csv_bytes(table([row(1, city)])))
    response = upload(admin, csv_bytes(table([row(1, city, name="东门（改）")])))
    assert response.json["updated"] == [{"row": 2, "code": code(1), "name": "东门（改）",
                                         "fields": ["name"]}]
    assert [c["name"] for c in admin.get("/cameras").json["items"]] == ["东门（改）"]


def test_the_change_log_shares_the_imports_request_id(admin, city):
    response = upload(admin, csv_bytes(table([row(1, city), row(2, city)])),
                      headers={"X-Request-ID": "import-0001"})
    changes = admin.get("/changes?request_id=import-0001").json["items"]
    assert response.json["request_id"] == "import-0001"
    assert sorted(c["object_repr"] for c in changes) == [f"{code(1)} 东门1", f"{code(2)} 东门2"]


# --- bad files -------------------------------------------------------------------------------

def test_unknown_headers_are_a_400_naming_them(admin, city):
    data = csv_bytes([headers("zh") + ["备注"], list(row(1, city).values())])
    response = upload(admin, data)
    assert response.status_code == 400 and "'备注'" in response.json["message"]


def test_missing_required_columns_are_a_400(admin):
    response = upload(admin, csv_bytes([["国标编码", "名称"]]))
    assert response.status_code == 400 and "经度 (lon)" in response.json["message"]


def test_an_empty_file_is_a_400(admin):
    response = upload(admin, b"")
    assert response.status_code == 400 and response.json["message"] == "the file is empty"


def test_a_header_without_rows_is_a_400(admin):
    response = upload(admin, csv_bytes([headers("zh")]))
    assert response.status_code == 400 and "no camera rows" in response.json["message"]


def test_a_picture_is_a_415(admin):
    response = upload(admin, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.png")
    assert response.status_code == 415 and response.json["error"] == "unsupported_media_type"


def test_a_corrupt_xlsx_is_a_400(admin, city):
    data = xlsx_bytes(table([row(1, city)]))
    response = upload(admin, data[:-200], "cameras.xlsx")
    assert response.status_code == 400 and "damaged" in response.json["message"]


def test_a_json_body_is_a_415(admin):
    response = admin.post("/cameras/import", json={"code": code(1)})
    assert response.status_code == 415 and "multipart/form-data" in response.json["message"]


def test_a_form_without_a_file_is_a_400(admin):
    response = admin.post("/cameras/import", data={"other": "x"},
                          content_type="multipart/form-data")
    assert response.status_code == 400 and "'file'" in response.json["message"]


def test_an_upload_over_the_limit_is_a_413(app, admin, city):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(admin, csv_bytes(table([row(n, city) for n in range(1, 40)])))
    assert response.status_code == 413 and "CAMREG_MAX_UPLOAD_MB" in response.json["message"]


# --- roles and scope -------------------------------------------------------------------------

def test_monitors_get_403(make_api, city):
    monitor = make_api("monitor", city.county_a)
    assert upload(monitor, csv_bytes(table([row(1, city)]))).status_code == 403


def test_an_integrator_cannot_import_into_another_street(street_a_integrator, city):
    response = upload(street_a_integrator, csv_bytes(table([
        row(1, city), row(2, city, code=code(2, "371311"), compound="龙潭小区",
                          division_code=city.community_b1)])))
    assert response.status_code == 422
    assert [(d["row"], d["column"]) for d in response.json["details"]] == [(3, "行政区划代码")]


def test_an_integrator_imports_into_its_own_street(street_a_integrator, city):
    response = upload(street_a_integrator, csv_bytes(table([row(1, city)])))
    assert response.status_code == 200 and camera_codes(street_a_integrator) == [code(1)]


def test_export_shows_only_the_integrators_scope(admin, street_a_integrator, city):
    upload(admin, csv_bytes(table([row(1, city), row(2, city, code=code(2, "371311"),
                                                     compound="龙潭小区",
                                                     division_code=city.community_b1)])))
    exported = read_csv(street_a_integrator.get("/cameras/export").data)
    assert [line[0] for line in exported[1:]] == [code(1)]


def test_monitors_may_export_their_scope(admin, make_api, city):
    upload(admin, csv_bytes(table([row(1, city)])))
    response = make_api("monitor", city.county_a).get("/cameras/export")
    assert response.status_code == 200 and response.headers["X-Camera-Count"] == "1"


# --- export ----------------------------------------------------------------------------------

def test_csv_export_is_utf8_with_bom_and_the_import_headers(admin, city):
    upload(admin, csv_bytes(table([row(1, city)])))
    response = admin.get("/cameras/export?format=csv&lang=zh")
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    assert read_csv(response.data)[0] == headers("zh")
    assert "attachment" in response.headers["Content-Disposition"]


def test_xlsx_export_in_english(admin, city):
    upload(admin, csv_bytes(table([row(1, city)])))
    response = admin.get("/cameras/export?format=xlsx&lang=en")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert response.mimetype == XLSX
    assert [c.value for c in sheet[1]] == headers("en") and sheet["A2"].value == code(1)


def test_export_takes_the_camera_list_filters(admin, city):
    upload(admin, csv_bytes(table([row(1, city), row(2, city, compound="",
                                                     division_code=city.community_a2)])))
    exported = read_csv(admin.get(f"/cameras/export?division={city.community_a2}").data)
    assert [line[0] for line in exported[1:]] == [code(2)]


@pytest.mark.parametrize("query", ["format=pdf", "lang=fr", "page=2"])
def test_export_rejects_unknown_parameters_and_values(admin, query):
    assert admin.get(f"/cameras/export?{query}").status_code == 400


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimports_unchanged(admin, city, places, fmt):
    upload(admin, csv_bytes(table([row(1, city, building="3号楼", key_places="东门",
                                       stream_password=PASSWORD),
                                   row(2, city, lifecycle="已联网", networked_level="市级")])))
    exported = admin.get(f"/cameras/export?format={fmt}").data
    response = upload(admin, exported, f"export.{fmt}")
    assert response.json["summary"]["unchanged"] == 2 and response.json["updated"] == []


# --- the password ----------------------------------------------------------------------------

def test_the_password_is_in_no_export_answer_or_log_line(admin, city, caplog):
    caplog.set_level(logging.DEBUG)
    data = csv_bytes(table([row(1, city, stream_password=PASSWORD)]))
    answers = [upload(admin, data, query="?dry_run=1"), upload(admin, data),
               upload(admin, csv_bytes(table([row(1, city, stream_password=PASSWORD + "2"),
                                              row(2, city, lon="x",
                                                  stream_password=PASSWORD)]))),
               admin.get("/cameras/export?format=csv"), admin.get("/cameras/export?format=xlsx"),
               admin.get("/changes")]
    for response in answers:
        assert PASSWORD.encode() not in response.data
    assert b"***" in answers[3].data
    assert caplog.records and PASSWORD not in caplog.text


# --- template and routes ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_template_has_the_headers(admin, lang):
    response = admin.get(f"/cameras/import/template?format=csv&lang={lang}")
    assert response.status_code == 200 and read_csv(response.data) == [headers(lang)]


def test_xlsx_template_can_be_filled_in_and_imported(admin, city):
    response = admin.get("/cameras/import/template?format=xlsx&lang=zh")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    workbook["摄像机"].append([row(1, city).get(key, "") or None for key in (
        "code", "name", "kind", "stream_url", "stream_username", "stream_password", "lon",
        "lat", "height_m", "bearing_deg", "fov_deg", "range_m", "division_code", "compound")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(admin, buffer.getvalue(), "filled.xlsx").json["summary"]["created"] == 1


def test_the_static_routes_are_not_taken_for_camera_ids(admin):
    assert admin.get("/cameras/export").status_code == 200
    assert admin.get("/cameras/import/template").status_code == 200


def test_the_routes_are_in_the_openapi_document(admin):
    paths = admin.get("/openapi.json").json["paths"]
    assert {"post"} <= set(paths["/api/v1/cameras/import"])
    assert {"get"} <= set(paths["/api/v1/cameras/export"])
    assert {"get"} <= set(paths["/api/v1/cameras/import/template"])
