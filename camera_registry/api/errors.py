"""One error shape for the whole API: {"error", "message", "details"}."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from camera_registry.errors import ServiceError

log = logging.getLogger(__name__)


def error_response(status: int, error: str, message: str,
                   details: list[dict[str, Any]] | None = None):
    response = jsonify({"error": error, "message": message, "details": details or []})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/metrics")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        # The message names fields and rows, never submitted values, so it is safe to log.
        log.info("rejected %s %s: %s %s", request.method, request.path, exc.status, exc.message)
        return error_response(exc.status, exc.error, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not _wants_json():
            return exc
        name = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(exc.code or 500, name, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not _wants_json():
            return "Internal Server Error", 500
        return error_response(500, "internal_error",
                              "the server failed to answer; the error is in its log")
