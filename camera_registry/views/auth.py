"""Login, logout and the language switch for the dashboard."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (Blueprint, flash, g, redirect, render_template, request, session, url_for)
from flask_babel import gettext as _

from camera_registry.database import db
from camera_registry.models import User
from camera_registry.services.users import actor_for, check_password
from camera_registry.views import LANGUAGES

bp = Blueprint("auth", __name__)


def current_actor():
    """The signed-in user as an Actor, or None."""
    user_id = session.get("user_id")
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        session.clear()
        return None
    return actor_for(user, request=f"{request.method} {request.path}")


def _safe_next(target: str | None) -> str:
    # Only local paths: a login link must not bounce people to another site.
    if target and target.startswith("/") and not urlsplit(target).netloc \
            and not target.startswith("//"):
        return target
    return url_for("dashboard.overview")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        user = check_password(db.session, request.form.get("username", "").strip(),
                              request.form.get("password", ""))
        if user is None:
            flash(_("Wrong user name or password."), "error")
            return render_template("auth/login.html"), 401
        lang = session.get("lang")
        session.clear()  # a fresh session on login: no fixation
        session["user_id"], session["lang"] = user.id, lang
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.post("/logout")
def logout() -> Any:
    lang = session.get("lang")
    session.clear()
    session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.get("/lang/<code>")
def language(code: str) -> Any:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next") or request.referrer and
                               urlsplit(request.referrer).path))


@bp.app_context_processor
def signed_in_user() -> dict[str, Any]:
    return {"actor": getattr(g, "actor", None)}
