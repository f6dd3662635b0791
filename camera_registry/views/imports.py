"""The import page: upload a CSV/XLSX, see the dry run with per-row errors, then confirm.

The uploaded file waits in the instance folder between the dry run and the confirmation (the
session only holds its random name), so people do not upload it twice.
"""
from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _

from camera_registry.choices import Role
from camera_registry.database import db
from camera_registry.errors import ServiceError
from camera_registry.services import imports, spreadsheets
from camera_registry.services.spreadsheets import MIME_TYPES
from camera_registry.views.dashboard import require_login

bp = Blueprint("imports", __name__, url_prefix="/import")
bp.before_request(require_login)
PENDING_TTL_S = 3600


def _pending_folder() -> Path:
    folder = Path(current_app.instance_path) / "pending_imports"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():  # forget uploads nobody confirmed within the hour
        if time.time() - stale.stat().st_mtime > PENDING_TTL_S:
            stale.unlink(missing_ok=True)
    return folder


def _may_import() -> bool:
    return g.actor.role in (Role.ADMIN, Role.INTEGRATOR)


@bp.get("/")
def upload_form() -> Any:
    if not _may_import():
        abort(403)
    return render_template("imports/upload.html", report=None)


@bp.post("/")
def dry_run() -> Any:
    if not _may_import():
        abort(403)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV or Excel file."), "error")
        return redirect(url_for("imports.upload_form"))
    data = upload.read()
    report = _run(data, upload.filename, dry_run=True)
    if report is None:
        return redirect(url_for("imports.upload_form"))
    if not report.errors:
        token = secrets.token_urlsafe(16)
        (_pending_folder() / token).write_bytes(data)
        session["pending_import"] = {"token": token, "filename": upload.filename}
    return render_template("imports/upload.html", report=report,
                           can_confirm=not report.errors, filename=upload.filename)


@bp.post("/confirm")
def confirm() -> Any:
    if not _may_import():
        abort(403)
    pending = session.pop("pending_import", None)
    path = _pending_folder() / pending["token"] if pending else None
    if path is None or not path.exists():
        flash(_("The checked file has expired; upload it again."), "error")
        return redirect(url_for("imports.upload_form"))
    data = path.read_bytes()
    path.unlink()
    report = _run(data, pending["filename"], dry_run=False)
    if report is not None and report.applied:
        summary = report.summary()
        flash(_("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                created=summary["created"], updated=summary["updated"],
                unchanged=summary["unchanged"]), "info")
    return render_template("imports/upload.html", report=report, can_confirm=False)


def _run(data: bytes, filename: str, dry_run: bool):
    try:
        return imports.import_cameras(db.session, g.actor,
                                      current_app.extensions["camreg_resources"]["cameras"],
                                      data, filename, dry_run=dry_run)
    except ServiceError as exc:
        flash(exc.message, "error")
        return None


@bp.get("/template.<fmt>")
def template(fmt: str) -> Any:
    if fmt not in MIME_TYPES:
        abort(404)
    lang = "en" if request.args.get("lang") == "en" else "zh"
    return Response(spreadsheets.write_template(fmt, lang), mimetype=MIME_TYPES[fmt],
                    headers={"Content-Disposition":
                             f"attachment; filename=camera-import-template-{lang}.{fmt}"})
