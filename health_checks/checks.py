"""One picture check: read frames, diagnose them, keep a snapshot."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from health_checks.diagnosis import Thresholds, diagnose
from health_checks.picture import PictureSettings, grab_frames, snapshot_jpeg
from health_checks.results import PictureOutcome, PictureResult


@dataclass
class PictureJob:
    job_id: str
    url: str
    username: str | None = None
    password: str | None = None
    settings: PictureSettings = field(default_factory=PictureSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    deadline_s: float | None = None  # hard deadline; default: the settings' budget + margin

    def __repr__(self) -> str:  # never show the password
        return f"PictureJob({self.job_id!r}, {self.url!r})"


def run_picture_check(job: PictureJob) -> PictureResult:
    started = time.monotonic()
    try:
        sample = grab_frames(job.url, job.username, job.password, job.settings)
    except Exception as exc:  # OpenCV raises cv2.error and others on odd input
        return PictureResult(PictureOutcome.ERROR, "offline", ["signal_lost"],
                             detail=f"capture failed: {type(exc).__name__}",
                             duration_s=round(time.monotonic() - started, 4))
    diagnosis = diagnose(sample.frames, job.thresholds)
    if not sample.opened:
        outcome = PictureOutcome.OPEN_FAILED
    elif not sample.frames:
        outcome = PictureOutcome.NO_FRAMES
    else:
        outcome = PictureOutcome.OK
    return PictureResult(
        outcome=outcome, verdict=diagnosis.verdict, faults=list(diagnosis.faults),
        scores={name: round(float(value), 4) for name, value in diagnosis.scores.items()},
        stats=sample.stats(), detail=sample.error,
        duration_s=round(time.monotonic() - started, 4),
        snapshot=snapshot_jpeg(sample.frames[-1]) if sample.frames else None)


def timeout_result(job: PictureJob, waited_s: float) -> PictureResult:
    return PictureResult(PictureOutcome.TIMEOUT, "offline", ["signal_lost"],
                         detail=f"no result within the hard deadline of {waited_s:.1f} s",
                         duration_s=round(waited_s, 4))
