from tests.conftest import SQUARE

BUILDING = {"type": "Polygon", "coordinates": [[[118.3505, 35.0505], [118.3508, 35.0505],
                                                [118.3508, 35.0508], [118.3505, 35.0508],
                                                [118.3505, 35.0505]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[118.35, 35.05], [118.36, 35.06], [118.36, 35.05],
                                              [118.35, 35.06], [118.35, 35.05]]]}


def test_compound_round_trip(admin, city):
    body = {"name": "幸福家园", "division_code": city.community_a2, "address": "沂蒙路1号",
            "boundary": SQUARE, "in_campaign": True, "weak": True,
            "built_target": "2017-11-30", "networked_target": "2018-06-30"}
    created = admin.post("/compounds", json=body)
    assert created.status_code == 201
    assert admin.get(f"/compounds/{created.json['id']}").json == {"id": created.json["id"], **body}


def test_compound_must_be_in_a_community(admin, city):
    response = admin.post("/compounds", json={"name": "x", "division_code": city.street_a})
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "division_code"


def test_compound_names_are_unique_per_community(admin, city):
    response = admin.post("/compounds", json={"name": "阳光花园", "division_code": city.community_a1})
    assert response.status_code == 409


def test_invalid_polygon_is_rejected_with_reason(admin, city):
    response = admin.post("/compounds", json={"name": "x", "division_code": city.community_a2,
                                              "boundary": BOWTIE})
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "boundary"
    assert "not valid" in response.json["details"][0]["message"]


def test_polygon_outside_wgs84_is_rejected(admin, city):
    far = {"type": "Polygon", "coordinates": [[[200, 35], [201, 35], [201, 36], [200, 35]]]}
    response = admin.post("/compounds", json={"name": "x", "division_code": city.community_a2,
                                              "boundary": far})
    assert response.status_code == 422


def test_filter_compounds_in_campaign(admin, city):
    admin.post("/compounds", json={"name": "老街坊", "division_code": city.community_a2})
    names = [c["name"] for c in admin.get("/compounds?in_campaign=false").json["items"]]
    assert names == ["老街坊"]


def test_building_in_compound(admin, city):
    created = admin.post("/buildings", json={"name": "1号楼", "compound_id": city.compound_a1,
                                             "footprint": BUILDING, "floors": 18})
    assert created.status_code == 201
    listed = admin.get(f"/buildings?compound={city.compound_a1}").json
    assert [b["name"] for b in listed["items"]] == ["1号楼"]


def test_building_needs_an_existing_compound(admin, city):
    response = admin.post("/buildings", json={"name": "1号楼", "compound_id": 9999})
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "compound_id"


def test_compound_with_buildings_cannot_be_deleted(admin, city):
    admin.post("/buildings", json={"name": "1号楼", "compound_id": city.compound_a1})
    response = admin.delete(f"/compounds/{city.compound_a1}")
    assert response.status_code == 409
    assert "1 buildings" in response.json["message"]


def test_key_place_takes_division_from_compound(admin, city):
    created = admin.post("/key-places", json={"name": "南门", "kind": "gate", "polygon": SQUARE,
                                              "compound_id": city.compound_a1})
    assert created.status_code == 201
    assert created.json["division_code"] == city.community_a1
    assert created.json["required_coverage"] == 1.0


def test_key_place_of_a_division(admin, city):
    created = admin.post("/key-places", json={"name": "实验小学门口", "kind": "school_gate",
                                              "polygon": SQUARE, "division_code": city.street_a,
                                              "required_coverage": 0.8, "priority": 1})
    assert created.status_code == 201
    assert admin.get("/key-places?kind=school_gate").json["total"] == 1


def test_key_place_needs_an_owner(admin, city):
    response = admin.post("/key-places", json={"name": "x", "polygon": SQUARE})
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "division_code"


def test_key_place_move_to_another_compound_follows_its_division(admin, city):
    place = admin.post("/key-places", json={"name": "南门", "kind": "gate", "polygon": SQUARE,
                                            "compound_id": city.compound_a1}).json
    moved = admin.patch(f"/key-places/{place['id']}", json={"compound_id": city.compound_b1})
    assert moved.status_code == 200
    assert moved.json["division_code"] == city.community_b1
