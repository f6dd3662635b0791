"""The governance-centre dashboard: overview, divisions, cameras."""
from __future__ import annotations

from typing import Any

import time
from datetime import timedelta

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template,
                   request, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from camera_registry.choices import (CameraState, CheckKind, DivisionLevel, Fault, IncidentStatus,
                                     Lifecycle, NetworkedLevel)
from camera_registry.coverage import CameraInput, camera_sector
from camera_registry.database import db, utcnow
from camera_registry.errors import ServiceError
from camera_registry.models import Building, Camera, Compound, Division, Incident, KeyPlace
from camera_registry.services import coverage, crud, report_files, reports
from camera_registry.services.health import HealthMonitor, recent_history
from camera_registry.views.auth import current_actor
from camera_registry.views.maps import SvgMap, trend_points

bp = Blueprint("dashboard", __name__)
CAMERA_FILTERS = ("state", "fault", "division", "compound", "networked_level", "lifecycle", "q",
                  "page", "sort")


@bp.before_request
def require_login() -> Any:
    g.actor = current_actor()
    if g.actor is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def resources():
    return current_app.extensions["camreg_resources"]


def monitor() -> HealthMonitor:
    from camera_registry.api.health import monitor as shared_monitor
    return shared_monitor()


def visible_division(code: str | None) -> Division | None:
    """The division a page is about: the one asked for (in scope), else the user's scope."""
    if not code:
        return g.actor.scope
    try:
        return crud.get_object(db.session, g.actor, resources()["divisions"], code)
    except ServiceError:
        abort(404)


@bp.get("/")
def overview() -> Any:
    # A registry with one root (the usual city) opens on that root.
    division = visible_division(request.args.get("division")) or _single_root()
    now = utcnow()
    report = _cached_summary(division, now)
    trend = []
    if division is not None:
        start = reports.local_today(now) - timedelta(days=30)
        _code, trend = reports.daily_series(db.session, g.actor, division.code, start, None)
    return render_template(
        "dashboard/overview.html", division=division, report=report, path=_path(division),
        trend=trend, trend_points=trend_points([day.get("online_rate") for day in trend]),
        open_incidents=_open_incidents(division), compounds=_compounds(division))


def _cached_summary(division: Division | None, now) -> reports.Report:
    """The division's report, reused for CAMREG_REPORT_CACHE_S: a city's figures take about a
    second to add up and change slowly, and monitors reload pages all day. A division's
    report is the same for everyone who may see the division."""
    code = division.code if division else None
    ttl = current_app.config["REPORT_CACHE_S"]
    cache = current_app.extensions.setdefault("camreg_report_cache", {})
    cached = cache.get(code)
    if cached is not None and time.monotonic() - cached[0] < ttl:
        return cached[1]
    report = reports.summary(db.session, g.actor, code, now)
    if ttl > 0:
        cache[code] = (time.monotonic(), report)
    return report


def _single_root() -> Division | None:
    roots = _children(None)
    return roots[0] if len(roots) == 1 else None


def _open_incidents(division: Division | None) -> int:
    query = g.actor.restrict(select(func.count(Incident.id)).join(
        Division, Incident.division_id == Division.id)).where(
        Incident.status != IncidentStatus.RESOLVED, Incident.parent_id.is_(None))
    if division is not None:
        query = query.where(Division.code.startswith(division.subtree_prefix, autoescape=True))
    return db.session.scalar(query) or 0


def _compounds(division: Division | None) -> list[Compound]:
    """A community's compounds (the level below communities)."""
    if division is None or division.level != DivisionLevel.COMMUNITY:
        return []
    return list(db.session.scalars(select(Compound).where(Compound.division_id == division.id)
                                   .order_by(Compound.name)))


def _children(division: Division | None) -> list[Division]:
    query = select(Division).order_by(Division.code)
    if division is None:
        query = query.where(Division.parent_id.is_(None))
    else:
        query = query.where(Division.parent_id == division.id)
    return [child for child in db.session.scalars(query) if g.actor.can_see(child)]


def _path(division: Division | None) -> list[Division]:
    """Breadcrumbs from the user's scope (or the top) down to the division."""
    path = []
    while division is not None and g.actor.can_see(division):
        path.insert(0, division)
        division = division.parent
    return path


@bp.get("/reports/summary.<fmt>")
def report_file(fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    division = visible_division(request.args.get("division"))
    report = reports.summary(db.session, g.actor, division.code if division else None,
                             utcnow())
    lang = "en" if str(get_locale().language) == "en" else "zh"
    body = report_files.to_csv(report, lang) if fmt == "csv" else report_files.to_xlsx(report,
                                                                                     lang)
    name = f"summary-{division.code if division else 'all'}-{report.day.isoformat()}.{fmt}"
    mimetype = "text/csv" if fmt == "csv" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/compounds/<int:compound_id>")
def compound(compound_id: int) -> Any:
    try:
        obj = crud.get_object(db.session, g.actor, resources()["compounds"], compound_id)
    except ServiceError:
        abort(404)
    buildings = list(db.session.scalars(select(Building).where(Building.compound_id == obj.id)))
    places = list(db.session.scalars(select(KeyPlace).where(KeyPlace.compound_id == obj.id)
                                     .order_by(KeyPlace.priority, KeyPlace.name)))
    cameras = list(db.session.scalars(select(Camera).where(Camera.compound_id == obj.id)
                                      .options(selectinload(Camera.health))
                                      .order_by(Camera.code)))
    layers = {place.id: coverage.coverage_geojson(db.session, place) for place in places}
    shapes = [shape(g) for g in ([obj.boundary] if obj.boundary else []) +
              [b.footprint for b in buildings if b.footprint] + [p.polygon for p in places]]
    sectors = {c.id: camera_sector(CameraInput(c.id, c.lon, c.lat, c.bearing_deg, c.fov_deg,
                                               c.range_m)) for c in cameras}
    svg = SvgMap.around(shapes + list(sectors.values())) if shapes or sectors else None
    return render_template("dashboard/compound.html", compound=obj, buildings=buildings,
                           places=places, cameras=cameras, layers=layers, sectors=sectors,
                           svg=svg, path=_path(obj.division))


@bp.get("/cameras")
def cameras() -> Any:
    params = {key: value for key, value in request.args.items()
              if key in CAMERA_FILTERS and value}
    try:
        page = crud.list_objects(db.session, g.actor, resources()["cameras"], params,
                                 max_per_page=100, default_per_page=50)
    except ServiceError as exc:
        flash(exc.message, "error")
        page = crud.Page([], 0, 1, 50)
    return render_template("dashboard/cameras.html", page=page, params=params,
                           states=CameraState.values(), faults=Fault.values(),
                           levels=NetworkedLevel.values(), lifecycles=Lifecycle.values())


@bp.get("/cameras/<int:camera_id>")
def camera(camera_id: int) -> Any:
    cameras_resource = resources()["cameras"]
    try:
        obj = crud.get_object(db.session, g.actor, cameras_resource, camera_id)
    except ServiceError:
        abort(404)
    transitions, checks = recent_history(db.session, obj.id, limit=20)
    return render_template("dashboard/camera.html", camera=obj,
                           data=cameras_resource.to_json(obj), transitions=transitions,
                           checks=checks, has_snapshot=monitor().snapshots.load(obj.id) is not None)


@bp.post("/cameras/<int:camera_id>/check")
def check_camera(camera_id: int) -> Any:
    try:
        obj = crud.get_object(db.session, g.actor, resources()["cameras"], camera_id)
    except ServiceError:
        abort(404)
    kind = request.form.get("kind", CheckKind.PICTURE)
    if kind not in CheckKind.values():
        abort(400)
    result, _transition = monitor().check_now(db.session, obj, kind, utcnow())
    flash(_("Check finished: %(outcome)s", outcome=result.outcome), "info")
    return redirect(url_for("dashboard.camera", camera_id=camera_id))


@bp.get("/cameras/<int:camera_id>/snapshot.jpg")
def snapshot(camera_id: int) -> Any:
    try:
        crud.get_object(db.session, g.actor, resources()["cameras"], camera_id)
    except ServiceError:
        abort(404)
    jpeg = monitor().snapshots.load(camera_id)
    if jpeg is None:
        abort(404)
    return current_app.response_class(jpeg, mimetype="image/jpeg",
                                      headers={"Cache-Control": "no-cache"})


@bp.get("/incidents")
def incidents() -> Any:
    from camera_registry.api import alerts as alert_api

    params = {key: value for key, value in request.args.items()
              if key in ("status", "kind", "division") and value}
    params.setdefault("status", "open,acknowledged")
    try:
        query = alert_api.filtered(params)
    except ServiceError as exc:
        flash(exc.message, "error")
        query = alert_api.filtered({})
    rows = db.session.scalars(query.order_by(Incident.opened_at.desc()).limit(200))
    return render_template("dashboard/incidents.html", params=params,
                           incidents=[alert_api.incident_json(i) for i in rows])


@bp.route("/incidents/<int:incident_id>", methods=["GET", "POST"])
def incident(incident_id: int) -> Any:
    from camera_registry.api import alerts as alert_api
    from camera_registry.services import incidents as incident_rules

    try:
        obj = alert_api.visible(str(incident_id))
    except ServiceError:
        abort(404)
    if request.method == "POST":
        try:
            incident_rules.acknowledge(db.session, obj, g.actor.username,
                                       request.form.get("comment", "").strip()[:500], utcnow())
            db.session.commit()
            flash(_("Acknowledged."), "info")
        except ServiceError as exc:
            flash(exc.message, "error")
        return redirect(url_for("dashboard.incident", incident_id=incident_id))
    return render_template("dashboard/incident.html", incident=alert_api.incident_json(
        obj, detail=True))
