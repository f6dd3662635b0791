"""Who is told about an incident, and when: subscriptions by scope, batches per address.

An incident goes to the subscribers of the most specific scope that has any (its compound,
then its community, street, county, city); escalation moves it one scope up at a time. What
is to be told waits as ``Notification`` rows; once the oldest one of an address is older than
the batching window, everything waiting for that address becomes one email in the outbox.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from camera_registry.choices import IncidentEventKind
from camera_registry.models import (Compound, Division, Incident, IncidentEvent, Notification,
                                    Subscription)
from camera_registry.services import emails, outbox


@dataclass(frozen=True)
class AlertPolicy:
    """The alerting rules' numbers (CAMREG_* settings, see docs/ALERTS.md)."""

    batch_window_s: int = 120
    escalate_after_s: int = 3600
    reminder_s: int = 14400
    outage_share: float = 0.6
    outage_window_s: int = 300
    outage_min_cameras: int = 3
    digest_time: time = time(8, 0)
    timezone: str = "Asia/Shanghai"
    base_url: str = "http://127.0.0.1:5000"
    sender: str = "camreg@localhost"

    def __post_init__(self) -> None:
        if not 0 < self.outage_share <= 1:
            raise ValueError("CAMREG_COMPOUND_OUTAGE_SHARE must be above 0 and at most 1")
        for name in ("batch_window_s", "escalate_after_s", "reminder_s", "outage_window_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"the alert setting {name} must be positive")
        ZoneInfo(self.timezone)  # an unknown zone fails here, at start-up

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "AlertPolicy":
        return cls(config["ALERT_BATCH_WINDOW_S"], config["ALERT_ESCALATE_AFTER_S"],
                   config["ALERT_REMINDER_S"], config["COMPOUND_OUTAGE_SHARE"],
                   config["COMPOUND_OUTAGE_WINDOW_S"], config["COMPOUND_OUTAGE_MIN_CAMERAS"],
                   parse_time(config["DIGEST_TIME"]), config["TIMEZONE"], config["BASE_URL"],
                   config["SMTP_FROM"])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_time(text: str) -> time:
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"CAMREG_DIGEST_TIME: expected HH:MM, got {text!r}") from None


@dataclass(frozen=True)
class Scope:
    """A place whose subscribers can be told: a compound, or a division (without compound)."""

    division: Division
    compound: Compound | None = None

    @property
    def name(self) -> str:
        return self.compound.name if self.compound else self.division.name


def scope_chain(incident: Incident) -> list[Scope]:
    """From the most specific scope up to the top division (分级转办 goes this way)."""
    chain = [Scope(incident.compound.division, incident.compound)] if incident.compound else []
    division: Division | None = incident.division
    while division is not None:
        chain.append(Scope(division))
        division = division.parent
    return chain


def subscribers(session: Session, scope: Scope, kind: str) -> list[Subscription]:
    query = select(Subscription).where(Subscription.active.is_(True),
                                       Subscription.division_id == scope.division.id)
    if scope.compound is None:
        query = query.where(Subscription.compound_id.is_(None))
    else:
        query = query.where(Subscription.compound_id == scope.compound.id)
    return [s for s in session.scalars(query.order_by(Subscription.id))
            if not s.kinds or kind in s.kinds]


def next_level(session: Session, incident: Incident, start: int
               ) -> tuple[int, list[Subscription]] | None:
    """The first scope from ``start`` up that has subscribers for this kind of incident."""
    chain = scope_chain(incident)
    for level in range(start, len(chain)):
        found = subscribers(session, chain[level], incident.kind)
        if found:
            return level, found
    return None


def told(session: Session, incident: Incident) -> list[Subscription]:
    """Everyone told so far: the scopes up to the incident's level (lower ones had nobody)."""
    chain = scope_chain(incident)
    return [s for scope in chain[:incident.level + 1]
            for s in subscribers(session, scope, incident.kind)]


def holders(session: Session, incident: Incident) -> list[Subscription]:
    """The scope that holds the incident now (reminders go there, not to everyone told)."""
    chain = scope_chain(incident)
    return subscribers(session, chain[min(incident.level, len(chain) - 1)], incident.kind)


def queue(session: Session, incident: Incident, event: str, recipients: list[Subscription],
          now: datetime) -> int:
    """Put an event of an incident in each recipient's next batch (once per address)."""
    if incident.parent_id is not None:  # folded: its compound incident speaks for it
        return 0
    addresses: dict[str, str] = {}
    for subscription in recipients:
        addresses.setdefault(subscription.email.lower(), subscription.language)
    for email, language in addresses.items():
        session.add(Notification(incident=incident, email=email, language=language,
                                 event=event, created_at=now))
    if addresses:
        incident.last_notified_at = now
    return len(addresses)


def drop_pending(session: Session, incident: Incident) -> None:
    """Forget what was waiting to be told about an incident (it was folded)."""
    session.execute(delete(Notification).where(Notification.incident_id == incident.id,
                                               Notification.outbox_id.is_(None)))


def due_addresses(session: Session, now: datetime, window_s: int) -> list[str]:
    """Addresses whose oldest waiting notification has waited the whole batching window."""
    cutoff = now - timedelta(seconds=window_s)
    query = (select(Notification.email).where(Notification.outbox_id.is_(None))
             .group_by(Notification.email)
             .having(func.min(Notification.created_at) <= cutoff).order_by(Notification.email))
    return list(session.scalars(query))


def flush(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """Turn every due batch into one email in the outbox; one transaction per address, so a
    crash leaves each batch either wholly queued or wholly waiting. Returns emails queued."""
    queued = 0
    for email in due_addresses(session, now, policy.batch_window_s):
        queued += _flush_address(session, email, now, policy)
    return queued


def _flush_address(session: Session, email: str, now: datetime, policy: AlertPolicy) -> int:
    waiting = list(session.scalars(select(Notification).where(
        Notification.email == email, Notification.outbox_id.is_(None))
        .order_by(Notification.id)))
    items: dict[int, list[str]] = {}
    for notification in waiting:
        events = items.setdefault(notification.incident_id, [])
        if notification.event not in events:
            events.append(notification.event)
    incidents = {i.id: i for i in session.scalars(
        select(Incident).where(Incident.id.in_(items)))}
    entries = [(incidents[ident], events) for ident, events in items.items()]
    language = waiting[0].language
    subject, text, html = emails.render_incidents(language, entries, policy)
    message = outbox.enqueue(session, email, subject, text, html, kind="incidents", now=now,
                             sender=policy.sender, details={"incidents": list(items)})
    session.flush()
    ids = [n.id for n in waiting]
    claimed = session.execute(update(Notification).where(
        Notification.id.in_(ids), Notification.outbox_id.is_(None))
        .values(outbox_id=message.id).execution_options(synchronize_session=False))
    if claimed.rowcount != len(ids):  # another process batched some of them meanwhile
        session.rollback()
        return 0
    for incident, _events in entries:
        session.add(IncidentEvent(incident=incident, at=now, kind=IncidentEventKind.NOTIFIED,
                                  detail=f"email to {email} ({message.message_id})"))
    session.commit()
    return 1
