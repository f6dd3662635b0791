"""The test clips look like a real camera's: right shape, noise, a ticking OSD clock, motion,
and the faults they claim to have."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from health_checks.testing import clips

SIZE = (320, 240)  # small: these tests are about the clips, not the resolution
COUNT = 4


@pytest.fixture(scope="module")
def made() -> dict[str, list[np.ndarray]]:
    return {name: generate(size=SIZE, count=COUNT) for name, (generate, _) in clips.CASES.items()}


def osd_box(frame: np.ndarray) -> np.ndarray:
    """Where burn_timestamp draws the clock at this size (top-left corner)."""
    return frame[:24, :180]


def below_osd(frame: np.ndarray) -> np.ndarray:
    return frame[30:]


@pytest.mark.parametrize("case", sorted(clips.CASES))
def test_every_case_is_a_list_of_bgr_frames_of_the_asked_size(made, case):
    frames = made[case]
    assert len(frames) == COUNT
    assert all(frame.shape == (240, 320, 3) and frame.dtype == np.uint8 for frame in frames)


def test_the_expected_faults_are_known_fault_names():
    from health_checks.diagnosis import FAULTS

    assert set().union(*(faults for _, faults in clips.CASES.values())) <= set(FAULTS)


@pytest.mark.parametrize("case", sorted(set(clips.CASES) - {"frozen", "frozen_live_clock"}))
def test_a_live_picture_changes_from_frame_to_frame(made, case):
    first, second = made[case][:2]
    assert not np.array_equal(below_osd(first), below_osd(second))


def test_a_hung_encoder_repeats_the_same_bytes(made):
    assert all(np.array_equal(frame, made["frozen"][0]) for frame in made["frozen"])


def test_a_live_clock_over_a_frozen_picture_changes_only_in_its_corner(made):
    first, second = made["frozen_live_clock"][:2]
    assert np.array_equal(below_osd(first), below_osd(second))
    assert not np.array_equal(osd_box(first), osd_box(second))


def test_the_clock_is_burned_in_white_with_a_black_outline(made):
    box = osd_box(made["normal_cat"][0])
    assert box.max() == 255 and box.min() <= 10


def test_the_clock_stays_sharp_on_a_defocused_picture(made):
    def sharpness(picture: np.ndarray) -> float:
        return cv2.Laplacian(cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()

    sharp, blurred = made["normal_astronaut"][0], made["blurred"][0]
    assert sharpness(osd_box(blurred)) > 0.5 * sharpness(osd_box(sharp))
    assert sharpness(below_osd(blurred)) < 0.5 * sharpness(below_osd(sharp))


def test_sensor_noise_is_mild(made):
    # Two frames of a still scene differ only by noise: sigma of a difference is sqrt(2) x.
    first, second = (below_osd(frame).astype(np.float32) for frame in made["static_mono"][:2])
    assert 1.5 < (first - second).std() / np.sqrt(2) < 3.5


@pytest.mark.parametrize("share", [0.65, 0.8])
def test_an_occluder_hides_the_share_it_is_asked_to(share):
    assert clips.occluded_share(share) == pytest.approx(share, abs=0.02)


def test_clips_are_deterministic_for_a_seed():
    first, again, other = (clips.normal_cat(SIZE, 2, seed=seed)[1] for seed in (3, 3, 4))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_a_clip_survives_an_h264_round_trip_frame_for_frame(made, tmp_path):
    frames = made["normal_astronaut"]
    decoded = clips.round_trip(frames, tmp_path / "clip.ts")
    assert len(decoded) == len(frames) and decoded[0].shape == frames[0].shape
    assert cv2.PSNR(decoded[0], frames[0]) > 30
