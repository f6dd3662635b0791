"""The change log: every create, update and delete, with before/after values."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from camera_registry.models import ChangeRecord
from camera_registry.services.scope import Actor
from camera_registry.services.values import iso


def record_change(session: Session, actor: Actor, action: str, object_type: str, object_id: int,
                  object_repr: str, division_code: str | None,
                  before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Add a change record to the session; it is committed with the change itself."""
    session.add(ChangeRecord(
        username=actor.username, request_id=actor.request_id, request=actor.request[:300],
        action=action, object_type=object_type, object_id=object_id,
        object_repr=object_repr[:200], division_code=division_code,
        before=before, after=after))


def change_json(record: ChangeRecord) -> dict[str, Any]:
    return {
        "id": record.id, "time": iso(record.time), "username": record.username,
        "request_id": record.request_id, "request": record.request, "action": record.action,
        "object_type": record.object_type, "object_id": record.object_id,
        "object_repr": record.object_repr, "division_code": record.division_code,
        "before": record.before, "after": record.after,
    }
