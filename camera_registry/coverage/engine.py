"""The coverage of many key places by many cameras at once: no database, plain inputs.

1. Each camera's visible polygon (visibility.py) in the camera's own frame, with the buildings
   that an STRtree finds within its reach, then converted to degrees.
2. The (camera, key place) pairs whose polygons intersect, from an STRtree of the places.
3. Each pair's *view*: the visible polygon ∩ the place, in the place's frame (metres); views
   smaller than MIN_VIEW_M2 (slivers along a shared edge) are dropped.
4. Per place: the union of the views of working cameras over the place's area is its
   coverage; the same over all installed cameras is its design coverage. A union counts ground
   that two cameras both see once.

Steps 1-3 depend on geometry only and are stored (key_place_views); step 4 depends on which
cameras work and is redone from the stored views whenever a camera changes state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from camera_registry.coverage.frames import (LocalFrame, frames_around, frames_at, to_degrees,
                                             to_local)
from camera_registry.coverage.status import classify
from camera_registry.coverage.visibility import sector, sectors_at_origin, visible

MIN_VIEW_M2 = 0.01


@dataclass(frozen=True)
class CameraInput:
    id: int
    lon: float
    lat: float
    bearing_deg: float
    fov_deg: float
    range_m: float


@dataclass(frozen=True)
class PlaceInput:
    id: int
    polygon: BaseGeometry  # WGS-84 degrees
    required: float


@dataclass(frozen=True)
class View:
    """The part of one key place that one camera sees (WGS-84 degrees)."""

    place_id: int
    camera_id: int
    part: BaseGeometry
    fraction: float  # of the place's area


@dataclass(frozen=True)
class PlaceCoverage:
    place_id: int
    area_m2: float
    coverage: float  # by working cameras
    design_coverage: float  # by every installed camera
    status: str
    cameras: int
    working_cameras: int


def camera_sector(camera: CameraInput) -> BaseGeometry:
    """The camera's whole field of view, ignoring obstacles, in degrees."""
    frame = LocalFrame.at(camera.lon, camera.lat)
    return frame.to_degrees(sector(0.0, 0.0, camera.bearing_deg, camera.fov_deg, camera.range_m))


def reach_boxes(lon: np.ndarray, lat: np.ndarray, range_m: np.ndarray) -> np.ndarray:
    """(min_lon, min_lat, max_lon, max_lat) rows: the square a camera's range can reach."""
    frames = frames_at(lon, lat)
    dlon, dlat = range_m / frames[:, 2], range_m / frames[:, 3]
    return np.column_stack([lon - dlon, lat - dlat, lon + dlon, lat + dlat])


def visible_polygons(cameras: Sequence[CameraInput], obstacles: np.ndarray) -> np.ndarray:
    """Each camera's visible polygon in degrees; ``obstacles`` are footprints in degrees."""
    if not cameras:
        return np.empty(0, dtype=object)
    lon = np.array([c.lon for c in cameras])
    lat = np.array([c.lat for c in cameras])
    frames = frames_at(lon, lat)
    local = sectors_at_origin(np.array([c.bearing_deg for c in cameras]),
                              np.array([c.fov_deg for c in cameras]),
                              np.array([c.range_m for c in cameras]))
    for index, (blocking, convex) in _blocking_obstacles(cameras, obstacles, frames,
                                                         local).items():
        local[index] = visible(local[index], blocking, 0.0, 0.0, cameras[index].range_m, convex)
    return to_degrees(local, frames)


def _blocking_obstacles(cameras: Sequence[CameraInput], obstacles: np.ndarray,
                        frames: np.ndarray, sectors: np.ndarray) -> dict[int, tuple[list, list]]:
    """Per camera index, the obstacles inside its sector, in the camera's frame, and whether
    each is convex."""
    if not len(obstacles):
        return {}
    # Convexity survives the projection, so it is decided once per obstacle, in degrees.
    area = shapely.area(obstacles)
    convex = ((shapely.get_type_id(obstacles) == 3)
              & (shapely.get_num_interior_rings(obstacles) == 0)
              & (shapely.area(shapely.convex_hull(obstacles)) - area <= 1e-9 * area))
    boxes = reach_boxes(frames[:, 0], frames[:, 1], np.array([c.range_m for c in cameras]))
    camera_index, obstacle_index = shapely.STRtree(obstacles).query(
        shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]))
    local = to_local(obstacles[obstacle_index], frames[camera_index])
    inside = shapely.intersects(local, sectors[camera_index])
    blocking: dict[int, tuple[list, list]] = {}
    for index, geometry, flag in zip(camera_index[inside].tolist(), local[inside],
                                     convex[obstacle_index[inside]].tolist()):
        found = blocking.setdefault(index, ([], []))
        found[0].append(geometry)
        found[1].append(flag)
    return blocking


def views_of(places: Sequence[PlaceInput], cameras: Sequence[CameraInput],
             visible_deg: np.ndarray) -> list[View]:
    """Every (camera, place) view with at least MIN_VIEW_M2 of ground."""
    if not places or not cameras:
        return []
    polygons = np.array([p.polygon for p in places], dtype=object)
    camera_index, place_index = shapely.STRtree(polygons).query(visible_deg,
                                                                predicate="intersects")
    frames = frames_around(polygons)
    places_local = to_local(polygons, frames)
    pair_frames = frames[place_index]
    parts = shapely.intersection(to_local(visible_deg[camera_index], pair_frames),
                                 places_local[place_index])
    areas = shapely.area(parts)
    place_areas = shapely.area(places_local)[place_index]
    keep = areas >= MIN_VIEW_M2
    parts_deg = to_degrees(parts[keep], pair_frames[keep])
    fractions = np.divide(areas[keep], place_areas[keep], out=np.zeros(int(keep.sum())),
                          where=place_areas[keep] > 0)
    return [View(places[p].id, cameras[c].id, part, float(fraction))
            for c, p, part, fraction in zip(camera_index[keep].tolist(),
                                            place_index[keep].tolist(), parts_deg, fractions)]


def summarise(places: Sequence[PlaceInput], views: Sequence[View],
              working: set[int]) -> list[PlaceCoverage]:
    """Coverage and design coverage of each place from its views; ``working``: camera ids."""
    if not places:
        return []
    polygons = np.array([p.polygon for p in places], dtype=object)
    frames = frames_around(polygons)
    areas = shapely.area(to_local(polygons, frames))
    position = {place.id: index for index, place in enumerate(places)}
    owner = np.array([position[v.place_id] for v in views], dtype=int)
    parts = to_local(np.array([v.part for v in views], dtype=object), frames[owner])
    is_working = np.array([v.camera_id in working for v in views], dtype=bool)
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(len(places) + 1))
    results = []
    for index, place in enumerate(places):
        mine = order[bounds[index]:bounds[index + 1]]
        design = _union_area(parts[mine])
        mine_working = mine[is_working[mine]]
        covered = design if len(mine_working) == len(mine) else _union_area(parts[mine_working])
        area = float(areas[index])
        coverage = min(covered / area, 1.0) if area > 0 else 0.0
        results.append(PlaceCoverage(
            place.id, area, coverage, min(design / area, 1.0) if area > 0 else 0.0,
            classify(coverage, place.required), len(mine), len(mine_working)))
    return results


def blind_spots(place: PlaceInput, parts: Sequence[BaseGeometry]) -> BaseGeometry:
    """The part of the place that none of ``parts`` (degrees) covers, in degrees."""
    frame = LocalFrame.around(place.polygon)
    polygon = frame.to_local(place.polygon)
    if parts:
        local = to_local(np.array(parts, dtype=object), np.tile(frame.params, (len(parts), 1)))
        polygon = polygon.difference(shapely.union_all(local))
    return frame.to_degrees(polygon)


def area_m2(geometry: BaseGeometry) -> float:
    """Area in square metres, measured in the geometry's own frame."""
    if geometry.is_empty:
        return 0.0
    return float(LocalFrame.around(geometry).to_local(geometry).area)


def _union_area(parts: np.ndarray) -> float:
    if not len(parts):
        return 0.0
    if len(parts) == 1:
        return float(shapely.area(parts[0]))
    return float(shapely.area(shapely.union_all(parts)))
