import pytest


def test_create_and_get_division_by_code(admin):
    response = admin.post("/divisions", json={"code": "371300", "name": "临沂市", "level": "city"})
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/divisions/371300")
    assert admin.get("/divisions/371300").json == {
        "id": response.json["id"], "code": "371300", "name": "临沂市", "level": "city",
        "parent_code": None}


def test_list_children_of_a_division(admin, city):
    response = admin.get(f"/divisions?parent={city.street_a}")
    assert [d["code"] for d in response.json["items"]] == [city.community_a1, city.community_a2]
    assert response.json["total"] == 2


def test_list_subtree_by_level(admin, city):
    response = admin.get(f"/divisions?division={city.county_a}&level=community")
    assert {d["code"] for d in response.json["items"]} == {city.community_a1, city.community_a2}


@pytest.mark.parametrize("body, field", [
    ({"code": "3713", "name": "x", "level": "city"}, "code"),
    ({"code": "371302001", "name": "x", "level": "county"}, "code"),
    ({"code": "371300", "name": "", "level": "city"}, "name"),
    ({"code": "371300", "name": "x", "level": "planet"}, "level"),
    ({"code": "371300", "name": "x", "level": "city", "colour": "red"}, "colour"),
])
def test_invalid_division_names_the_field(admin, body, field):
    response = admin.post("/divisions", json=body)
    assert response.status_code == 422
    assert field in [detail["field"] for detail in response.json["details"]]


def test_child_code_must_extend_parent_code(admin, city):
    response = admin.post("/divisions", json={"code": "371399001", "name": "x", "level": "town",
                                              "parent_code": city.county_a})
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "code"


def test_child_must_be_below_parent_level(admin, city):
    response = admin.post("/divisions", json={"code": "371303", "name": "x", "level": "county",
                                              "parent_code": city.county_a})
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "parent_code"


def test_unknown_parent_is_rejected(admin):
    response = admin.post("/divisions", json={"code": "371302", "name": "x", "level": "county",
                                              "parent_code": "379900"})
    assert response.status_code == 422
    assert "379900" in response.json["message"]


def test_duplicate_code_is_a_conflict(admin, city):
    response = admin.post("/divisions", json={"code": city.city, "name": "x", "level": "city"})
    assert response.status_code == 409


def test_rename_division(admin, city):
    response = admin.patch(f"/divisions/{city.county_a}", json={"name": "兰山"})
    assert response.status_code == 200 and response.json["name"] == "兰山"


def test_code_cannot_be_changed(admin, city):
    response = admin.patch(f"/divisions/{city.county_a}", json={"code": "371303"})
    assert response.status_code == 422
    assert admin.get("/divisions/371303").status_code == 404


def test_division_with_children_cannot_be_deleted(admin, city):
    response = admin.delete(f"/divisions/{city.street_b}")
    assert response.status_code == 409
    assert "child divisions" in response.json["message"]


def test_empty_division_can_be_deleted(admin, city):
    assert admin.delete(f"/divisions/{city.community_a2}").status_code == 204
    assert admin.get(f"/divisions/{city.community_a2}").status_code == 404


def test_integrator_cannot_write_divisions(make_api, city):
    integrator = make_api("integrator", city.street_a)
    response = integrator.post("/divisions", json={
        "code": "371302001009", "name": "x", "level": "community", "parent_code": city.street_a})
    assert response.status_code == 403
