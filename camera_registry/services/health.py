"""Camera health: deciding which checks are due, and recording what they found.

Running the checks is health_checks' business (no database there); this module turns results
into states with hysteresis, transitions, history and snapshots.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session, selectinload

from camera_registry.choices import CameraState, CheckKind, Lifecycle
from camera_registry.models import (Camera, CameraHealth, CheckResult, Division,
                                    StateTransition)
from camera_registry.services import coverage
from camera_registry.services.credentials import CredentialBox
from camera_registry.services.notifications import AlertPolicy
from camera_registry.services.values import iso

CHECKED_LIFECYCLES = (Lifecycle.INSTALLED, Lifecycle.NETWORKED)
UP_STATES = (CameraState.ONLINE, CameraState.DEGRADED)


@dataclass(frozen=True)
class HealthPolicy:
    offline_after: int = 3
    online_after: int = 1
    liveness_interval_s: int = 60
    picture_interval_s: int = 900
    backoff_max_factor: int = 8
    retention_days: int = 14

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "HealthPolicy":
        return cls(config["OFFLINE_AFTER"], config["ONLINE_AFTER"],
                   config["LIVENESS_INTERVAL_S"], config["PICTURE_INTERVAL_S"],
                   config["BACKOFF_MAX_FACTOR"], config["CHECK_RETENTION_DAYS"])

    def interval(self, kind: str, camera: Camera, health: CameraHealth) -> float:
        base = self.picture_interval_s if kind == CheckKind.PICTURE else self.liveness_interval_s
        if kind == CheckKind.LIVENESS and camera.probe_interval_s:
            base = camera.probe_interval_s
        if health.state == CameraState.OFFLINE:
            # Back off from cameras that stay down: 2x, 4x, ... up to the cap.
            extra = max(0, health.consecutive_failures - self.offline_after)
            base *= min(2 ** extra, self.backoff_max_factor)
        return base


@dataclass
class CheckTarget:
    """What a worker needs to check one camera (the password only travels to the probe)."""

    camera_id: int
    code: str
    url: str
    username: str | None
    password: str | None

    def __repr__(self) -> str:
        return f"CheckTarget({self.camera_id}, {self.code})"


@dataclass
class Outcome:
    """A check result reduced to what the state machine needs (from health_checks results)."""

    kind: str
    outcome: str
    ok: bool  # the camera answered (liveness) or showed a picture (picture)
    verdict: str | None = None
    faults: tuple[str, ...] = ()
    scores: dict[str, float] | None = None
    stats: dict[str, Any] | None = None
    detail: str = ""
    duration_s: float = 0.0


def outcome_from_result(kind: str, result: Any) -> Outcome:
    """Reduce a health_checks LivenessResult or PictureResult to an Outcome."""
    if kind == CheckKind.PICTURE:
        return Outcome(kind, result.outcome, result.verdict != "offline", result.verdict,
                       tuple(result.faults), result.scores, result.stats, result.detail,
                       result.duration_s)
    return Outcome(kind, result.outcome, result.ok, None, (), None,
                   {"status_code": result.status_code, "media": result.media},
                   result.detail, result.duration_s)


def checked_cameras(division_prefix: str | None = None) -> Select:
    """Cameras that are checked: enabled, and installed or networked."""
    query = (select(Camera).where(Camera.probe_enabled.is_(True),
                                  Camera.lifecycle.in_(CHECKED_LIFECYCLES)))
    if division_prefix:
        query = query.join(Division, Camera.division_id == Division.id).where(
            Division.code.startswith(division_prefix, autoescape=True))
    return query


def due_targets(session: Session, box: CredentialBox, kind: str, now: datetime,
                limit: int = 10_000) -> list[CheckTarget]:
    """Cameras whose next check of this kind is due (never checked ones first)."""
    column = (CameraHealth.next_picture_at if kind == CheckKind.PICTURE
              else CameraHealth.next_liveness_at)
    query = (checked_cameras().outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
             .where(or_(column.is_(None), column <= now))
             .order_by(column.is_not(None), column, Camera.id).limit(limit))
    return [target_for(box, camera) for camera in session.scalars(query)]


def target_for(box: CredentialBox, camera: Camera) -> CheckTarget:
    return CheckTarget(camera.id, camera.code, camera.stream_url,
                       box.decrypt(camera.stream_username_enc),
                       box.decrypt(camera.stream_password_enc))


def health_of(session: Session, camera: Camera) -> CameraHealth:
    health = session.get(CameraHealth, camera.id)
    if health is None:
        health = CameraHealth(camera_id=camera.id, state=CameraState.UNKNOWN, faults=[],
                              consecutive_failures=0, consecutive_successes=0)
        session.add(health)
    return health


def in_maintenance(camera: Camera, now: datetime) -> bool:
    return any(w.starts_at <= now < w.ends_at for w in camera.maintenance_windows)


def record(session: Session, camera: Camera, outcome: Outcome, now: datetime,
           policy: HealthPolicy, rng: random.Random | None = None) -> StateTransition | None:
    """Store a check, move the camera's state with hysteresis; return the transition if any."""
    health = health_of(session, camera)
    session.add(CheckResult(camera_id=camera.id, kind=outcome.kind, at=now,
                            outcome=outcome.outcome, verdict=outcome.verdict,
                            faults=list(outcome.faults), scores=outcome.scores or {},
                            stats=outcome.stats or {}, detail=outcome.detail[:300],
                            duration_s=outcome.duration_s))
    _count(health, outcome)
    new_state, reason = _next_state(health, outcome, policy, in_maintenance(camera, now))
    transition = None
    if new_state != health.state:
        transition = StateTransition(camera_id=camera.id, at=now, from_state=health.state,
                                     to_state=new_state, reason=reason[:300])
        session.add(transition)
        health.state, health.since, health.reason = new_state, now, reason[:300]
    _schedule(health, camera, outcome.kind, now, policy, rng or random.Random())
    return transition


def _count(health: CameraHealth, outcome: Outcome) -> None:
    if outcome.ok:
        health.consecutive_successes += 1
        health.consecutive_failures = 0
        if outcome.kind == CheckKind.PICTURE:
            health.faults = list(outcome.faults)
    else:
        health.consecutive_failures += 1
        health.consecutive_successes = 0


def _next_state(health: CameraHealth, outcome: Outcome, policy: HealthPolicy,
                maintenance: bool) -> tuple[str, str]:
    if maintenance:
        return CameraState.MAINTENANCE, "inside a maintenance window"
    if not outcome.ok:
        if health.consecutive_failures >= policy.offline_after:
            return CameraState.OFFLINE, (f"{health.consecutive_failures} failed checks in a row, "
                                         f"last: {outcome.outcome} {outcome.detail}".strip())
        # Not yet offline: an up camera stays up through short blips (grace period).
        keep = health.state if health.state != CameraState.MAINTENANCE else CameraState.UNKNOWN
        return keep, health.reason
    up = CameraState.DEGRADED if health.faults else CameraState.ONLINE
    reason = f"picture faults: {', '.join(health.faults)}" if health.faults else "checks pass"
    if health.state in UP_STATES or health.consecutive_successes >= policy.online_after:
        return up, reason
    return health.state, health.reason


def _schedule(health: CameraHealth, camera: Camera, kind: str, now: datetime,
              policy: HealthPolicy, rng: random.Random) -> None:
    interval = policy.interval(kind, camera, health)
    # Jitter of up to 10% spreads the checks over the cycle.
    due = now + timedelta(seconds=interval * (1 + 0.1 * rng.random()))
    health.last_check_at = now
    if kind == CheckKind.PICTURE:
        health.last_picture_at, health.next_picture_at = now, due
    else:
        health.last_liveness_at, health.next_liveness_at = now, due


def recent_history(session: Session, camera_id: int, limit: int = 100
                   ) -> tuple[list[StateTransition], list[CheckResult]]:
    """A camera's latest transitions and checks, newest first."""
    transitions = session.scalars(
        select(StateTransition).where(StateTransition.camera_id == camera_id)
        .order_by(StateTransition.at.desc(), StateTransition.id.desc()).limit(limit))
    checks = session.scalars(
        select(CheckResult).where(CheckResult.camera_id == camera_id)
        .order_by(CheckResult.at.desc(), CheckResult.id.desc()).limit(limit))
    return list(transitions), list(checks)


def prune_history(session: Session, now: datetime, policy: HealthPolicy) -> int:
    """Delete raw check results past the retention period (transitions are kept)."""
    cutoff = now - timedelta(days=policy.retention_days)
    result = session.execute(delete(CheckResult).where(CheckResult.at < cutoff))
    return result.rowcount or 0


class SnapshotStore:
    """The latest good frame of each camera as a small JPEG: one file per camera, so bounded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, camera_id: int) -> Path:
        return self.folder / f"{camera_id}.jpg"

    def save(self, camera_id: int, jpeg: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.path(camera_id).with_suffix(".tmp")
        temporary.write_bytes(jpeg)
        temporary.replace(self.path(camera_id))  # atomic: readers never see half a file

    def load(self, camera_id: int) -> bytes | None:
        path = self.path(camera_id)
        return path.read_bytes() if path.exists() else None


def cameras_by_id(session: Session, ids: list[int]) -> dict[int, Camera]:
    query = select(Camera).where(Camera.id.in_(ids)).options(
        selectinload(Camera.maintenance_windows))
    return {camera.id: camera for camera in session.scalars(query)}


class HealthMonitor:
    """Runs checks through a health_checks runner and records them: 'check now' and sweeps."""

    def __init__(self, config: Mapping[str, Any], instance_path: str) -> None:
        self.config = config
        self.policy = HealthPolicy.from_config(config)
        self.alert_policy = AlertPolicy.from_config(config)
        self.box = CredentialBox.from_config(config)
        self.snapshots = SnapshotStore(Path(instance_path) / "snapshots")
        self._runner = None

    @property
    def runner(self):
        """The check runner, started on first use (it owns threads and worker processes)."""
        if self._runner is None:
            from health_checks.picture import PictureSettings
            from health_checks.runner import CheckRunner

            self._runner = CheckRunner(
                concurrency=self.config["CHECK_CONCURRENCY"],
                liveness_concurrency=self.config["LIVENESS_CONCURRENCY"],
                picture_processes=self.config["PICTURE_PROCESSES"],
                liveness_timeout_s=self.config["CHECK_TIMEOUT_S"],
                picture_settings=PictureSettings(window_s=self.config["PICTURE_WINDOW_S"]))
        return self._runner

    def save(self, session: Session, camera: Camera, kind: str, result: Any,
             now: datetime) -> StateTransition | None:
        transition = record(session, camera, outcome_from_result(kind, result), now, self.policy)
        if transition is not None:
            # Imported here: incidents builds on this module (checked cameras, maintenance).
            from camera_registry.services import incidents
            incidents.on_transition(session, camera, transition, self.alert_policy)
        snapshot = getattr(result, "snapshot", None)
        if snapshot:
            self.snapshots.save(camera.id, snapshot)
            health_of(session, camera).snapshot_at = now
        return transition

    def check_now(self, session: Session, camera: Camera, kind: str, now: datetime
                  ) -> tuple[Any, StateTransition | None]:
        result = self.runner.check(target_for(self.box, camera), kind)
        transition = self.save(session, camera, kind, result, now)
        coverage.after_transitions(session, [transition])  # the key places the camera sees
        session.commit()
        return result, transition

    def sweep(self, session: Session, cameras: list[Camera], kind: str, clock,
              on_result=None, commit_every: int = 200) -> list[tuple[Camera, Any]]:
        """Check cameras at once (bounded by the runner), recording each as it ends."""
        targets = {camera.id: target_for(self.box, camera) for camera in cameras}
        by_id = {camera.id: camera for camera in cameras}
        done: list[tuple[Camera, Any]] = []
        transitions: list[StateTransition | None] = []
        for target, result in self.runner.run(targets.values(), kind):
            camera = by_id[target.camera_id]
            transitions.append(self.save(session, camera, kind, result, clock()))
            done.append((camera, result))
            if on_result:
                on_result(camera, result)
            if len(done) % commit_every == 0:
                # Batched, so a place seen by many changed cameras is unioned once.
                coverage.after_transitions(session, transitions)
                transitions.clear()
                session.commit()
        coverage.after_transitions(session, transitions)
        session.commit()
        return done

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None


def health_json(health: CameraHealth | None) -> dict[str, Any]:
    """A camera's state for answers; a never-checked camera is 'unknown'."""
    if health is None:
        return {"state": CameraState.UNKNOWN, "since": None, "faults": [], "reason": "",
                "consecutive_failures": 0, "last_check_at": None, "last_liveness_at": None,
                "last_picture_at": None, "next_liveness_at": None, "next_picture_at": None,
                "snapshot_at": None}
    return {"state": health.state, "since": iso(health.since), "faults": health.faults,
            "reason": health.reason, "consecutive_failures": health.consecutive_failures,
            "last_check_at": iso(health.last_check_at),
            "last_liveness_at": iso(health.last_liveness_at),
            "last_picture_at": iso(health.last_picture_at),
            "next_liveness_at": iso(health.next_liveness_at),
            "next_picture_at": iso(health.next_picture_at),
            "snapshot_at": iso(health.snapshot_at)}
