from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from camera_registry.database import Base, utcnow


class ChangeRecord(Base):
    """One create, update or delete of a registry object, with before/after (secrets redacted).

    Who and which request are copied in as text so the record outlives users and objects.
    """

    __tablename__ = "change_records"
    __table_args__ = (Index("ix_change_records_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    time: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    request: Mapped[str] = mapped_column(String(300), default="")  # "POST /api/v1/cameras"
    action: Mapped[str] = mapped_column(String(8))  # create, update, delete
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    object_repr: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[Optional[str]] = mapped_column(String(12), index=True)  # for scoping
    before: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    after: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
