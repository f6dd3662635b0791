"""Picture checks through worker processes against a real RTSP server, with hard deadlines."""
import os
import threading
import time

import cv2
import numpy as np
import pytest

from health_checks.checks import PictureJob
from health_checks.picture import PictureSettings, grab_frames, snapshot_jpeg, with_credentials
from health_checks.pool import PicturePool
from health_checks.testing import clips
from tests.stream_fixtures import PASSWORD, USER

FAST = PictureSettings(window_s=1.0, max_frames=12, open_timeout_s=2.0, read_timeout_s=2.0)


@pytest.fixture(scope="module")
def pool():
    with PicturePool(processes=2, threads=4, margin_s=1.0) as pool:
        yield pool


def job(url, username=None, password=None, settings=FAST):
    return PictureJob(f"job-{time.monotonic_ns()}", url, username, password, settings)


def test_frames_are_read_for_the_window(rtsp_server):
    sample = grab_frames(rtsp_server.url("/live"), settings=FAST)
    assert sample.opened and 8 <= len(sample.frames) <= 12
    assert (sample.width, sample.height) == (320, 240)
    assert 7 <= sample.fps <= 13
    assert sample.time_to_first_frame_s < 1.0


def test_a_live_stream_passes(pool, rtsp_server):
    result = pool.check(job(rtsp_server.url("/live")))
    assert (result.outcome, result.verdict) == ("ok", "ok"), result.faults
    assert result.stats["frames_read"] >= 8


def test_a_snapshot_is_kept(pool, rtsp_server):
    result = pool.check(job(rtsp_server.url("/live")))
    picture = cv2.imdecode(np.frombuffer(result.snapshot, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (240, 320, 3)


def test_protected_stream_opens_with_credentials(pool, protected_rtsp_server):
    result = pool.check(job(protected_rtsp_server.url("/live"), USER, PASSWORD))
    assert result.outcome == "ok"


def test_wrong_credentials_mean_offline(pool, protected_rtsp_server):
    result = pool.check(job(protected_rtsp_server.url("/live"), USER, "wrong"))
    assert (result.outcome, result.verdict) == ("open_failed", "offline")


def test_closed_port_fails_fast(pool, closed_port):
    started = time.monotonic()
    result = pool.check(job(f"rtsp://127.0.0.1:{closed_port}/live"))
    assert result.outcome == "open_failed" and time.monotonic() - started < 1.5


def test_silent_port_ends_within_its_deadline(pool, silent_port):
    started = time.monotonic()
    result = pool.check(job(f"rtsp://127.0.0.1:{silent_port}/live"))
    assert result.verdict == "offline"
    assert time.monotonic() - started < FAST.budget_s + 1.0 + 0.5


def test_a_stalling_stream_is_not_counted_live(pool, rtsp_server):
    started = time.monotonic()
    settings = PictureSettings(window_s=3.0, max_frames=60, open_timeout_s=2.0,
                               read_timeout_s=2.0)
    result = pool.check(job(rtsp_server.url("/stalls"), settings=settings))
    assert result.stats["stalled"] or result.stats["frames_read"] <= 12
    assert time.monotonic() - started < settings.budget_s + 1.5


def test_a_hung_check_is_abandoned_at_the_hard_deadline(rtsp_server, silent_port):
    # OpenCV's own timeouts are 30 s here: only the pool's hard deadline can end the check.
    patient = PictureSettings(window_s=0.5, open_timeout_s=30, read_timeout_s=30)
    with PicturePool(processes=1, threads=2) as pool:
        first_pid = pool.worker_pids()[0]
        started = time.monotonic()
        result = pool.check(PictureJob("hung", f"rtsp://127.0.0.1:{silent_port}/x",
                                       settings=patient, deadline_s=2.0))
        assert result.outcome == "timeout"
        assert 2.0 <= time.monotonic() - started < 2.5
        # The worker that held the hung check is killed; a fresh one serves the next check.
        assert first_pid not in pool.worker_pids()
        assert pool.check(job(rtsp_server.url("/live"))).outcome == "ok"


def test_a_hung_check_does_not_delay_the_others(rtsp_server, silent_port):
    patient = PictureSettings(window_s=0.5, open_timeout_s=30, read_timeout_s=30)
    with PicturePool(processes=1, threads=4) as pool:
        hung = pool.submit(PictureJob("hung", f"rtsp://127.0.0.1:{silent_port}/x",
                                      settings=patient, deadline_s=6.0))
        started = time.monotonic()
        assert pool.check(job(rtsp_server.url("/live"))).outcome == "ok"
        assert time.monotonic() - started < 3.0
        assert hung.result().outcome == "timeout"


def test_the_url_for_opencv_carries_the_credentials_and_nothing_else_does():
    url = with_credentials("rtsp://127.0.0.1:554/live", "u s", "p@ss:word")
    assert url == "rtsp://u%20s:p%40ss%3Aword@127.0.0.1:554/live"
    assert repr(PictureJob("x", "rtsp://h/x", "u", "p@ss:word")).count("p@ss") == 0


def test_snapshot_is_small():
    frame = np.zeros((1080, 1920, 3), np.uint8)
    jpeg = snapshot_jpeg(frame)
    assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR).shape == (180, 320, 3)


def test_many_checks_leak_no_threads_or_descriptors(rtsp_server, closed_port):
    with PicturePool(processes=1, threads=4) as pool:
        pool.check(job(rtsp_server.url("/live")))
        threads, fds = threading.active_count(), len(os.listdir("/proc/self/fd"))
        futures = [pool.submit(job(rtsp_server.url("/live") if i % 2 else
                                   f"rtsp://127.0.0.1:{closed_port}/x")) for i in range(12)]
        assert {f.result().outcome for f in futures} == {"ok", "open_failed"}
        assert threading.active_count() == threads
        assert len(os.listdir("/proc/self/fd")) <= fds + 2


@pytest.mark.parametrize("case", sorted(clips.CASES))
def test_every_picture_case_gets_its_verdict_through_rtsp(pool, case_server, case):
    result = pool.check(job(case_server.url(f"/case/{case}")))
    expected = clips.CASES[case][1]
    assert result.outcome == "ok"
    assert set(result.faults) == expected, result.scores
    assert result.verdict == ("degraded" if expected else "ok")
