"""Small conversions shared by the services: ISO text and query-string values."""
from __future__ import annotations

from datetime import date, datetime
from typing import Mapping

from camera_registry.errors import field_error


def iso(value: date | datetime | None) -> str | None:
    """Dates as YYYY-MM-DD; stored datetimes are naive UTC and are shown with a Z."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value.isoformat()


def bool_param(params: Mapping[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in {"1", "true", "yes"}:
        return True
    if raw.lower() in {"0", "false", "no"}:
        return False
    raise field_error(name, f"must be true or false, got {raw!r}")


def id_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise field_error(name, f"must be an id (a whole number), got {raw!r}")
    return int(raw)
