import time

import pytest

from health_checks.liveness import check_liveness
from tests.stream_fixtures import PASSWORD, USER


def test_live_rtsp_stream_is_ok(rtsp_server):
    result = check_liveness(rtsp_server.url("/live"))
    assert result.outcome == "ok"
    assert result.media == ["video H264/90000"]


def test_wrong_path_is_not_found(rtsp_server):
    assert check_liveness(rtsp_server.url("/nothing")).outcome == "not_found"


def test_closed_port_is_refused(closed_port):
    assert check_liveness(f"rtsp://127.0.0.1:{closed_port}/live").outcome == "refused"


def test_silent_port_times_out_at_the_deadline(silent_port):
    started = time.monotonic()
    result = check_liveness(f"rtsp://127.0.0.1:{silent_port}/live", timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert result.outcome == "timeout"
    assert 0.9 < elapsed < 1.5


def test_unknown_host_is_unreachable():
    assert check_liveness("rtsp://camera.invalid/live", timeout_s=2).outcome == "unreachable"


def test_protected_stream_with_credentials_is_ok(protected_rtsp_server):
    result = check_liveness(protected_rtsp_server.url("/live"), USER, PASSWORD)
    assert result.outcome == "ok"


def test_protected_stream_with_wrong_password_fails_auth(protected_rtsp_server):
    result = check_liveness(protected_rtsp_server.url("/live"), USER, "wrong")
    assert result.outcome == "auth_failed"


def test_protected_stream_without_credentials_fails_auth(protected_rtsp_server):
    assert check_liveness(protected_rtsp_server.url("/live")).outcome == "auth_failed"


def test_mjpeg_camera_is_ok(mjpeg_server):
    result = check_liveness(mjpeg_server.url(), USER, PASSWORD)
    assert result.outcome == "ok"
    assert result.media[0].startswith("multipart/x-mixed-replace")


def test_mjpeg_camera_with_wrong_password_fails_auth(mjpeg_server):
    assert check_liveness(mjpeg_server.url(), USER, "nope").outcome == "auth_failed"


def test_mjpeg_wrong_path_is_not_found(mjpeg_server):
    assert check_liveness(mjpeg_server.url("/x.mjpg"), USER, PASSWORD).outcome == "not_found"


def test_http_page_that_is_not_video_is_a_protocol_error(rtsp_server):
    # An RTSP server answering an HTTP request: not a video answer.
    result = check_liveness(rtsp_server.url("/live").replace("rtsp://", "http://"), timeout_s=2)
    assert result.outcome == "protocol_error"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "rtsp:///nohost"])
def test_unusable_urls_are_protocol_errors(url):
    assert check_liveness(url).outcome == "protocol_error"


def test_the_password_is_not_in_the_result(protected_rtsp_server):
    result = check_liveness(protected_rtsp_server.url("/live"), USER, "wrong")
    assert PASSWORD not in str(result.to_dict()) and "wrong" not in str(result.to_dict())
