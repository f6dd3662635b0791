"""Plain endpoints for machines: health of the service and Prometheus metrics."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import text

from camera_registry.database import db, utcnow
from camera_registry.services.metrics import RegistryCollector

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness for load balancers: the app answers and its database does."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure makes the service unhealthy
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/metrics")
def metrics() -> Any:
    """Prometheus text format: cameras by county and state, recent checks and durations."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RegistryCollector(db.session, utcnow()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
