"""Stream passwords never appear in answers, the change log or the log."""
import logging

import pytest
from sqlalchemy import select, text

from camera_registry.models import Camera
from tests.conftest import camera_payload

PASSWORD = "Pa55-w0rd-Xyzzy"
CODE = "37130200011320000001"


@pytest.fixture
def camera(admin, city, caplog):
    caplog.set_level(logging.DEBUG)
    response = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, stream_username="admin", stream_password=PASSWORD))
    assert response.status_code == 201
    return response.json


def test_password_is_write_only(camera):
    assert PASSWORD not in str(camera)
    assert camera["has_stream_password"] is True and camera["stream_username"] == "admin"


def test_password_is_encrypted_at_rest(camera, session):
    row = session.execute(text("SELECT stream_password_enc, stream_username_enc FROM cameras")).one()
    assert PASSWORD not in row[0] and "admin" not in row[1]


def test_credentials_in_the_url_are_moved_out(admin, city, session):
    created = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1,
        stream_url=f"rtsp://viewer:{PASSWORD}@127.0.0.1:8554/live")).json
    assert created["stream_url"] == "rtsp://127.0.0.1:8554/live"
    assert created["stream_username"] == "viewer" and PASSWORD not in str(created)


def test_password_is_kept_when_a_patch_omits_it(admin, camera, session, app):
    admin.patch(f"/cameras/{camera['id']}", json={"stream_url": "rtsp://127.0.0.1:8554/other"})
    box = app.extensions["camreg_resources"]["cameras"].box
    stored = session.scalars(select(Camera)).one()
    session.refresh(stored)
    assert box.decrypt(stored.stream_password_enc) == PASSWORD


def test_password_can_be_cleared(admin, camera):
    response = admin.patch(f"/cameras/{camera['id']}", json={"stream_password": None})
    assert response.json["has_stream_password"] is False


@pytest.mark.parametrize("path", ["/cameras", "/cameras/1", "/cameras/geojson", "/changes",
                                  "/cameras?q=admin"])
def test_password_in_no_answer(admin, camera, path):
    admin.patch(f"/cameras/{camera['id']}", json={"stream_password": PASSWORD + "2"})
    assert PASSWORD not in admin.get(path).get_data(as_text=True)


def test_password_in_no_log_line(admin, camera, caplog):
    admin.patch(f"/cameras/{camera['id']}", json={"stream_password": "x", "lon": "bad"})
    admin.post("/cameras", json=camera_payload(CODE, stream_password=PASSWORD))
    assert caplog.records and PASSWORD not in caplog.text


def test_change_log_redacts_the_password(admin, camera):
    record = admin.get("/changes?object_type=camera").json["items"][0]
    assert record["after"]["stream_password"] == "***"


def test_validation_errors_do_not_echo_the_password(admin, city):
    response = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, stream_password=PASSWORD * 20))
    assert response.status_code == 422 and PASSWORD not in response.get_data(as_text=True)
