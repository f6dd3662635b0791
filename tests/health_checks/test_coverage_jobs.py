"""The scheduler's coverage jobs: a refresh every minute and the 08:00 daily figures, on the
leader only."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from camera_registry.database import db
from camera_registry.models import DailyFigures, Division, KeyPlaceCoverage
from camera_registry.services.health import HealthMonitor
from health_checks.scheduler import CheckScheduler
from tests.camera_registry.coverage_support import add_camera, add_place


@pytest.fixture
def scheduler(app):
    checks = CheckScheduler(db.session_factory, HealthMonitor(app.config, app.instance_path),
                            clock=lambda: datetime(2026, 11, 21, 0, 0))
    yield checks
    checks.monitor.close()


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_the_jobs_are_scheduled(scheduler):
    jobs = {job.id: job for job in scheduler.build(blocking=False).get_jobs()}
    daily = jobs["daily-figures"]
    assert isinstance(daily.trigger, CronTrigger)
    assert daily.trigger.timezone == ZoneInfo("Asia/Shanghai")
    assert {f.name: str(f) for f in daily.trigger.fields}["hour"] == "8"
    assert {f.name: str(f) for f in daily.trigger.fields}["minute"] == "0"
    assert jobs["coverage-refresh"].trigger.interval.total_seconds() == 60


def test_only_the_leader_refreshes_coverage_and_stores_the_figures(scheduler, admin, city,
                                                                   session):
    add_place(admin, city.compound_a1, (0, 0, 20, 20))
    add_camera(admin, 1, 0, 0, 45, 90, 30, compound_id=city.compound_a1)
    scheduler.refresh_coverage()
    scheduler.daily_figures()
    assert count(session, KeyPlaceCoverage) == 0 and count(session, DailyFigures) == 0
    assert scheduler.renew_lease()
    scheduler.refresh_coverage()
    assert count(session, KeyPlaceCoverage) == 1
    scheduler.daily_figures()
    assert count(session, DailyFigures) == count(session, Division)
    day = session.scalar(select(DailyFigures.day).limit(1))
    assert day.isoformat() == "2026-11-21"
