"""The OpenAPI 3 document, built from the routes themselves so the two cannot drift apart.

Every API view carries its operation description (``documented``); the document walks the
app's URL map and collects them.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Callable

from flask import current_app
from pydantic import BaseModel

OPENAPI_ATTR = "__openapi__"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string", "example": "invalid_input"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "row": {"type": "integer"},
            "column": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


def documented(operations: dict[str, dict[str, Any]]) -> Callable:
    """Attach OpenAPI operations (by lower-case HTTP method) to a view function."""
    def decorate(view: Callable) -> Callable:
        setattr(view, OPENAPI_ATTR, operations)
        return view
    return decorate


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def json_content(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def model_schemas(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema and its nested definitions, as OpenAPI components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {model.__name__: schema, **definitions}


def output_schema(input_schema: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """What the API answers: the input fields less the write-only ones, plus read-only ones."""
    schema = copy.deepcopy(input_schema)
    schema.pop("required", None)
    schema.pop("additionalProperties", None)
    schema["properties"] = {name: prop for name, prop in schema["properties"].items()
                            if not prop.get("writeOnly")}
    schema["properties"].update(extra)
    schema["title"] = schema.get("title", "").removesuffix("In")
    return schema


_CONVERTER = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")


def build_document(components: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions[rule.endpoint]
        operations = getattr(view, OPENAPI_ATTR, None)
        if operations is None:
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = copy.deepcopy(operations[method.lower()])
            operation.setdefault("operationId", f"{rule.endpoint}_{method.lower()}".replace(
                ".", "_"))
            if "{" in path:
                operation.setdefault("parameters", [])
                operation["parameters"] = [
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                    for name in _CONVERTER.findall(rule.rule)] + operation["parameters"]
            if operation.get("security") != []:
                operation["responses"].setdefault("401", error("no valid API token"))
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "camera_registry API", "version": "1",
                 "description": "Registry, health and coverage of community video networks "
                                "(雪亮工程). Errors share one shape: see the Error schema."},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **components},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
