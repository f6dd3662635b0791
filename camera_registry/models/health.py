"""What the health checks found: each camera's current state, its transitions and raw checks."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camera_registry.choices import CameraState
from camera_registry.database import Base
from camera_registry.models.cameras import Camera


class CameraHealth(Base):
    """The current state of one camera, with the counters behind its hysteresis."""

    __tablename__ = "camera_health"

    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"),
                                           primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=CameraState.UNKNOWN, index=True)
    since: Mapped[Optional[datetime]]
    faults: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(300), default="")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_successes: Mapped[int] = mapped_column(Integer, default=0)
    last_check_at: Mapped[Optional[datetime]]
    last_liveness_at: Mapped[Optional[datetime]]
    last_picture_at: Mapped[Optional[datetime]]
    next_liveness_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    next_picture_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    snapshot_at: Mapped[Optional[datetime]]

    camera: Mapped[Camera] = relationship()


class StateTransition(Base):
    __tablename__ = "state_transitions"
    __table_args__ = (Index("ix_state_transitions_camera_at", "camera_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(index=True)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300), default="")


class CheckResult(Base):
    """One raw check; kept for a limited time (CAMREG_CHECK_RETENTION_DAYS)."""

    __tablename__ = "check_results"
    __table_args__ = (Index("ix_check_results_camera_at", "camera_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    verdict: Mapped[Optional[str]] = mapped_column(String(16))
    faults: Mapped[list[str]] = mapped_column(JSON, default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    detail: Mapped[str] = mapped_column(String(300), default="")
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
