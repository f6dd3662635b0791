"""Flat metric layout for the demo city, converted to WGS-84 GeoJSON.

Everything is laid out in metres (x east, y north) so that sizes are realistic, then each
county's frame is converted to longitude/latitude with a local equirectangular projection,
which is accurate to well under a metre across a county.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

METRES_PER_DEGREE = 111_320.0
DECIMALS = 7  # about 1 cm

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in metres


@dataclass(frozen=True)
class Frame:
    """Metres east and north of (lon0, lat0), a county's south-west corner."""

    lon0: float
    lat0: float
    metres_per_degree_lon: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metres_per_degree_lon",
                           METRES_PER_DEGREE * math.cos(math.radians(self.lat0)))

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (round(self.lon0 + x / self.metres_per_degree_lon, DECIMALS),
                round(self.lat0 + y / METRES_PER_DEGREE, DECIMALS))

    def ring(self, rect: Rect, clockwise: bool = False) -> list[list[float]]:
        x0, y0, x1, y1 = rect
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]  # counter-clockwise (RFC 7946)
        if clockwise:
            corners.reverse()
        return [list(self.point(x, y)) for x, y in corners + corners[:1]]

    def polygon(self, rect: Rect) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": [self.ring(rect)]}

    def band(self, rect: Rect, width: float) -> dict[str, Any]:
        """The strip of ``width`` metres inside a rectangle's edge (a compound's perimeter)."""
        inner = (rect[0] + width, rect[1] + width, rect[2] - width, rect[3] - width)
        return {"type": "Polygon",
                "coordinates": [self.ring(rect), self.ring(inner, clockwise=True)]}


def shift(rect: Rect, dx: float, dy: float) -> Rect:
    return (rect[0] + dx, rect[1] + dy, rect[2] + dx, rect[3] + dy)


def centre(rect: Rect) -> tuple[float, float]:
    return ((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2)


def bearing(x0: float, y0: float, x1: float, y1: float) -> float:
    """Degrees clockwise from north, from the first point towards the second."""
    return round(math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360.0, 1) % 360.0


def pack(sizes: list[tuple[float, float]], gap: float,
         aspect: float = 1.0) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Shelf packing: place boxes left to right in rows about ``aspect`` times wider than tall.

    Returns each box's south-west offset and the size of the whole; boxes never overlap and
    are at least ``gap`` apart (the streets between compounds, communities, towns).
    """
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    row_width = max(math.sqrt(area * aspect), max(w for w, _ in sizes))
    offsets: list[tuple[float, float]] = []
    x = y = row_height = width = 0.0
    for w, h in sizes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        offsets.append((x, y))
        width = max(width, x + w)
        x += w + gap
        row_height = max(row_height, h)
    return offsets, (width, y + row_height)
