"""Log in, drill from the city down, open a camera, switch the language — in Chromium."""
from datetime import datetime

import pytest
from selenium.webdriver.common.by import By

from camera_registry.models import Camera
from camera_registry.services import health, users
from camera_registry.services.health import HealthPolicy, Outcome
from tests.conftest import camera_payload
from tests.e2e.conftest import follow, screenshot


@pytest.fixture
def network(admin, city, session):
    users.create_user(session, "zhangwei", "admin", password="secret")
    frozen = Outcome("picture", "ok", True, "degraded", ("frozen",))
    down = Outcome("liveness", "refused", False, detail="connection refused")
    ok = Outcome("liveness", "ok", True)
    for serial, compound, outcomes in (("01", city.compound_a1, [ok]),
                                       ("02", city.compound_a1, [frozen]),
                                       ("03", city.compound_b1, [down] * 3)):
        camera = admin.post("/cameras", json=camera_payload(
            f"3713{'02' if compound == city.compound_a1 else '11'}000113200000{serial}",
            name=f"南门{serial}", compound_id=compound)).json
        for outcome in outcomes:
            health.record(session, session.get(Camera, camera["id"]), outcome,
                          datetime(2026, 11, 22, 8), HealthPolicy())
    session.commit()


def log_in(browser, username="zhangwei", password="secret"):
    browser.get(browser.base_url + "/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.login button"))


def test_log_in_and_drill_down_to_a_camera(browser, network, city):
    log_in(browser)
    assert "总览" in browser.title
    screenshot(browser, "overview")
    follow(browser, browser.find_element(By.LINK_TEXT, "临沂市"))
    follow(browser, browser.find_element(By.LINK_TEXT, "兰山区"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#divisions tbody tr")
    assert [r.find_element(By.TAG_NAME, "a").text for r in rows] == ["金雀山街道"]
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.state-degraded"))
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#camera-list td a")] == ["南门02"]
    screenshot(browser, "cameras")
    follow(browser, browser.find_element(By.LINK_TEXT, "南门02"))
    assert "画面冻结" in browser.find_element(By.CSS_SELECTOR, ".facts").text
    screenshot(browser, "camera")


def test_switch_to_english_and_back(browser, network):
    log_in(browser)
    follow(browser, browser.find_element(By.LINK_TEXT, "English"))
    assert "Online rate" in browser.page_source
    follow(browser, browser.find_element(By.LINK_TEXT, "中文"))
    assert "在线率" in browser.page_source


def test_wrong_password_stays_on_the_login_page(browser, network):
    log_in(browser, password="wrong")
    assert "用户名或密码错误" in browser.find_element(By.CSS_SELECTOR, ".flash").text
