"""Short video clips the demo cameras point at, and the one place that maps a camera to a clip.

The clips are drawn and encoded with OpenCV: MPEG-4 Part 2 ('mp4v') in .mp4, which is what
opencv-python-headless can write here (its FFmpeg has no H.264 encoder). Most cameras get a
normal moving scene; a few get a picture fault (black, frozen, noisy) so that health checks
and video quality diagnosis have something real to find.

Cameras open the clips through ``file://`` URLs (CAMREG_ALLOW_FILE_STREAMS=1). When an RTSP
server serves the same clips, pass ``rtsp_base`` (e.g. rtsp://127.0.0.1:8554) and every
camera's URL becomes ``<rtsp_base>/<clip>``; nothing else changes.
"""
from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

FOLDER = "demo_streams"
WIDTH, HEIGHT, FPS, SECONDS = 320, 240, 10, 4
FOURCC, SUFFIX = "mp4v", ".mp4"

# clip name -> (picture, share of cameras in thousandths). Shares add up to 1000.
CLIPS: dict[str, tuple[str, int]] = {
    "normal-1": ("normal", 470),
    "normal-2": ("normal", 470),
    "black": ("black", 20),
    "frozen": ("frozen", 20),
    "noisy": ("noisy", 20),
}


def clip_for(code: str) -> str:
    """The clip a camera shows, fixed by its national code (the same on every run)."""
    slot = zlib.crc32(code.encode()) % 1000
    for name, (_, share) in CLIPS.items():
        if slot < share:
            return name
        slot -= share
    raise AssertionError("clip shares must add up to 1000")


@dataclass(frozen=True)
class StreamCatalog:
    folder: Path
    rtsp_base: str | None = None

    def url_for(self, code: str) -> str:
        clip = clip_for(code)
        if self.rtsp_base:
            return f"{self.rtsp_base.rstrip('/')}/{clip}"
        return self.path(clip).as_uri()

    def path(self, clip: str) -> Path:
        return self.folder / f"{clip}{SUFFIX}"

    def ensure_clips(self) -> list[Path]:
        """Write the clips that are missing or unreadable; return every clip's path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for seed, (name, (picture, _)) in enumerate(CLIPS.items()):
            path = self.path(name)
            if not readable(path):
                write_clip(path, picture, seed)
            paths.append(path)
        return paths


def readable(path: Path) -> bool:
    if not path.exists():
        return False
    capture = cv2.VideoCapture(str(path))
    try:
        ok, _ = capture.read()
        return bool(ok)
    finally:
        capture.release()


def write_clip(path: Path, picture: str, seed: int) -> None:
    """Encode one clip; written to a temporary name first so readers never see half a file."""
    partial = path.with_name(f".{path.stem}.partial{SUFFIX}")
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*FOURCC), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {FOURCC} video to {partial}")
    try:
        for frame in frames(picture, seed):
            writer.write(frame)
    finally:
        writer.release()
    os.replace(partial, path)


def frames(picture: str, seed: int):
    """The frames of a clip: a street scene with traffic, or one of the picture faults."""
    rng = np.random.default_rng(seed)
    background = _background(rng)
    total = FPS * SECONDS
    for index in range(total):
        if picture == "black":  # a covered lens: near-black, the camera's clock still shown
            frame = rng.integers(0, 4, (HEIGHT, WIDTH, 3), dtype=np.uint8)
        elif picture == "frozen":  # the encoder is stuck on its first picture
            frame = _scene(background, 0)
        else:
            frame = _scene(background, index)
        if picture == "noisy":  # heavy sensor noise ("snow")
            noise = rng.normal(0.0, 55.0, frame.shape)
            frame = np.clip(frame.astype(np.float64) + noise, 0, 255).astype(np.uint8)
        _clock(frame, 0 if picture == "frozen" else index)
        yield frame


def _background(rng: np.random.Generator) -> np.ndarray:
    """Buildings with windows, a road with lane marks, and a little texture."""
    frame = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    frame[:] = (170, 150, 120)  # BGR: pale sky
    for x in range(0, WIDTH, 64):
        top = int(rng.integers(30, 90))
        shade = int(rng.integers(90, 150))
        cv2.rectangle(frame, (x + 4, top), (x + 58, 150), (shade, shade, shade + 10), -1)
        for wy in range(top + 8, 142, 16):
            for wx in range(x + 10, x + 52, 12):
                cv2.rectangle(frame, (wx, wy), (wx + 6, wy + 8), (60, 90, 110), -1)
    frame[150:] = (80, 85, 85)  # road
    for x in range(0, WIDTH, 40):
        cv2.line(frame, (x, 195), (x + 20, 195), (230, 230, 230), 2)
    texture = rng.integers(-10, 11, frame.shape)
    return np.clip(frame.astype(np.int16) + texture, 0, 255).astype(np.uint8)


CARS = ((160, 3, (40, 40, 200)), (178, -4, (200, 120, 30)), (205, 5, (30, 160, 60)))


def _scene(background: np.ndarray, index: int) -> np.ndarray:
    frame = background.copy()
    for y, speed, colour in CARS:
        x = (index * speed * 4 + y * 3) % (WIDTH + 60) - 60
        cv2.rectangle(frame, (x, y), (x + 50, y + 22), colour, -1)
        cv2.rectangle(frame, (x + 8, y + 3), (x + 40, y + 10), (200, 220, 230), -1)
    walker = 20 + (index * 3) % (WIDTH - 40)
    cv2.circle(frame, (walker, 140), 5, (40, 60, 90), -1)
    cv2.line(frame, (walker, 145), (walker, 158), (40, 60, 90), 3)
    return frame


def _clock(frame: np.ndarray, index: int) -> None:
    """The on-screen display every camera burns in: date and time."""
    seconds = index // FPS
    text = f"2017-11-30 08:00:{seconds:02d}"
    cv2.putText(frame, text, (8, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                cv2.LINE_AA)
