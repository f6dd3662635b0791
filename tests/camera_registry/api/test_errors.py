import pytest


def test_malformed_json_is_400_with_position(admin, city):
    response = admin.post("/cameras", data='{"code": ', content_type="application/json")
    assert response.status_code == 400
    assert "line 1" in response.json["message"]


def test_empty_body_is_400(admin):
    assert admin.post("/cameras", data="").status_code == 400


def test_body_that_is_not_an_object_is_400(admin):
    response = admin.post("/cameras", json=[1, 2])
    assert response.status_code == 400 and "JSON object" in response.json["message"]


def test_unknown_route_is_json_404(admin):
    response = admin.get("/nothing-here")
    assert response.status_code == 404
    assert set(response.json) == {"error", "message", "details"}


def test_wrong_method_is_json_405(admin):
    response = admin.request("PUT", "/cameras")
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/cameras/abc", "/cameras/99", "/divisions/000000",
                                  "/compounds/1", "/buildings/1", "/key-places/1"])
def test_missing_objects_are_404(admin, path):
    response = admin.get(path)
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_too_large_upload_is_413(app, admin):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = admin.post("/cameras", data="x" * 4096, content_type="application/json")
    assert response.status_code == 413
