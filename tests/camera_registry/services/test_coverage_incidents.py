"""A key place that loses its working cameras opens an incident; covered again, it resolves."""
from datetime import datetime

from sqlalchemy import select

from camera_registry.models import Camera, Incident
from camera_registry.services import coverage, health
from camera_registry.services.health import HealthPolicy, Outcome
from tests.conftest import camera_payload

GATE = {"type": "Polygon", "coordinates": [[[118.3502, 35.0502], [118.3506, 35.0502],
                                            [118.3506, 35.0506], [118.3502, 35.0506],
                                            [118.3502, 35.0502]]]}
OK = Outcome("liveness", "ok", True)
DOWN = Outcome("liveness", "refused", False, detail="connection refused")


def feed(session, camera_id, outcome, minute):
    camera = session.get(Camera, camera_id)
    transition = health.record(session, camera, outcome, datetime(2026, 11, 22, 8, minute),
                               HealthPolicy(offline_after=1))
    coverage.after_transitions(session, [transition])
    session.commit()


def place_incidents(session):
    session.expire_all()
    return [(i.kind, i.status) for i in session.scalars(
        select(Incident).where(Incident.key_place_id.is_not(None)))]


def test_uncovered_then_covered_opens_and_resolves_one_incident(admin, city, session):
    place = admin.post("/key-places", json={"name": "南门", "kind": "gate", "polygon": GATE,
                                            "compound_id": city.compound_a1}).json
    camera = admin.post("/cameras", json=camera_payload(
        "37130200011320000001", compound_id=city.compound_a1, lon=118.3500, lat=35.0500,
        bearing_deg=45, fov_deg=90, range_m=80, key_place_ids=[place["id"]])).json
    coverage.recompute_all(session)
    session.commit()
    assert place_incidents(session) == []  # never covered yet: no incident on first compute
    feed(session, camera["id"], OK, 0)
    feed(session, camera["id"], DOWN, 1)
    assert place_incidents(session) == [("key_place_uncovered", "open")]
    feed(session, camera["id"], OK, 2)
    assert place_incidents(session) == [("key_place_uncovered", "resolved")]
