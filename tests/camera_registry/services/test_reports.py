"""The campaign figures: every rule checked against a small campaign worked out by hand,
the roll-up, past dates (from the history and from snapshots)."""
from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from camera_registry.models import DailyFigures, Division
from camera_registry.services import demo, reports
from camera_registry.services.reports import Figures
from camera_registry.services.scope import Actor
from tests.camera_registry.coverage_support import NOW, build_campaign, set_state

SYSTEM = Actor.system("test")


@pytest.fixture
def campaign(admin, city, session):
    return build_campaign(admin, city, session)


def summary(session, code=None, day=None, days=1, actor=SYSTEM, now=NOW) -> reports.Report:
    return reports.summary(session, actor, code, now, day, days)


def test_every_figure_of_the_city_follows_the_rules(session, campaign):
    report = summary(session, campaign.city.city)
    f = report.total.figures
    # Compounds: a1, b1, a2 in the campaign, a3 outside; a1 built and networked (c3 planned
    # and c4 retired do not count either way); b1 built, not networked (c5 installed, c6 on
    # the town platform only); a2 has no camera.
    assert (f.compounds, f.campaign, f.built, f.networked, f.weak) == (4, 3, 2, 1, 1)
    # Targets before 2026-11-21: a2 not built (built 2026-01-31, networked 2026-06-30) and b1
    # not networked (2026-06-30); a1's targets are met.
    assert (f.built_late, f.networked_late) == (1, 2)
    assert {c["name"]: c["late_for"] for c in report.late_compounds} == {
        "南坊小区": ["built", "networked"], "龙潭小区": ["networked"]}
    # Cameras: 8 registered (c4 retired), 7 installed or networked, 5 networked channels
    # (c1, c2, c6, c7, c8: town-level c6 and c7 outside the campaign count too).
    assert (f.cameras, f.installed, f.networked_cameras, f.channels) == (8, 7, 5, 5)
    # Checked: the 7 installed less c9 (checks disabled). Online: c1 online, c2 degraded,
    # c7 online; c6 in maintenance is left out: 3 / (6 - 1). Intact: state online among the
    # installed: c1, c7 and c9: 3 / 7.
    assert (f.checked, f.online, f.maintenance, f.intact) == (6, 3, 1, 3)
    assert report.total.to_json()["online_rate"] == 0.6
    assert report.total.to_json()["intact_rate"] == round(3 / 7, 4)
    # Over the last 24 h: checked cameras were scheduled 6 x 24 h less c6's 3 h of
    # maintenance = 141 h and online (or degraded) c1 24 + c2 24 + c5 12 + c6 21 + c7 2 = 83 h;
    # installed cameras 7 x 24 = 168 h, intact (online) c1 24 + c2 18 + c5 12 + c6 21 + c7 2
    # + c9 24 = 101 h.
    assert (f.checked_hours, f.online_hours) == (pytest.approx(141), pytest.approx(83))
    assert (f.installed_hours, f.intact_hours) == (pytest.approx(168), pytest.approx(101))
    assert report.total.to_json()["online_rate_period"] == round(83 / 141, 4)
    assert report.total.to_json()["intact_rate_period"] == round(101 / 168, 4)
    # Key places: p1 full (c1 online), p5 partial (c7 sees a quarter disc, pi/4 < 1),
    # p2 uncovered (c5 offline), p3 uncovered (c8 never checked); by design p1, p2, p3 full.
    assert (f.key_places, f.key_places_full, f.key_places_partial, f.key_places_uncovered,
            f.key_places_design_full) == (4, 1, 1, 2, 3)
    assert report.source == "live" and report.day == date(2026, 11, 21)


def test_a_division_is_the_sum_of_its_children(session, campaign):
    report = summary(session, campaign.city.city)
    assert [row.code for row in report.children] == [campaign.city.county_a,
                                                     campaign.city.county_b]
    assert report.held_directly is None
    assert _sum(row.figures for row in report.children) == report.total.figures
    # Every level down: the street holds c8 and the school gate itself.
    for code in (campaign.city.county_a, campaign.city.street_a, campaign.city.county_b):
        report = summary(session, code)
        parts = [row.figures for row in report.children]
        if report.held_directly:
            parts.append(report.held_directly.figures)
        assert _sum(parts) == report.total.figures, code
    street = summary(session, campaign.city.street_a)
    assert street.held_directly.figures.cameras == 1
    assert street.held_directly.figures.key_places == 1
    assert street.rows[-1] is street.total and street.rows[-2] is street.held_directly


def test_the_roll_up_holds_across_the_demo_city(app, session):
    demo.build_demo(session, app.config, app.instance_path, small=True)
    divisions = session.scalars(select(Division)).all()
    for division in divisions:
        report = summary(session, division.code)
        parts = [row.figures for row in report.children]
        if report.held_directly:
            parts.append(report.held_directly.figures)
        if parts:
            assert _sum(parts) == report.total.figures, division.code
    city = summary(session, "371300").total.figures
    assert (city.campaign, city.built, city.networked, city.channels, city.weak) == (
        5, 4, 2, 30, 1)


def _sum(parts) -> Figures:
    total = Figures()
    for part in parts:
        total.add(part)
    # Hours are floats: compare them rounded.
    for f in fields(total):
        if isinstance(getattr(total, f.name), float):
            setattr(total, f.name, pytest.approx(getattr(total, f.name)))
    return total


def test_a_past_date_is_reconstructed_from_the_state_history(session, campaign):
    report = summary(session, campaign.city.city, day=date(2026, 11, 20))
    f = report.total.figures
    assert report.source == "reconstructed" and report.day == date(2026, 11, 20)
    assert report.as_of == NOW - timedelta(days=1)  # 08:00 Beijing time that day
    # At 2026-11-20 08:00 c1, c2, c5, c6 and c9 were online; c7 and c8 not checked yet.
    assert (f.online, f.maintenance, f.intact) == (4, 0, 5)
    # p2 was covered then (c5 online); p5's camera had not been checked.
    assert (f.key_places_full, f.key_places_partial, f.key_places_uncovered) == (2, 0, 2)
    # The registry is as of now (lifecycle has no history).
    assert (f.campaign, f.built, f.networked, f.channels) == (3, 2, 1, 5)
    # The stored coverage is today's, untouched.
    assert summary(session, campaign.city.city).total.figures.key_places_full == 1


def test_the_daily_snapshot_is_what_a_past_date_shows(session, campaign):
    moment = NOW - timedelta(days=1)
    assert reports.take_snapshot(session, moment) == session.scalar(
        select(func.count()).select_from(Division))
    session.commit()
    stored = summary(session, campaign.city.city, day=date(2026, 11, 20))
    # The scheduler takes it at 08:00 from the states of that moment, the current ones.
    assert stored.source == "snapshot" and stored.total.figures.online == 3
    # A state recorded later, back-dated into that day, does not change the snapshot.
    set_state(session, campaign.cameras["c8"], "online", moment - timedelta(hours=1))
    session.commit()
    again = summary(session, campaign.city.city, day=date(2026, 11, 20))
    assert again.total.figures == stored.total.figures
    assert again.source == "snapshot"
    # Taking it again the same day replaces the rows (now with c8 online).
    reports.take_snapshot(session, moment + timedelta(hours=2))
    session.commit()
    assert session.scalar(select(func.count()).select_from(DailyFigures)) == session.scalar(
        select(func.count()).select_from(Division))
    assert summary(session, campaign.city.city,
                   day=date(2026, 11, 20)).total.figures.online == 4


def test_the_street_holding_objects_itself_gets_its_own_row_from_snapshots(session, campaign):
    reports.take_snapshot(session, NOW)
    session.commit()
    report = summary(session, campaign.city.street_a, day=date(2026, 11, 21))
    assert report.source == "snapshot"
    assert report.held_directly is not None and report.held_directly.figures.cameras == 1


def test_daily_series_for_trends(session, campaign):
    for days_before in (2, 1, 0):
        reports.take_snapshot(session, NOW - timedelta(days=days_before))
    session.commit()
    code, items = reports.daily_series(session, SYSTEM, campaign.city.city,
                                       date(2026, 11, 20), None)
    assert code == campaign.city.city
    assert [item["date"] for item in items] == ["2026-11-20", "2026-11-21"]
    assert items[-1]["channels"] == 5 and "online_rate" in items[-1]


def test_a_scoped_caller_defaults_to_its_scope_and_cannot_leave_it(session, campaign):
    street = session.scalar(select(Division).where(Division.code == campaign.city.street_a))
    actor = Actor("monitor", "monitor", scope=street)
    report = summary(session, actor=actor)
    assert report.total.code == campaign.city.street_a
    with pytest.raises(Exception) as error:
        summary(session, campaign.city.county_b, actor=actor)
    assert "in your scope" in str(error.value)


def test_time_weighted_rates_count_a_camera_from_its_registration(session, campaign):
    report = summary(session, campaign.city.city, days=2)
    # Over 48 h: c1 was online from 30 h before, so 30 of its 48 h.
    one = reports.state_durations(session, NOW - timedelta(days=2), NOW,
                                  {campaign.cameras["c1"]: NOW - timedelta(hours=40)})
    assert one == {campaign.cameras["c1"]: {"unknown": 10 * 3600.0, "online": 30 * 3600.0}}
    assert report.total.figures.installed_hours == pytest.approx(7 * 48)


@pytest.mark.parametrize("raw, message", [
    ("2026-13-01", "must be a date"), ("yesterday", "must be a date"),
    ("2026-11-22", "in the future")])
def test_bad_dates_are_refused(raw, message):
    with pytest.raises(Exception) as error:
        reports.parse_day(raw, NOW)
    assert message in str(error.value)


def test_the_snapshot_moment_is_eight_in_the_morning_in_beijing():
    assert reports.snapshot_moment(date(2026, 11, 21)) == NOW
    # Beijing's day starts at 16:00 UTC the day before.
    assert reports.local_today(datetime(2026, 11, 20, 15, 59)) == date(2026, 11, 20)
    assert reports.local_today(datetime(2026, 11, 20, 16, 0)) == date(2026, 11, 21)
