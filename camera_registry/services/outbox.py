"""The email outbox: rows written with what they report, sent over SMTP by one worker.

Delivery (docs/ALERTS.md has the whole reasoning):
1. *claim* a due row with one conditional UPDATE (pending, due, not claimed or its claim
   expired) and commit, so no other worker takes it while the claim lasts;
2. *send* it with its own Message-ID (fixed when the row was written);
3. *mark* it sent, only if the claim is still ours, and commit.
A failure before the server accepts the message leaves the row pending with a back-off; a
crash between 2 and 3 makes the row due again when the claim expires, and the resend carries
the same Message-ID, so the copy is recognisable (at-least-once, de-duplicable).
"""
from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Callable, Mapping

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from camera_registry.choices import OutboxStatus
from camera_registry.database import utcnow
from camera_registry.models import OutboxMessage

log = logging.getLogger(__name__)
SECURITY = ("none", "starttls", "ssl")
FIRST_RETRY_S = 15


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)  # never in logs or reprs
    sender: str = "camreg@localhost"
    timeout_s: float = 30.0
    retry_max_s: int = 600

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"CAMREG_SMTP_SECURITY must be one of {', '.join(SECURITY)}, "
                             f"not {self.security!r}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "SmtpSettings":
        return cls(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"].lower(),
                   config["SMTP_USERNAME"], config["SMTP_PASSWORD"], config["SMTP_FROM"],
                   config["SMTP_TIMEOUT_S"], config["OUTBOX_RETRY_MAX_S"])

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def claim_s(self) -> float:
        """How long a claim holds: longer than one send can take, connection included."""
        return max(120.0, 4 * self.timeout_s)

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            if self.security == "starttls":
                smtp.starttls(context=context)
        if self.username:
            smtp.login(self.username, self.password)
        return smtp


def new_message_id(sender: str) -> str:
    domain = sender.rpartition("@")[2].strip("<> ") or "camreg.local"
    return f"<camreg.{uuid.uuid4().hex}@{domain}>"


def enqueue(session: Session, recipient: str, subject: str, body_text: str, body_html: str,
            kind: str, now: datetime, sender: str = "camreg@localhost",
            dedupe_key: str | None = None,
            details: dict[str, Any] | None = None) -> OutboxMessage | None:
    """Add an email to the outbox in the caller's transaction; None if ``dedupe_key`` was
    queued before (a job that ran twice)."""
    if dedupe_key is not None and session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(
        message_id=new_message_id(sender), dedupe_key=dedupe_key, kind=kind,
        recipient=recipient, subject=subject[:300], body_text=body_text, body_html=body_html,
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now,
        details=details or {})
    session.add(message)
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=timezone.utc))
    email["Message-ID"] = message.message_id
    email["X-Camreg-Outbox-Id"] = str(message.id)
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def backoff_s(attempts: int, cap_s: int) -> float:
    """15 s, 30 s, 1 min, 2 min, ... up to the cap: a server down for an hour is retried
    every few minutes, never hammered."""
    return float(min(cap_s, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


def is_permanent(exc: Exception) -> bool:
    """5xx answers (a refused address, a rejected message) will not get better by waiting."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500 and not (
        isinstance(exc, smtplib.SMTPAuthenticationError))


@dataclass
class Delivery:
    sent: int = 0
    deferred: int = 0
    failed: int = 0


class OutboxWorker:
    """Sends due outbox rows. Any number may run; claims keep each row to one at a time."""

    def __init__(self, session_factory: sessionmaker, settings: SmtpSettings,
                 clock: Callable[[], datetime] = utcnow, name: str | None = None,
                 batch: int = 200) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self._warned = False

    def due(self, session: Session, now: datetime) -> list[int]:
        return list(session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
            .order_by(OutboxMessage.id).limit(self.batch)))

    def deliver(self) -> Delivery:
        """One pass: one SMTP connection for every due row, in order."""
        delivery = Delivery()
        with self.session_factory() as session:
            ids = self.due(session, self.clock())
            if not ids:
                return delivery
            if not self.settings.configured:
                if not self._warned:
                    log.warning("CAMREG_SMTP_HOST is not set: %d emails wait in the outbox",
                                len(ids))
                    self._warned = True
                return delivery
            try:
                smtp = self.settings.connect()
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("SMTP server %s:%d unavailable (%s); %d emails wait",
                            self.settings.host, self.settings.port, _describe(exc), len(ids))
                for ident in ids:
                    delivery.deferred += self._defer_unclaimed(session, ident, exc)
                return delivery
            try:
                self._send_all(session, smtp, ids, delivery)
            finally:
                _quit(smtp)
        return delivery

    def _send_all(self, session: Session, smtp: smtplib.SMTP, ids: list[int],
                  delivery: Delivery) -> None:
        for ident in ids:
            if not self._claim(session, ident):
                continue  # another worker has it, or it was sent meanwhile
            message = session.get(OutboxMessage, ident)
            session.refresh(message)
            try:
                self.send(smtp, message)
            except (OSError, smtplib.SMTPException) as exc:
                if is_permanent(exc):
                    self._fail(session, message, exc)
                    delivery.failed += 1
                    continue
                self._defer(session, message, exc)
                delivery.deferred += 1
                break  # the connection is gone or the server is busy: the rest waits
            self._mark_sent(session, message)
            delivery.sent += 1

    def send(self, smtp: smtplib.SMTP, message: OutboxMessage) -> None:
        smtp.send_message(build_email(message, self.settings.sender))

    def _claim(self, session: Session, ident: int) -> bool:
        now = self.clock()
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == ident, OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
            .values(claimed_by=self.name,
                    claimed_until=now + timedelta(seconds=self.settings.claim_s),
                    attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
        session.commit()
        return result.rowcount == 1

    def _mark_sent(self, session: Session, message: OutboxMessage) -> None:
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.claimed_by == self.name)
            .values(status=OutboxStatus.SENT, sent_at=self.clock(), claimed_until=None,
                    last_error="")
            .execution_options(synchronize_session=False))
        session.commit()
        if result.rowcount != 1:
            log.warning("outbox %d was sent after its claim expired; another worker may send "
                        "it again with the same Message-ID %s", message.id, message.message_id)

    def _defer(self, session: Session, message: OutboxMessage, exc: Exception) -> None:
        delay = backoff_s(message.attempts, self.settings.retry_max_s)
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.claimed_by == self.name)
            .values(claimed_by=None, claimed_until=None, last_error=_describe(exc),
                    next_attempt_at=self.clock() + timedelta(seconds=delay))
            .execution_options(synchronize_session=False))
        session.commit()
        log.info("outbox %d to %s deferred %.0f s: %s", message.id, message.recipient, delay,
                 _describe(exc))

    def _defer_unclaimed(self, session: Session, ident: int, exc: Exception) -> int:
        """The server could not be reached: count an attempt and back off, without claiming."""
        now = self.clock()
        attempts = (session.scalar(select(OutboxMessage.attempts)
                                   .where(OutboxMessage.id == ident)) or 0) + 1
        delay = backoff_s(attempts, self.settings.retry_max_s)
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == ident, OutboxMessage.status == OutboxStatus.PENDING,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
            .values(attempts=attempts, last_error=_describe(exc),
                    next_attempt_at=now + timedelta(seconds=delay))
            .execution_options(synchronize_session=False))
        session.commit()
        return result.rowcount

    def _fail(self, session: Session, message: OutboxMessage, exc: Exception) -> None:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.claimed_by == self.name)
            .values(status=OutboxStatus.FAILED, claimed_until=None, last_error=_describe(exc))
            .execution_options(synchronize_session=False))
        session.commit()
        log.error("outbox %d to %s refused for good: %s", message.id, message.recipient,
                  _describe(exc))


def _describe(exc: Exception) -> str:
    """The error without anything the server echoed back of our login."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed ({exc.smtp_code})"
    return f"{type(exc).__name__}: {exc}"[:500]


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def summary(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.status, func.count())
                           .group_by(OutboxMessage.status))
    return {status: count for status, count in rows}
