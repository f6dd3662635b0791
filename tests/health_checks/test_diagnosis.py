"""Video quality diagnosis (视频质量诊断) on realistic clips: real photographs with sensor
noise, a ticking OSD clock and a slow pan, judged raw and after a real H.264 round trip
(libx264 through ffmpeg, decoded by OpenCV's FFmpeg backend), at three resolutions."""
from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from health_checks.diagnosis import FAULTS, Diagnosis, Thresholds, diagnose
from health_checks.testing import clips

FRAMES = 10  # per clip; also the encoder's fps and keyframe interval (see ClipLibrary)
DEFAULT = (640, 360)
SMALL = (320, 240)
HD = (1280, 720)
# 720p clips are slow to make and encode: HD covers the cases where scale matters (OSD size,
# noise and sharpness per pixel, tiles), and the codec on four of them
HD_CASES = ["normal_astronaut", "black", "frozen_live_clock", "blurred", "noisy"]
RAW_PLAN = {DEFAULT: sorted(clips.CASES), SMALL: sorted(clips.CASES), HD: HD_CASES}
H264_PLAN = {DEFAULT: sorted(clips.CASES), SMALL: sorted(clips.CASES), HD: HD_CASES[:4]}
CODECS = ["raw", "h264"]


class ClipLibrary:
    """Clips made once per test session, and their diagnoses, raw and through H.264.

    Every case of a size goes through one encoder run, one case after the other. With fps and
    keyframe interval equal to FRAMES each case starts on its own keyframe, so no case
    predicts from another, and one ffmpeg start serves them all. The encodes run in the
    background (ffmpeg is a separate process) while the raw frames are being judged.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._raw: dict[tuple[str, tuple[int, int]], list[np.ndarray]] = {}
        self._diagnoses: dict[tuple[str, tuple[int, int], str], Diagnosis] = {}
        self._encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")
        self._encodes: dict[tuple[int, int], tuple[list[str], Future]] = {}

    def start_encodes(self, plan: dict[tuple[int, int], list[str]]) -> None:
        for size, cases in plan.items():
            stream = [frame for case in cases for frame in self.raw(case, size)]
            path = self.folder / f"cases-{size[0]}x{size[1]}.ts"
            self._encodes[size] = cases, self._encoder.submit(clips.round_trip, stream, path,
                                                              FRAMES)

    def close(self) -> None:
        self._encoder.shutdown(wait=True)

    def raw(self, case: str, size: tuple[int, int]) -> list[np.ndarray]:
        if (case, size) not in self._raw:
            generate, _faults = clips.CASES[case]
            self._raw[case, size] = generate(size=size, count=FRAMES)
        return self._raw[case, size]

    def h264(self, case: str, size: tuple[int, int]) -> list[np.ndarray]:
        cases, encode = self._encodes[size]
        decoded = encode.result()
        assert len(decoded) == len(cases) * FRAMES
        index = cases.index(case)
        return decoded[index * FRAMES:(index + 1) * FRAMES]

    def diagnosis(self, case: str, size: tuple[int, int], codec: str) -> Diagnosis:
        key = (case, size, codec)
        if key not in self._diagnoses:
            frames = self.raw(case, size) if codec == "raw" else self.h264(case, size)
            self._diagnoses[key] = diagnose(frames)
        return self._diagnoses[key]


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> ClipLibrary:
    library = ClipLibrary(tmp_path_factory.mktemp("diagnosis"))
    library.start_encodes(H264_PLAN)
    yield library
    library.close()


def expected(case: str) -> tuple[str, list[str]]:
    faults = [name for name in FAULTS if name in clips.CASES[case][1]]
    return ("degraded" if faults else "ok"), faults


def matrix(codec: str, plan: dict[tuple[int, int], list[str]]) -> list:
    return [pytest.param(case, size, codec, id=f"{case}-{size[0]}x{size[1]}-{codec}")
            for size, cases in plan.items() for case in cases]


# --- every case, as other tests (through a real RTSP server) will see it ---------------------

# All raw cases first: the encodes finish in the background meanwhile.
@pytest.mark.parametrize("case, size, codec", matrix("raw", RAW_PLAN) + matrix("h264", H264_PLAN))
def test_every_case_gets_exactly_its_faults(library, case, size, codec):
    diagnosis = library.diagnosis(case, size, codec)
    assert (diagnosis.verdict, diagnosis.faults) == expected(case), diagnosis.scores


@pytest.mark.parametrize("codec", CODECS)
def test_every_fault_has_a_score_to_tune_with(library, codec):
    scores = library.diagnosis("normal_astronaut", DEFAULT, codec).scores
    assert set(FAULTS) <= set(scores)
    assert all(isinstance(value, float) and np.isfinite(value) for value in scores.values())


# --- the rules behind the cases ------------------------------------------------------------

def test_no_frames_means_the_signal_is_lost():
    assert diagnose([]) == Diagnosis("offline", ["signal_lost"], {"signal_lost": 1.0})


def test_failed_reads_in_the_window_are_ignored(library):
    frames = library.raw("normal_cat", DEFAULT)
    assert diagnose([None, *frames, None]).verdict == "ok"


def test_a_night_scene_with_lamps_is_neither_black_nor_too_dark(library):
    diagnosis = library.diagnosis("night_lamps", DEFAULT, "h264")
    assert Thresholds().too_dark < diagnosis.scores["too_dark"]
    assert diagnosis.faults == []


def test_a_black_picture_reports_black_alone(library):
    # Its frames barely change and it has no texture: black must not add frozen or blurred.
    assert library.diagnosis("black", DEFAULT, "h264").faults == ["black"]


def test_a_sharp_osd_clock_does_not_make_a_blurred_picture_sharp(library):
    frames = library.raw("blurred", DEFAULT)
    whole = cv2.Laplacian(cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
    sharp = library.diagnosis("normal_astronaut", DEFAULT, "raw").scores["blurred"]
    blurred = library.diagnosis("blurred", DEFAULT, "raw").scores["blurred"]
    assert whole > 100  # the clock's edges keep the global measure high...
    assert blurred < sharp / 3  # ...but the median tile sees the defocus


def test_a_static_scene_with_sensor_noise_is_not_frozen(library):
    for codec in CODECS:
        diagnosis = library.diagnosis("static_mono", DEFAULT, codec)
        assert diagnosis.scores["frozen"] > Thresholds().frozen and diagnosis.faults == []


def test_a_ticking_clock_over_a_frozen_picture_is_still_frozen(library):
    frames = library.raw("frozen_live_clock", DEFAULT)
    assert not np.array_equal(frames[0], frames[1])  # the clock changed
    assert diagnose(frames).faults == ["frozen"]


def test_a_warm_scene_and_a_blue_dusk_are_not_colour_casts(library):
    for case in ("warm_coffee", "normal_dusk"):
        assert "colour_cast" not in library.diagnosis(case, DEFAULT, "h264").faults


def test_a_large_plain_sky_is_not_an_occlusion(library):
    for size in (DEFAULT, SMALL):
        assert library.diagnosis("normal_dusk", size, "h264").scores["occluded"] < 0.4


def test_several_faults_are_reported_in_the_order_of_FAULTS():
    frames = clips.render("astronaut", DEFAULT, FRAMES, effect=clips.exposure(gain=0.22),
                          frozen=True, osd_ticks=False)
    assert diagnose(frames).faults == ["too_dark", "frozen"]


def test_one_frame_gets_every_score_but_frozen(library):
    scores = diagnose(library.raw("normal_cat", DEFAULT)[:1]).scores
    assert "frozen" not in scores and {"black", "blurred", "noise"} <= set(scores)


def test_grey_frames_are_diagnosed_like_colour_ones(library):
    frames = library.raw("static_mono", DEFAULT)
    grey = [cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) for frame in frames]
    assert diagnose(grey).faults == diagnose(frames).faults == []


def test_frames_must_be_8_bit():
    with pytest.raises(TypeError):
        diagnose([np.zeros((240, 320, 3), np.float32)])


def test_a_window_of_15_frames_of_1080p_takes_tens_of_milliseconds(library):
    frames = [cv2.resize(frame, (1920, 1080)) for frame in library.raw("normal_cat", DEFAULT)]
    frames += frames[:15 - len(frames)]
    diagnose(frames)  # warm-up
    durations = []
    for _ in range(3):
        started = time.perf_counter()
        diagnose(frames)
        durations.append(time.perf_counter() - started)
    assert min(durations) < 0.15  # ~30 ms on 2 busy cores; full-resolution work takes ~10x


# --- every threshold is configurable --------------------------------------------------------

@pytest.mark.parametrize("case, tightened, fault", [
    ("too_dark", Thresholds(black=70.0), "black"),
    ("night_lamps", Thresholds(too_dark=150.0), "too_dark"),
    ("normal_astronaut", Thresholds(overexposed=0.005), "overexposed"),
    ("static_mono", Thresholds(frozen=0.5), "frozen"),
    ("normal_astronaut", Thresholds(blurred=1.0), "blurred"),
    ("normal_dusk", Thresholds(occluded=0.15), "occluded"),
    ("normal_dusk", Thresholds(colour_cast=15.0), "colour_cast"),
    ("warm_coffee", Thresholds(colour_cast_warm=40.0), "colour_cast"),
    ("night_lamps", Thresholds(noise=2.5), "noise"),
], ids=lambda value: value if isinstance(value, str) else None)
def test_tightening_a_threshold_turns_a_case_into_that_fault(library, case, tightened, fault):
    frames = library.raw(case, DEFAULT)
    assert fault not in diagnose(frames).faults
    assert fault in diagnose(frames, tightened).faults


def test_loosening_a_threshold_clears_its_fault(library):
    frames = library.raw("blurred", DEFAULT)
    assert diagnose(frames, Thresholds(blurred=0.05)).faults == []
