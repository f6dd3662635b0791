"""Stored coverage: computed on first use, kept current by state changes and registry edits."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select

from camera_registry.choices import CheckKind
from camera_registry.models import (Camera, CoverageChange, KeyPlace, KeyPlaceCoverage,
                                    KeyPlaceView, StateTransition, camera_key_places)
from camera_registry.services import coverage, demo
from camera_registry.services.health import HealthMonitor, HealthPolicy, Outcome, record
from tests.camera_registry.coverage_support import (add_building, add_camera, add_place,
                                                    polygon, set_state)

T0 = datetime(2026, 11, 20, 0, 0)
ARC = 5e-4  # sectors are drawn with chords every 2 degrees


@dataclass
class Layout:
    gate: int  # 20 m square at the corner of the compound
    parking: int  # 20 m square 100 m further east
    corner: int  # camera at the gate's south-west corner, covering all of it
    parking_camera: int  # a quarter disc of the parking


@pytest.fixture
def layout(admin, city) -> Layout:
    gate = add_place(admin, city.compound_a1, (0, 0, 20, 20))
    parking = add_place(admin, city.compound_a1, (100, 0, 120, 20), name="停车场",
                        kind="parking", required_coverage=0.5)
    corner = add_camera(admin, 1, 0, 0, 45, 90, 30, compound_id=city.compound_a1)
    parking_camera = add_camera(admin, 2, 100, 0, 45, 90, 20, compound_id=city.compound_a1)
    return Layout(gate, parking, corner, parking_camera)


def result(session, place_id: int) -> KeyPlaceCoverage:
    session.expire_all()
    return session.get(KeyPlaceCoverage, place_id)


def test_places_are_computed_on_first_refresh(session, layout):
    assert session.scalar(select(func.count()).select_from(KeyPlaceCoverage)) == 0
    outcome = coverage.refresh(session)
    assert outcome.places == 2 and outcome.views == 2 and not outcome.skipped
    gate, parking = result(session, layout.gate), result(session, layout.parking)
    # Never checked: the cameras do not work yet, so only the design coverage counts.
    assert (gate.coverage, gate.status) == (0.0, "uncovered")
    assert gate.design_coverage == pytest.approx(1.0, abs=1e-9)
    assert parking.design_coverage == pytest.approx(math.pi / 4, rel=ARC)
    assert gate.area_m2 == pytest.approx(400, rel=1e-4)
    assert (gate.cameras, gate.working_cameras) == (1, 0)
    assert coverage.refresh(session).places == 0  # nothing left to do


def test_a_camera_going_offline_opens_a_blind_spot_and_coming_back_closes_it(session, layout):
    coverage.refresh(session)
    place = session.get(KeyPlace, layout.gate)

    def blind_area() -> float:
        features = coverage.coverage_geojson(session, place)["features"]
        (spot,) = [f for f in features if f["properties"]["role"] == "blind_spot"]
        return spot["properties"]["area_m2"], spot["geometry"]

    assert coverage.after_transitions(session, [set_state(session, layout.corner, "online",
                                                          T0)]) == 1
    assert (result(session, layout.gate).coverage, result(session, layout.gate).status) == (
        pytest.approx(1.0, abs=1e-9), "full")
    assert blind_area() == (0.0, None)

    coverage.after_transitions(session, [set_state(session, layout.corner, "offline", T0)])
    gate = result(session, layout.gate)
    assert (gate.coverage, gate.status, gate.working_cameras) == (0.0, "uncovered", 0)
    area, geometry = blind_area()
    assert area == pytest.approx(400, rel=1e-4) and geometry["type"] == "Polygon"

    coverage.after_transitions(session, [set_state(session, layout.corner, "online", T0)])
    assert result(session, layout.gate).status == "full"
    assert blind_area()[1] is None


def test_degraded_and_maintenance_cameras_do_not_cover(session, layout):
    coverage.refresh(session)
    set_state(session, layout.corner, "online", T0)
    coverage.update_states(session, [layout.corner])
    for state in ("degraded", "maintenance", "unknown"):
        coverage.after_transitions(session, [set_state(session, layout.corner, state, T0)])
        assert result(session, layout.gate).coverage == 0.0, state
    # degraded -> maintenance changes nothing for coverage: no place is recomputed.
    set_state(session, layout.corner, "degraded", T0)
    assert coverage.after_transitions(session, [set_state(session, layout.corner,
                                                          "maintenance", T0)]) == 0


def test_a_state_change_recomputes_only_the_places_the_camera_sees(session, layout):
    coverage.refresh(session)
    before = result(session, layout.parking).computed_at
    set_state(session, layout.corner, "online", T0)
    assert coverage.update_states(session, [layout.corner]) == 1
    assert result(session, layout.parking).computed_at == before


def test_health_checks_update_coverage(app, session, layout):
    """The hook in HealthMonitor: a sweep's state changes reach the key places."""
    coverage.refresh(session)
    monitor = HealthMonitor(app.config, app.instance_path)
    monitor._runner = FakeRunner(ok=True)
    cameras = session.scalars(select(Camera).order_by(Camera.id)).all()
    monitor.sweep(session, cameras, CheckKind.LIVENESS, lambda: T0)
    assert result(session, layout.gate).status == "full"
    assert result(session, layout.parking).working_cameras == 1
    monitor._runner = FakeRunner(ok=False)
    for _ in range(3):  # three failures in a row: offline
        monitor.check_now(session, session.get(Camera, layout.corner), CheckKind.LIVENESS, T0)
    assert result(session, layout.gate).status == "uncovered"
    assert result(session, layout.parking).status == "full"  # its camera is still online


@dataclass
class FakeResult:
    ok: bool
    outcome: str = "ok"
    status_code: int = 200
    media: str = "video"
    detail: str = ""
    duration_s: float = 0.01


class FakeRunner:
    """Answers every liveness check the same way, without any stream."""

    def __init__(self, ok: bool) -> None:
        self.ok = ok

    def check(self, target, kind):
        return FakeResult(self.ok, "ok" if self.ok else "refused")

    def run(self, targets, kind):
        for target in targets:
            yield target, self.check(target, kind)

    def close(self) -> None:
        pass


def test_edits_are_queued_and_only_touched_places_are_recomputed(admin, session, layout):
    coverage.refresh(session)
    parking_before = result(session, layout.parking).computed_at
    response = admin.patch(f"/cameras/{layout.corner}", json={"bearing_deg": 225})
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(CoverageChange)) == 1
    assert coverage.refresh(session).places == 1
    assert result(session, layout.gate).design_coverage == 0.0  # looks away now
    assert result(session, layout.parking).computed_at == parking_before
    assert session.scalar(select(func.count()).select_from(CoverageChange)) == 0


def test_a_new_building_hides_and_its_removal_reveals(admin, session, layout):
    coverage.refresh(session)
    building = add_building(admin, session.get(KeyPlace, layout.gate).compound_id,
                            (8, 8, 12, 12))
    coverage.refresh(session)
    hidden = (400 / 3 - 32) / 400  # tests/camera_registry/coverage/test_engine.py
    assert result(session, layout.gate).design_coverage == pytest.approx(1 - hidden, rel=1e-5)
    assert admin.patch(f"/buildings/{building}", json={
        "footprint": polygon(50, 50, 60, 60)}).status_code == 200
    coverage.refresh(session)
    assert result(session, layout.gate).design_coverage == pytest.approx(1.0, abs=1e-9)
    assert admin.patch(f"/buildings/{building}", json={
        "footprint": polygon(8, 8, 12, 12)}).status_code == 200
    coverage.refresh(session)
    assert admin.delete(f"/buildings/{building}").status_code == 204
    coverage.refresh(session)
    assert result(session, layout.gate).design_coverage == pytest.approx(1.0, abs=1e-9)


def test_deleting_or_retiring_a_camera_uncovers_its_places(admin, session, layout):
    coverage.refresh(session)
    assert admin.patch(f"/cameras/{layout.parking_camera}",
                       json={"lifecycle": "retired"}).status_code == 200
    coverage.refresh(session)
    assert result(session, layout.parking).design_coverage == 0.0
    assert admin.delete(f"/cameras/{layout.corner}").status_code == 204
    coverage.refresh(session)
    assert result(session, layout.gate).design_coverage == 0.0
    assert session.scalar(select(func.count()).select_from(KeyPlaceView)) == 0


def test_moving_a_place_or_changing_its_requirement_recomputes_it(admin, session, layout):
    coverage.refresh(session)
    set_state(session, layout.parking_camera, "online", T0)
    coverage.update_states(session, [layout.parking_camera])
    assert result(session, layout.parking).status == "full"  # pi/4 >= 0.5
    admin.patch(f"/key-places/{layout.parking}", json={"required_coverage": 0.9})
    coverage.refresh(session)
    assert result(session, layout.parking).status == "partial"
    admin.patch(f"/key-places/{layout.parking}", json={"polygon": polygon(300, 0, 320, 20)})
    coverage.refresh(session)
    assert result(session, layout.parking).coverage == 0.0


def test_incremental_results_equal_a_full_recomputation(admin, session, layout, city):
    coverage.refresh(session)
    add_building(admin, city.compound_a1, (8, 8, 12, 12))
    add_camera(admin, 3, 120, 20, 225, 90, 25, compound_id=city.compound_a1)
    admin.patch(f"/cameras/{layout.corner}", json={"range_m": 15})
    add_place(admin, city.compound_a1, (5, 30, 25, 40), name="北门")
    set_state(session, layout.corner, "online", T0)
    coverage.update_states(session, [layout.corner])
    coverage.refresh(session)
    incremental = _stored(session)
    coverage.recompute_all(session)
    session.commit()
    assert _stored(session) == incremental


def _stored(session) -> dict:
    session.expire_all()
    rows = session.scalars(select(KeyPlaceCoverage)).all()
    views = session.execute(select(KeyPlaceView.key_place_id, KeyPlaceView.camera_id,
                                   KeyPlaceView.fraction)).all()
    return {"places": {r.key_place_id: (round(r.coverage, 9), round(r.design_coverage, 9),
                                        r.status, r.cameras, r.working_cameras) for r in rows},
            "views": {(p, c): round(f, 9) for p, c, f in views}}


def test_the_small_demo_city_is_covered_consistently(app, session):
    demo.build_demo(session, app.config, app.instance_path, small=True)
    refreshed = coverage.refresh(session)
    assert refreshed.places == 72
    incremental = _stored(session)
    coverage.recompute_all(session)
    session.commit()
    assert _stored(session) == incremental
    statuses = coverage.status_counts(session)
    assert statuses == {"uncovered": 72}  # nobody has checked the cameras yet
    views = session.execute(select(KeyPlaceView.key_place_id, KeyPlaceView.camera_id)).all()
    assert len(views) > 37  # every camera sees at least one place, many see two
    # The gate cameras stand at the gate posts, looking into the gate: they see it.
    linked = set(session.execute(select(camera_key_places)).all())
    assert len(linked & {(c, p) for p, c in views}) >= 0.8 * len(linked)
    record(session, session.get(Camera, views[0][1]),
           Outcome(CheckKind.LIVENESS, "ok", True), T0, HealthPolicy())
    assert coverage.after_transitions(session, session.scalars(
        select(StateTransition)).all()) >= 1
    assert coverage.status_counts(session) != {"uncovered": 72}
