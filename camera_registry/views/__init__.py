"""Pages and plain endpoints outside the JSON API."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import text

from camera_registry.database import db

bp = Blueprint("views", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness for load balancers: the app answers and its database does."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure makes the service unhealthy
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/")
def index() -> Any:
    return jsonify({"service": "camera_registry", "api": "/api/v1/openapi.json"})
