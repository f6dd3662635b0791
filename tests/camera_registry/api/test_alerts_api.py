"""Subscriptions and incidents through the API, within the caller's scope."""
from camera_registry.models import KeyPlace
from camera_registry.services import incidents
from tests.conftest import SQUARE
from camera_registry.database import utcnow


def test_subscription_crud_and_change_log(admin, city):
    response = admin.post("/subscriptions", json={
        "email": "Duty@Community.example", "compound_id": city.compound_a1,
        "kinds": ["camera_offline", "compound_outage"], "language": "en"})
    assert response.status_code == 201, response.json
    created = response.json
    assert created["email"] == "duty@community.example"
    assert created["division_code"] == city.community_a1 and created["digest"] is True
    listed = admin.get("/subscriptions", query_string={"compound": city.compound_a1}).json
    assert listed["total"] == 1
    patched = admin.patch(f"/subscriptions/{created['id']}", json={"active": False})
    assert patched.status_code == 200 and patched.json["active"] is False
    changes = admin.get("/changes", query_string={"object_type": "subscription"}).json["items"]
    assert [c["action"] for c in changes] == ["update", "create"]
    assert admin.delete(f"/subscriptions/{created['id']}").status_code == 204


def test_subscription_input_is_checked(admin, city):
    for body, field in (({"email": "not-an-address", "division_code": city.city}, "email"),
                        ({"email": "a@b.cn"}, "division_code"),
                        ({"email": "a@b.cn", "division_code": city.city, "kinds": ["fire"]},
                         "kinds.0"),
                        ({"email": "a@b.cn", "division_code": city.city, "language": "fr"},
                         "language")):
        response = admin.post("/subscriptions", json=body)
        assert response.status_code == 422, body
        assert response.json["details"][0]["field"] == field


def test_a_monitor_subscribes_within_its_scope_only(make_api, admin, city):
    monitor = make_api("monitor", city.county_a)
    assert monitor.post("/subscriptions", json={
        "email": "me@lanshan.example", "division_code": city.street_a}).status_code == 201
    outside = monitor.post("/subscriptions", json={
        "email": "me@lanshan.example", "division_code": city.county_b})
    assert outside.status_code == 422
    admin.post("/subscriptions", json={"email": "x@luozhuang.example",
                                       "division_code": city.county_b})
    assert monitor.get("/subscriptions").json["total"] == 1


def test_incidents_are_scoped_and_acknowledged_once(make_api, admin, city, session):
    places = [admin.post("/key-places", json={"name": name, "kind": "gate", "polygon": SQUARE,
                                              "compound_id": compound}).json["id"]
              for name, compound in (("北门", city.compound_a1), ("南门", city.compound_b1))]
    for place_id in places:
        incidents.key_place_uncovered(session, session.get(KeyPlace, place_id), utcnow())
    session.commit()
    monitor = make_api("monitor", city.county_a)
    listed = monitor.get("/incidents", query_string={"status": "open"}).json
    assert [i["subject"] for i in listed["items"]] == ["北门"] and listed["total"] == 1
    ident = listed["items"][0]["id"]
    other = admin.get("/incidents", query_string={"division": city.county_b}).json["items"][0]
    assert monitor.get(f"/incidents/{other['id']}").status_code == 404

    response = monitor.post(f"/incidents/{ident}/acknowledge", json={"comment": "已派人"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "acknowledged" and body["acknowledge_comment"] == "已派人"
    assert body["acknowledged_by"].startswith("monitor")
    assert [e["kind"] for e in body["events"]][-1] == "acknowledged"
    assert monitor.post(f"/incidents/{ident}/acknowledge").status_code == 409
    assert monitor.get("/incidents", query_string={"status": "nope"}).status_code == 422
    assert monitor.get("/incidents", query_string={"colour": "red"}).status_code == 400
