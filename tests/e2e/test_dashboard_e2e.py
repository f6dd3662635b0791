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
    assert "临沂市" in browser.title
    screenshot(browser, "overview")
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


def test_compound_map_and_acknowledging_an_incident(browser, admin, city, session):
    from camera_registry.services import incidents
    from camera_registry.services.notifications import AlertPolicy

    users.create_user(session, "zhangwei", "admin", password="secret")
    place = admin.post("/key-places", json={
        "name": "南门广场", "kind": "gate", "compound_id": city.compound_a1,
        "polygon": {"type": "Polygon", "coordinates": [[[118.3502, 35.0502], [118.3510, 35.0502],
                                                        [118.3510, 35.0510], [118.3502, 35.0510],
                                                        [118.3502, 35.0502]]]}}).json
    camera = admin.post("/cameras", json=camera_payload(
        "37130200011320000007", name="南门枪机", compound_id=city.compound_a1, lon=118.3502,
        lat=35.0502, bearing_deg=45, fov_deg=60, range_m=60, key_place_ids=[place["id"]])).json
    down = Outcome("liveness", "refused", False, detail="connection refused")
    for minute in range(3):
        transition = health.record(session, session.get(Camera, camera["id"]), down,
                                   datetime(2026, 11, 22, 8, minute), HealthPolicy())
    incidents.on_transition(session, session.get(Camera, camera["id"]), transition, AlertPolicy())
    session.commit()
    log_in(browser)
    for name in ("兰山区", "金雀山街道", "银雀山社区", "阳光花园"):  # drill from the city down
        follow(browser, browser.find_element(By.LINK_TEXT, name))
    assert browser.find_elements(By.CSS_SELECTOR, "#compound-map path.blind-spot")
    assert browser.find_elements(By.CSS_SELECTOR, "#compound-map circle.camera.offline")
    screenshot(browser, "compound-map")
    browser.get(f"{browser.base_url}/incidents")
    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "南门枪机"))
    browser.find_element(By.NAME, "comment").send_keys("已派维修")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "#acknowledge button"))
    assert "已签收" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    screenshot(browser, "incident")
