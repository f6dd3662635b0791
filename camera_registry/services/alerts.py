"""The alerting jobs the scheduler runs (leader only): incidents every 30 s, the outbox every
15 s, the digest every morning. Each job keeps its state in the database, so a new instance
(after a restart, or another process taking the lease) carries on where the last one stopped."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Mapping

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import sessionmaker

from camera_registry.database import utcnow
from camera_registry.services import digest, incidents
from camera_registry.services.notifications import AlertPolicy
from camera_registry.services.outbox import Delivery, OutboxWorker, SmtpSettings

log = logging.getLogger(__name__)
PROCESS_EVERY_S = 30
DELIVER_EVERY_S = 15


class AlertJobs:
    def __init__(self, session_factory: sessionmaker, config: Mapping[str, Any],
                 clock: Callable[[], datetime] = utcnow, worker_name: str | None = None) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.policy = AlertPolicy.from_config(config)
        self.smtp = SmtpSettings.from_config(config)
        self.outbox = OutboxWorker(session_factory, self.smtp, clock, worker_name)

    def process(self) -> int:
        """Escalations, reminders and due batches; returns the emails queued."""
        with self.session_factory() as session:
            queued = incidents.process(session, self.clock(), self.policy)
        if queued:
            log.info("alerts: %d emails queued", queued)
        return queued

    def deliver(self) -> Delivery:
        return self.outbox.deliver()

    def digest(self) -> int:
        with self.session_factory() as session:
            queued = digest.send_digests(session, self.clock(), self.policy)
        log.info("daily digest: %d emails queued", queued)
        return queued

    def digest_trigger(self) -> CronTrigger:
        at = self.policy.digest_time
        return CronTrigger(hour=at.hour, minute=at.minute, timezone=self.policy.zone)
