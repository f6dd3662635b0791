from datetime import datetime

import pytest

from camera_registry.models import Camera
from camera_registry.services import health, incidents
from camera_registry.services.health import HealthPolicy, Outcome
from camera_registry.services.notifications import AlertPolicy
from tests.conftest import SQUARE, camera_payload

GATE = {"type": "Polygon", "coordinates": [[[118.3502, 35.0502], [118.3510, 35.0502],
                                            [118.3510, 35.0510], [118.3502, 35.0510],
                                            [118.3502, 35.0502]]]}


@pytest.fixture
def compound(admin, city, session):
    place = admin.post("/key-places", json={"name": "南门广场", "kind": "gate", "polygon": GATE,
                                            "compound_id": city.compound_a1}).json
    camera = admin.post("/cameras", json=camera_payload(
        "37130200011320000001", name="南门枪机", compound_id=city.compound_a1, lon=118.3502,
        lat=35.0502, bearing_deg=45, fov_deg=60, range_m=60,
        key_place_ids=[place["id"]])).json
    down = Outcome("liveness", "refused", False, detail="connection refused")
    transition = None
    for minute in range(3):
        transition = health.record(session, session.get(Camera, camera["id"]), down,
                                   datetime(2026, 11, 22, 8, minute), HealthPolicy())
    incidents.on_transition(session, session.get(Camera, camera["id"]), transition, AlertPolicy())
    session.commit()
    return city.compound_a1


@pytest.fixture
def city_admin(browser, make_user):
    make_user("boss", "admin")
    browser.login("boss")
    return browser


def test_compound_map_shows_places_cameras_and_blind_spots(city_admin, compound):
    page = city_admin.get(f"/compounds/{compound}").get_data(as_text=True)
    assert 'id="compound-map"' in page and 'class="boundary"' in page
    assert 'class="key-place uncovered"' in page  # its only camera is offline
    assert 'class="blind-spot"' in page and 'class="camera offline"' in page


def test_compound_of_another_street_is_hidden(browser, make_user, city, compound):
    make_user("luozhuang", "monitor", city.street_b)
    browser.login("luozhuang")
    assert browser.get(f"/compounds/{compound}").status_code == 404


def test_incident_list_shows_the_open_incident(city_admin, compound):
    page = city_admin.get("/incidents").get_data(as_text=True)
    assert "南门枪机" in page and "open" in page


def test_acknowledge_an_incident_with_a_comment(city_admin, compound, admin):
    incident_id = admin.get("/incidents").json["items"][0]["id"]
    page = f"/incidents/{incident_id}"
    city_admin.post_form(page, page, {"comment": "已派维修"})
    after = admin.get(f"/incidents/{incident_id}").json
    assert (after["status"], after["acknowledged_by"], after["acknowledge_comment"]) == (
        "acknowledged", "boss", "已派维修")


def test_report_downloads(city_admin, compound, city):
    response = city_admin.get(f"/reports/summary.xlsx?division={city.county_a}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "兰山区" in city_admin.get(f"/reports/summary.csv?division={city.county_a}"
                                       ).data.decode("utf-8-sig")
