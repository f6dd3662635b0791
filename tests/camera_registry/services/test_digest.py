"""The 08:00 daily digest: figures of the recipient's division, against yesterday's."""
from datetime import datetime

from camera_registry.database import db
from camera_registry.models import Division, KeyPlace
from camera_registry.services import digest, incidents
from health_checks.scheduler import CheckScheduler
from camera_registry.services.health import HealthMonitor
from tests.alert_fixtures import (Clock, add_cameras, alert_config, cams, jobs,  # noqa: F401
                                  smtp, smtp_port, subscribe)
from tests.conftest import SQUARE
import pytest

MORNING = datetime(2026, 11, 22, 0, 0)  # 08:00 in Shanghai


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 20, 23, 0))  # 07:00 the day before


@pytest.fixture
def network(admin, city, cams, clock, session):
    ids = add_cameras(admin, city.compound_a1, 5)
    other = add_cameras(admin, city.compound_b1, 2, prefix="3713110001132000")
    cams.online(*ids, *other)
    clock.now = datetime(2026, 11, 21, 2, 0)  # after yesterday's digest
    cams.offline(ids[0], other[0])
    cams.check(ids[1], True, faults=("blurred",))
    place_id = admin.post("/key-places", json={"name": "北门", "kind": "gate", "polygon": SQUARE,
                                               "compound_id": city.compound_a1}).json["id"]
    incidents.key_place_uncovered(session, session.get(KeyPlace, place_id), clock.now)
    session.commit()
    clock.now = MORNING
    return ids


def test_figures_of_a_county_against_yesterday(network, city, session, jobs):
    county = session.query(Division).filter_by(code=city.county_a).one()
    figures = digest.compute(session, county, None, MORNING, jobs.policy)
    assert (figures.managed, figures.online, figures.intact) == (5, 4, 3)
    assert (figures.online_rate, figures.intact_rate) == (0.8, 0.6)
    assert (figures.online_rate_yesterday, figures.intact_rate_yesterday) == (1.0, 1.0)
    assert (figures.opened, figures.open, figures.resolved) == (3, 3, 0)
    assert figures.uncovered == ["北门"]
    assert figures.worst == [{"name": "阳光花园", "division": "银雀山社区", "managed": 5,
                              "online": 4, "rate": 0.8}]
    assert figures.date == "2026-11-22"


def test_digest_email_once_per_morning(network, admin, city, jobs, smtp, clock):
    subscribe(admin, "chief@lanshan.example", division_code=city.county_a)
    subscribe(admin, "chief@lanshan.example", division_code=city.county_a, kinds=[
        "camera_offline"])  # a second subscription of the same scope: still one digest
    subscribe(admin, "en@luozhuang.example", division_code=city.county_b, language="en")
    subscribe(admin, "nodigest@example.cn", division_code=city.city, digest=False)
    assert jobs.digest() == 2
    assert jobs.digest() == 0  # a second run the same morning (a restart) queues nothing
    jobs.deliver()
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["chief@lanshan.example",
                                                             "en@luozhuang.example"]
    [zh] = smtp.inbox.to("chief@lanshan.example")
    text = smtp.inbox.text(zh)
    assert "每日通报 2026-11-22 兰山区" in zh["Subject"]
    for expected in ("在线率: 80.0% (昨日 100.0%, -20.0)", "完好率: 60.0% (昨日 100.0%, -40.0)",
                     "北门", "1. 阳光花园 (银雀山社区): 80.0%, 4/5"):
        assert expected in text
    assert "龙潭小区" not in text
    [en] = smtp.inbox.to("en@luozhuang.example")
    assert "Online rate: 50.0% (yesterday 100.0%, -50.0)" in smtp.inbox.text(en)
    assert "<b>50.0%</b>" in smtp.inbox.html(en)


def test_the_scheduler_runs_alert_jobs_and_the_digest_at_eight(app, alert_config):
    checks = CheckScheduler(db.session_factory, HealthMonitor(app.config, app.instance_path))
    scheduler = checks.build(blocking=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"alerts", "outbox", "daily-digest"} <= set(jobs)
    trigger = jobs["daily-digest"].trigger
    assert str(trigger.timezone) == "Asia/Shanghai"
    assert "hour='8'" in str(trigger) and "minute='0'" in str(trigger)
    assert checks.if_leader(lambda: "ran") is None  # a standby sends nothing
    checks.leader = True
    assert checks.if_leader(lambda: "ran") == "ran"


def test_uncovered_key_places_come_from_the_coverage_figures(network, admin, city, session,
                                                             jobs):
    from camera_registry.services import coverage

    far = {"type": "Polygon", "coordinates": [[[118.40, 35.10], [118.401, 35.10],
                                               [118.401, 35.101], [118.40, 35.101],
                                               [118.40, 35.10]]]}
    admin.post("/key-places", json={"name": "停车场", "kind": "parking", "polygon": far,
                                    "compound_id": city.compound_a1})
    county = session.query(Division).filter_by(code=city.county_a).one()
    assert digest.compute(session, county, None, MORNING, jobs.policy).coverage_note
    coverage.recompute_all(session)
    session.commit()
    figures = digest.compute(session, county, None, MORNING, jobs.policy)
    assert "停车场" in figures.uncovered and "北门" in figures.uncovered
    assert not figures.coverage_note
