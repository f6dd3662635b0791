"""The daily digest (每日通报) at 08:00: each subscriber's division at a glance.

Rates are computed from state transitions, so today's and yesterday's figures come from the
same rule: a camera's state at a moment is the target of its last transition before it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from camera_registry.choices import CameraState, IncidentKind, IncidentStatus
from camera_registry.coverage import CoverageStatus
from camera_registry.models import (Camera, Compound, Division, Incident, KeyPlace,
                                    KeyPlaceCoverage, StateTransition, Subscription)
from camera_registry.services import emails, outbox
from camera_registry.services.health import checked_cameras
from camera_registry.services.notifications import AlertPolicy

UP = (CameraState.ONLINE, CameraState.DEGRADED)  # the stream answers: counts as online
WORST = 10


@dataclass
class CompoundLine:
    name: str
    division: str
    managed: int
    online: int

    @property
    def rate(self) -> float:
        return self.online / self.managed if self.managed else 1.0


@dataclass
class Digest:
    date: str  # the local date of the digest
    scope_name: str
    scope_code: str
    managed: int
    online: int
    intact: int
    online_rate: float | None
    intact_rate: float | None
    online_rate_yesterday: float | None
    intact_rate_yesterday: float | None
    opened: int
    open: int
    resolved: int
    uncovered: list[str] = field(default_factory=list)
    worst: list[dict] = field(default_factory=list)
    coverage_note: bool = False  # say that coverage figures are missing (none computed)


@dataclass
class Rates:
    managed: int
    online: int
    intact: int
    by_compound: dict[int, tuple[int, int]]  # compound id -> (managed, online)

    @property
    def online_rate(self) -> float | None:
        return self.online / self.managed if self.managed else None

    @property
    def intact_rate(self) -> float | None:
        return self.intact / self.managed if self.managed else None


def cameras_in(prefix: str, compound_id: int | None) -> Select:
    query = checked_cameras(prefix)
    if compound_id is not None:
        query = query.where(Camera.compound_id == compound_id)
    return query


def states_at(session: Session, camera_ids: Select, at: datetime) -> dict[int, str]:
    """Each camera's state at a moment. Transitions of a camera are written in time order,
    so its highest id up to the moment is its last one."""
    last = (select(func.max(StateTransition.id)).where(StateTransition.at <= at,
                                                       StateTransition.camera_id.in_(camera_ids))
            .group_by(StateTransition.camera_id))
    rows = session.execute(select(StateTransition.camera_id, StateTransition.to_state)
                           .where(StateTransition.id.in_(last)))
    return {camera_id: state for camera_id, state in rows}


def rates_at(session: Session, prefix: str, compound_id: int | None, at: datetime) -> Rates:
    """Online and intact rates: cameras under maintenance are left out of the count; a
    camera registered after the moment, and not checked before it, did not exist then."""
    cameras = list(session.execute(cameras_in(prefix, compound_id).with_only_columns(
        Camera.id, Camera.compound_id, Camera.created_at)))
    ids = cameras_in(prefix, compound_id).with_only_columns(Camera.id)
    states = states_at(session, ids, at) if cameras else {}
    managed = online = intact = 0
    by_compound: dict[int, list[int]] = {}
    for camera_id, compound, created_at in cameras:
        if camera_id not in states and created_at > at:
            continue
        state = states.get(camera_id, CameraState.UNKNOWN)
        if state == CameraState.MAINTENANCE:
            continue
        managed += 1
        online += state in UP
        intact += state == CameraState.ONLINE
        if compound is not None:
            counts = by_compound.setdefault(compound, [0, 0])
            counts[0] += 1
            counts[1] += state in UP
    return Rates(managed, online, intact, {k: (m, o) for k, (m, o) in by_compound.items()})


def incident_counts(session: Session, prefix: str, compound_id: int | None,
                    now: datetime) -> tuple[int, int, int]:
    """Opened and resolved in the last 24 h, and open now; folded ones are counted in their
    compound incident, as people were told."""
    day_ago = now - timedelta(days=1)
    query = (select(Incident.opened_at, Incident.resolved_at, Incident.status)
             .join(Division, Incident.division_id == Division.id)
             .where(Division.code.startswith(prefix, autoescape=True),
                    Incident.parent_id.is_(None),
                    (Incident.resolved_at.is_(None)) | (Incident.resolved_at >= day_ago)))
    if compound_id is not None:
        query = query.where(Incident.compound_id == compound_id)
    opened = open_ = resolved = 0
    for opened_at, resolved_at, status in session.execute(query):
        opened += day_ago <= opened_at <= now
        open_ += status != IncidentStatus.RESOLVED
        resolved += resolved_at is not None and day_ago <= resolved_at <= now
    return opened, open_, resolved


def uncovered_places(session: Session, prefix: str, compound_id: int | None) -> list[str]:
    """Key places the coverage work finds uncovered (docs/COVERAGE.md), and those with an
    open key_place_uncovered incident."""
    reported = (select(Incident.subject).join(Division, Incident.division_id == Division.id)
                .where(Division.code.startswith(prefix, autoescape=True),
                       Incident.kind == IncidentKind.KEY_PLACE_UNCOVERED,
                       Incident.status != IncidentStatus.RESOLVED))
    computed = (select(KeyPlace.name).join(Division, KeyPlace.division_id == Division.id)
                .join(KeyPlaceCoverage, KeyPlaceCoverage.key_place_id == KeyPlace.id)
                .where(Division.code.startswith(prefix, autoescape=True),
                       KeyPlaceCoverage.status == CoverageStatus.UNCOVERED))
    if compound_id is not None:
        reported = reported.where(Incident.compound_id == compound_id)
        computed = computed.where(KeyPlace.compound_id == compound_id)
    return sorted(set(session.scalars(reported)) | set(session.scalars(computed)))


def coverage_missing(session: Session, prefix: str, compound_id: int | None) -> bool:
    """Key places in scope whose coverage has not been computed (yet)."""
    query = (select(func.count()).select_from(KeyPlace)
             .join(Division, KeyPlace.division_id == Division.id)
             .outerjoin(KeyPlaceCoverage, KeyPlaceCoverage.key_place_id == KeyPlace.id)
             .where(Division.code.startswith(prefix, autoescape=True),
                    KeyPlaceCoverage.key_place_id.is_(None)))
    if compound_id is not None:
        query = query.where(KeyPlace.compound_id == compound_id)
    return bool(session.scalar(query))


def worst_compounds(session: Session, rates: Rates) -> list[dict]:
    lacking = {ident: counts for ident, counts in rates.by_compound.items()
               if counts[1] < counts[0]}
    if not lacking:
        return []
    compounds = session.execute(select(Compound.id, Compound.name, Division.name)
                                .join(Division, Compound.division_id == Division.id)
                                .where(Compound.id.in_(lacking)))
    lines = [CompoundLine(name, division, *lacking[ident]) for ident, name, division in compounds]
    lines.sort(key=lambda line: (line.rate, -line.managed, line.name))
    return [{"name": line.name, "division": line.division, "managed": line.managed,
             "online": line.online, "rate": line.rate} for line in lines[:WORST]]


def compute(session: Session, division: Division, compound: Compound | None, now: datetime,
            policy: AlertPolicy) -> Digest:
    prefix, compound_id = division.subtree_prefix, compound.id if compound else None
    today = rates_at(session, prefix, compound_id, now)
    yesterday = rates_at(session, prefix, compound_id, now - timedelta(days=1))
    opened, open_, resolved = incident_counts(session, prefix, compound_id, now)
    local = now.replace(tzinfo=timezone.utc).astimezone(policy.zone)
    return Digest(
        date=local.date().isoformat(), scope_name=compound.name if compound else division.name,
        scope_code=division.code, managed=today.managed, online=today.online,
        intact=today.intact, online_rate=today.online_rate, intact_rate=today.intact_rate,
        online_rate_yesterday=yesterday.online_rate,
        intact_rate_yesterday=yesterday.intact_rate, opened=opened, open=open_,
        resolved=resolved, uncovered=uncovered_places(session, prefix, compound_id),
        worst=worst_compounds(session, today),
        coverage_note=coverage_missing(session, prefix, compound_id))


def send_digests(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """Queue today's digest for every subscription that wants one (once per address and
    scope: the de-duplication key makes a second run a no-op). Returns emails queued."""
    subscriptions = session.scalars(select(Subscription).where(
        Subscription.active.is_(True), Subscription.digest.is_(True)).order_by(Subscription.id))
    local_date = now.replace(tzinfo=timezone.utc).astimezone(policy.zone).date().isoformat()
    computed: dict[tuple[int, int | None], Digest] = {}
    queued = 0
    seen: Counter = Counter()
    for subscription in subscriptions:
        scope = (subscription.division_id, subscription.compound_id)
        key = f"digest:{local_date}:{subscription.email.lower()}:{scope[0]}:{scope[1] or ''}"
        seen[key] += 1
        if seen[key] > 1:
            continue
        if scope not in computed:
            computed[scope] = compute(session, subscription.division, subscription.compound,
                                      now, policy)
        subject, text, html = emails.render_digest(subscription.language, computed[scope],
                                                   policy)
        if outbox.enqueue(session, subscription.email.lower(), subject, text, html,
                          kind="digest", now=now, sender=policy.sender, dedupe_key=key,
                          details={"division": subscription.division.code}):
            queued += 1
    session.commit()
    return queued
