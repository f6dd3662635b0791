"""Errors raised by services; the API turns each into a JSON answer with its status."""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    error = "bad_request"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(ServiceError):
    status, error = 400, "bad_request"


class Unauthorized(ServiceError):
    status, error = 401, "unauthorized"


class Forbidden(ServiceError):
    status, error = 403, "forbidden"


class NotFound(ServiceError):
    status, error = 404, "not_found"


class Conflict(ServiceError):
    status, error = 409, "conflict"


class InvalidInput(ServiceError):
    status, error = 422, "invalid_input"


def field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [{"field": field, "message": message}])
