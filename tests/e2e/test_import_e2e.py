"""An integrator imports a file with an error, then the corrected one — in Chromium."""
import pytest
from selenium.webdriver.common.by import By

from camera_registry.services import users
from tests.camera_registry.import_support import csv_bytes, row, table
from tests.e2e.conftest import follow, screenshot
from tests.e2e.test_dashboard_e2e import log_in


@pytest.fixture
def integrator(session, city):
    users.create_user(session, "hengxin", "integrator", city.street_a, password="secret")


def upload(browser, path):
    browser.get(browser.base_url + "/import/")
    browser.find_element(By.NAME, "file").send_keys(str(path))
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.card button"))


def test_import_with_an_error_then_corrected(browser, integrator, city, admin, tmp_path):
    log_in(browser, "hengxin")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(table([row(1, city), row(2, city, lat="95")])))
    upload(browser, bad)
    errors = browser.find_elements(By.CSS_SELECTOR, "#import-errors tbody tr")
    assert len(errors) == 1 and errors[0].find_elements(By.TAG_NAME, "td")[0].text == "3"
    assert not browser.find_elements(By.ID, "confirm-import")
    screenshot(browser, "import-errors")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(table([row(1, city), row(2, city)])))
    upload(browser, good)
    follow(browser, browser.find_element(By.ID, "confirm-import"))
    assert "已导入：新增 2" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert admin.get("/cameras").json["total"] == 2
