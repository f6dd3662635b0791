"""Coverage routes: a key place's coverage as GeoJSON (the place, the sectors, the blind spots)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from camera_registry.api.openapi import documented, error
from camera_registry.database import db
from camera_registry.services import coverage, crud
from camera_registry.services.crud import Resource

TAGS = ["key-places"]
ROLES = ["key_place", "sector", "view", "blind_spot", "design_blind_spot"]


def register(bp: Blueprint, key_places: Resource) -> None:
    @bp.get("/key-places/<key>/coverage")
    @documented({"get": {
        "summary": "A key place's coverage as a GeoJSON FeatureCollection (WGS-84)",
        "description": "Features, each with a `role` property: `key_place` (the place, with "
                       "its coverage, design coverage and status), for every installed camera "
                       "that sees part of it a `sector` (its whole field of view) and a "
                       "`view` (the part of the place it sees, buildings taken into account), "
                       "then `blind_spot` (what no working camera sees) and "
                       "`design_blind_spot` (what no installed camera sees); a geometry is "
                       "null when empty. Rules: docs/COVERAGE.md.",
        "tags": TAGS,
        "responses": {"200": {"description": "GeoJSON", "content": {"application/geo+json": {
            "schema": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"type": "object", "properties": {
                    "properties": {"type": "object", "properties": {
                        "role": {"type": "string", "enum": ROLES}}}}}}}}}}},
            "404": error("not found or out of scope")}}})
    def key_place_coverage(key: str) -> Any:
        place = crud.get_object(db.session, g.actor, key_places, key)
        response = jsonify(coverage.coverage_geojson(db.session, place))
        response.mimetype = "application/geo+json"
        return response
