"""List, get, create, update, delete and GeoJSON routes for every registry resource."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for

from camera_registry.api.bodies import json_body, query_params
from camera_registry.api.openapi import documented, error, json_content, ref
from camera_registry.database import db
from camera_registry.services import crud
from camera_registry.services.crud import Resource
from camera_registry.services.geojson import feature_collection

PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
    {"name": "sort", "in": "query", "schema": {"type": "string"},
     "description": "comma-separated field names; prefix - for descending"},
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "text search"},
    {"name": "division", "in": "query", "schema": {"type": "string"},
     "description": "only objects in the subtree of this division code"},
]


def schema_name(resource: Resource) -> str:
    return resource.schema.__name__.removesuffix("In")


def register_resource(bp: Blueprint, resource: Resource, geojson: bool = True) -> None:
    name, label = resource.name, resource.object_type.replace("_", " ")
    endpoint = name.replace("-", "_")
    item = ref(schema_name(resource))
    tags = [name]
    filters = [{"name": param, "in": "query", "schema": {"type": "string"}, "description": text}
               for param, text in resource.filter_params.items()]

    @documented({
        "get": {"summary": f"List {name}", "tags": tags, "parameters": PAGE_PARAMS + filters,
                "responses": {"200": json_content({"type": "object", "properties": {
                    "items": {"type": "array", "items": item}, "total": {"type": "integer"},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"}}}),
                    "400": error("bad query parameter"), "422": error("bad filter value")}},
        "post": {"summary": f"Create a {label}", "tags": tags,
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": ref(resource.schema.__name__)}}},
                 "responses": {"201": json_content(item, "Created"),
                               "400": error("malformed JSON"), "403": error("role not allowed"),
                               "409": error("duplicate"), "422": error("invalid field")}},
    })
    def collection() -> Any:
        if request.method == "POST":
            obj = crud.create_object(db.session, g.actor, resource, json_body())
            response = jsonify(resource.to_json(obj))
            response.status_code = 201
            response.headers["Location"] = url_for(
                f"api.{endpoint}_item", key=getattr(obj, resource.lookup))
            return response
        config = current_app.config
        page = crud.list_objects(db.session, g.actor, resource, query_params(),
                                 config["MAX_PER_PAGE"], config["DEFAULT_PER_PAGE"])
        return jsonify({"items": [resource.to_json(obj) for obj in page.items],
                        "total": page.total, "page": page.page, "per_page": page.per_page})

    @documented({
        "get": {"summary": f"Get a {label}", "tags": tags,
                "responses": {"200": json_content(item), "404": error("not found or out of scope")}},
        "patch": {"summary": f"Update a {label} (only the fields sent)", "tags": tags,
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {"type": "object"}}}},
                  "responses": {"200": json_content(item), "400": error("malformed JSON"),
                                "403": error("role not allowed"), "404": error("not found"),
                                "409": error("duplicate"), "422": error("invalid field")}},
        "delete": {"summary": f"Delete a {label}", "tags": tags,
                   "responses": {"204": {"description": "Deleted"},
                                 "403": error("role not allowed"), "404": error("not found"),
                                 "409": error("other records depend on it")}},
    })
    def item_view(key: str) -> Any:
        method = request.method
        if method == "DELETE":
            crud.delete_object(db.session, g.actor, resource, key)
            return "", 204
        if method == "PATCH":
            obj = crud.update_object(db.session, g.actor, resource, key, json_body())
        else:
            obj = crud.get_object(db.session, g.actor, resource, key)
        return jsonify(resource.to_json(obj))

    bp.add_url_rule(f"/{name}", f"{endpoint}_collection", collection, methods=["GET", "POST"])
    bp.add_url_rule(f"/{name}/<key>", f"{endpoint}_item", item_view,
                    methods=["GET", "PATCH", "DELETE"])
    if not geojson:
        return

    @documented({"get": {
        "summary": f"{name} as a GeoJSON FeatureCollection (WGS-84)", "tags": tags,
        "parameters": PAGE_PARAMS[3:] + filters,
        "responses": {"200": {"description": "GeoJSON", "content": {"application/geo+json": {
            "schema": {"type": "object"}}}}, "422": error("bad filter value")}}})
    def geojson_view() -> Any:
        query = crud.filtered_query(db.session, g.actor, resource, query_params())
        objects = db.session.scalars(query.options(*resource.load_options())
                                     .order_by(resource.model.id)).unique()
        response = jsonify(feature_collection(resource, objects))
        response.mimetype = "application/geo+json"
        return response

    bp.add_url_rule(f"/{name}/geojson", f"{endpoint}_geojson", geojson_view)
