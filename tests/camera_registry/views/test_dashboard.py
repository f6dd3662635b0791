from datetime import datetime

import pytest

from camera_registry.models import Camera
from camera_registry.services import health
from camera_registry.services.health import HealthPolicy, Outcome
from tests.conftest import camera_payload

PASSWORD = "Cam-Secret-771"


@pytest.fixture
def cameras(admin, city, session):
    a = admin.post("/cameras", json=camera_payload(
        "37130200011320000001", name="阳光花园南门", compound_id=city.compound_a1,
        stream_password=PASSWORD)).json
    b = admin.post("/cameras", json=camera_payload(
        "37131100011320000002", name="龙潭小区北门", compound_id=city.compound_b1)).json
    frozen = Outcome("picture", "ok", True, "degraded", ("frozen",))
    health.record(session, session.get(Camera, a["id"]), frozen, datetime(2026, 11, 22),
                  HealthPolicy())
    session.commit()
    return a, b


@pytest.fixture
def street_monitor(browser, make_user, city):
    make_user("jinqueshan", "monitor", city.street_a)
    browser.login("jinqueshan")
    return browser


@pytest.fixture
def city_admin(browser, make_user, city):
    make_user("boss", "admin")
    browser.login("boss")
    return browser


def test_overview_opens_on_the_city(city_admin, cameras):
    page = city_admin.get("/").get_data(as_text=True)
    assert "<h1>临沂市" in page and "登记摄像机" in page and "兰山区" in page


def test_overview_drills_down_to_children(city_admin, cameras, city):
    page = city_admin.get(f"/?division={city.city}").get_data(as_text=True)
    assert "兰山区" in page and "罗庄区" in page


def test_camera_list_filters_by_fault(city_admin, cameras):
    page = city_admin.get("/cameras?fault=frozen").get_data(as_text=True)
    assert "阳光花园南门" in page and "龙潭小区北门" not in page


def test_camera_page_shows_state_faults_and_history(city_admin, cameras):
    page = city_admin.get(f"/cameras/{cameras[0]['id']}").get_data(as_text=True)
    assert "画面冻结" in page and "37130200011320000001" in page and "未知" in page


def test_street_monitor_sees_only_the_street(street_monitor, cameras):
    page = street_monitor.get("/cameras").get_data(as_text=True)
    assert "阳光花园南门" in page and "龙潭小区北门" not in page


def test_street_monitor_cannot_open_another_street_camera(street_monitor, cameras):
    assert street_monitor.get(f"/cameras/{cameras[1]['id']}").status_code == 404
    assert street_monitor.get(f"/cameras/{cameras[1]['id']}/snapshot.jpg").status_code == 404


def test_street_monitor_cannot_drill_outside_the_street(street_monitor, cameras, city):
    assert street_monitor.get(f"/?division={city.county_b}").status_code == 404


def test_no_page_shows_the_stream_password(city_admin, cameras):
    for path in ("/", "/cameras", f"/cameras/{cameras[0]['id']}"):
        assert PASSWORD not in city_admin.get(path).get_data(as_text=True)


def test_bad_filter_is_explained_not_an_error(city_admin, cameras):
    page = city_admin.get("/cameras?state=asleep")
    assert page.status_code == 200 and "asleep" in page.get_data(as_text=True)


def test_check_now_button_runs_a_picture_check(city_admin, admin, city, rtsp_server, app):
    app.config["PICTURE_WINDOW_S"] = 1.0
    camera = admin.post("/cameras", json=camera_payload(
        "37130200011320000009", compound_id=city.compound_a1,
        stream_url=rtsp_server.url("/live"))).json
    page = f"/cameras/{camera['id']}"
    response = city_admin.post_form(page, f"{page}/check", {"kind": "picture"},
                                    follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "检测完成" in text and "在线" in text
    assert city_admin.get(f"{page}/snapshot.jpg").mimetype == "image/jpeg"


def test_overview_figures_are_reused_for_a_while(city_admin, cameras, admin, city):
    first = city_admin.get("/").get_data(as_text=True)
    admin.post("/cameras", json=camera_payload("37130200011320000005",
                                               compound_id=city.compound_a1))
    assert city_admin.get("/").get_data(as_text=True) == first  # within CAMREG_REPORT_CACHE_S
