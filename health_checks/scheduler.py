"""The scheduler: every few seconds, run the checks that are due and record them.

Exactly one scheduler works at a time, whatever number of processes start one: each holds a
database lease (renewed every few seconds) before it checks anything, so a second scheduler, or
the one of another web worker, waits as a standby and takes over if the first one dies. State
lives in the database, so a restart resumes where it stopped.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime
from typing import Any, Callable, Mapping

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import sessionmaker

from camera_registry.choices import CheckKind
from camera_registry.database import utcnow
from camera_registry.services import coverage, health, leases, reports

log = logging.getLogger(__name__)
LEASE = "health-scheduler"
LEASE_TTL_S = 30.0
TICK_S = {CheckKind.LIVENESS: 5, CheckKind.PICTURE: 15}


class CheckScheduler:
    def __init__(self, session_factory: sessionmaker, monitor: health.HealthMonitor,
                 clock: Callable = utcnow) -> None:
        self.session_factory = session_factory
        self.monitor = monitor
        self.clock = clock
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leader = False

    def renew_lease(self) -> bool:
        with self.session_factory() as session:
            leader = leases.acquire(session, LEASE, self.holder, self.clock(), LEASE_TTL_S)
        if leader != self.leader:
            log.info("scheduler %s is %s", self.holder, "running checks" if leader else "standby")
        self.leader = leader
        return leader

    def run_due(self, kind: str) -> int:
        """Check every camera whose check of this kind is due; return how many."""
        if not self.renew_lease():
            return 0
        with self.session_factory() as session:
            targets = health.due_targets(session, self.monitor.box, kind, self.clock(),
                                         limit=self.monitor.config["CHECK_CONCURRENCY"] * 50)
            if not targets:
                return 0
            cameras = list(health.cameras_by_id(session, [t.camera_id for t in targets]).values())
            self.monitor.sweep(session, cameras, kind, self.clock)
            log.info("%s checks: %d cameras", kind, len(cameras))
            return len(cameras)

    def prune(self) -> None:
        if not self.leader:
            return
        with self.session_factory() as session:
            deleted = health.prune_history(session, self.clock(), self.monitor.policy)
            session.commit()
        if deleted:
            log.info("pruned %d old check results", deleted)

    def refresh_coverage(self) -> None:
        """Recompute the key places that registry edits touched (docs/COVERAGE.md)."""
        if not self.leader:
            return
        with self.session_factory() as session:
            result = coverage.refresh(session)
        if result.places:
            log.info("coverage: %d key places recomputed in %.1f s", result.places,
                     result.seconds)

    def daily_figures(self) -> None:
        """The 08:00 snapshot of every division's figures, kept for trend charts."""
        if not self.leader:
            return
        with self.session_factory() as session:
            count = reports.take_snapshot(session, self.clock())
            session.commit()
        log.info("daily figures of %d divisions stored", count)

    def stop(self) -> None:
        with self.session_factory() as session:
            leases.release(session, LEASE, self.holder)
        self.monitor.close()

    def build(self, blocking: bool) -> BaseScheduler:
        scheduler: BaseScheduler = BlockingScheduler() if blocking else BackgroundScheduler()
        common: dict[str, Any] = {"replace_existing": True, "coalesce": True, "max_instances": 1}
        for kind, seconds in TICK_S.items():
            scheduler.add_job(self.run_due, "interval", args=[kind], seconds=seconds,
                              id=f"{kind}-checks", next_run_time=datetime.now(), **common)
        scheduler.add_job(self.prune, "interval", hours=1, id="prune-history", **common)
        scheduler.add_job(self.refresh_coverage, "interval", minutes=1, id="coverage-refresh",
                          **common)
        scheduler.add_job(self.daily_figures, "cron", hour=8, minute=0, timezone=reports.TIMEZONE,
                          id="daily-figures", misfire_grace_time=3600, **common)
        self.add_alert_jobs(scheduler, common)
        return scheduler

    def add_alert_jobs(self, scheduler: BaseScheduler, common: dict[str, Any]) -> None:
        """Incidents, the outbox and the daily digest (docs/ALERTS.md), on the leader only."""
        from camera_registry.services.alerts import (DELIVER_EVERY_S, PROCESS_EVERY_S,
                                                     AlertJobs)

        alerts = AlertJobs(self.session_factory, self.monitor.config, self.clock, self.holder)
        scheduler.add_job(self.if_leader, "interval", args=[alerts.process],
                          seconds=PROCESS_EVERY_S, id="alerts", **common)
        scheduler.add_job(self.if_leader, "interval", args=[alerts.deliver],
                          seconds=DELIVER_EVERY_S, id="outbox", **common)
        # A digest missed by up to an hour (a restart at 08:00) still goes; never twice.
        scheduler.add_job(self.if_leader, alerts.digest_trigger(), args=[alerts.digest],
                          id="daily-digest", misfire_grace_time=3600, **common)

    def if_leader(self, job: Callable[[], Any]) -> Any:
        return job() if self.leader else None


def scheduler_from_config(config: Mapping[str, Any], instance_path: str,
                          session_factory: sessionmaker) -> CheckScheduler:
    return CheckScheduler(session_factory, health.HealthMonitor(config, instance_path))
