"""Camera states in the API (the checks themselves are tested against real streams elsewhere)."""
from datetime import datetime, timedelta

import pytest

from camera_registry.models import Camera
from camera_registry.services import health
from camera_registry.services.health import HealthPolicy, Outcome
from tests.conftest import camera_payload

T0 = datetime(2026, 11, 22, 0, 0)


@pytest.fixture
def cameras(admin, city, session):
    ids = [admin.post("/cameras", json=camera_payload(
        f"371302000113200000{n:02d}", compound_id=city.compound_a1)).json["id"] for n in (1, 2, 3)]
    down = Outcome("liveness", "refused", False, detail="connection refused")
    frozen = Outcome("picture", "ok", True, "degraded", ("frozen",))
    for camera_id, outcomes in zip(ids, ([down] * 3, [frozen], [])):
        for index, outcome in enumerate(outcomes):
            health.record(session, session.get(Camera, camera_id), outcome,
                          T0 + timedelta(minutes=index), HealthPolicy())
    session.commit()
    return ids


def test_new_camera_is_unknown(admin, cameras):
    status = admin.get(f"/cameras/{cameras[2]}/status").json
    assert (status["state"], status["faults"]) == ("unknown", [])


def test_list_carries_state_and_faults(admin, cameras):
    items = {c["id"]: c for c in admin.get("/cameras").json["items"]}
    assert [(items[i]["state"], items[i]["faults"]) for i in cameras] == [
        ("offline", []), ("degraded", ["frozen"]), ("unknown", [])]


def test_filter_by_state(admin, cameras):
    assert [c["id"] for c in admin.get("/cameras?state=offline,unknown").json["items"]] == [
        cameras[0], cameras[2]]


def test_filter_by_fault(admin, cameras):
    assert [c["id"] for c in admin.get("/cameras?fault=frozen").json["items"]] == [cameras[1]]


@pytest.mark.parametrize("query", ["state=asleep", "fault=dusty"])
def test_unknown_state_or_fault_is_rejected(admin, cameras, query):
    assert admin.get(f"/cameras?{query}").status_code == 422


def test_history_lists_transitions_and_checks_newest_first(admin, cameras):
    history = admin.get(f"/cameras/{cameras[0]}/history").json
    assert [(t["from"], t["to"]) for t in history["transitions"]] == [("unknown", "offline")]
    assert "3 failed checks" in history["transitions"][0]["reason"]
    assert [c["outcome"] for c in history["checks"]] == ["refused"] * 3


def test_no_snapshot_before_a_picture_check(admin, cameras):
    response = admin.get(f"/cameras/{cameras[2]}/snapshot.jpg")
    assert response.status_code == 404 and "picture check" in response.json["message"]


def test_check_kind_is_validated(admin, cameras):
    assert admin.post(f"/cameras/{cameras[0]}/check?kind=smell").status_code == 400


def test_health_of_cameras_outside_the_scope_is_hidden(make_api, city, cameras):
    other = make_api("monitor", city.street_b)
    assert other.get(f"/cameras/{cameras[0]}/status").status_code == 404
    assert other.get(f"/cameras/{cameras[0]}/history").status_code == 404


@pytest.fixture
def live_camera(admin, city, rtsp_server, app):
    app.config["PICTURE_WINDOW_S"] = 1.0
    return admin.post("/cameras", json=camera_payload(
        "37130200011320000011", compound_id=city.compound_a1,
        stream_url=rtsp_server.url("/live"))).json


def test_check_now_brings_a_live_camera_online(admin, live_camera):
    answer = admin.post(f"/cameras/{live_camera['id']}/check").json
    assert answer["result"]["outcome"] == "ok"
    assert answer["transition"]["to"] == "online" and answer["status"]["state"] == "online"


def test_picture_check_now_keeps_a_snapshot(admin, live_camera):
    answer = admin.post(f"/cameras/{live_camera['id']}/check?kind=picture").json
    assert answer["result"]["verdict"] == "ok" and answer["result"]["stats"]["frames_read"] > 5
    assert admin.get(f"/cameras/{live_camera['id']}/snapshot.jpg").mimetype == "image/jpeg"
