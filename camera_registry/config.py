"""Configuration from environment variables prefixed ``CAMREG_``.

Every setting has a safe default so that ``camreg run`` works on a fresh machine; production
deployments set at least ``CAMREG_DATABASE_URL`` and ``CAMREG_SECRET_KEY``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PREFIX = "CAMREG_"

# name -> (default, parser). A default of None means "derived at start-up" (see load_config).
_SETTINGS: dict[str, tuple[Any, Any]] = {
    "DATABASE_URL": (None, str),
    "SECRET_KEY": (None, str),
    # Fernet key (urlsafe base64, 32 bytes) for stream credentials; derived from SECRET_KEY if unset.
    "CREDENTIALS_KEY": (None, str),
    # file: stream URLs are only for demos and tests; a real deployment never needs them.
    "ALLOW_FILE_STREAMS": (False, "bool"),
    "MAX_PER_PAGE": (1000, int),
    "DEFAULT_PER_PAGE": (50, int),
    "MAX_UPLOAD_MB": (50, int),
    "LOG_LEVEL": ("INFO", str),
    # Health checks (see docs/HEALTH.md).
    "OFFLINE_AFTER": (3, int),  # consecutive failed checks before a camera is offline
    "ONLINE_AFTER": (1, int),  # consecutive good checks before it is back online
    "LIVENESS_INTERVAL_S": (60, int),
    "PICTURE_INTERVAL_S": (900, int),
    "BACKOFF_MAX_FACTOR": (8, int),  # an offline camera is checked up to this many times less often
    "CHECK_TIMEOUT_S": (5.0, float),  # liveness deadline
    "PICTURE_WINDOW_S": (1.5, float),  # how long a picture check reads frames
    "CHECK_CONCURRENCY": (64, int),  # picture checks running at once
    "LIVENESS_CONCURRENCY": (256, int),  # liveness checks running at once (cheap sockets)
    "PICTURE_PROCESSES": (2, int),  # worker processes for picture checks
    "CHECK_RETENTION_DAYS": (14, int),  # raw check results older than this are deleted
    "SCHEDULER": (False, "bool"),  # run the scheduler inside the web process (demo only)
    "DEMO_STREAMS_PATH": (None, str),  # the demo's clips; default <instance>/demo_streams
    "REPORT_CACHE_S": (60, int),  # how long the dashboard reuses a division's figures
    # Alerts and email (see docs/ALERTS.md). No SMTP host: emails wait in the outbox.
    "SMTP_HOST": ("", str),
    "SMTP_PORT": (587, int),
    "SMTP_SECURITY": ("starttls", str),  # none, starttls or ssl
    "SMTP_USERNAME": ("", str),
    "SMTP_PASSWORD": ("", str),  # never logged
    "SMTP_FROM": ("camreg@localhost", str),
    "SMTP_TIMEOUT_S": (30.0, float),
    "BASE_URL": ("http://127.0.0.1:5000", str),  # links in emails
    "ALERT_BATCH_WINDOW_S": (120, int),  # what happens for one address in this window: one email
    "ALERT_ESCALATE_AFTER_S": (3600, int),  # not acknowledged nor resolved: the parent division
    "ALERT_REMINDER_S": (14400, int),  # reminders for open incidents at most this often
    "COMPOUND_OUTAGE_SHARE": (0.6, float),  # this share of a compound's cameras down together
    "COMPOUND_OUTAGE_WINDOW_S": (300, int),  # within this window: one compound incident
    "COMPOUND_OUTAGE_MIN_CAMERAS": (3, int),  # smaller compounds alert camera by camera
    "DIGEST_TIME": ("08:00", str),
    "TIMEZONE": ("Asia/Shanghai", str),  # the centre's clock: digest time, times in emails
    "OUTBOX_RETRY_MAX_S": (600, int),  # back-off cap between attempts of a failed email
}


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (true/false), got {value!r}")


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read the CAMREG_* variables; fill in defaults that depend on the instance folder."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, (default, parser) in _SETTINGS.items():
        raw = env.get(PREFIX + name)
        if raw is None:
            config[name] = default
            continue
        try:
            config[name] = _parse_bool(raw) if parser == "bool" else parser(raw)
        except ValueError as exc:
            raise ValueError(f"{PREFIX}{name}: {exc}") from exc
    if config["DATABASE_URL"] is None:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'camera_registry.sqlite'}"
    if config["SECRET_KEY"] is None:
        config["SECRET_KEY"] = _instance_secret(instance_path)
    return config


def _instance_secret(instance_path: Path) -> str:
    """A random key kept in the instance folder, so restarts keep sessions and credentials."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
