"""Local projections: metres east and north of an origin, from WGS-84 longitude/latitude.

A frame is the tangent plane of the WGS-84 ellipsoid at its origin, linearised: one degree of
longitude is N(φ0)·cos φ0·π/180 metres and one degree of latitude M(φ0)·π/180 metres, with N
and M the ellipsoid's radii of curvature at the origin's latitude. Within 2 km of the origin
(the longest camera range the registry accepts) lengths are true to about 0.02%, and within
one key place (a few hundred metres) to a few parts per million.

The map from degrees to a frame is affine, so converting a polygon converts it exactly, and
moving geometry between two frames is affine as well.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

SEMI_MAJOR_M = 6_378_137.0  # WGS-84
FLATTENING = 1 / 298.257223563
ECCENTRICITY2 = FLATTENING * (2 - FLATTENING)


def metres_per_degree(lat: float | np.ndarray) -> tuple:
    """(east, north) metres per degree of longitude and latitude at a latitude."""
    phi = np.radians(lat)
    w = 1 - ECCENTRICITY2 * np.sin(phi) ** 2
    meridian = SEMI_MAJOR_M * (1 - ECCENTRICITY2) / w ** 1.5
    prime_vertical = SEMI_MAJOR_M / np.sqrt(w)
    to_rad = math.pi / 180
    return prime_vertical * np.cos(phi) * to_rad, meridian * to_rad


@dataclass(frozen=True)
class LocalFrame:
    """Metres east (x) and north (y) of (lon0, lat0)."""

    lon0: float
    lat0: float
    kx: float  # metres per degree of longitude
    ky: float  # metres per degree of latitude

    @classmethod
    def at(cls, lon: float, lat: float) -> "LocalFrame":
        kx, ky = metres_per_degree(lat)
        return cls(lon, lat, float(kx), float(ky))

    @classmethod
    def around(cls, geometry: BaseGeometry) -> "LocalFrame":
        """The frame centred on a geometry's bounding box (the same every time)."""
        minx, miny, maxx, maxy = geometry.bounds
        return cls.at((minx + maxx) / 2, (miny + maxy) / 2)

    @property
    def params(self) -> tuple[float, float, float, float]:
        return (self.lon0, self.lat0, self.kx, self.ky)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)

    def to_local(self, geometry: BaseGeometry) -> BaseGeometry:
        return to_local(np.array([geometry]), np.array([self.params]))[0]

    def to_degrees(self, geometry: BaseGeometry) -> BaseGeometry:
        return to_degrees(np.array([geometry]), np.array([self.params]))[0]


def frames_around(geometries: np.ndarray) -> np.ndarray:
    """One frame (lon0, lat0, kx, ky per row) centred on each geometry's bounding box."""
    bounds = shapely.bounds(geometries)
    lon0 = (bounds[:, 0] + bounds[:, 2]) / 2
    lat0 = (bounds[:, 1] + bounds[:, 3]) / 2
    kx, ky = metres_per_degree(lat0)
    return np.column_stack([lon0, lat0, kx, ky])


def frames_at(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    kx, ky = metres_per_degree(lat)
    return np.column_stack([lon, lat, kx, ky])


def to_local(geometries: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Each geometry (degrees) into its own frame (one row of ``frames`` per geometry)."""
    per_coordinate = _repeat(geometries, frames)
    return shapely.transform(
        geometries, lambda xy: (xy - per_coordinate[:, :2]) * per_coordinate[:, 2:])


def to_degrees(geometries: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """The inverse of ``to_local``."""
    per_coordinate = _repeat(geometries, frames)
    return shapely.transform(
        geometries, lambda xy: xy / per_coordinate[:, 2:] + per_coordinate[:, :2])


def _repeat(geometries: np.ndarray, frames: np.ndarray) -> np.ndarray:
    # shapely.transform hands over every coordinate of every geometry at once, in order.
    return np.repeat(np.asarray(frames, dtype=float), shapely.get_num_coordinates(geometries),
                     axis=0)
