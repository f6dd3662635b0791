"""Video quality diagnosis (视频质量诊断): what is wrong with the picture of a live camera.

A pure function of a short window of decoded frames (BGR uint8, as cv2.VideoCapture.read()
returns them; typically 10-30 frames over 1-3 s). No I/O, no Flask, no database.

Every fault has one score, computed on every call and returned in ``Diagnosis.scores`` so that
thresholds can be tuned on real cameras, and one threshold in ``Thresholds``. The method, and
what each metric is robust against, is described in docs/DIAGNOSIS.md.

Pictures are measured at a fixed working scale (about 320 px wide) so that scores mean the same
for CIF and 1080p cameras and a diagnosis costs a few milliseconds:

- the *working image*: the frame shrunk with area averaging (what an operator sees in a grid
  of thumbnails): exposure, sharpness, occlusion and colour;
- the *sampled image*: every n-th pixel of the frame, not averaged, so that per-pixel noise
  and frame-to-frame change survive: noise and freezing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

FAULTS = ("signal_lost", "black", "too_dark", "overexposed", "frozen", "blurred", "occluded",
          "colour_cast", "noise")

WORK_WIDTH = 320  # px: the working scale of every metric
TILE = 20  # px at the working scale: 16 x 9 tiles for 16:9, 16 x 12 for 4:3
MAX_SAMPLED_FRAMES = 5  # per-frame metrics are the median over at most this many frames


@dataclass(frozen=True)
class Thresholds:
    """One threshold per fault. Units are those of the matching score in Diagnosis.scores."""

    # Highlight level: the 99th percentile of brightness (0-255) once thin overlay text is
    # removed. At or below `black` there is no light anywhere in the picture.
    black: float = 30.0
    # Below `too_dark` nothing in the picture is properly exposed (under-exposure). A night
    # scene whose lamps and lit areas reach a normal brightness is not too dark.
    too_dark: float = 75.0
    # Fraction of the picture clipped white (brightness >= 245) at or above which it is
    # over-exposed.
    overexposed: float = 0.30
    # Liveliness: median, over consecutive frame pairs, of the fraction of pixels that change
    # by 4 or more grey levels. Below it the picture is frozen. Sensor noise alone changes
    # several percent of the pixels of a live still scene; a ticking OSD clock changes ~0.1%.
    frozen: float = 0.015
    # Relative sharpness: median over textured tiles of std(Laplacian) / std(brightness),
    # sensor noise subtracted. Below it the picture is blurred (defocus, fogged or dirty dome).
    blurred: float = 0.40
    # Largest contiguous featureless, evenly lit area, as a fraction of the picture. At or
    # above it the lens is occluded (cloth, hand, leaves, spray).
    occluded: float = 0.45
    # Chroma of the picture's centre colour (median CIELAB a*, b*). At or above it the
    # picture has a colour cast: green, cyan, blue, purple, magenta or red.
    colour_cast: float = 26.0
    # The same for a warm centre (hue 30-90 degrees, red-orange to yellow): fire, tungsten,
    # sunset, brick, wood and skin make scenes warm by nature, so they get more room.
    colour_cast_warm: float = 80.0
    # Noise: standard deviation in grey levels per pixel, in the flattest quarter of the
    # picture. At or above it the picture is noisy (snow, interference, extreme gain).
    noise: float = 8.0


@dataclass
class Diagnosis:
    verdict: str  # "ok", "degraded" (some faults) or "offline" (signal lost: no frames)
    faults: list[str] = field(default_factory=list)  # ordered as FAULTS
    scores: dict[str, float] = field(default_factory=dict)  # by fault name

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


def diagnose(frames: Sequence[np.ndarray], thresholds: Thresholds = Thresholds()) -> Diagnosis:
    """Diagnose a window of decoded BGR frames; an empty window means the signal is lost."""
    usable = [_as_bgr(frame) for frame in frames if frame is not None and frame.size]
    if not usable:
        return Diagnosis("offline", ["signal_lost"], {"signal_lost": 1.0})
    scores = measure(usable)
    faults = judge(scores, thresholds)
    return Diagnosis("degraded" if faults else "ok", faults, scores)


def measure(frames: Sequence[np.ndarray]) -> dict[str, float]:
    """Every score that can be computed on these frames, by fault name."""
    sampled = [_sampled_grey(frame) for frame in frames]
    scores: dict[str, float] = {"signal_lost": 0.0}
    per_frame = [_frame_scores(_working(frames[index]), sampled[index])
                 for index in _spread(len(frames), MAX_SAMPLED_FRAMES)]
    for name in dict.fromkeys(name for frame_scores in per_frame for name in frame_scores):
        scores[name] = float(np.median([frame_scores[name] for frame_scores in per_frame
                                        if name in frame_scores]))
    if len(sampled) > 1:
        scores["frozen"] = liveliness(sampled)
    return dict(sorted(scores.items(), key=_score_order))


def _score_order(item: tuple[str, float]) -> tuple[int, str]:
    """Scores in the order of FAULTS; extras such as colour_cast_hue after their fault."""
    name = item[0]
    owner = next((fault for fault in FAULTS if name.startswith(fault)), None)
    return (FAULTS.index(owner) if owner else len(FAULTS), name)


def judge(scores: dict[str, float], thresholds: Thresholds) -> list[str]:
    """Faults found, in the order of FAULTS."""
    if scores.get("black", math.inf) <= thresholds.black:
        return ["black"]  # no picture: every other fault would be noise about nothing
    found = set()
    if scores.get("too_dark", math.inf) < thresholds.too_dark:
        found.add("too_dark")
    if scores.get("overexposed", 0.0) >= thresholds.overexposed:
        found.add("overexposed")
    if scores.get("frozen", math.inf) < thresholds.frozen:
        found.add("frozen")
    occluded = scores.get("occluded", 0.0) >= thresholds.occluded
    if occluded:
        found.add("occluded")
    # Sharpness is judged on what is left visible; with most of the lens covered the few
    # textured tiles are mostly the occluder's soft edge, so blur would be a false second fault.
    if not occluded and scores.get("blurred", math.inf) < thresholds.blurred:
        found.add("blurred")
    if scores.get("colour_cast", 0.0) >= cast_threshold(scores.get("colour_cast_hue"),
                                                         thresholds):
        found.add("colour_cast")
    if scores.get("noise", 0.0) >= thresholds.noise:
        found.add("noise")
    return [name for name in FAULTS if name in found]


# --- preparing frames -----------------------------------------------------------------------

def _as_bgr(frame: np.ndarray) -> np.ndarray:
    if frame.dtype != np.uint8:
        raise TypeError(f"frames must be uint8, not {frame.dtype}")
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


def _spread(count: int, most: int) -> list[int]:
    """Up to `most` indices spread evenly over the window, first and last included."""
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


def _working(frame: np.ndarray) -> np.ndarray:
    """The frame shrunk to the working width with area averaging (never enlarged)."""
    height, width = frame.shape[:2]
    if width <= WORK_WIDTH:
        return frame
    size = (WORK_WIDTH, max(1, round(height * WORK_WIDTH / width)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _sampled_grey(frame: np.ndarray) -> np.ndarray:
    """Every n-th pixel (no averaging, so per-pixel noise and change survive), as grey."""
    step = max(1, frame.shape[1] // WORK_WIDTH)
    return cv2.cvtColor(np.ascontiguousarray(frame[::step, ::step]), cv2.COLOR_BGR2GRAY)


def tile_mean(image: np.ndarray) -> np.ndarray:
    """Mean of each TILE x TILE tile (partial tiles at the edges dropped): (rows, cols).

    An area resize by an exact integer factor is a box average, and much faster than
    reshaping in numpy.
    """
    rows, cols = image.shape[0] // TILE, image.shape[1] // TILE
    cropped = image[:rows * TILE, :cols * TILE].astype(np.float32)
    return cv2.resize(cropped, (cols, rows), interpolation=cv2.INTER_AREA)


def tile_var(image: np.ndarray) -> np.ndarray:
    """Variance of each tile, as E[x^2] - E[x]^2."""
    values = image.astype(np.float32)
    mean = tile_mean(values)
    return np.maximum(tile_mean(values * values) - mean * mean, 0.0)


def _histogram_median(histogram: np.ndarray, quantile: float = 0.5) -> float:
    """A quantile of 8-bit values from their 256-bin histogram (no sorting)."""
    cumulative = np.cumsum(histogram.ravel())
    return float(np.searchsorted(cumulative, quantile * cumulative[-1]))


# --- per-frame metrics ----------------------------------------------------------------------

def _frame_scores(working: np.ndarray, sampled: np.ndarray) -> dict[str, float]:
    grey = cv2.cvtColor(working, cv2.COLOR_BGR2GRAY)
    scores = {"black": highlight_level(grey), "overexposed": clipped_fraction(grey)}
    scores["too_dark"] = scores["black"]
    texture = _tile_texture(grey)
    sharpness = relative_sharpness(grey, texture)
    if sharpness is not None:
        scores["blurred"] = sharpness
    scores["occluded"] = featureless_area(texture, tile_mean(grey))
    scores.update(centre_colour(working))
    noise = noise_level(sampled)
    if noise is not None:
        scores["noise"] = noise
    return scores


def highlight_level(grey: np.ndarray) -> float:
    """99th percentile of brightness after a 3x3 opening.

    The opening erases strokes one or two pixels wide, so a white OSD clock or camera name
    burned into a black picture does not count as light; lamps, lit windows and lit ground
    are larger and stay. A percentile, not the mean: a night scene is mostly dark but its
    lit parts are properly exposed, which is what makes it usable.
    """
    opened = cv2.morphologyEx(grey, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return _histogram_median(cv2.calcHist([opened], [0], None, [256], [0, 256]), 0.99)


def clipped_fraction(grey: np.ndarray) -> float:
    """Share of the picture at or near white clipping."""
    return float(np.count_nonzero(grey >= 245) / grey.size)


def _tile_texture(grey: np.ndarray) -> np.ndarray:
    """Per-tile standard deviation of lightly smoothed brightness (sensor noise removed)."""
    smooth = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), 1.0)
    return np.sqrt(tile_var(smooth))


TEXTURED = 4.0  # tile std (grey levels) above which a tile has structure to judge sharpness


def relative_sharpness(grey: np.ndarray, texture: np.ndarray) -> float | None:
    """Median, over textured tiles, of std(Laplacian) / std(brightness), noise removed.

    Normalising by the tile's own contrast makes it independent of exposure (a dark night
    scene is not blurred, only dim). The median over tiles ignores the few tiles that an OSD
    clock keeps sharp on a defocused picture, and plain tiles (sky, walls) are left out.
    Sensor noise adds 20 sigma^2 to the Laplacian's variance (the squared weights of its
    kernel) and would make a noisy blurred picture look sharp, so it is subtracted.
    """
    textured = texture > TEXTURED
    if np.count_nonzero(textured) < 4:
        return None
    values = grey.astype(np.float32)
    noise = noise_level(grey) or 0.0
    laplacian = cv2.Laplacian(values, cv2.CV_32F)
    detail = tile_var(laplacian)[textured] - 20 * noise ** 2
    contrast = tile_var(values)[textured] - noise ** 2
    ratio = np.sqrt(np.maximum(detail, 0.0) / np.maximum(contrast, 1.0))
    return float(np.median(ratio))


FEATURELESS = 3.0  # tile std (grey levels) below which a tile shows nothing
UNLIT = 24.0  # tile brightness below which flatness means darkness, not a cover
EVENLY_LIT = 0.20  # an occluder's tiles stay within this fraction of its median brightness


def featureless_area(texture: np.ndarray, brightness: np.ndarray) -> float:
    """Largest connected area of featureless, evenly lit tiles, as a fraction of all tiles.

    Something on the lens is far out of focus: a uniform, textureless patch, and so close
    that ambient light falls on all of it alike. A plain sky is textureless too, but spans
    the view from horizon to zenith and so darkens steadily across the picture: keeping only
    the tiles within EVENLY_LIT of each patch's median brightness breaks it into bands.
    Dark tiles are not counted (an unlit sky or yard at night is flat too; a fully dark
    picture is black or too dark), nor clipped ones (over-exposure). Contiguity keeps a
    scattering of plain walls and sky patches from adding up to an occlusion.
    """
    flat = (texture < FEATURELESS) & (brightness >= UNLIT) & (brightness <= 235)
    largest = 0
    for patch in _components(flat):
        median = float(np.median(brightness[patch]))
        even = patch & (np.abs(brightness - median) <= EVENLY_LIT * median)
        largest = max([largest] + [int(np.count_nonzero(part)) for part in _components(even)])
    return largest / flat.size


def _components(mask: np.ndarray) -> list[np.ndarray]:
    """The 4-connected components of a boolean tile mask, as masks."""
    if not mask.any():
        return []
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=4)
    return [labels == label for label in range(1, count)]


def centre_colour(working: np.ndarray) -> dict[str, float]:
    """The picture's centre colour as colour_cast (chroma) and colour_cast_hue (degrees).

    Median a* and b* (CIELAB) over the pixels that carry colour: very dark pixels are mostly
    noise and clipped ones are white whatever the cast. A median, not the mean (grey world),
    so that one big saturated object weighs no more than half the picture.
    """
    lab = cv2.cvtColor(working, cv2.COLOR_BGR2LAB)
    coloured = cv2.inRange(lab[:, :, 0], 26, 244)  # lightness strictly inside (25, 245)
    if cv2.countNonZero(coloured) < 0.05 * coloured.size:
        return {}
    a = _histogram_median(cv2.calcHist([lab], [1], coloured, [256], [0, 256])) - 128.0
    b = _histogram_median(cv2.calcHist([lab], [2], coloured, [256], [0, 256])) - 128.0
    return {"colour_cast": math.hypot(a, b),
            "colour_cast_hue": math.degrees(math.atan2(b, a)) % 360.0}


WARM_HUES = (30.0, 90.0)  # degrees of CIELAB hue: red-orange to yellow
WARM_RAMP = 15.0  # degrees over which the warm tolerance fades out at either end


def cast_threshold(hue: float | None, thresholds: Thresholds) -> float:
    """The colour_cast threshold for a centre of this hue: colour_cast_warm inside the warm
    band, colour_cast outside it, blended over WARM_RAMP degrees so that there is no step.

    Natural light and materials vary along the warm axis (fire, tungsten, sunset, brick,
    wood, skin, sand); a green, magenta, blue or purple centre is a fault of the camera.
    """
    if hue is None:
        return thresholds.colour_cast
    low, high = WARM_HUES
    outside = max(low - hue, hue - high, 0.0)  # degrees outside the warm band
    warmth = max(0.0, 1.0 - outside / WARM_RAMP)
    return thresholds.colour_cast + warmth * (thresholds.colour_cast_warm
                                              - thresholds.colour_cast)


def noise_level(sampled: np.ndarray) -> float | None:
    """Noise sigma (grey levels) from Immerkaer's operator, in the flattest quarter of tiles.

    The operator is a difference of two Laplacians that cancels smooth shading; what remains
    in plain tiles is noise, while edges only raise textured tiles, which the 25th
    percentile leaves out. Clipped tiles (black or white) hide noise and are skipped.
    """
    values = sampled.astype(np.float32)
    kernel = np.float32([[1, -2, 1], [-2, 4, -2], [1, -2, 1]])
    residual = np.abs(cv2.filter2D(values, -1, kernel))[1:-1, 1:-1]
    if min(residual.shape) < TILE:
        return None
    sigma = tile_mean(residual) * (math.sqrt(math.pi / 2) / 6)
    level = tile_mean(values[1:-1, 1:-1])
    unclipped = (level > 8) & (level < 247)
    enough = np.count_nonzero(unclipped) >= max(4, unclipped.size // 4)
    candidates = sigma[unclipped] if enough else sigma.ravel()
    return float(np.percentile(candidates, 25))


# --- across frames --------------------------------------------------------------------------

CHANGED = 4  # grey levels: bigger than a codec's refinement of a still picture


def liveliness(sampled: Sequence[np.ndarray]) -> float:
    """Median over consecutive pairs of the fraction of pixels that changed by >= CHANGED.

    A live camera changes a few percent of its pixels per frame even on a still scene
    (sensor noise); a ticking OSD clock alone changes about 0.1%, so it does not make a frozen
    picture look alive. The median ignores one keyframe refresh in the window: an encoder fed
    the same picture refines it a little on each frame and jumps at each keyframe.
    """
    changes = []
    for before, after in zip(sampled, sampled[1:]):
        if after.shape != before.shape:  # a resolution change is not a frozen picture
            changes.append(1.0)
            continue
        difference = cv2.absdiff(before, after)
        changes.append(np.count_nonzero(difference >= CHANGED) / difference.size)
    return float(np.median(changes))
