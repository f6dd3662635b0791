"""A token for one street can neither see nor touch another street's objects."""
import pytest

from tests.conftest import SQUARE, camera_payload

CODE_A = "37130200011320000001"
CODE_B = "37131100011320000001"


@pytest.fixture
def cameras(admin, city):
    a = admin.post("/cameras", json=camera_payload(CODE_A, compound_id=city.compound_a1)).json
    b = admin.post("/cameras", json=camera_payload(CODE_B, compound_id=city.compound_b1)).json
    return a, b


@pytest.fixture
def street_a(make_api, city):
    return make_api("integrator", city.street_a)


def test_list_shows_only_the_scope(street_a, cameras):
    listed = street_a.get("/cameras").json
    assert [c["code"] for c in listed["items"]] == [CODE_A] and listed["total"] == 1


def test_other_street_camera_is_404(street_a, cameras):
    assert street_a.get(f"/cameras/{cameras[1]['id']}").status_code == 404


def test_other_street_camera_cannot_be_changed(street_a, cameras, admin):
    assert street_a.patch(f"/cameras/{cameras[1]['id']}", json={"name": "x"}).status_code == 404
    assert street_a.delete(f"/cameras/{cameras[1]['id']}").status_code == 404
    assert admin.get(f"/cameras/{cameras[1]['id']}").json["name"] == cameras[1]["name"]


def test_cannot_create_in_another_street(street_a, city):
    response = street_a.post("/cameras", json=camera_payload(CODE_B, compound_id=city.compound_b1))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "compound_id"


def test_cannot_move_a_camera_out_of_scope(street_a, cameras, city):
    response = street_a.patch(f"/cameras/{cameras[0]['id']}",
                              json={"compound_id": city.compound_b1})
    assert response.status_code == 422


def test_can_create_inside_the_scope(street_a, city):
    response = street_a.post("/cameras", json=camera_payload(CODE_A, compound_id=city.compound_a1))
    assert response.status_code == 201


def test_divisions_outside_the_scope_are_invisible(street_a, city):
    codes = {d["code"] for d in street_a.get("/divisions").json["items"]}
    assert codes == {city.street_a, city.community_a1, city.community_a2}
    assert street_a.get(f"/divisions/{city.county_a}").status_code == 404


def test_division_filter_outside_scope_is_rejected(street_a, city, cameras):
    response = street_a.get(f"/cameras?division={city.street_b}")
    assert response.status_code == 422


@pytest.mark.parametrize("path", ["/cameras/geojson", "/compounds/geojson", "/compounds"])
def test_geojson_and_lists_respect_the_scope(street_a, cameras, path):
    body = street_a.get(path).json
    rows = body.get("features") or body.get("items")
    text = str(rows)
    assert "371311" not in text and "371302" in text


def test_key_places_of_other_streets_are_invisible(street_a, admin, city):
    admin.post("/key-places", json={"name": "龙潭市场", "kind": "market", "polygon": SQUARE,
                                    "division_code": city.street_b})
    assert street_a.get("/key-places").json["total"] == 0


def test_monitor_reads_but_cannot_write(make_api, city, cameras):
    monitor = make_api("monitor", city.street_a)
    assert monitor.get("/cameras").json["total"] == 1
    response = monitor.post("/cameras", json=camera_payload(CODE_A, compound_id=city.compound_a1))
    assert response.status_code == 403
    assert monitor.patch(f"/cameras/{cameras[0]['id']}", json={"name": "x"}).status_code == 403


def test_scoped_admin_cannot_create_top_level_divisions(make_api, city):
    county_admin = make_api("admin", city.county_a)
    response = county_admin.post("/divisions", json={"code": "370000", "name": "山东省",
                                                     "level": "province"})
    assert response.status_code == 422


def test_change_log_is_scoped(street_a, cameras):
    records = street_a.get("/changes").json["items"]
    assert records and all(r["division_code"].startswith("371302") for r in records)
