"""The outbox: nothing lost, nothing doubled, through SMTP outages and restarts."""
import pytest
from sqlalchemy import select

from camera_registry.database import db
from camera_registry.models import OutboxMessage
from camera_registry.services import outbox
from camera_registry.services.outbox import OutboxWorker, SmtpSettings
from tests.alert_fixtures import SmtpServer, alert_config, clock, smtp_port  # noqa: F401


class Crash(BaseException):
    """The process dies (not an error the worker would handle)."""


@pytest.fixture
def settings(alert_config) -> SmtpSettings:
    return SmtpSettings.from_config(alert_config)


def queue(session, clock, count: int) -> list[int]:
    rows = [outbox.enqueue(session, f"duty{n}@example.cn", f"告警 {n}", f"正文 {n}",
                           f"<p>正文 {n}</p>", "incidents", clock.now, "alerts@camreg.example")
            for n in range(count)]
    session.commit()
    return [row.id for row in rows]


def statuses(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def received_ids(server: SmtpServer) -> list[str]:
    return [m["X-Camreg-Outbox-Id"] for m in server.inbox.messages]


def test_an_hour_without_smtp_loses_nothing_and_doubles_nothing(
        app, session, clock, settings, smtp_port):
    ids = queue(session, clock, 5)
    worker = OutboxWorker(db.session_factory, settings, clock, name="w1")
    attempts = 0
    for _ in range(240):  # every 15 s for an hour, the server is down
        delivery = worker.deliver()
        attempts += delivery.deferred
        clock.advance(15)
    assert statuses(session) == ["pending"] * 5
    # Backed off: far fewer tries than ticks (a try doubles the wait, up to 10 minutes).
    per_message = session.scalar(select(OutboxMessage.attempts).limit(1))
    assert 8 <= per_message <= 16 and attempts == 5 * per_message
    assert "ConnectionRefusedError" in session.scalar(select(OutboxMessage.last_error).limit(1))

    server = SmtpServer(smtp_port)
    server.start()
    try:
        for _ in range(40):  # within ten minutes everything has gone, once
            worker.deliver()
            clock.advance(15)
        assert statuses(session) == ["sent"] * 5
        assert sorted(int(i) for i in received_ids(server)) == ids  # each exactly once
    finally:
        server.stop()


def test_a_new_worker_finishes_what_a_crashed_one_started(
        app, session, clock, settings, smtp_port, monkeypatch):
    ids = queue(session, clock, 5)
    server = SmtpServer(smtp_port)
    server.start()
    try:
        old = OutboxWorker(db.session_factory, settings, clock, name="old")
        sent_by_old = []
        real_send = OutboxWorker.send

        def send_then_die(self, smtp, message):
            if len(sent_by_old) == 2:
                raise Crash()  # dies holding the claim on the third, before sending it
            real_send(self, smtp, message)
            sent_by_old.append(message.id)
        monkeypatch.setattr(old, "send", send_then_die.__get__(old))
        with pytest.raises(Crash):
            old.deliver()
        assert len(server.inbox.messages) == 2

        new = OutboxWorker(db.session_factory, settings, clock, name="new")
        assert new.deliver().sent == 2  # the claimed one waits for its claim to expire
        clock.advance(settings.claim_s)
        assert new.deliver().sent == 1
        assert statuses(session) == ["sent"] * 5
        assert sorted(int(i) for i in received_ids(server)) == ids  # each exactly once
        assert new.deliver().sent == 0
    finally:
        server.stop()


def test_a_crash_after_sending_resends_with_the_same_message_id(
        app, session, clock, settings, smtp_port, monkeypatch):
    """The one window where at-least-once shows: the server accepted, the mark was lost."""
    queue(session, clock, 1)
    server = SmtpServer(smtp_port)
    server.start()
    try:
        old = OutboxWorker(db.session_factory, settings, clock, name="old")

        def die(*_args):
            raise Crash()
        monkeypatch.setattr(old, "_mark_sent", die)
        with pytest.raises(Crash):
            old.deliver()
        clock.advance(settings.claim_s)
        OutboxWorker(db.session_factory, settings, clock, name="new").deliver()
        first, second = server.inbox.messages
        assert first["Message-ID"] == second["Message-ID"]  # the copy is recognisable
        assert statuses(session) == ["sent"]
    finally:
        server.stop()


def test_a_refused_address_fails_for_good_and_does_not_block_the_rest(
        app, session, clock, settings, smtp_port):
    queue(session, clock, 3)
    server = SmtpServer(smtp_port)

    async def refuse_one(server_, session_, envelope, address, options):
        if address == "duty1@example.cn":
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"
    server.inbox.handle_RCPT = refuse_one
    server.start()
    try:
        OutboxWorker(db.session_factory, settings, clock).deliver()
        assert statuses(session) == ["sent", "failed", "sent"]
        assert len(server.inbox.messages) == 2
    finally:
        server.stop()


def test_without_an_smtp_host_emails_wait(app, session, clock):
    queue(session, clock, 2)
    worker = OutboxWorker(db.session_factory, SmtpSettings(host=""), clock)
    assert worker.deliver().sent == 0
    assert statuses(session) == ["pending", "pending"]


def test_settings_never_show_the_password():
    settings = SmtpSettings(host="smtp.example.cn", username="u", password="hunter2")
    assert "hunter2" not in repr(settings)
    with pytest.raises(ValueError, match="CAMREG_SMTP_SECURITY"):
        SmtpSettings(security="tls")


def test_message_ids_are_fixed_per_row(app, session, clock):
    first, second = (outbox.enqueue(session, "a@example.cn", "s", "t", "<p>t</p>", "digest",
                                    clock.now, "alerts@camreg.example", dedupe_key=key)
                     for key in ("k1", "k2"))
    assert first.message_id != second.message_id
    assert first.message_id.endswith("@camreg.example>")
    session.commit()
    assert outbox.enqueue(session, "a@example.cn", "s", "t", "t", "digest", clock.now,
                          dedupe_key="k1") is None
