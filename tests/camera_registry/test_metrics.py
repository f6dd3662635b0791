from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from camera_registry.database import utcnow
from camera_registry.models import Camera
from camera_registry.services import health
from camera_registry.services.health import HealthPolicy, Outcome
from tests.conftest import camera_payload


def samples(client):
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for s in family.samples}


def test_cameras_by_county_and_state(admin, city, session, client_without_token):
    for n in (1, 2):
        admin.post("/cameras", json=camera_payload(f"371302000113200000{n:02d}",
                                                   compound_id=city.compound_a1))
    camera = session.get(Camera, 1)
    health.record(session, camera, Outcome("liveness", "ok", True, duration_s=0.02),
                  utcnow() - timedelta(minutes=1), HealthPolicy())
    session.commit()
    values = samples(client_without_token)
    assert values[("camreg_cameras", (("county", "371302"), ("state", "online")))] == 1
    assert values[("camreg_cameras", (("county", "371302"), ("state", "unknown")))] == 1
    assert values[("camreg_checks_last_hour", (("kind", "liveness"), ("outcome", "ok")))] == 1
    assert values[("camreg_check_duration_seconds_bucket",
                   (("kind", "liveness"), ("le", "0.05")))] == 1
    assert values[("camreg_check_duration_seconds_bucket",
                   (("kind", "liveness"), ("le", "0.01")))] == 0
