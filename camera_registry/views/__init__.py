"""The dashboard (server-rendered pages) and the plain endpoints outside the JSON API."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, session
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect

from camera_registry.choices import CameraState, Fault

LANGUAGES = {"zh": "中文", "en": "English"}
DISPLAY_TIMEZONE = ZoneInfo("Asia/Shanghai")
csrf = CSRFProtect()


def select_locale() -> str:
    """Chinese by default, whatever the browser says; the switch keeps a choice in the
    session."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "zh"


def register_views(app: Flask) -> None:
    from camera_registry.views import auth, dashboard, imports, system

    Babel(app, locale_selector=select_locale, default_locale="zh",
          default_timezone="Asia/Shanghai")
    csrf.init_app(app)
    app.register_blueprint(system.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(imports.bp)
    for name in ("api",):  # the API authenticates by token, not by session: no CSRF there
        csrf.exempt(app.blueprints[name])
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, state_label=state_label,
                                 fault_label=fault_label, is_chinese=is_chinese)


def localtime(value) -> str:
    """Stored times are naive UTC (or ISO text ending in Z); people read Asia/Shanghai."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.removesuffix("Z"))
    return value.replace(tzinfo=timezone.utc).astimezone(DISPLAY_TIMEZONE).strftime(
        "%Y-%m-%d %H:%M:%S")


def _lang() -> str:
    return "zh" if get_locale().language == "zh" else "en"


def is_chinese() -> bool:
    return _lang() == "zh"


def state_label(state: str) -> str:
    return CameraState.label(state, _lang())


def fault_label(fault: str) -> str:
    return Fault.label(fault, _lang()).replace("_", " ")
