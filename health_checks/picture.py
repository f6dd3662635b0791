"""Picture check: open a stream with OpenCV's FFmpeg backend and read frames for a short window.

OpenCV's open/read timeouts apply only when cv2.CAP_FFMPEG is named with them as constructor
params, and even then a stalled stream can hold a read for longer (see shared STREAMS.md): this
module bounds what it can, and the pool (pool.py) enforces the hard deadline from outside.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

# Set before cv2 is imported: fast stream opening (no long probing), parallel opens, quiet logs
# (FFmpeg messages could otherwise carry stream URLs).
os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS",
                      "rtsp_transport;tcp|fpsprobesize;0|analyzeduration;0|probesize;32")
os.environ.setdefault("OPENCV_FFMPEG_IS_THREAD_SAFE", "1")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

SNAPSHOT_WIDTH = 320


@dataclass(frozen=True)
class PictureSettings:
    window_s: float = 1.5  # how long to read frames after the first one
    max_frames: int = 15
    open_timeout_s: float = 3.0
    read_timeout_s: float = 3.0
    stall_s: float = 1.0  # a read slower than this means the stream stalled

    @property
    def budget_s(self) -> float:
        """The longest a well-behaved check can take; the hard deadline adds a margin."""
        return self.open_timeout_s + self.window_s + self.read_timeout_s


@dataclass
class FrameSample:
    frames: list[np.ndarray] = field(default_factory=list)
    opened: bool = False
    time_to_first_frame_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None  # measured over the window
    stalled: bool = False
    error: str = ""

    def stats(self) -> dict[str, Any]:
        return {"opened": self.opened, "frames_read": len(self.frames),
                "time_to_first_frame_s": self.time_to_first_frame_s, "width": self.width,
                "height": self.height, "fps": self.fps, "stalled": self.stalled,
                "error": self.error}


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """The URL OpenCV needs; it is never logged or returned."""
    if not username:
        return url
    parts = urlsplit(url)
    userinfo = quote(username, safe="") + (":" + quote(password or "", safe="") if password
                                           is not None else "")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc.rpartition('@')[2]}"))


def grab_frames(url: str, username: str | None = None, password: str | None = None,
                settings: PictureSettings = PictureSettings()) -> FrameSample:
    sample = FrameSample()
    started = time.monotonic()
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(settings.open_timeout_s * 1000),
              cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(settings.read_timeout_s * 1000),
              cv2.CAP_PROP_N_THREADS, 1]  # one decoder thread: less memory, fewer stale frames
    source = url.removeprefix("file://") if url.startswith("file://") else with_credentials(
        url, username, password)
    capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
    try:
        if not capture.isOpened():
            sample.error = "the stream could not be opened"
            return sample
        sample.opened = True
        _read_window(capture, sample, settings, started)
    finally:
        capture.release()
    return sample


def _read_window(capture, sample: FrameSample, settings: PictureSettings,
                 started: float) -> None:
    first_at = None
    last = time.monotonic()
    while len(sample.frames) < settings.max_frames:
        ok, frame = capture.read()
        now = time.monotonic()
        if not ok or frame is None:
            if not sample.frames:
                sample.error = "no frame could be decoded"
            break
        if first_at is not None and now - last > settings.stall_s:
            # A read that waited this long returned a stale frame: the stream stalled.
            sample.stalled = True
            break
        last = now
        if first_at is None:
            first_at = now
            sample.time_to_first_frame_s = round(now - started, 4)
            sample.height, sample.width = frame.shape[:2]
        sample.frames.append(frame)
        if now - first_at >= settings.window_s:
            break
    if first_at is not None and len(sample.frames) > 1:
        sample.fps = round((len(sample.frames) - 1) / max(last - first_at, 1e-6), 2)


def snapshot_jpeg(frame: np.ndarray, width: int = SNAPSHOT_WIDTH, quality: int = 80) -> bytes:
    """A small JPEG of a frame, for the dashboard and emails."""
    height = max(1, round(frame.shape[0] * width / frame.shape[1]))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()
