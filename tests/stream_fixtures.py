"""Real stream servers for the tests, loaded by tests/conftest.py as a plugin: GStreamer RTSP
(open, Digest, Basic, every picture case), an MJPEG HTTP camera, a port that never answers and
a closed port."""
from __future__ import annotations

import pytest

from health_checks.testing import clips
from health_checks.testing.streams import (MjpegServer, RtspServer, SilentServer, encode_clip,
                                           free_port)

USER, PASSWORD = "viewer", "Str3am-Pass"




@pytest.fixture(scope="session")
def moving_clip(tmp_path_factory):
    """A normal camera picture: a real photograph with noise, a ticking clock and a slow pan."""
    frames = clips.normal_astronaut(size=(320, 240), count=30)
    return encode_clip(frames, tmp_path_factory.mktemp("clips") / "normal.ts")


@pytest.fixture(scope="session")
def case_server(tmp_path_factory):
    """Every diagnosis case of health_checks.testing.clips served at /case/<name>."""
    folder = tmp_path_factory.mktemp("cases")
    mounts = [{"path": f"/case/{name}",
               "file": str(encode_clip(generate(count=20), folder / f"{name}.ts"))}
              for name, (generate, _faults) in clips.CASES.items()]
    with RtspServer(mounts) as server:
        yield server


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
    server = MjpegServer(clips.normal_cat(size=(320, 240), count=10), user=USER,
                         password=PASSWORD)
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
