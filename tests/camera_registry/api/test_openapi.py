import re

from openapi_spec_validator import validate


def test_document_is_valid_openapi(client_without_token):
    validate(client_without_token.get("/api/v1/openapi.json").json)


def test_document_lists_exactly_the_api_routes(app, client_without_token):
    document = client_without_token.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item}
    routed = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed


def test_camera_schema_hides_the_password(client_without_token):
    schemas = client_without_token.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "stream_password" in schemas["CameraIn"]["properties"]
    assert "stream_password" not in schemas["Camera"]["properties"]
