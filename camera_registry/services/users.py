"""Users, their roles and scopes, and API tokens (stored as SHA-256 digests)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from camera_registry.choices import Role
from camera_registry.database import utcnow
from camera_registry.errors import Conflict, InvalidInput, NotFound, Unauthorized
from camera_registry.models import ApiToken, Division, User
from camera_registry.services.scope import Actor

TOKEN_PREFIX = "crt_"


def create_user(session: Session, username: str, role: str, scope_code: str | None = None,
                password: str | None = None, email: str = "") -> User:
    if role not in Role.values():
        raise InvalidInput(f"role: must be one of {', '.join(Role.values())}")
    if not username or len(username) > 64:
        raise InvalidInput("username: 1 to 64 characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username} exists already")
    scope = None
    if scope_code:
        scope = session.scalar(select(Division).where(Division.code == scope_code))
        if scope is None:
            raise InvalidInput(f"scope: no division with code {scope_code}")
    elif role != Role.ADMIN:
        raise InvalidInput("scope: integrators and monitors need a division scope")
    user = User(username=username, role=role, scope=scope, email=email,
                password_hash=generate_password_hash(password) if password else None)
    session.add(user)
    session.commit()
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def check_password(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None or not user.password_hash or not check_password_hash(user.password_hash,
                                                                          password):
        return None
    return user


def create_token(session: Session, user: User, description: str = "",
                 days: int | None = None) -> str:
    """Make a token and return it in clear; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days else None
    session.add(ApiToken(user=user, digest=_digest(token), prefix=token[:10],
                         description=description, expires_at=expires))
    session.commit()
    return token


def authenticate_token(session: Session, token: str, now: datetime | None = None) -> User:
    now = now or utcnow()
    record = session.scalar(select(ApiToken).options(
        joinedload(ApiToken.user).joinedload(User.scope)).where(ApiToken.digest == _digest(token)))
    if record is None or not record.user.active:
        raise Unauthorized("the API token is not valid")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("the API token has expired")
    # Record use at most once a minute, so reads do not each write.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        record.last_used_at = now
        session.commit()
    return record.user


def actor_for(user: User, request_id: str | None = None, request: str = "") -> Actor:
    actor = Actor(username=user.username, role=user.role, scope=user.scope, user_id=user.id,
                  request=request)
    if request_id:
        actor.request_id = request_id
    return actor


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
