"""Realistic test clips for the video quality diagnosis (视频质量诊断), built from real photographs.

Every clip is a list of BGR uint8 frames, as ``cv2.VideoCapture.read()`` returns them. The
pictures are real photographs shipped inside scikit-image's wheel (no download), dressed with
what a real camera adds:

- sensor noise (mild Gaussian, stronger when the camera's gain is up at night);
- a burned-in timestamp (OSD) in the top-left corner that ticks on every frame, white with a
  black outline; it stays sharp on a defocused picture and changes on a static one;
- slight motion: a slow pan over the photograph (about one pixel per frame at 640 px wide),
  as a PTZ camera on patrol; still cameras (static_mono) differ only by noise and clock.

Faults are applied where they happen in a real camera: exposure, defocus, colour cast and an
occluder in front of the lens act on the optical picture before the sensor noise; the OSD is
drawn last. ``CASES`` maps each case to its generator and the faults a diagnosis must report; every
generator takes ``size`` (width, height), ``count`` and ``seed`` and is deterministic.

scikit-image is a test dependency only, so it is imported when a photograph is first needed.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import cv2
import numpy as np

from health_checks.testing.streams import encode_clip

Size = tuple[int, int]  # (width, height), as ffmpeg's -s
Effect = Callable[[np.ndarray, "Grain"], np.ndarray]  # float32 BGR 0..255 in and out
ClipGenerator = Callable[..., list[np.ndarray]]

DEFAULT_SIZE: Size = (640, 360)
DEFAULT_COUNT = 12
OSD_START = datetime(2026, 11, 22, 8, 0, 0)  # the governance centre's 08:00 check
DAY_NOISE = 2.0  # sensor noise (grey levels, 1 sigma) of a camera in daylight
NIGHT_NOISE = 3.5  # the gain is up at night
PAN_PX = 1.0  # pan per frame, in pixels of a 640 px wide picture


# --- photographs ----------------------------------------------------------------------------

@lru_cache(maxsize=None)
def photo(name: str) -> np.ndarray:
    """A photograph from scikit-image's wheel as BGR uint8 (grey ones are made 3-channel)."""
    import skimage.data  # test dependency: imported only when clips are generated

    image = getattr(skimage.data, name)()
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(image, cv2.COLOR_RGB2BGR)


def _cover(image: np.ndarray, size: Size, margin: float, anchor: float) -> np.ndarray:
    """Scale and crop the photograph so it covers size plus a pan margin; anchor places the
    crop vertically (0 top, 0.5 centre, 1 bottom)."""
    width, height = size
    need_w, need_h = int(np.ceil(width * (1 + margin))), int(np.ceil(height * (1 + margin)))
    scale = max(need_w / image.shape[1], need_h / image.shape[0]) * 1.01  # round-off room
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)
    top = max(0, int((scaled.shape[0] - need_h) * anchor))
    left = max(0, (scaled.shape[1] - need_w) // 2)
    return scaled[top:top + need_h, left:left + need_w].astype(np.float32)


def _view(cover: np.ndarray, size: Size, shift: float) -> np.ndarray:
    """The camera's view after panning by `shift` pixels (whole pixels: a crop costs nothing,
    where sub-pixel resampling made 720p clips slow)."""
    width, height = size
    dx = round(shift) % max(1, cover.shape[1] - width)
    dy = round(0.4 * shift) % max(1, cover.shape[0] - height)
    return cover[dy:dy + height, dx:dx + width]


# --- what a camera adds ---------------------------------------------------------------------

def burn_timestamp(frame: np.ndarray, moment: datetime) -> np.ndarray:
    """Draw the OSD clock like an IP camera: white digits, black outline, top-left corner."""
    height = frame.shape[0]
    scale = max(0.35, height / 650)
    thickness = max(1, round(scale * 1.6))
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    (width, ascent), descent = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                               thickness)
    left, top = max(4, height // 40), max(4, height // 40)
    pad = thickness + 2
    box = frame[max(0, top - pad):top + ascent + descent + pad,
                max(0, left - pad):left + width + pad]
    # Draw the glyphs once into a mask and grow it for the outline: OpenCV 5 lays out thicker
    # text with a different advance, so a thick black pass would not sit under the white one.
    glyphs = np.zeros(box.shape[:2], np.uint8)
    cv2.putText(glyphs, text, (pad, pad + ascent), cv2.FONT_HERSHEY_SIMPLEX, scale, 255,
                thickness, cv2.LINE_AA)
    outline = cv2.dilate(glyphs, np.ones((3, 3), np.uint8))
    white = glyphs.astype(np.float32)[..., None] / 255
    dark = outline.astype(np.float32)[..., None] / 255
    blended = box * (1 - dark) * (1 - white) + 255 * white
    box[...] = (blended + 0.5).astype(np.uint8)
    return frame


class Grain:
    """Gaussian noise for a clip, cheap to draw per frame.

    Drawing millions of normal samples per frame made 720p clips slow, so one field a little
    larger than the frame is drawn per size, seed and noise level (and kept), and every frame
    takes it at a random offset: the noise at any pixel still differs from frame to frame.
    """

    MARGIN = 64

    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def noise(self, luma_sigma: float, chroma_sigma: float) -> np.ndarray:
        """(height, width, 3) float32: luma noise shared by the three channels plus
        independent chroma noise per channel, as a colour sensor makes it."""
        field_ = _noise_field(self.size, self.seed, luma_sigma, chroma_sigma)
        dy, dx = self.rng.integers(0, self.MARGIN, 2)
        width, height = self.size
        return field_[dy:dy + height, dx:dx + width]


@lru_cache(maxsize=16)
def _noise_field(size: Size, seed: int, luma_sigma: float, chroma_sigma: float
                 ) -> np.ndarray:
    width, height = size
    shape = (height + Grain.MARGIN, width + Grain.MARGIN)
    rng = np.random.default_rng((seed, round(luma_sigma * 100), round(chroma_sigma * 100)))
    luma = rng.standard_normal((*shape, 1), dtype=np.float32) * luma_sigma
    field_ = rng.standard_normal((*shape, 3), dtype=np.float32) * chroma_sigma
    field_ += luma
    field_.flags.writeable = False  # shared between clips
    return field_


def _sensor(picture: np.ndarray, sigma: float, grain: Grain) -> np.ndarray:
    """Add sensor noise (mostly luma, a little chroma) and quantise to 8 bits."""
    # OpenCV's arithmetic, rather than numpy's, keeps 720p clips quick to make.
    noisy = cv2.add(picture, grain.noise(sigma, sigma * 0.4))
    np.maximum(noisy, 0, out=noisy)  # negatives to 0, then round and saturate at 255:
    return cv2.convertScaleAbs(noisy)


def _no_effect(picture: np.ndarray, _grain: Grain) -> np.ndarray:
    return picture


def render(name: str, size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0,
           *, effect: Effect = _no_effect, noise: float = DAY_NOISE, pan: float = PAN_PX,
           frozen: bool = False, osd_ticks: bool = True, anchor: float = 0.5
           ) -> list[np.ndarray]:
    """Film photograph `name` with a camera: pan, effect, sensor noise, ticking OSD clock.

    frozen: the picture stops after the first frame (a hung encoder or ISP); with osd_ticks
    the camera still draws a live clock over it, without it every frame is the same bytes.
    """
    grain = Grain(size, seed)
    cover = _cover(photo(name), size, margin=0.08, anchor=anchor)
    pan_px = pan * size[0] / 640
    held: np.ndarray | None = None
    frames: list[np.ndarray] = []
    for index in range(count):
        if held is None or not frozen:
            held = _sensor(effect(_view(cover, size, index * pan_px), grain), noise, grain)
        if osd_ticks or index == 0:
            frames.append(burn_timestamp(held.copy(), OSD_START + timedelta(seconds=index)))
        else:
            frames.append(frames[0].copy())
    return frames


# --- faults, as effects on the optical picture ----------------------------------------------

def exposure(gain: float, offset: float = 0.0, gamma: float = 1.0) -> Effect:
    """Exposure in the camera's (gamma-encoded) signal: gain, black offset, tone curve."""
    def apply(picture: np.ndarray, _grain: Grain) -> np.ndarray:
        if gamma != 1.0:
            picture = 255.0 * cv2.pow(np.clip(picture, 0, 255) / 255.0, gamma)
        return picture * gain + offset
    return apply


def defocus(sigma_fraction: float) -> Effect:
    """An out-of-focus lens: Gaussian blur, sigma given as a fraction of the picture width."""
    def apply(picture: np.ndarray, _grain: Grain) -> np.ndarray:
        sigma = sigma_fraction * picture.shape[1]
        return cv2.GaussianBlur(picture, (0, 0), sigma)
    return apply


def colour_gain(blue: float, green: float, red: float) -> Effect:
    """A colour cast: per-channel gains, as a failed white balance, a stuck IR-cut filter
    (magenta) or a bad chroma cable (green) produce."""
    gains = np.float32([blue, green, red])

    def apply(picture: np.ndarray, _grain: Grain) -> np.ndarray:
        return picture * gains
    return apply


def occluder(colour_bgr: tuple[int, int, int], share: float = 0.7) -> Effect:
    """Something in front of the lens (hand, cloth): far out of focus, so a uniform colour with
    a soft edge and gentle shading, hiding `share` of the picture from the right."""
    def apply(picture: np.ndarray, _grain: Grain) -> np.ndarray:
        height, width = picture.shape[:2]
        mask, surface = _occluder_layers(width, height, colour_bgr, share)
        return picture * (1 - mask) + surface
    return apply


@lru_cache(maxsize=32)
def _occluder_layers(width: int, height: int, colour_bgr: tuple[int, int, int], share: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The occluder's soft mask and its shaded, masked surface (cached: same every frame)."""
    low, high = -width, 2 * width  # where the blob's centre may be: it slides in from the right
    for _ in range(16):  # bisection: the further right, the less it hides
        centre_x = (low + high) / 2
        hidden = _blob(width, height, centre_x)
        low, high = (centre_x, high) if np.mean(hidden) > share else (low, centre_x)
    mask = cv2.GaussianBlur(hidden.astype(np.float32), (0, 0), width / 60)[..., None]
    # shading: the side nearer the light is brighter (+-8%)
    ramp = np.linspace(1.08, 0.92, width, dtype=np.float32)[None, :, None]
    surface = np.float32(colour_bgr)[None, None, :] * ramp * mask
    return mask, surface


def _blob(width: int, height: int, centre_x: float) -> np.ndarray:
    """A tilted ellipse, as a hand or a hanging cloth seen from the lens."""
    blob = np.zeros((height, width), np.uint8)
    cv2.ellipse(blob, (int(centre_x), int(height * 0.6)), (int(width * 0.7), int(height)), -20,
                0, 360, 1, -1)
    return blob.astype(bool)


def occluded_share(share: float, size: Size = DEFAULT_SIZE) -> float:
    """How much of the picture an occluder asked to hide `share` really hides (its soft mask
    above one half)."""
    mask, _surface = _occluder_layers(*size, (0, 0, 0), share)
    return float(np.mean(mask > 0.5))


def night(picture: np.ndarray, _grain: Grain) -> np.ndarray:
    """Dusk turned to night: shadows and sky crushed by a steep tone curve, while the lamps,
    the floodlit rocket and towers keep their light."""
    return exposure(gain=0.9, gamma=2.2)(picture, _grain)


def snow(picture: np.ndarray, grain: Grain) -> np.ndarray:
    """Analogue 'snow' from a weak or interfered signal: heavy, mostly luma noise."""
    return cv2.add(picture * 0.85 + 20, grain.noise(28.0, 8.0))


# --- the cases ------------------------------------------------------------------------------

def normal_astronaut(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                     ) -> list[np.ndarray]:
    return render("astronaut", size, count, seed)


def normal_cat(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
               ) -> list[np.ndarray]:
    return render("chelsea", size, count, seed)


def normal_dusk(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                ) -> list[np.ndarray]:
    """A launch pad at dusk: a large plain sky, floodlights, lattice towers."""
    return render("rocket", size, count, seed, anchor=1.0)


def static_mono(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                ) -> list[np.ndarray]:
    """A fixed monochrome camera on a still scene: only noise and the clock change."""
    return render("camera", size, count, seed, pan=0.0)


def warm_coffee(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                ) -> list[np.ndarray]:
    """A warm scene by nature: wooden table, red saucer, coffee. Not a colour cast."""
    return render("coffee", size, count, seed)


def night_lamps(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                 ) -> list[np.ndarray]:
    """Dark but usable: a night sky and shadows, with lamps and floodlit structures."""
    return render("rocket", size, count, seed, effect=night, noise=NIGHT_NOISE, anchor=1.0)


def black(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
          ) -> list[np.ndarray]:
    """Lens cap / dead sensor: no light, only dark noise; the OSD clock is still drawn."""
    return render("astronaut", size, count, seed, effect=exposure(gain=0.0, offset=3.0),
                  noise=1.5)


def too_dark(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
             ) -> list[np.ndarray]:
    """Under-exposed by about four stops (iris stuck, gain off): structure but no light."""
    return render("astronaut", size, count, seed, effect=exposure(gain=0.22),
                  noise=NIGHT_NOISE)


def overexposed(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                ) -> list[np.ndarray]:
    """Iris stuck open / sun in the lens: highlights clipped over much of the picture."""
    return render("chelsea", size, count, seed, effect=exposure(gain=2.3, offset=40.0))


def frozen(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
           ) -> list[np.ndarray]:
    """A hung encoder: the same decoded frame again and again, clock included."""
    return render("astronaut", size, count, seed, frozen=True, osd_ticks=False)


def frozen_live_clock(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                      ) -> list[np.ndarray]:
    """A hung image pipeline under a live OSD: the picture stops, the clock keeps ticking."""
    return render("chelsea", size, count, seed, frozen=True, osd_ticks=True)


def blurred(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
            ) -> list[np.ndarray]:
    """Out of focus (or a fogged dome), with the OSD clock drawn sharp on top."""
    return render("astronaut", size, count, seed, effect=defocus(0.006))


def blurred_cat(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                ) -> list[np.ndarray]:
    return render("chelsea", size, count, seed, effect=defocus(0.006))


def occluded_hand(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                  ) -> list[np.ndarray]:
    """A hand over 80% of the lens: skin-coloured, uniform, soft-edged."""
    return render("astronaut", size, count, seed, effect=occluder((120, 150, 205), 0.8))


def occluded_cloth(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                   ) -> list[np.ndarray]:
    """A dark cloth hung over two thirds of the lens."""
    return render("chelsea", size, count, seed, effect=occluder((62, 55, 50), 0.65))


def cast_green(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
               ) -> list[np.ndarray]:
    """A bad chroma connection: everything green."""
    return render("astronaut", size, count, seed, effect=colour_gain(0.55, 1.05, 0.5))


def cast_magenta(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
                 ) -> list[np.ndarray]:
    """An IR-cut filter stuck open in daylight: a purple-magenta picture."""
    return render("chelsea", size, count, seed, effect=colour_gain(1.15, 0.6, 1.1))


def cast_blue(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
              ) -> list[np.ndarray]:
    """White balance stuck at tungsten outdoors: a strong blue picture."""
    return render("astronaut", size, count, seed, effect=colour_gain(1.6, 0.95, 0.45))


def noisy(size: Size = DEFAULT_SIZE, count: int = DEFAULT_COUNT, seed: int = 0
          ) -> list[np.ndarray]:
    """Snow: a weak analogue signal or interference on the cable."""
    return render("astronaut", size, count, seed, effect=snow)


CASES: dict[str, tuple[ClipGenerator, set[str]]] = {
    "normal_astronaut": (normal_astronaut, set()),
    "normal_cat": (normal_cat, set()),
    "normal_dusk": (normal_dusk, set()),
    "static_mono": (static_mono, set()),
    "warm_coffee": (warm_coffee, set()),
    "night_lamps": (night_lamps, set()),
    "black": (black, {"black"}),
    "too_dark": (too_dark, {"too_dark"}),
    "overexposed": (overexposed, {"overexposed"}),
    "frozen": (frozen, {"frozen"}),
    "frozen_live_clock": (frozen_live_clock, {"frozen"}),
    "blurred": (blurred, {"blurred"}),
    "blurred_cat": (blurred_cat, {"blurred"}),
    "occluded_hand": (occluded_hand, {"occluded"}),
    "occluded_cloth": (occluded_cloth, {"occluded"}),
    "cast_green": (cast_green, {"colour_cast"}),
    "cast_magenta": (cast_magenta, {"colour_cast"}),
    "cast_blue": (cast_blue, {"colour_cast"}),
    "noisy": (noisy, {"noise"}),
}


# --- through a real codec -------------------------------------------------------------------

def encode(frames: Iterable[np.ndarray], path: Path, fps: int = 10) -> Path:
    """Encode frames as H.264 in MPEG-TS, as a camera would stream them."""
    return encode_clip(frames, path, fps)


def decode(path: Path) -> list[np.ndarray]:
    """Read every frame back with OpenCV's FFmpeg backend, as a picture check does."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    frames: list[np.ndarray] = []
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return frames
            frames.append(frame)
    finally:
        capture.release()


def round_trip(frames: list[np.ndarray], path: Path, fps: int = 10) -> list[np.ndarray]:
    """What the diagnosis sees after the camera's encoder and our decoder."""
    return decode(encode(frames, path, fps))
