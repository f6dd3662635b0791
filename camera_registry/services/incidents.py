"""Incidents: open, fold, escalate, acknowledge and resolve (the centre's closed loop).

- A camera that turns offline or degraded (after the hysteresis) opens an incident, unless a
  maintenance window covers it; its return resolves the incident.
- When most checked cameras of one compound go offline within a short window, one compound
  incident names the likely shared cause and the camera incidents are folded into it: they are
  not notified one by one (dependency suppression).
- A key place without a working camera opens an incident (the coverage work calls
  ``key_place_uncovered`` and ``key_place_covered``).
- Neither acknowledged nor resolved after a while, an incident goes one division up.

Functions here add to the caller's session and do not commit, except ``process`` (a job).
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from camera_registry.choices import CameraState, IncidentEventKind, IncidentKind, IncidentStatus
from camera_registry.errors import Conflict
from camera_registry.models import (Camera, CameraHealth, Compound, Incident, IncidentEvent,
                                    KeyPlace, StateTransition)
from camera_registry.services import notifications
from camera_registry.services.health import checked_cameras, in_maintenance
from camera_registry.services.notifications import AlertPolicy

log = logging.getLogger(__name__)

CAMERA_KINDS = {CameraState.OFFLINE: IncidentKind.CAMERA_OFFLINE,
                CameraState.DEGRADED: IncidentKind.CAMERA_DEGRADED}
CAMERA_INCIDENTS = tuple(CAMERA_KINDS.values())
# States that say something about a camera; unknown and maintenance ones do not count.
JUDGED_STATES = (CameraState.ONLINE, CameraState.DEGRADED, CameraState.OFFLINE)


class Cause:
    """The likely shared cause of a compound outage (rendered in each reader's language)."""

    STREAM_HOST = "stream_host"  # the failed cameras stream through one recorder or uplink
    BUILDING = "building"  # they are all in one building: its power or switch
    WHOLE_COMPOUND = "whole_compound"  # every camera: the compound's power or uplink
    SHARED_EQUIPMENT = "shared_equipment"


# --- the timeline ----------------------------------------------------------------------------

def add_event(incident: Incident, kind: str, at: datetime, detail: str = "",
              actor: str = "system") -> None:
    incident.events.append(IncidentEvent(at=at, kind=kind, actor=actor[:64],
                                         detail=detail[:500]))


def open_incident(session: Session, **fields) -> Incident:
    incident = Incident(**{"status": IncidentStatus.OPEN, "level": 0, "faults": [], **fields})
    session.add(incident)
    return incident


def notify_opened(session: Session, incident: Incident, now: datetime) -> None:
    """Tell the most specific scope that has subscribers; remember it as the incident's level."""
    found = notifications.next_level(session, incident, 0)
    if found is None:
        add_event(incident, IncidentEventKind.NOTIFIED, now, "nobody subscribes to this scope")
        return
    incident.level, recipients = found
    notifications.queue(session, incident, IncidentEventKind.OPENED, recipients, now)


def resolve(session: Session, incident: Incident, now: datetime, reason: str) -> None:
    incident.status, incident.resolved_at, incident.resolution = (
        IncidentStatus.RESOLVED, now, reason[:300])
    add_event(incident, IncidentEventKind.RESOLVED, now, reason)
    # The loop closes for everyone who was told.
    notifications.queue(session, incident, IncidentEventKind.RESOLVED,
                        notifications.told(session, incident), now)


def acknowledge(session: Session, incident: Incident, username: str, comment: str,
                now: datetime) -> Incident:
    """A person takes the incident in hand (签收): escalation and reminders stop."""
    if incident.status == IncidentStatus.RESOLVED:
        raise Conflict(f"incident {incident.id} is resolved already")
    if incident.status == IncidentStatus.ACKNOWLEDGED:
        raise Conflict(f"incident {incident.id} was acknowledged by {incident.acknowledged_by} "
                       f"already")
    incident.status, incident.acknowledged_at = IncidentStatus.ACKNOWLEDGED, now
    incident.acknowledged_by, incident.acknowledge_comment = username, comment[:500]
    add_event(incident, IncidentEventKind.ACKNOWLEDGED, now, comment, actor=username)
    return incident


# --- cameras ---------------------------------------------------------------------------------

def open_camera_incident(session: Session, camera_id: int) -> Incident | None:
    return session.scalar(select(Incident).where(
        Incident.camera_id == camera_id, Incident.kind.in_(CAMERA_INCIDENTS),
        Incident.status != IncidentStatus.RESOLVED).order_by(Incident.id.desc()))


def on_transition(session: Session, camera: Camera, transition: StateTransition,
                  policy: AlertPolicy) -> Incident | None:
    """Open, change or resolve the camera's incident after a change of state."""
    now = transition.at
    if transition.to_state in CAMERA_KINDS:
        return camera_down(session, camera, transition, policy)
    incident = open_camera_incident(session, camera.id)
    if incident is not None:
        resolve(session, incident, now, f"camera {transition.to_state}: {transition.reason}")
        if incident.parent is not None:
            recheck_compound_outage(session, incident.parent, now, policy)
    return None


def camera_down(session: Session, camera: Camera, transition: StateTransition,
                policy: AlertPolicy) -> Incident | None:
    now, state = transition.at, transition.to_state
    if in_maintenance(camera, now):
        return None  # expected to be down: no incident
    health = session.get(CameraHealth, camera.id)
    faults = list(health.faults) if health is not None and state == CameraState.DEGRADED else []
    incident = open_camera_incident(session, camera.id)
    created = incident is None
    if not created:  # degraded <-> offline: the same incident changes
        incident.kind, incident.state, incident.faults = CAMERA_KINDS[state], state, faults
        add_event(incident, IncidentEventKind.CHANGED, now, transition.reason)
        notifications.queue(session, incident, IncidentEventKind.CHANGED,
                            notifications.told(session, incident), now)
        if incident.parent is not None and state != CameraState.OFFLINE:
            recheck_compound_outage(session, incident.parent, now, policy)
    else:
        incident = open_incident(
            session, kind=CAMERA_KINDS[state], division=camera.division, camera=camera,
            compound_id=camera.compound_id, subject=f"{camera.name} ({camera.code})"[:200],
            state=state, faults=faults, opened_at=now, since=now)
        add_event(incident, IncidentEventKind.OPENED, now, transition.reason)
        session.flush()
    if state == CameraState.OFFLINE and camera.compound_id is not None:
        outage = compound_outage(session, camera.compound, now, policy)
        if outage is not None:
            return incident
    if created:
        notify_opened(session, incident, now)
    return incident


# --- compounds: dependency suppression ---------------------------------------------------------

def open_outage(session: Session, compound_id: int) -> Incident | None:
    return session.scalar(select(Incident).where(
        Incident.compound_id == compound_id, Incident.kind == IncidentKind.COMPOUND_OUTAGE,
        Incident.status != IncidentStatus.RESOLVED))


def judged_cameras(session: Session, compound_id: int) -> list[tuple[Camera, CameraHealth]]:
    """The compound's checked cameras whose state says something (not unknown/maintenance)."""
    query = (checked_cameras().join(CameraHealth, CameraHealth.camera_id == Camera.id)
             .where(Camera.compound_id == compound_id,
                    CameraHealth.state.in_(JUDGED_STATES))
             .add_columns(CameraHealth).order_by(Camera.id))
    return [(camera, health) for camera, health in session.execute(query)]


def compound_outage(session: Session, compound: Compound, now: datetime,
                    policy: AlertPolicy) -> Incident | None:
    """Fold the compound's fresh camera incidents into one compound incident when most of
    its cameras went offline together; return that incident (None: no outage)."""
    outage = open_outage(session, compound.id)
    if outage is None:
        judged = judged_cameras(session, compound.id)
        window_start = now - timedelta(seconds=policy.outage_window_s)
        down = [camera for camera, health in judged if health.state == CameraState.OFFLINE
                and health.since is not None and health.since >= window_start]
        if len(judged) < policy.outage_min_cameras or not down or (
                len(down) / len(judged) < policy.outage_share):
            return None
        cause, detail = likely_cause(down, len(judged))
        outage = open_incident(
            session, kind=IncidentKind.COMPOUND_OUTAGE, division=compound.division,
            compound=compound, subject=compound.name, state=CameraState.OFFLINE, cause=cause,
            cause_detail=detail[:200], opened_at=now,
            since=min(h.since for c, h in judged if c in down))
        add_event(outage, IncidentEventKind.OPENED, now,
                  f"{len(down)} of {len(judged)} cameras offline within "
                  f"{policy.outage_window_s} s")
        session.flush()
        members = {camera.id for camera in down}
        notify_opened(session, outage, now)
    else:
        members = None  # while the outage lasts, every camera going offline belongs to it
    # A camera that was down (and told) well before the outage keeps its own incident.
    earliest = outage.since - timedelta(seconds=policy.outage_window_s)
    for incident in session.scalars(select(Incident).where(
            Incident.compound_id == compound.id, Incident.kind == IncidentKind.CAMERA_OFFLINE,
            Incident.status != IncidentStatus.RESOLVED, Incident.parent_id.is_(None),
            Incident.since >= earliest)):
        if members is None or incident.camera_id in members:
            fold(session, incident, outage, now)
    return outage


def fold(session: Session, incident: Incident, outage: Incident, now: datetime) -> None:
    notifications.drop_pending(session, incident)
    incident.parent = outage
    add_event(incident, IncidentEventKind.FOLDED, now, f"part of compound incident {outage.id}")


def likely_cause(down: list[Camera], judged: int) -> tuple[str, str]:
    hosts = Counter(urlsplit(camera.stream_url).hostname or "" for camera in down)
    host, count = hosts.most_common(1)[0]
    if len(down) > 1 and host and count == len(down):
        return Cause.STREAM_HOST, host
    buildings = {camera.building_id for camera in down}
    if len(down) > 1 and len(buildings) == 1 and None not in buildings:
        return Cause.BUILDING, down[0].building.name
    if len(down) == judged:
        return Cause.WHOLE_COMPOUND, ""
    return Cause.SHARED_EQUIPMENT, ""


def recheck_compound_outage(session: Session, outage: Incident, now: datetime,
                            policy: AlertPolicy) -> None:
    """Resolve the outage once fewer than the outage share of its cameras are still offline;
    cameras still down then become incidents of their own, and are told as such."""
    if not outage.is_open or outage.compound_id is None:
        return
    judged = judged_cameras(session, outage.compound_id)
    offline = sum(1 for _camera, health in judged if health.state == CameraState.OFFLINE)
    if judged and offline / len(judged) >= policy.outage_share:
        return
    resolve(session, outage, now, f"{len(judged) - offline} of {len(judged)} cameras back")
    session.flush()
    still_down = session.scalars(select(Incident).where(
        Incident.parent_id == outage.id, Incident.status != IncidentStatus.RESOLVED))
    for child in list(still_down):
        child.parent = None
        add_event(child, IncidentEventKind.UNFOLDED, now,
                  f"compound incident {outage.id} resolved; this camera is still down")
        notify_opened(session, child, now)


# --- key places (called by the coverage work) -------------------------------------------------

def open_key_place_incident(session: Session, key_place_id: int) -> Incident | None:
    return session.scalar(select(Incident).where(
        Incident.key_place_id == key_place_id,
        Incident.kind == IncidentKind.KEY_PLACE_UNCOVERED,
        Incident.status != IncidentStatus.RESOLVED))


def key_place_uncovered(session: Session, key_place: KeyPlace, now: datetime,
                        detail: str = "") -> Incident:
    """A key place lost its working cameras (盲区): open its incident, once."""
    incident = open_key_place_incident(session, key_place.id)
    if incident is not None:
        return incident
    incident = open_incident(
        session, kind=IncidentKind.KEY_PLACE_UNCOVERED, division=key_place.division,
        compound_id=key_place.compound_id, key_place=key_place, subject=key_place.name,
        opened_at=now, since=now)
    add_event(incident, IncidentEventKind.OPENED, now, detail)
    session.flush()
    notify_opened(session, incident, now)
    return incident


def key_place_covered(session: Session, key_place: KeyPlace, now: datetime,
                      detail: str = "covered again") -> Incident | None:
    incident = open_key_place_incident(session, key_place.id)
    if incident is not None:
        resolve(session, incident, now, detail)
    return incident


# --- the periodic job: escalation, reminders, batches ----------------------------------------

def unhandled(session: Session) -> list[Incident]:
    """Open incidents nobody has acknowledged, that are not folded into another."""
    return list(session.scalars(select(Incident).where(
        Incident.status == IncidentStatus.OPEN, Incident.parent_id.is_(None))
        .order_by(Incident.id)))


def escalate_due(session: Session, now: datetime, policy: AlertPolicy) -> list[Incident]:
    """分级转办: unhandled for the configured time, an incident goes to the next scope up."""
    cutoff = now - timedelta(seconds=policy.escalate_after_s)
    escalated = []
    for incident in unhandled(session):
        if (incident.escalated_at or incident.opened_at) > cutoff:
            continue
        found = notifications.next_level(session, incident, incident.level + 1)
        if found is None:
            continue  # at the top already
        level, recipients = found
        incident.level, incident.escalated_at = level, now
        scope = notifications.scope_chain(incident)[level]
        add_event(incident, IncidentEventKind.ESCALATED, now,
                  f"to {scope.name} ({scope.division.code})")
        notifications.queue(session, incident, IncidentEventKind.ESCALATED, recipients, now)
        escalated.append(incident)
    return escalated


def remind_due(session: Session, now: datetime, policy: AlertPolicy) -> list[Incident]:
    """Remind the scope holding an unhandled incident, at most every reminder interval."""
    cutoff = now - timedelta(seconds=policy.reminder_s)
    reminded = []
    for incident in unhandled(session):
        if (incident.last_notified_at or incident.opened_at) > cutoff:
            continue
        if notifications.queue(session, incident, IncidentEventKind.REMINDED,
                               notifications.holders(session, incident), now):
            add_event(incident, IncidentEventKind.REMINDED, now)
            reminded.append(incident)
    return reminded


def close_orphans(session: Session, now: datetime) -> int:
    """Resolve camera incidents whose camera was deleted, retired or is no longer checked."""
    checked = checked_cameras().with_only_columns(Camera.id)
    orphans = list(session.scalars(select(Incident).where(
        Incident.kind.in_(CAMERA_INCIDENTS), Incident.status != IncidentStatus.RESOLVED,
        or_(Incident.camera_id.is_(None), Incident.camera_id.not_in(checked)))))
    for incident in orphans:
        resolve(session, incident, now, "the camera is no longer checked")
    return len(orphans)


def recheck_outages(session: Session, now: datetime, policy: AlertPolicy) -> None:
    """Outages also end when their cameras leave the count (maintenance, retired)."""
    for outage in list(session.scalars(select(Incident).where(
            Incident.kind == IncidentKind.COMPOUND_OUTAGE,
            Incident.status != IncidentStatus.RESOLVED))):
        recheck_compound_outage(session, outage, now, policy)


def process(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """The 30-s job: orphans, outages, escalations, reminders, then due batches into the
    outbox."""
    close_orphans(session, now)
    recheck_outages(session, now, policy)
    escalate_due(session, now, policy)
    remind_due(session, now, policy)
    session.commit()
    return notifications.flush(session, now, policy)


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Incident.status, func.count()).group_by(Incident.status))
    return {status: count for status, count in rows}
