"""Bearer-token authentication for the API; every request gets an Actor in ``g.actor``."""
from __future__ import annotations

from uuid import uuid4

from flask import g, request

from camera_registry.database import db
from camera_registry.errors import Unauthorized
from camera_registry.services.users import actor_for, authenticate_token

PUBLIC_ENDPOINTS = {"api.openapi"}


def authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an API token as 'Authorization: Bearer <token>' "
                           "(create one with 'camreg token create USER')")
    user = authenticate_token(db.session, token.strip())
    request_id = request.headers.get("X-Request-ID", "")[:64] or uuid4().hex
    g.actor = actor_for(user, request_id, f"{request.method} {request.path}")
