"""Maps drawn by the app as inline SVG: no tile server, no script from outside.

Geometry is WGS-84 GeoJSON; the map projects it onto a local plane in metres (equirectangular
about the map's centre, which is exact enough across a compound) and flips y for SVG.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

EARTH_M_PER_DEGREE = 111_320.0


@dataclass
class SvgMap:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    width: int = 900

    @classmethod
    def around(cls, geometries: Iterable[BaseGeometry], margin_m: float = 20.0) -> "SvgMap":
        bounds = [g.bounds for g in geometries if g is not None and not g.is_empty]
        min_lon = min(b[0] for b in bounds)
        min_lat = min(b[1] for b in bounds)
        max_lon = max(b[2] for b in bounds)
        max_lat = max(b[3] for b in bounds)
        d_lat = margin_m / EARTH_M_PER_DEGREE
        d_lon = d_lat / max(math.cos(math.radians((min_lat + max_lat) / 2)), 0.01)
        return cls(min_lon - d_lon, min_lat - d_lat, max_lon + d_lon, max_lat + d_lat)

    @property
    def _x_scale(self) -> float:
        return math.cos(math.radians((self.min_lat + self.max_lat) / 2))

    @property
    def scale(self) -> float:
        """SVG units per degree of latitude."""
        span_x = (self.max_lon - self.min_lon) * self._x_scale
        return self.width / span_x if span_x else 1.0

    @property
    def height(self) -> int:
        return max(1, round((self.max_lat - self.min_lat) * self.scale))

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.min_lon) * self._x_scale * self.scale, 1),
                round((self.max_lat - lat) * self.scale, 1))

    def path(self, geometry: dict[str, Any] | BaseGeometry | None) -> str:
        """An SVG path for a polygon or multipolygon (holes drawn with even-odd fill)."""
        if geometry is None:
            return ""
        shapely_geometry = shape(geometry) if isinstance(geometry, dict) else geometry
        polygons = getattr(shapely_geometry, "geoms", [shapely_geometry])
        parts = []
        for polygon in polygons:
            if polygon.geom_type != "Polygon" or polygon.is_empty:
                continue
            for ring in (polygon.exterior, *polygon.interiors):
                points = [self.point(x, y) for x, y in ring.coords]
                parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
        return " ".join(parts)

    def metres_per_unit(self) -> float:
        return EARTH_M_PER_DEGREE / self.scale


def trend_points(values: list[float | None], width: int = 600, height: int = 120
                 ) -> str:
    """An SVG polyline's points for rates between 0 and 1, oldest first; gaps skipped."""
    if len(values) < 2:
        return ""
    step = width / (len(values) - 1)
    return " ".join(f"{round(index * step, 1)},{round(height - value * height, 1)}"
                    for index, value in enumerate(values) if value is not None)
