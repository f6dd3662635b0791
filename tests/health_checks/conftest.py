"""Real stream servers for the probe tests: GStreamer RTSP (open, Digest, Basic), an MJPEG
HTTP camera, a port that never answers and a closed port."""
from __future__ import annotations

import numpy as np
import pytest

from health_checks.testing.streams import (MjpegServer, RtspServer, SilentServer, encode_clip,
                                           free_port)

USER, PASSWORD = "viewer", "Str3am-Pass"


def moving_frames(count: int = 40, size: tuple[int, int] = (240, 320)) -> list[np.ndarray]:
    """A simple scene with a moving square, so consecutive frames differ."""
    frames = []
    for index in range(count):
        frame = np.full((*size, 3), 90, np.uint8)
        x = 10 + (index * 6) % (size[1] - 60)
        frame[80:140, x:x + 50] = (40, 160, 220)
        frames.append(frame)
    return frames


@pytest.fixture(scope="session")
def moving_clip(tmp_path_factory):
    return encode_clip(moving_frames(), tmp_path_factory.mktemp("clips") / "moving.ts")


@pytest.fixture(scope="session")
def rtsp_server(moving_clip):
    mounts = [{"path": "/live", "file": str(moving_clip)},
              {"path": "/stalls", "file": str(moving_clip), "stall_after_s": 1.0}]
    with RtspServer(mounts) as server:
        yield server


@pytest.fixture(scope="session", params=["digest", "basic"])
def protected_rtsp_server(request, moving_clip):
    with RtspServer([{"path": "/live", "file": str(moving_clip)}], user=USER,
                    password=PASSWORD, auth=request.param) as server:
        yield server


@pytest.fixture(scope="session")
def mjpeg_server():
    server = MjpegServer(moving_frames(10), user=USER, password=PASSWORD)
    yield server
    server.close()


@pytest.fixture(scope="session")
def silent_port():
    server = SilentServer()
    yield server.port
    server.close()


@pytest.fixture
def closed_port():
    return free_port()
