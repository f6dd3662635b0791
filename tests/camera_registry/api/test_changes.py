from tests.conftest import camera_payload

CODE = "37130200011320000001"


def test_create_update_delete_are_logged_with_before_and_after(admin, city):
    camera = admin.post("/cameras", json=camera_payload(CODE, compound_id=city.compound_a1)).json
    admin.patch(f"/cameras/{camera['id']}", json={"name": "北门"})
    admin.delete(f"/cameras/{camera['id']}")
    records = admin.get(f"/changes?object_type=camera&object_id={camera['id']}").json["items"]
    assert [r["action"] for r in records] == ["delete", "update", "create"]
    update = records[1]
    assert update["before"]["name"] == camera["name"] and update["after"]["name"] == "北门"
    assert update["request"] == f"PATCH /api/v1/cameras/{camera['id']}"
    assert update["username"].startswith("admin")


def test_request_id_ties_a_change_to_its_request(admin, city):
    admin.post("/cameras", json=camera_payload(CODE, compound_id=city.compound_a1),
               headers={"X-Request-ID": "ticket-42"})
    records = admin.get("/changes?request_id=ticket-42").json["items"]
    assert [r["object_type"] for r in records] == ["camera"]


def test_a_patch_that_changes_nothing_is_not_logged(admin, city):
    camera = admin.post("/cameras", json=camera_payload(CODE, compound_id=city.compound_a1)).json
    admin.patch(f"/cameras/{camera['id']}", json={"name": camera["name"]})
    assert len(admin.get("/changes?object_type=camera").json["items"]) == 1


def test_a_rejected_write_is_not_logged(admin, city):
    admin.post("/cameras", json=camera_payload(CODE, compound_id=city.compound_a1, lat=99))
    assert admin.get("/changes?object_type=camera").json["items"] == []
