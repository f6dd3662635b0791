"""Health routes: check a camera now, its status, history and snapshot."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify
from camera_registry.api.bodies import query_params
from camera_registry.api.openapi import documented, error, json_content
from camera_registry.choices import CheckKind
from camera_registry.database import db, utcnow
from camera_registry.errors import BadRequest, NotFound
from camera_registry.models import CheckResult, StateTransition
from camera_registry.services import crud
from camera_registry.services.health import HealthMonitor, health_json, recent_history
from camera_registry.services.values import id_param, iso

TAGS = ["health"]


def monitor() -> HealthMonitor:
    """One monitor (and so one pool of check workers) per app, started on first use."""
    extensions = current_app.extensions
    if "camreg_health" not in extensions:
        extensions["camreg_health"] = HealthMonitor(current_app.config,
                                                    current_app.instance_path)
    return extensions["camreg_health"]


def register(bp: Blueprint, cameras) -> None:
    def camera(key: str):
        return crud.get_object(db.session, g.actor, cameras, key)

    @bp.post("/cameras/<key>/check")
    @documented({"post": {
        "summary": "Check a camera now and record the result", "tags": TAGS,
        "parameters": [{"name": "kind", "in": "query",
                        "schema": {"type": "string", "enum": CheckKind.values()}}],
        "responses": {"200": json_content({"type": "object"}), "400": error("bad kind"),
                      "404": error("not found or out of scope")}}})
    def check_now(key: str) -> Any:
        kind = query_params().get("kind", CheckKind.LIVENESS)
        if kind not in CheckKind.values():
            raise BadRequest(f"kind: must be one of {', '.join(CheckKind.values())}")
        target = camera(key)
        result, transition = monitor().check_now(db.session, target, kind, utcnow())
        db.session.refresh(target)
        return jsonify({"camera_id": target.id, "kind": kind, "result": result.to_dict(),
                        "transition": transition_json(transition) if transition else None,
                        "status": health_json(target.health)})

    @bp.get("/cameras/<key>/status")
    @documented({"get": {"summary": "A camera's current state and faults", "tags": TAGS,
                         "responses": {"200": json_content({"type": "object"}),
                                       "404": error("not found or out of scope")}}})
    def status(key: str) -> Any:
        target = camera(key)
        return jsonify({"camera_id": target.id, **health_json(target.health)})

    @bp.get("/cameras/<key>/history")
    @documented({"get": {
        "summary": "A camera's state transitions and recent checks, newest first", "tags": TAGS,
        "parameters": [{"name": "limit", "in": "query",
                        "schema": {"type": "integer", "maximum": 1000}}],
        "responses": {"200": json_content({"type": "object"}),
                      "404": error("not found or out of scope")}}})
    def history(key: str) -> Any:
        target = camera(key)
        limit = min(id_param(query_params(), "limit") or 100, 1000)
        transitions, checks = recent_history(db.session, target.id, limit)
        return jsonify({"camera_id": target.id,
                        "transitions": [transition_json(t) for t in transitions],
                        "checks": [check_json(c) for c in checks]})

    @bp.get("/cameras/<key>/snapshot.jpg")
    @documented({"get": {"summary": "The latest picture of a camera (small JPEG)", "tags": TAGS,
                         "responses": {"200": {"description": "JPEG", "content": {
                             "image/jpeg": {"schema": {"type": "string",
                                                       "format": "binary"}}}},
                                       "404": error("no snapshot yet")}}})
    def snapshot(key: str) -> Any:
        target = camera(key)
        jpeg = monitor().snapshots.load(target.id)
        if jpeg is None:
            raise NotFound(f"camera {target.id} has no snapshot yet; run a picture check")
        response = Response(jpeg, mimetype="image/jpeg")
        response.headers["Cache-Control"] = "no-cache"
        return response


def transition_json(transition: StateTransition) -> dict[str, Any]:
    return {"at": iso(transition.at), "from": transition.from_state, "to": transition.to_state,
            "reason": transition.reason}


def check_json(check: CheckResult) -> dict[str, Any]:
    return {"at": iso(check.at), "kind": check.kind, "outcome": check.outcome,
            "verdict": check.verdict, "faults": check.faults, "scores": check.scores,
            "stats": check.stats, "detail": check.detail, "duration_s": check.duration_s}
