import pytest

from tests.conftest import camera_payload

CODE = "37130200011320000001"  # county 371302, industry 01, IPC 132, network 0


@pytest.fixture
def camera(admin, city):
    response = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, lifecycle="networked", networked_level="county",
        networked_since="2017-11-20"))
    assert response.status_code == 201, response.json
    return response.json


def test_created_camera_has_contract_fields(camera, city):
    for field in ("id", "code", "name", "kind", "stream_url", "stream_username", "lon", "lat",
                  "height_m", "bearing_deg", "fov_deg", "range_m", "compound_id", "building_id",
                  "key_place_ids", "lifecycle", "networked_level", "networked_since",
                  "probe_enabled", "probe_interval_s"):
        assert field in camera
    assert "stream_password" not in camera
    assert camera["division_code"] == city.community_a1


def test_code_is_decoded(camera):
    info = camera["code_info"]
    assert info["county"] == "371302"
    assert info["industry"]["code"] == "01" and info["industry"]["name_en"] == "community and buildings"
    assert info["device_type"]["code"] == "132"
    assert info["network"]["name_en"] == "public-security video network"


@pytest.mark.parametrize("code, reason", [
    ("3713020001132000001", "20 digits"),
    ("3713020001132000000A", "20 digits"),
    ("37130200012000000001", "not a camera or encoder"),
])
def test_malformed_codes_are_rejected(admin, city, code, reason):
    response = admin.post("/cameras", json=camera_payload(code, compound_id=city.compound_a1))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "code"
    assert reason in response.json["details"][0]["message"]


def test_code_must_match_the_county_of_the_division(admin, city):
    response = admin.post("/cameras", json=camera_payload(
        "37131100011320000001", compound_id=city.compound_a1))
    assert response.status_code == 422
    assert "county" in response.json["message"]


def test_encoder_channel_code_is_accepted(admin, city):
    response = admin.post("/cameras", json=camera_payload(
        "37130200011130000002", compound_id=city.compound_a1))
    assert response.status_code == 201


def test_duplicate_code_is_a_conflict(admin, city, camera):
    response = admin.post("/cameras", json=camera_payload(CODE, compound_id=city.compound_a1))
    assert response.status_code == 409
    assert admin.get("/cameras").json["total"] == 1


@pytest.mark.parametrize("field, value", [
    ("lon", 181), ("lat", -91), ("bearing_deg", 360), ("fov_deg", 0), ("range_m", -5),
    ("lon", "118.3"), ("probe_enabled", "yes"), ("kind", "drone"), ("compound_id", "1"),
])
def test_bad_values_name_the_field_and_write_nothing(admin, city, field, value):
    body = {**camera_payload(CODE, compound_id=city.compound_a1), field: value}
    response = admin.post("/cameras", json=body)
    assert response.status_code == 422
    assert field in [detail["field"] for detail in response.json["details"]]
    assert admin.get("/cameras").json["total"] == 0


def test_unknown_compound_is_rejected(admin, city):
    response = admin.post("/cameras", json=camera_payload(CODE, compound_id=4242))
    assert response.status_code == 422
    assert response.json["details"] == [
        {"field": "compound_id", "message": "no compound with id 4242 in your scope"}]


def test_camera_without_compound_needs_a_division(admin, city):
    response = admin.post("/cameras", json=camera_payload(CODE))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "division_code"


def test_street_camera_in_a_division(admin, city):
    response = admin.post("/cameras", json=camera_payload(CODE, division_code=city.street_a))
    assert response.status_code == 201
    assert response.json["compound_id"] is None


def test_networked_camera_needs_a_level(admin, city):
    response = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, lifecycle="networked"))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "networked_level"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///tmp/clip.mp4", "rtsp://"])
def test_stream_url_scheme_and_host_are_checked(admin, city, url):
    response = admin.post("/cameras", json=camera_payload(CODE, compound_id=city.compound_a1,
                                                          stream_url=url))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "stream_url"


def test_defaults_for_field_of_view_and_range_follow_the_kind(admin, city):
    body = camera_payload(CODE, compound_id=city.compound_a1, kind="fisheye")
    del body["fov_deg"], body["range_m"]
    created = admin.post("/cameras", json=body).json
    assert (created["fov_deg"], created["range_m"]) == (180.0, 15.0)


def test_patch_changes_only_what_is_sent(admin, camera):
    response = admin.patch(f"/cameras/{camera['id']}", json={"name": "北门"})
    assert response.status_code == 200
    changed = {k for k in camera if camera[k] != response.json[k]}
    assert changed == {"name", "updated_at"}


def test_patch_is_validated_as_a_whole(admin, camera):
    response = admin.patch(f"/cameras/{camera['id']}", json={"networked_level": "none"})
    assert response.status_code == 422
    assert admin.get(f"/cameras/{camera['id']}").json["networked_level"] == "county"


def test_building_must_be_in_the_cameras_compound(admin, city):
    building = admin.post("/buildings", json={"name": "1号楼", "compound_id": city.compound_b1}).json
    response = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, building_id=building["id"]))
    assert response.status_code == 422
    assert response.json["details"][0]["field"] == "building_id"


def test_key_places_are_linked(admin, city):
    place = admin.post("/key-places", json={
        "name": "南门", "kind": "gate", "compound_id": city.compound_a1,
        "polygon": {"type": "Polygon", "coordinates": [[[118.35, 35.05], [118.351, 35.05],
                                                        [118.351, 35.051], [118.35, 35.05]]]}}).json
    created = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, key_place_ids=[place["id"]])).json
    assert created["key_place_ids"] == [place["id"]]
    listed = admin.get(f"/cameras?key_place={place['id']}").json
    assert [c["id"] for c in listed["items"]] == [created["id"]]


def test_maintenance_windows_are_stored_in_utc(admin, city):
    created = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, maintenance_windows=[
            {"starts_at": "2026-12-01T08:00:00", "ends_at": "2026-12-01T12:00:00",
             "reason": "更换镜头"}])).json
    assert created["maintenance_windows"] == [{"starts_at": "2026-12-01T00:00:00Z",
                                               "ends_at": "2026-12-01T04:00:00Z",
                                               "reason": "更换镜头"}]


def test_maintenance_window_must_end_after_it_starts(admin, city):
    response = admin.post("/cameras", json=camera_payload(
        CODE, compound_id=city.compound_a1, maintenance_windows=[
            {"starts_at": "2026-12-01T08:00:00", "ends_at": "2026-12-01T07:00:00"}]))
    assert response.status_code == 422
    assert response.json["details"][0]["field"].startswith("maintenance_windows")


def test_delete_camera(admin, camera):
    assert admin.delete(f"/cameras/{camera['id']}").status_code == 204
    assert admin.get(f"/cameras/{camera['id']}").status_code == 404


@pytest.fixture
def many_cameras(admin, city):
    for serial in range(1, 8):
        level = "county" if serial % 2 else "none"
        admin.post("/cameras", json=camera_payload(
            f"371302000113200000{serial:02d}", name=f"探头{8 - serial}",
            compound_id=city.compound_a1, networked_level=level,
            lifecycle="networked" if level != "none" else "installed"))


def test_list_paginates_with_total(admin, many_cameras):
    page = admin.get("/cameras?per_page=3&page=3&sort=code").json
    assert (page["total"], page["page"], page["per_page"]) == (7, 3, 3)
    assert [c["code"][-2:] for c in page["items"]] == ["07"]


def test_list_sorts_descending(admin, many_cameras):
    names = [c["name"] for c in admin.get("/cameras?sort=-name").json["items"]]
    assert names == sorted(names, reverse=True)


def test_list_filters_by_networked_level_and_lifecycle(admin, many_cameras):
    assert admin.get("/cameras?networked_level=county").json["total"] == 4
    assert admin.get("/cameras?lifecycle=installed").json["total"] == 3


def test_text_search_on_name_and_code(admin, many_cameras):
    assert admin.get("/cameras?q=探头3").json["total"] == 1
    assert admin.get("/cameras?q=0000005").json["total"] == 1


@pytest.mark.parametrize("query", ["per_page=1001", "page=0", "sort=password", "colour=red",
                                   "lifecycle=broken", "division=999999"])
def test_bad_list_parameters_are_4xx(admin, many_cameras, query):
    response = admin.get(f"/cameras?{query}")
    assert response.status_code in (400, 422)
    assert response.json["message"]


def test_geojson_points(admin, camera):
    collection = admin.get("/cameras/geojson").json
    assert collection["type"] == "FeatureCollection"
    assert collection["features"][0]["geometry"] == {"type": "Point",
                                                     "coordinates": [118.351, 35.051]}


def test_compound_geojson_carries_the_boundary(admin, city):
    features = admin.get(f"/compounds/geojson?division={city.county_a}").json["features"]
    assert [f["properties"]["name"] for f in features] == ["阳光花园"]
    assert features[0]["geometry"]["type"] == "Polygon"
