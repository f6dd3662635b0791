"""Alerts: incidents and their timeline, who is told (subscriptions), and the email outbox."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camera_registry.choices import IncidentStatus, Language, OutboxStatus
from camera_registry.database import Base, utcnow
from camera_registry.models.cameras import Camera
from camera_registry.models.divisions import Division
from camera_registry.models.places import Compound, KeyPlace


class Incident(Base):
    """Something wrong that people must handle: a camera down, a compound outage, a key place
    without a working camera. Subject names are copied in so the record outlives the objects."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_kind", "status", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=IncidentStatus.OPEN, index=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    compound_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("compounds.id", ondelete="SET NULL"), index=True)
    camera_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), index=True)
    key_place_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("key_places.id", ondelete="SET NULL"), index=True)
    # A camera incident folded into a compound outage is not notified on its own.
    parent_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(200))  # "探头0001 (37130200011320000001)"
    state: Mapped[str] = mapped_column(String(16), default="")  # the camera's state at opening
    faults: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The likely shared cause of a compound outage: a code (see services/incidents.py) and
    # what it names (a stream host, a building).
    cause: Mapped[str] = mapped_column(String(32), default="")
    cause_detail: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(index=True)
    since: Mapped[datetime]  # when the condition began (the transition time)
    resolved_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    resolution: Mapped[str] = mapped_column(String(300), default="")
    acknowledged_at: Mapped[Optional[datetime]]
    acknowledged_by: Mapped[str] = mapped_column(String(64), default="")
    acknowledge_comment: Mapped[str] = mapped_column(String(500), default="")
    # How far up the scope chain (compound, community, street, county, city) it has been told.
    level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[Optional[datetime]]
    last_notified_at: Mapped[Optional[datetime]]

    division: Mapped[Division] = relationship()
    compound: Mapped[Optional[Compound]] = relationship()
    camera: Mapped[Optional[Camera]] = relationship()
    key_place: Mapped[Optional[KeyPlace]] = relationship()
    parent: Mapped[Optional["Incident"]] = relationship(remote_side=[id],
                                                        back_populates="children")
    children: Mapped[list["Incident"]] = relationship(back_populates="parent",
                                                      order_by="Incident.id")
    events: Mapped[list["IncidentEvent"]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentEvent.id")

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED

    @property
    def resolve_seconds(self) -> Optional[float]:
        """Time to resolve, for the governance centre's evaluation (考核评价)."""
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.since).total_seconds()


class IncidentEvent(Base):
    """One step of an incident's closed loop: opened, notified, escalated, acknowledged, ..."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    detail: Mapped[str] = mapped_column(String(500), default="")

    incident: Mapped[Incident] = relationship(back_populates="events")


class Subscription(Base):
    """An email address told about incidents of some kinds in a division or compound."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), index=True)
    # Always set (the compound's community when a compound is given), so scope applies alike.
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    compound_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("compounds.id", ondelete="CASCADE"), index=True)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every kind
    language: Mapped[str] = mapped_column(String(8), default=Language.ZH)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)  # the 08:00 daily digest
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    division: Mapped[Division] = relationship()
    compound: Mapped[Optional[Compound]] = relationship()


class Notification(Base):
    """Something to tell one address about one incident; waits for the address's batch."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "outbox_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"),
                                             index=True)
    email: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    event: Mapped[str] = mapped_column(String(16))  # opened, escalated, reminder, resolved, ...
    created_at: Mapped[datetime]
    outbox_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    incident: Mapped[Incident] = relationship()


class OutboxMessage(Base):
    """One email to send. Written in the same transaction as what it reports; sent by the
    outbox worker (claim, send, mark sent), so nothing is lost and a resend is recognisable
    by its Message-ID (docs/ALERTS.md)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # Stops a job that runs twice (e.g. the digest after a restart) from queueing twice.
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # incidents, digest
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[Optional[str]] = mapped_column(String(200))
    claimed_until: Mapped[Optional[datetime]]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[Optional[datetime]]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # incident ids, ...
