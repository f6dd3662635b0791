"""A real SMTP server on 127.0.0.1 (aiosmtpd), a controllable clock, and helpers that make
cameras change state through the health monitor, as the scheduler does."""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from camera_registry.database import db
from camera_registry.models import Camera
from camera_registry.services.alerts import AlertJobs
from camera_registry.services.health import HealthMonitor, cameras_by_id
from health_checks.results import LivenessResult, PictureResult
from tests.conftest import camera_payload

T0 = datetime(2026, 11, 22, 2, 0, 0)  # 10:00 in Shanghai


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=default_policy)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def text(self, message: EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()

    def html(self, message: EmailMessage) -> str:
        return message.get_body(("html",)).get_content()


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    server = SmtpServer(smtp_port)
    server.start()
    yield server
    server.stop()


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def alert_config(app, smtp_port):
    app.config.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port,
                       "SMTP_SECURITY": "none", "SMTP_TIMEOUT_S": 5.0,
                       "SMTP_FROM": "alerts@camreg.example", "BASE_URL": "https://camreg.example"})
    return app.config


@pytest.fixture
def jobs(alert_config, clock):
    return AlertJobs(db.session_factory, alert_config, clock)


class Cameras:
    """Cameras whose checks the test decides, recorded through HealthMonitor.save."""

    def __init__(self, app, session, clock: Clock) -> None:
        self.monitor = HealthMonitor(app.config, app.instance_path)
        self.session = session
        self.clock = clock

    def get(self, ident: int) -> Camera:
        return cameras_by_id(self.session, [ident])[ident]

    def check(self, ident: int, ok: bool, faults: tuple[str, ...] = ()) -> None:
        camera = self.get(ident)
        if faults:
            result = PictureResult("ok", "degraded", list(faults))
            self.monitor.save(self.session, camera, "picture", result, self.clock())
        else:
            result = LivenessResult("ok" if ok else "timeout", "" if ok else "no answer")
            self.monitor.save(self.session, camera, "liveness", result, self.clock())
        self.session.commit()

    def online(self, *idents: int) -> None:
        for ident in idents:
            self.check(ident, True)

    def offline(self, *idents: int) -> None:
        """Three failed checks in a row: offline after the hysteresis."""
        for ident in idents:
            for _ in range(self.monitor.policy.offline_after):
                self.check(ident, False)


@pytest.fixture
def cams(app, session, clock) -> Cameras:
    return Cameras(app, session, clock)


def add_cameras(admin, compound_id: int, count: int, prefix: str = "3713020001132000",
                **fields) -> list[int]:
    ids = []
    for serial in range(1, count + 1):
        response = admin.post("/cameras", json=camera_payload(
            f"{prefix}{serial:04d}", compound_id=compound_id, stream_password="s3cret-pw",
            **fields))
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return ids


def subscribe(admin, email: str, **scope) -> int:
    response = admin.post("/subscriptions", json={"email": email, **scope})
    assert response.status_code == 201, response.json
    return response.json["id"]
