"""What one camera sees, in its own local frame (metres, camera at the origin).

- The field of view is a sector: apex at the camera, centred on its bearing (degrees clockwise
  from north), as wide as its horizontal field of view, as deep as its range. The arc is drawn
  with a vertex at least every ``ARC_STEP_DEG`` degrees, inside the true arc, so the polygon
  never claims ground the camera does not see (at 100 m the chords lose at most 1.5 cm).
- Buildings block the view (a visibility polygon clipped by obstacles): a point is hidden when
  the straight line from the camera to it crosses a building. For every edge of a footprint
  the hidden region behind it is the quadrilateral between the edge and the edge pushed away
  from the camera beyond its range; the union of these quadrilaterals and the footprint itself
  is everything the building hides. The visible polygon is the sector minus that union.
- The building a camera is mounted on (its position lies inside the footprint or within
  ``MOUNT_TOLERANCE_M`` of its outline) does not block that camera: wall cameras look away
  from their wall, and coordinates are rounded to about a centimetre.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

ARC_STEP_DEG = 2.0
MOUNT_TOLERANCE_M = 0.05
MAX_EDGE_ANGLE = math.pi / 2  # wider edges are split so the pushed-away edge stays out of range
_EPSILON = 1e-9


def sector(x: float, y: float, bearing_deg: float, fov_deg: float, range_m: float) -> Polygon:
    """The field of view of a camera at (x, y), in the same metric frame."""
    at_origin = sectors_at_origin(np.array([bearing_deg]), np.array([fov_deg]),
                                  np.array([range_m]))[0]
    return shapely.transform(at_origin, lambda xy: xy + (x, y))


def sectors_at_origin(bearing_deg: np.ndarray, fov_deg: np.ndarray,
                      range_m: np.ndarray) -> np.ndarray:
    """``sector`` for many cameras at once, each at the origin of its own frame."""
    bearing_deg, fov_deg, range_m = (np.asarray(a, dtype=float)
                                     for a in (bearing_deg, fov_deg, range_m))
    circle = fov_deg >= 360.0
    arc_points = np.where(circle, math.ceil(360.0 / ARC_STEP_DEG),
                          np.maximum(2, np.ceil(fov_deg / ARC_STEP_DEG) + 1)).astype(int)
    owner = np.repeat(np.arange(len(fov_deg)), arc_points)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(arc_points) - arc_points, arc_points)
    fraction = np.where(circle[owner], step / arc_points[owner],
                        step / np.maximum(arc_points[owner] - 1, 1))
    angles = np.radians(np.where(circle[owner], 360.0 * fraction,
                                 bearing_deg[owner] - fov_deg[owner] / 2
                                 + fov_deg[owner] * fraction))
    arc = np.column_stack([range_m[owner] * np.sin(angles), range_m[owner] * np.cos(angles)])
    # The apex (the camera) opens every ring but a full circle's; rings close themselves.
    apex_owner = np.flatnonzero(~circle)
    first = np.cumsum(arc_points) - arc_points
    coords = np.insert(arc, first[apex_owner], 0.0, axis=0)
    owners = np.insert(owner, first[apex_owner], apex_owner)
    return shapely.polygons(shapely.linearrings(coords, indices=owners))


def is_mount(obstacle: BaseGeometry, x: float, y: float) -> bool:
    return bool(shapely.dwithin(obstacle, Point(x, y), MOUNT_TOLERANCE_M))


def shadow(obstacle: Polygon, x: float, y: float, reach: float,
           convex: bool | None = None) -> BaseGeometry:
    """Everything the obstacle hides from a viewpoint at (x, y) outside it, out to ``reach``.

    A convex footprint and its shadow together are convex: their hull is the footprint's
    outline with each outline point pushed away from the camera, one cheap operation.
    """
    if convex is None:
        convex = is_convex(obstacle)
    rings = [np.asarray(ring.coords)[:, :2] - (x, y) for ring in _rings(obstacle)]
    if convex:
        start, end = _split_wide_edges(rings[0][:-1], rings[0][1:])
        points = np.vstack([start, end])
        far = _push(points, reach)
        return shapely.convex_hull(shapely.multipoints(np.vstack([points, far]) + (x, y)))
    quads = [_edge_shadows(ring, x, y, reach) for ring in rings]
    pieces = np.concatenate([q for q in quads if len(q)] or [np.empty(0, dtype=object)])
    return shapely.union_all(np.concatenate([pieces, [obstacle]]))


def is_convex(obstacle: BaseGeometry) -> bool:
    if obstacle.geom_type != "Polygon" or len(obstacle.interiors):
        return False
    return obstacle.convex_hull.area - obstacle.area <= 1e-9 * max(obstacle.area, 1e-12)


def visible(view: Polygon, obstacles: Iterable[BaseGeometry], x: float, y: float,
            reach: float, convex: Iterable[bool] | None = None) -> BaseGeometry:
    """The part of a sector at (x, y) that no obstacle hides."""
    obstacles = list(obstacles)
    flags = list(convex) if convex is not None else [None] * len(obstacles)
    shadows = [shadow(obstacle, x, y, reach, flag) for obstacle, flag in zip(obstacles, flags)
               if not is_mount(obstacle, x, y)]
    if not shadows:
        return view
    hidden = shadows[0] if len(shadows) == 1 else shapely.union_all(shadows)
    return view.difference(hidden)


def _rings(obstacle: BaseGeometry) -> list:
    polygons = getattr(obstacle, "geoms", [obstacle])
    return [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]


def _edge_shadows(ring: np.ndarray, x: float, y: float, reach: float) -> np.ndarray:
    """One quadrilateral per edge of a closed ring (relative to the viewpoint): the edge and
    the edge pushed beyond ``reach``."""
    start, end = _split_wide_edges(ring[:-1], ring[1:])
    cross = start[:, 0] * end[:, 1] - start[:, 1] * end[:, 0]
    keep = np.abs(cross) > _EPSILON  # an edge seen end-on (or through the camera) hides nothing
    start, end = start[keep], end[keep]
    if not len(start):
        return np.empty(0, dtype=object)
    far = _push(np.vstack([start, end]), reach)
    far_start, far_end = far[:len(start)], far[len(start):]
    rings = np.stack([start, end, far_end, far_start, start], axis=1) + (x, y)
    return shapely.polygons(rings)


def _push(points: np.ndarray, reach: float) -> np.ndarray:
    """Points moved away from the origin along their ray, out of range.

    Twice the range (or twice the farthest point): with edges under 90 degrees wide, a chord
    between two pushed points stays at least 1.41 times the range away from the camera.
    """
    distance = np.linalg.norm(points, axis=1)
    points, distance = points[distance > _EPSILON], distance[distance > _EPSILON]
    far = 2.0 * max(reach, float(distance.max()) if len(distance) else 0.0)
    return points * (far / distance)[:, None]


def _split_wide_edges(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split edges that span more than MAX_EDGE_ANGLE as seen from the origin."""
    for _ in range(60):  # halving converges long before; the bound only guards odd input
        wide = _angle_between(start, end) > MAX_EDGE_ANGLE
        if not wide.any():
            break
        middle = (start[wide] + end[wide]) / 2
        start = np.vstack([start[~wide], start[wide], middle])
        end = np.vstack([end[~wide], middle, end[wide]])
    return start, end


def _angle_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = (a * b).sum(axis=1)
    return np.abs(np.arctan2(cross, dot))
