"""The scheduler against a real database and real streams: one leader, resumable."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from camera_registry.database import db
from camera_registry.models import CheckResult, StateTransition
from camera_registry.services.health import HealthMonitor
from health_checks.scheduler import CheckScheduler
from tests.conftest import camera_payload


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 8, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def cameras(admin, city, rtsp_server, closed_port):
    for serial, url in (("01", rtsp_server.url("/live")),
                        ("02", f"rtsp://127.0.0.1:{closed_port}/x")):
        admin.post("/cameras", json=camera_payload(f"371302000113200000{serial}",
                                                   compound_id=city.compound_a1, stream_url=url))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_scheduler(app, clock):
    made = []

    def make() -> CheckScheduler:
        scheduler = CheckScheduler(db.session_factory, HealthMonitor(app.config, app.instance_path),
                                   clock=clock)
        made.append(scheduler)
        return scheduler
    yield make
    for scheduler in made:
        scheduler.monitor.close()


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_due_cameras_are_checked_once_per_interval(make_scheduler, cameras, clock, session):
    scheduler = make_scheduler()
    assert scheduler.run_due("liveness") == 2
    clock.advance(5)
    assert scheduler.run_due("liveness") == 0
    clock.advance(70)
    assert scheduler.run_due("liveness") == 2
    assert count(session, CheckResult) == 4


def test_only_the_lease_holder_runs_checks(make_scheduler, cameras, clock):
    first, second = make_scheduler(), make_scheduler()
    assert first.run_due("liveness") == 2
    for _ in range(3):  # the leader renews its lease on every tick
        clock.advance(25)
        first.renew_lease()
    assert second.run_due("liveness") == 0 and not second.leader
    assert first.run_due("liveness") == 2


def test_a_standby_takes_over_when_the_leader_stops_renewing(make_scheduler, cameras, clock):
    first, second = make_scheduler(), make_scheduler()
    first.run_due("liveness")
    clock.advance(120)  # the first scheduler died: its lease has expired
    assert second.run_due("liveness") == 2


def test_a_restart_resumes_without_duplicating_transitions(make_scheduler, cameras, clock,
                                                           session):
    first = make_scheduler()
    for _ in range(3):
        first.run_due("liveness")
        clock.advance(61 * 8)
    transitions = count(session, StateTransition)
    assert transitions == 2  # one camera online, the other offline after 3 refusals
    first.stop()
    clock.advance(61 * 8)
    make_scheduler().run_due("liveness")
    assert count(session, StateTransition) == transitions
