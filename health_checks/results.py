"""Plain result objects returned by the probes."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class Outcome:
    """How a liveness exchange ended."""

    OK = "ok"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    NOT_FOUND = "not_found"
    PROTOCOL_ERROR = "protocol_error"
    ALL = (OK, REFUSED, TIMEOUT, UNREACHABLE, AUTH_FAILED, NOT_FOUND, PROTOCOL_ERROR)


@dataclass
class LivenessResult:
    outcome: str
    detail: str = ""
    duration_s: float = 0.0
    status_code: int | None = None  # the RTSP/HTTP status of the last answer, if any
    media: list[str] = field(default_factory=list)  # e.g. ["video H264/90000"]

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
