"""Incidents and the emails they cause, received by a real SMTP server on 127.0.0.1."""
from datetime import timedelta

from sqlalchemy import select

from camera_registry.choices import IncidentKind, IncidentStatus
from camera_registry.models import (Incident, KeyPlace, MaintenanceWindow, Notification,
                                    OutboxMessage)
from camera_registry.services import incidents
from tests.alert_fixtures import (T0, add_cameras, alert_config, cams, clock, jobs,  # noqa: F401
                                  smtp, smtp_port, subscribe)
from tests.conftest import SQUARE

WINDOW = 120  # the default batching window


def deliver_after_window(jobs, clock, seconds: float = WINDOW + 1):
    clock.advance(seconds)
    jobs.process()
    return jobs.deliver()


def tick(jobs, clock, seconds: float) -> None:
    clock.advance(seconds)
    jobs.process()


def all_incidents(session):
    session.expire_all()
    return list(session.scalars(select(Incident).order_by(Incident.id)))


def test_compound_outage_is_one_email_naming_the_cause_and_the_cameras(
        admin, city, cams, jobs, clock, smtp, session):
    ids = add_cameras(admin, city.compound_a1, 5, stream_url="rtsp://10.1.2.3:554/ch1")
    subscribe(admin, "duty@community.example", compound_id=city.compound_a1)
    cams.online(*ids)
    for ident in ids[:4]:  # the compound loses power: four of five within a minute
        cams.offline(ident)
        clock.advance(15)
    delivery = deliver_after_window(jobs, clock)

    assert delivery.sent == 1 and len(smtp.inbox.messages) == 1
    email = smtp.inbox.messages[0]
    text, html = smtp.inbox.text(email), smtp.inbox.html(email)
    assert email["To"] == "duty@community.example"
    assert "小区整体故障" in email["Subject"] and "阳光花园" in email["Subject"]
    assert "10.1.2.3" in text  # the likely shared cause: the recorder or uplink they stream from
    for ident in ids[:4]:
        code = cams.get(ident).code
        assert code in text and code in html
    assert cams.get(ids[4]).code not in text
    assert "https://camreg.example/cameras/" in html
    assert "s3cret-pw" not in email.as_string()  # never a stream password


def test_member_cameras_are_folded_and_not_told_one_by_one(
        admin, city, cams, jobs, clock, smtp, session):
    ids = add_cameras(admin, city.compound_a1, 5)
    subscribe(admin, "duty@community.example", division_code=city.community_a1)
    cams.online(*ids)
    cams.offline(*ids[:3])
    rows = all_incidents(session)
    outage = next(i for i in rows if i.kind == IncidentKind.COMPOUND_OUTAGE)
    members = [i for i in rows if i.kind == IncidentKind.CAMERA_OFFLINE]
    assert len(members) == 3 and all(m.parent_id == outage.id for m in members)
    assert "folded" in [e.kind for e in members[0].events]
    waiting = session.scalars(select(Notification)).all()
    assert [n.incident_id for n in waiting] == [outage.id]

    clock.advance(60)
    cams.offline(ids[3])  # one more while the outage lasts: folded at once
    deliver_after_window(jobs, clock)
    assert len(smtp.inbox.messages) == 1
    assert all(i.parent_id == outage.id for i in all_incidents(session)
               if i.kind == IncidentKind.CAMERA_OFFLINE)

    clock.advance(600)  # power is back
    cams.online(*ids[:4])
    deliver_after_window(jobs, clock)
    assert len(smtp.inbox.messages) == 2
    resolved = smtp.inbox.messages[1]
    assert "已恢复" in resolved["Subject"]
    session.refresh(outage)
    assert outage.status == IncidentStatus.RESOLVED and outage.resolve_seconds > 600


def test_a_camera_still_down_after_the_outage_gets_its_own_incident(
        admin, city, cams, jobs, clock, smtp, session):
    ids = add_cameras(admin, city.compound_a1, 4)
    subscribe(admin, "duty@community.example", compound_id=city.compound_a1)
    cams.online(*ids)
    cams.offline(*ids[:3])
    clock.advance(3600)
    cams.online(ids[0], ids[1])  # one camera has a fault of its own
    deliver_after_window(jobs, clock)
    [email] = smtp.inbox.messages  # opened, resolved and the leftover: one batch
    text = smtp.inbox.text(email)
    assert "探头离线" in text and cams.get(ids[2]).code in text
    leftover = incidents.open_camera_incident(session, ids[2])
    assert leftover.parent_id is None and "unfolded" in [e.kind for e in leftover.events]


def test_one_camera_offline_email_has_name_code_place_state_faults_and_link(
        admin, city, cams, jobs, clock, smtp, session):
    ids = add_cameras(admin, city.compound_a1, 5)
    subscribe(admin, "duty@community.example", compound_id=city.compound_a1)
    subscribe(admin, "night@community.example", compound_id=city.compound_a1, language="en")
    cams.online(*ids)
    cams.offline(ids[0])
    cams.check(ids[1], True, faults=("frozen",))
    deliver_after_window(jobs, clock)

    zh = smtp.inbox.to("duty@community.example")
    en = smtp.inbox.to("night@community.example")
    assert len(zh) == 1 and len(en) == 1  # both incidents in one email per address
    text = smtp.inbox.text(zh[0])
    camera = cams.get(ids[0])
    for expected in (camera.name, camera.code, "阳光花园", "离线", "画面冻结", "2026-11-22 10:00",
                     f"https://camreg.example/cameras/{camera.id}"):
        assert expected in text
    english = smtp.inbox.text(en[0])
    assert "camera offline" in english and "camera degraded" in english and "frozen" in english and "Since" in english


def test_most_specific_scope_only_then_escalation_by_level(
        admin, make_api, city, cams, jobs, clock, smtp, session):
    ids = add_cameras(admin, city.compound_a1, 5)
    subscribe(admin, "community@example.cn", division_code=city.community_a1)
    subscribe(admin, "street@example.cn", division_code=city.street_a)
    subscribe(admin, "city@example.cn", division_code=city.city)
    cams.online(*ids)
    cams.offline(ids[0])
    deliver_after_window(jobs, clock)
    assert [m["To"] for m in smtp.inbox.messages] == ["community@example.cn"]

    tick(jobs, clock, 3600 - WINDOW)  # an hour, nobody acknowledged: the next level up
    deliver_after_window(jobs, clock)
    assert [m["To"] for m in smtp.inbox.messages][1:] == ["street@example.cn"]
    assert "分级转办" in smtp.inbox.text(smtp.inbox.messages[1])

    tick(jobs, clock, 3600 - WINDOW)  # the street did not either: the city
    deliver_after_window(jobs, clock)
    assert [m["To"] for m in smtp.inbox.messages][2:] == ["city@example.cn"]

    session.expire_all()
    incident = incidents.open_camera_incident(session, ids[0])
    assert incident.level == 4  # compound (none), community, street, county (none), city
    response = admin.post(f"/incidents/{incident.id}/acknowledge",
                          json={"comment": "已派维修人员"})
    assert response.status_code == 200, response.json
    deliver_after_window(jobs, clock, 24 * 3600)  # acknowledged: no reminder, no escalation
    assert len(smtp.inbox.messages) == 3

    clock.advance(7200)
    cams.online(ids[0])  # fixed: everyone told hears it
    deliver_after_window(jobs, clock)
    assert sorted(m["To"] for m in smtp.inbox.messages[3:]) == [
        "city@example.cn", "community@example.cn", "street@example.cn"]
    kinds = [e["kind"] for e in admin.get(f"/incidents/{incident.id}").json["events"]]
    assert kinds[0] == "opened" and kinds.count("escalated") == 2
    assert {"notified", "acknowledged", "resolved"} <= set(kinds)


def test_reminders_no_more_often_than_the_interval(
        admin, city, cams, jobs, clock, smtp, session, app):
    jobs.policy = type(jobs.policy)(**{**jobs.policy.__dict__, "reminder_s": 4 * 3600})
    ids = add_cameras(admin, city.compound_a1, 5)
    subscribe(admin, "duty@community.example", compound_id=city.compound_a1)
    cams.online(*ids)
    cams.offline(ids[0])
    deliver_after_window(jobs, clock)
    for _ in range(4 * 60 * 2 - 8):  # every 30 s for four hours, less what has passed
        clock.advance(30)
        jobs.process()
    jobs.deliver()
    assert len(smtp.inbox.messages) == 1
    tick(jobs, clock, 300)
    deliver_after_window(jobs, clock)
    assert len(smtp.inbox.messages) == 2
    assert "仍未处置" in smtp.inbox.text(smtp.inbox.messages[1])


def test_maintenance_windows_stop_incidents_from_opening(admin, city, cams, session, clock):
    ids = add_cameras(admin, city.compound_a1, 5)
    cams.online(*ids)
    camera = cams.get(ids[0])
    camera.maintenance_windows.append(MaintenanceWindow(
        starts_at=clock.now, ends_at=clock.now + timedelta(hours=2), reason="更换镜头"))
    session.commit()
    cams.offline(ids[0])
    assert all_incidents(session) == []


def test_key_place_uncovered_and_covered_again(admin, city, jobs, clock, smtp, session):
    place_id = admin.post("/key-places", json={
        "name": "北门", "kind": "gate", "polygon": SQUARE,
        "compound_id": city.compound_a1}).json["id"]
    subscribe(admin, "duty@community.example", compound_id=city.compound_a1,
              kinds=["key_place_uncovered"])
    place = session.get(KeyPlace, place_id)
    first = incidents.key_place_uncovered(session, place, clock.now, "no working camera")
    again = incidents.key_place_uncovered(session, place, clock.now)
    session.commit()
    assert first.id == again.id and first.kind == IncidentKind.KEY_PLACE_UNCOVERED
    clock.advance(30)
    assert incidents.key_place_covered(session, place, clock.now).id == first.id
    session.commit()
    deliver_after_window(jobs, clock)
    [email] = smtp.inbox.messages
    assert "重点部位失去覆盖" in email["Subject"] and "北门" in email["Subject"]
    assert first.status == IncidentStatus.RESOLVED


def test_subscribers_only_hear_the_kinds_they_chose(admin, city, cams, jobs, clock, smtp):
    ids = add_cameras(admin, city.compound_a1, 5)
    subscribe(admin, "pictures@example.cn", compound_id=city.compound_a1,
              kinds=["camera_degraded"])
    subscribe(admin, "county@example.cn", division_code=city.county_a)
    cams.online(*ids)
    cams.offline(ids[0])
    deliver_after_window(jobs, clock)
    assert [m["To"] for m in smtp.inbox.messages] == ["county@example.cn"]


def test_a_new_notifier_picks_up_a_batch_the_old_one_left(
        admin, city, cams, alert_config, clock, smtp, session):
    from camera_registry.database import db
    from camera_registry.services.alerts import AlertJobs

    ids = add_cameras(admin, city.compound_a1, 5)
    subscribe(admin, "duty@community.example", compound_id=city.compound_a1)
    cams.online(*ids)
    old = AlertJobs(db.session_factory, alert_config, clock, worker_name="old")
    cams.offline(ids[0])
    clock.advance(30)
    assert old.process() == 0  # the batch is still open
    clock.advance(30)
    cams.check(ids[1], True, faults=("occluded",))
    del old  # the process restarts here
    new = AlertJobs(db.session_factory, alert_config, clock, worker_name="new")
    clock.advance(WINDOW)
    assert new.process() == 1
    assert new.deliver().sent == 1
    [email] = smtp.inbox.messages
    text = smtp.inbox.text(email)
    assert cams.get(ids[0]).code in text and cams.get(ids[1]).code in text
    assert new.process() == 0 and new.deliver().sent == 0
    assert session.scalar(select(OutboxMessage.status)) == "sent"
    assert T0 < clock.now


def test_a_camera_down_long_before_an_outage_keeps_its_own_incident(
        admin, city, cams, clock, session):
    ids = add_cameras(admin, city.compound_a1, 5)
    cams.online(*ids)
    cams.offline(ids[0])
    clock.advance(86400)
    cams.offline(*ids[1:4])
    rows = all_incidents(session)
    outage = next(i for i in rows if i.kind == IncidentKind.COMPOUND_OUTAGE)
    old = incidents.open_camera_incident(session, ids[0])
    assert old.parent_id is None
    assert sorted(c.camera_id for c in outage.children) == ids[1:4]
