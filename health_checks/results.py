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


class PictureOutcome:
    """How a picture check ended (before the diagnosis of what it read)."""

    OK = "ok"  # frames were read
    OPEN_FAILED = "open_failed"
    NO_FRAMES = "no_frames"
    TIMEOUT = "timeout"  # the hard deadline was hit; the check was abandoned
    ERROR = "error"


@dataclass
class PictureResult:
    outcome: str
    verdict: str  # ok, degraded or offline
    faults: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)  # frames, resolution, fps, timings
    detail: str = ""
    duration_s: float = 0.0
    snapshot: bytes | None = None  # small JPEG of the last frame read

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("snapshot")
        return data
