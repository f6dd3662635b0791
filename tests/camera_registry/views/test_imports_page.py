import io

import pytest

from tests.camera_registry.import_support import csv_bytes, row, table
from tests.camera_registry.views.conftest import csrf_token


@pytest.fixture
def integrator(browser, make_user, city):
    make_user("hengxin", "integrator", city.street_a)
    browser.login("hengxin")
    return browser


def upload(browser, data: bytes, name: str = "cameras.csv"):
    token = csrf_token(browser.get("/import/").get_data(as_text=True))
    return browser.client.post("/import/", data={"csrf_token": token,
                                                 "file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")


def confirm(browser, page: str):
    return browser.client.post("/import/confirm", data={"csrf_token": csrf_token(page)})


def test_a_bad_row_is_shown_and_nothing_is_imported(integrator, admin, city):
    page = upload(integrator, csv_bytes(table([row(1, city), row(2, city, lat="95")])))
    text = page.get_data(as_text=True)
    assert "import-errors" in text and "纬度" in text and "confirm-import" not in text
    assert admin.get("/cameras").json["total"] == 0


def test_a_good_file_is_checked_then_imported_on_confirmation(integrator, admin, city):
    page = upload(integrator, csv_bytes(table([row(1, city), row(2, city)])))
    assert "confirm-import" in page.get_data(as_text=True)
    assert admin.get("/cameras").json["total"] == 0  # the dry run wrote nothing
    result = confirm(integrator, page.get_data(as_text=True))
    assert "已导入：新增 2" in result.get_data(as_text=True)
    assert admin.get("/cameras").json["total"] == 2


def test_confirmation_without_a_checked_file_asks_for_it_again(integrator):
    page = integrator.get("/import/").get_data(as_text=True)
    response = confirm(integrator, page)
    assert response.status_code == 302


def test_monitors_cannot_import(browser, make_user, city):
    make_user("watcher", "monitor", city.street_a)
    browser.login("watcher")
    assert browser.get("/import/").status_code == 403


def test_template_downloads(integrator):
    response = integrator.get("/import/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
