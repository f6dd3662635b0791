"""The demo cameras' video: real-photograph clips, and the one place that maps a camera to one.

The clips come from health_checks.testing.clips (photographs shipped in scikit-image's wheel,
with sensor noise, a ticking burned-in clock and a slow pan), encoded as H.264 in MPEG-TS with
Debian's ffmpeg: what GStreamer's RTSP server loops (`camreg demo-streams`) and what OpenCV
opens through file: URLs. Most cameras show a normal picture; some a picture fault; some are
dead (nothing answers), so checks find all three.
"""
from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import cv2

FOLDER = "demo_streams"
SUFFIX = ".ts"
SIZE, FRAMES, FPS = (640, 360), 30, 10
DEAD = "dead"  # a camera whose stream nothing serves

# clip name -> (case of health_checks.testing.clips, or None for a dead camera; share in ‰).
CLIPS: dict[str, tuple[str | None, int]] = {
    "normal-1": ("normal_astronaut", 300),
    "normal-2": ("normal_cat", 300),
    "normal-3": ("normal_dusk", 150),
    "warm": ("warm_coffee", 80),
    "night": ("night_lamps", 70),
    "black": ("black", 10),
    "frozen": ("frozen", 15),
    "blurred": ("blurred", 15),
    "occluded": ("occluded_hand", 10),
    "colour-cast": ("cast_green", 10),
    "noisy": ("noisy", 10),
    DEAD: (None, 30),
}


def clip_for(code: str) -> str:
    """The clip a camera of the full city shows, fixed by its national code."""
    slot = zlib.crc32(code.encode()) % 1000
    for name, (_, share) in CLIPS.items():
        if slot < share:
            return name
        slot -= share
    raise AssertionError("clip shares must add up to 1000")


@dataclass
class StreamCatalog:
    """Where each camera's stream is: file: URLs, or an RTSP server at ``rtsp_base``.

    With ``every_clip`` (the small demo) cameras take the clips in turn, so a few cameras show
    every case instead of the city's proportions.
    """

    folder: Path
    rtsp_base: str | None = None
    every_clip: bool = False
    _turns: dict[str, str] = field(default_factory=dict)
    _cycle: itertools.cycle = field(default_factory=lambda: itertools.cycle(CLIPS))

    def clip(self, code: str) -> str:
        if not self.every_clip:
            return clip_for(code)
        if code not in self._turns:
            self._turns[code] = next(self._cycle)
        return self._turns[code]

    def url_for(self, code: str) -> str:
        clip = self.clip(code)
        if self.rtsp_base:
            base = self.rtsp_base.rstrip("/")
            if clip == DEAD:  # the next port, where nothing listens
                parts = urlsplit(base)
                return f"{parts.scheme}://{parts.hostname}:{(parts.port or 554) + 1}/{DEAD}"
            return f"{base}/{clip}"
        return self.path(clip).as_uri()

    def path(self, clip: str) -> Path:
        return self.folder / f"{clip}{SUFFIX}"

    def ensure_clips(self) -> list[Path]:
        """Write the clips that are missing or unreadable; return every served clip's path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, (case, _) in CLIPS.items():
            if case is None:
                continue
            path = self.path(name)
            if not readable(path):
                write_clip(path, case)
            paths.append(path)
        return paths


def readable(path: Path) -> bool:
    if not path.exists():
        return False
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        return bool(capture.read()[0])
    finally:
        capture.release()


def write_clip(path: Path, case: str) -> None:
    """Render and encode one clip, under a temporary name so readers never see half a file."""
    try:
        from health_checks.testing import clips
    except ImportError as exc:  # scikit-image is installed with the project's [test] extra
        raise RuntimeError("the demo clips need scikit-image: pip install -e '.[test]'") from exc
    generate, _faults = clips.CASES[case]
    partial = path.with_name(f".{path.stem}.partial{SUFFIX}")
    clips.encode(generate(size=SIZE, count=FRAMES), partial, FPS)
    partial.replace(path)
