"""camreg sweep against real streams."""
import json

import pytest

from camera_registry.cli import cli
from tests.conftest import camera_payload


@pytest.fixture
def streams(admin, city, rtsp_server, closed_port, app):
    app.config["PICTURE_WINDOW_S"] = 1.0
    urls = {"01": rtsp_server.url("/live"), "02": f"rtsp://127.0.0.1:{closed_port}/x",
            "03": rtsp_server.url("/missing")}
    for serial, url in urls.items():
        response = admin.post("/cameras", json=camera_payload(
            f"371302000113200000{serial}", compound_id=city.compound_a1, stream_url=url))
        assert response.status_code == 201
    admin.post("/cameras", json=camera_payload(
        "37131100011320000009", compound_id=city.compound_b1, stream_url=urls["01"]))
    return urls


def test_json_sweep_reports_one_line_per_camera(runner, streams, city):
    result = runner.invoke(cli, ["sweep", "--json", "--division", city.county_a])
    lines = [json.loads(line) for line in result.output.splitlines()]
    by_code = {line["code"][-2:]: line for line in lines}
    assert set(by_code) == {"01", "02", "03"}
    assert by_code["01"]["state"] == "online" and by_code["01"]["error"] == ""
    assert by_code["02"]["error"].startswith("refused")
    assert by_code["03"]["error"].startswith("not_found")
    assert all(set(line) == {"code", "state", "faults", "error", "duration_s"} for line in lines)


def test_table_sweep_summarises_states_and_outcomes(runner, streams):
    result = runner.invoke(cli, ["sweep"])
    assert result.exit_code == 0, result.output
    assert "4 cameras checked (liveness)" in result.output
    assert "refused" in result.output and "not_found" in result.output


def test_picture_sweep_records_frames_and_snapshots(runner, streams, admin):
    result = runner.invoke(cli, ["sweep", "--picture", "--json"])
    lines = {json.loads(line)["code"][-2:]: json.loads(line) for line in result.output.splitlines()}
    assert lines["01"]["state"] == "online" and lines["01"]["faults"] == []
    camera_id = admin.get("/cameras?code=37130200011320000001").json["items"][0]["id"]
    snapshot = admin.get(f"/cameras/{camera_id}/snapshot.jpg")
    assert snapshot.status_code == 200 and snapshot.mimetype == "image/jpeg"


def test_unknown_division_is_a_usage_error(runner, streams):
    result = runner.invoke(cli, ["sweep", "--division", "999999"])
    assert result.exit_code == 2 and "999999" in result.output
