"""Alert routes: incidents (list, get, acknowledge) and subscriptions (the generic CRUD)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from camera_registry.api.bodies import json_body, query_params
from camera_registry.api.openapi import (documented, error, json_content, model_schemas,
                                         output_schema, ref)
from camera_registry.api.resources import register_resource
from camera_registry.choices import IncidentKind, IncidentStatus
from camera_registry.database import db, utcnow
from camera_registry.errors import BadRequest, NotFound, field_error
from camera_registry.models import Division, Incident
from camera_registry.services import incidents
from camera_registry.services.notifications import scope_chain
from camera_registry.services.resolver import Resolver
from camera_registry.services.subscriptions import SubscriptionIn, SubscriptionResource
from camera_registry.services.values import id_param, iso

TAGS = ["incidents"]
LIST_PARAMS = {
    "status": "open, acknowledged or resolved (comma-separated)",
    "kind": "camera_offline, camera_degraded, compound_outage or key_place_uncovered",
    "division": "only incidents in the subtree of this division code",
    "compound": "only the incidents of this compound id",
    "camera": "only the incidents of this camera id",
    "folded": "true: also the camera incidents folded into a compound incident",
    "page": "page number, from 1", "per_page": "at most 1000",
}
INCIDENT_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": IncidentKind.values()},
    "status": {"type": "string", "enum": IncidentStatus.values()},
    "subject": {"type": "string"}, "division_code": {"type": "string"},
    "compound_id": {"type": ["integer", "null"]}, "camera_id": {"type": ["integer", "null"]},
    "key_place_id": {"type": ["integer", "null"]}, "parent_id": {"type": ["integer", "null"]},
    "state": {"type": "string"}, "faults": {"type": "array", "items": {"type": "string"}},
    "cause": {"type": "string"}, "cause_detail": {"type": "string"},
    "opened_at": {"type": "string", "format": "date-time"},
    "since": {"type": "string", "format": "date-time"},
    "resolved_at": {"type": ["string", "null"], "format": "date-time"},
    "resolve_seconds": {"type": ["number", "null"]},
    "acknowledged_at": {"type": ["string", "null"], "format": "date-time"},
    "acknowledged_by": {"type": "string"}, "acknowledge_comment": {"type": "string"},
    "told": {"type": "string", "description": "the scope that holds the incident now"},
    "events": {"type": "array", "items": {"type": "object"}},
    "children": {"type": "array", "items": {"type": "object"}}}}


def register(bp: Blueprint, components: dict[str, Any]) -> None:
    subscriptions = SubscriptionResource()
    register_resource(bp, subscriptions, geojson=False)
    components.update(model_schemas(SubscriptionIn))
    components["Subscription"] = output_schema(components["SubscriptionIn"], {
        "id": {"type": "integer"}, "division_code": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"}})
    components["Incident"] = INCIDENT_SCHEMA

    @bp.get("/incidents")
    @documented({"get": {
        "summary": "Incidents in your scope, newest first", "tags": TAGS,
        "parameters": [{"name": name, "in": "query", "schema": {"type": "string"},
                        "description": text} for name, text in LIST_PARAMS.items()],
        "responses": {"200": json_content({"type": "object", "properties": {
            "items": {"type": "array", "items": ref("Incident")},
            "total": {"type": "integer"}}}), "422": error("bad filter value")}}})
    def incident_list() -> Any:
        params = query_params()
        query = filtered(params)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        per_page = min(id_param(params, "per_page") or 50, current_app.config["MAX_PER_PAGE"])
        page = id_param(params, "page") or 1
        rows = db.session.scalars(query.options(joinedload(Incident.division))
                                  .order_by(Incident.opened_at.desc(), Incident.id.desc())
                                  .limit(per_page).offset((page - 1) * per_page))
        return jsonify({"items": [incident_json(i) for i in rows], "total": total or 0,
                        "page": page, "per_page": per_page})

    @bp.get("/incidents/<key>")
    @documented({"get": {"summary": "An incident with its timeline and folded cameras",
                         "tags": TAGS, "responses": {"200": json_content(ref("Incident")),
                                                     "404": error("not found or out of scope")}}})
    def incident_item(key: str) -> Any:
        return jsonify(incident_json(visible(key), detail=True))

    @bp.post("/incidents/<key>/acknowledge")
    @documented({"post": {
        "summary": "Acknowledge an incident (签收): escalation and reminders stop",
        "tags": TAGS, "requestBody": {"required": False, "content": {"application/json": {
            "schema": {"type": "object", "properties": {"comment": {"type": "string",
                                                                    "maxLength": 500}}}}}},
        "responses": {"200": json_content(ref("Incident")), "404": error("not found"),
                      "409": error("resolved or acknowledged already"),
                      "422": error("bad comment")}}})
    def acknowledge(key: str) -> Any:
        incident = visible(key)
        body = json_body() if request.get_data(cache=True).strip() else {}
        comment = body.get("comment", "") if isinstance(body, dict) else None
        if not isinstance(comment, str) or len(comment) > 500:
            raise field_error("comment", "a text of at most 500 characters")
        incidents.acknowledge(db.session, incident, g.actor.username, comment.strip(), utcnow())
        db.session.commit()
        return jsonify(incident_json(incident, detail=True))


def filtered(params: dict[str, str]):
    unknown = set(params) - set(LIST_PARAMS)
    if unknown:
        raise BadRequest(f"unknown query parameter {', '.join(sorted(unknown))}; "
                         f"allowed: {', '.join(LIST_PARAMS)}")
    query = g.actor.restrict(select(Incident).join(Division, Incident.division_id == Division.id))
    for name, choices, column in (("status", IncidentStatus, Incident.status),
                                  ("kind", IncidentKind, Incident.kind)):
        if params.get(name):
            values = [v.strip() for v in params[name].split(",")]
            bad = [v for v in values if v not in choices.values()]
            if bad:
                raise field_error(name, f"must be among {', '.join(choices.values())}")
            query = query.where(column.in_(values))
    if params.get("division"):
        division = Resolver(db.session, g.actor).division(params["division"], field="division")
        query = query.where(Division.code.startswith(division.subtree_prefix, autoescape=True))
    for name, column in (("compound", Incident.compound_id), ("camera", Incident.camera_id)):
        ident = id_param(params, name)
        if ident is not None:
            query = query.where(column == ident)
    if params.get("folded", "").lower() not in ("true", "1", "yes"):
        query = query.where(Incident.parent_id.is_(None))
    return query


def visible(key: str) -> Incident:
    if not key.isdigit():
        raise NotFound(f"no incident with id {key}")
    incident = db.session.scalar(
        g.actor.restrict(select(Incident).join(Division, Incident.division_id == Division.id))
        .where(Incident.id == int(key))
        .options(selectinload(Incident.events), selectinload(Incident.children)))
    if incident is None:
        raise NotFound(f"no incident with id {key}")
    return incident


def incident_json(incident: Incident, detail: bool = False) -> dict[str, Any]:
    chain = scope_chain(incident)
    holder = chain[min(incident.level, len(chain) - 1)]
    data = {
        "id": incident.id, "kind": incident.kind, "status": incident.status,
        "subject": incident.subject, "division_code": incident.division.code,
        "compound_id": incident.compound_id, "camera_id": incident.camera_id,
        "key_place_id": incident.key_place_id, "parent_id": incident.parent_id,
        "state": incident.state, "faults": list(incident.faults), "cause": incident.cause,
        "cause_detail": incident.cause_detail, "opened_at": iso(incident.opened_at),
        "since": iso(incident.since), "resolved_at": iso(incident.resolved_at),
        "resolution": incident.resolution, "resolve_seconds": incident.resolve_seconds,
        "acknowledged_at": iso(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "acknowledge_comment": incident.acknowledge_comment,
        "told": f"{holder.name} ({holder.division.code})",
        "last_notified_at": iso(incident.last_notified_at),
    }
    if detail:
        data["events"] = [{"at": iso(e.at), "kind": e.kind, "actor": e.actor,
                           "detail": e.detail} for e in incident.events]
        data["children"] = [{"id": c.id, "subject": c.subject, "status": c.status,
                             "camera_id": c.camera_id, "since": iso(c.since),
                             "resolved_at": iso(c.resolved_at)} for c in incident.children]
    return data
