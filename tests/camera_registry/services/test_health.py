"""The camera state machine: hysteresis, degraded pictures, maintenance, back-off, due checks."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from camera_registry.models import Camera, CheckResult, MaintenanceWindow, StateTransition
from camera_registry.services import health
from camera_registry.services.credentials import CredentialBox
from camera_registry.services.health import HealthPolicy, Outcome
from tests.conftest import camera_payload

T0 = datetime(2026, 11, 22, 8, 0, 0)
OK = Outcome("liveness", "ok", True)
DOWN = Outcome("liveness", "timeout", False, detail="no answer within 5 s")
POLICY = HealthPolicy()


def picture(*faults: str) -> Outcome:
    return Outcome("picture", "ok", True, "degraded" if faults else "ok", faults)


@pytest.fixture
def camera(admin, city, session) -> Camera:
    created = admin.post("/cameras", json=camera_payload(
        "37130200011320000001", compound_id=city.compound_a1, stream_password="pw")).json
    return session.get(Camera, created["id"])


def feed(session, camera, outcomes, start=T0, step=60, policy=POLICY):
    for index, outcome in enumerate(outcomes):
        health.record(session, camera, outcome, start + timedelta(seconds=step * index), policy)
    session.commit()
    return health.health_of(session, camera)


def transitions(session, camera):
    rows = session.scalars(select(StateTransition).where(StateTransition.camera_id == camera.id)
                           .order_by(StateTransition.id))
    return [(t.from_state, t.to_state) for t in rows]


def test_first_good_check_brings_a_camera_online(session, camera):
    assert feed(session, camera, [OK]).state == "online"
    assert transitions(session, camera) == [("unknown", "online")]


def test_short_blips_do_not_make_a_camera_offline(session, camera):
    assert feed(session, camera, [OK, DOWN, DOWN, OK]).state == "online"
    assert transitions(session, camera) == [("unknown", "online")]


def test_offline_after_three_failures_in_a_row(session, camera):
    state = feed(session, camera, [OK, DOWN, DOWN, DOWN])
    assert state.state == "offline" and "3 failed checks" in state.reason
    assert transitions(session, camera) == [("unknown", "online"), ("online", "offline")]


def test_back_online_after_the_configured_good_checks(session, camera):
    policy = HealthPolicy(online_after=2)
    state = feed(session, camera, [DOWN, DOWN, DOWN, OK], policy=policy)
    assert state.state == "offline"
    assert feed(session, camera, [OK], start=T0 + timedelta(hours=1), policy=policy).state == "online"


def test_picture_faults_make_a_camera_degraded_and_clear(session, camera):
    state = feed(session, camera, [OK, picture("frozen", "blurred")])
    assert (state.state, state.faults) == ("degraded", ["frozen", "blurred"])
    assert feed(session, camera, [OK, picture()], start=T0 + timedelta(hours=1)).state == "online"


def test_liveness_does_not_clear_picture_faults(session, camera):
    assert feed(session, camera, [picture("occluded"), OK]).faults == ["occluded"]


def test_maintenance_window_holds_the_state(session, camera):
    camera.maintenance_windows.append(MaintenanceWindow(
        starts_at=T0, ends_at=T0 + timedelta(hours=1), reason="更换镜头"))
    session.commit()
    assert feed(session, camera, [DOWN, DOWN, DOWN, DOWN]).state == "maintenance"
    after = feed(session, camera, [OK], start=T0 + timedelta(hours=2))
    assert after.state == "online"


def test_every_check_is_kept_in_the_history(session, camera):
    feed(session, camera, [OK, DOWN, picture("noise")])
    kinds = session.scalars(select(CheckResult.kind).where(CheckResult.camera_id == camera.id))
    assert sorted(kinds) == ["liveness", "liveness", "picture"]


def test_old_check_results_are_pruned(session, camera):
    feed(session, camera, [OK, OK])
    deleted = health.prune_history(session, T0 + timedelta(days=POLICY.retention_days, hours=1),
                                   POLICY)
    assert deleted == 2


def test_offline_cameras_are_checked_less_often(session, camera):
    state = feed(session, camera, [DOWN] * 3)
    first_gap = state.next_liveness_at - state.last_liveness_at
    state = feed(session, camera, [DOWN] * 3, start=T0 + timedelta(hours=1))
    later_gap = state.next_liveness_at - state.last_liveness_at
    assert first_gap < timedelta(seconds=POLICY.liveness_interval_s * 1.11)
    assert later_gap >= timedelta(seconds=POLICY.liveness_interval_s * 8)


def test_due_targets_carry_decrypted_credentials(session, camera, app):
    box = CredentialBox.from_config(app.config)
    targets = health.due_targets(session, box, "liveness", T0)
    assert [(t.camera_id, t.password) for t in targets] == [(camera.id, "pw")]
    assert "pw" not in repr(targets)


def test_a_checked_camera_is_not_due_until_its_interval_passes(session, camera, app):
    box = CredentialBox.from_config(app.config)
    feed(session, camera, [OK])
    assert health.due_targets(session, box, "liveness", T0 + timedelta(seconds=30)) == []
    assert len(health.due_targets(session, box, "liveness", T0 + timedelta(minutes=5))) == 1


@pytest.mark.parametrize("change", [{"lifecycle": "retired"}, {"probe_enabled": False},
                                    {"lifecycle": "planned"}])
def test_cameras_not_in_service_are_not_checked(session, camera, app, admin, change):
    admin.patch(f"/cameras/{camera.id}", json=change)
    box = CredentialBox.from_config(app.config)
    assert health.due_targets(session, box, "liveness", T0) == []
