"""The app factory: configuration, database, blueprints and error handlers."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from camera_registry.config import load_config
from camera_registry.database import db

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    instance_path = os.environ.get("CAMREG_INSTANCE_PATH") or (test_config or {}).get(
        "INSTANCE_PATH")
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder="static",
                instance_path=str(Path(instance_path).resolve()) if instance_path else None,
                instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    app.json.ensure_ascii = False  # Chinese names stay readable in answers
    logging.basicConfig(level=app.config["LOG_LEVEL"],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick is noise

    db.init_app(app)

    from camera_registry.api import create_blueprint
    from camera_registry.api.errors import register_error_handlers
    from camera_registry.services.registry import build_resources
    from camera_registry.views import register_views

    resources = build_resources(app.config)
    app.extensions["camreg_resources"] = resources
    app.register_blueprint(create_blueprint(resources))
    register_views(app)
    register_error_handlers(app)
    if app.config["SCHEDULER"] and not app.config.get("TESTING"):
        start_scheduler(app)
    return app


def start_scheduler(app: Flask) -> None:
    """Run the health-check scheduler in this process (the demo does; production runs
    `camreg scheduler` apart). The database lease keeps it to one across all processes."""
    import atexit

    from camera_registry.services.health import HealthMonitor
    from health_checks.scheduler import CheckScheduler

    checks = CheckScheduler(db.session_factory, HealthMonitor(app.config, app.instance_path))
    scheduler = checks.build(blocking=False)
    scheduler.start()
    app.extensions["camreg_scheduler"] = checks

    def stop() -> None:
        scheduler.shutdown(wait=False)
        checks.stop()
    atexit.register(stop)
