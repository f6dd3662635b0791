"""The governance-centre dashboard: overview, divisions, cameras."""
from __future__ import annotations

from typing import Any

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from sqlalchemy import select

from camera_registry.choices import CameraState, CheckKind, Fault, Lifecycle, NetworkedLevel
from camera_registry.database import db, utcnow
from camera_registry.errors import ServiceError
from camera_registry.models import Division
from camera_registry.services import crud
from camera_registry.services.health import HealthMonitor, recent_history
from camera_registry.services.overview import state_figures
from camera_registry.views.auth import current_actor

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
    division = visible_division(request.args.get("division"))
    prefix = division.subtree_prefix if division else None
    children = _children(division)
    rows = [(child, state_figures(db.session, child.subtree_prefix)) for child in children]
    return render_template("dashboard/overview.html", division=division,
                           figures=state_figures(db.session, prefix), rows=rows,
                           path=_path(division))


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
