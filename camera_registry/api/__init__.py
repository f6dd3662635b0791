"""The JSON API under /api/v1."""
from __future__ import annotations

from typing import Any

import logging

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select

from camera_registry.api import auth
from camera_registry.api.bodies import query_params
from camera_registry.api.openapi import (build_document, documented, error, json_content,
                                         model_schemas, output_schema, ref)
from camera_registry.api.resources import register_resource, schema_name
from camera_registry.choices import CameraState
from camera_registry.database import db
from camera_registry.models import ChangeRecord
from camera_registry.schemas import MaintenanceWindowIn
from camera_registry.services.changelog import change_json
from camera_registry.services.crud import Resource
from camera_registry.services.values import id_param

log = logging.getLogger(__name__)

# Read-only fields each resource adds to its input fields in answers.
OUTPUT_EXTRAS: dict[str, dict[str, Any]] = {
    "divisions": {"id": {"type": "integer"}},
    "compounds": {"id": {"type": "integer"}},
    "buildings": {"id": {"type": "integer"}},
    "key-places": {"id": {"type": "integer"}, "division_code": {"type": "string"},
                   # docs/COVERAGE.md; null until computed
                   "coverage": {"type": ["number", "null"], "description": "by working cameras"},
                   "design_coverage": {"type": ["number", "null"],
                                       "description": "by every installed camera"},
                   "coverage_status": {"type": ["string", "null"],
                                       "enum": ["full", "partial", "uncovered", None]}},
    "cameras": {"id": {"type": "integer"}, "division_code": {"type": "string"},
                "has_stream_password": {"type": "boolean"},
                "state": {"type": "string", "enum": CameraState.values()},
                "faults": {"type": "array", "items": {"type": "string"}},
                "code_info": {"type": "object", "description": "the decoded national code"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}},
}


def _log_request(response: Response) -> Response:
    actor = getattr(g, "actor", None)
    log.info("%s %s %s by %s", request.method, request.path, response.status_code,
             actor.username if actor else "anonymous")
    return response


def create_blueprint(resources: dict[str, Resource]) -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix="/api/v1")
    bp.before_request(auth.authenticate)
    bp.after_request(_log_request)
    for resource in resources.values():
        register_resource(bp, resource, geojson=resource.name != "divisions")

    components: dict[str, Any] = model_schemas(MaintenanceWindowIn)
    for resource in resources.values():
        components.update(model_schemas(resource.schema))
        components[schema_name(resource)] = output_schema(
            components[resource.schema.__name__], OUTPUT_EXTRAS[resource.name])

    @bp.get("/openapi.json")
    @documented({"get": {"summary": "This OpenAPI document", "tags": ["meta"], "security": [],
                         "responses": {"200": json_content({"type": "object"})}}})
    def openapi() -> Any:
        return jsonify(build_document(components))

    @bp.get("/me")
    @documented({"get": {"summary": "Who the token belongs to, its role and scope",
                         "tags": ["meta"], "responses": {"200": json_content({
                             "type": "object", "properties": {
                                 "username": {"type": "string"}, "role": {"type": "string"},
                                 "scope": {"type": ["string", "null"]}}})}}})
    def me() -> Any:
        actor = g.actor
        return jsonify({"username": actor.username, "role": actor.role,
                        "scope": actor.scope.code if actor.scope else None})

    @bp.get("/changes")
    @documented({"get": {
        "summary": "The change log, newest first, within your scope", "tags": ["meta"],
        "parameters": [
            {"name": "object_type", "in": "query", "schema": {"type": "string"}},
            {"name": "object_id", "in": "query", "schema": {"type": "integer"}},
            {"name": "request_id", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 1000}}],
        "responses": {"200": json_content({"type": "object"}), "422": error("bad filter")}}})
    def changes() -> Any:
        params = query_params()
        query = g.actor.restrict(select(ChangeRecord), ChangeRecord.division_code)
        if params.get("object_type"):
            query = query.where(ChangeRecord.object_type == params["object_type"])
        object_id = id_param(params, "object_id")
        if object_id is not None:
            query = query.where(ChangeRecord.object_id == object_id)
        if params.get("request_id"):
            query = query.where(ChangeRecord.request_id == params["request_id"])
        limit = min(id_param(params, "limit") or 100, 1000)
        records = db.session.scalars(query.order_by(ChangeRecord.id.desc()).limit(limit))
        return jsonify({"items": [change_json(record) for record in records]})

    from camera_registry.api import health, imports  # noqa: E402  (routes need the resources)
    imports.register(bp, resources)
    health.register(bp, resources["cameras"])
    from camera_registry.api import alerts  # noqa: E402
    from camera_registry.api import coverage, reports  # noqa: E402
    coverage.register(bp, resources["key-places"])
    reports.register(bp)
    alerts.register(bp, components)
    return bp
