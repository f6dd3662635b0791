"""Coverage of key places, stored and kept current (rules: docs/COVERAGE.md).

- ``recompute_all`` computes every key place from scratch.
- ``refresh`` works off the queue of geometry edits (camera, building and key place creates,
  updates and deletes, noted by the flush hook in models/coverage.py) and computes places
  never computed; only the places those edits can touch are recomputed. Reports and the key
  place API call it before they read, the scheduler every minute.
- ``update_states`` is the fast path after cameras change state: geometry does not change, so
  only the stored views of the places those cameras see are unioned again.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (Text, and_, bindparam, cast, delete, func, insert, or_, select, text,
                        update)
from sqlalchemy.orm import Session

from camera_registry.choices import CameraState, Lifecycle
from camera_registry.coverage import (CameraInput, CoverageStatus, PlaceCoverage, PlaceInput,
                                      View, blind_spots, camera_sector, reach_boxes, summarise,
                                      views_of, visible_polygons)
from camera_registry.coverage.frames import metres_per_degree
from camera_registry.database import utcnow
from camera_registry.models import (Building, BuildingExtent, Camera, CameraHealth,
                                    CoverageChange, Division, KeyPlace, KeyPlaceCoverage,
                                    KeyPlaceView, StateTransition)
from camera_registry.services import leases
from camera_registry.services.values import iso

ACTIVE = (Lifecycle.INSTALLED, Lifecycle.NETWORKED)  # cameras that count for coverage
LEASE = "coverage-refresh"
LEASE_TTL_S = 600.0
CHUNK = 500  # ids per IN (...) list
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class RefreshResult:
    places: int
    views: int
    seconds: float
    skipped: bool = False  # another process was refreshing


def is_working(lifecycle: str, state: str | None) -> bool:
    """A working camera: installed or networked, and online (it answers, picture passes)."""
    return lifecycle in ACTIVE and state == CameraState.ONLINE


# --- computing --------------------------------------------------------------------------

def recompute_all(session: Session) -> RefreshResult:
    """Every key place from scratch, and every building's extent; the caller commits."""
    started = time.perf_counter()
    last_change = session.scalar(select(func.max(CoverageChange.id))) or 0
    places = _places(session, None)
    cameras, working = _cameras(session, None)
    buildings = _buildings(session, None)
    views = views_of(places, cameras, visible_polygons(cameras, _geometries(buildings)))
    _store(session, places, views, summarise(places, views, working), everything=True)
    _store_extents(session, buildings, everything=True)
    session.execute(delete(CoverageChange.__table__).where(CoverageChange.id <= last_change))
    if session.get_bind().dialect.name == "postgresql":
        # Freshly bulk-written: give the planner statistics (SQLite plans from the data).
        session.execute(text("ANALYZE key_place_views, key_place_coverage, building_extents"))
    _expire_results(session)
    return RefreshResult(len(places), len(views), time.perf_counter() - started)


def refresh(session: Session, prefix: str | None = None, wait_s: float = 0.0) -> RefreshResult:
    """Take queued edits into account and compute places never computed (within ``prefix``
    when given); commits. While another process refreshes (it holds a lease), wait up to
    ``wait_s`` seconds for it, then give up: the stored results are then a little behind."""
    started = time.perf_counter()
    if not _pending(session, prefix):
        return RefreshResult(0, 0, time.perf_counter() - started)
    holder = f"{socket.gethostname()}:{os.getpid()}:{id(session)}"
    while not leases.acquire(session, LEASE, holder, utcnow(), LEASE_TTL_S):
        if time.perf_counter() - started >= wait_s:
            return RefreshResult(0, 0, time.perf_counter() - started, skipped=True)
        time.sleep(0.5)
        if not _pending(session, prefix):  # the other process did the work
            return RefreshResult(0, 0, time.perf_counter() - started)
    try:
        last_change = session.scalar(select(func.max(CoverageChange.id))) or 0
        changes = session.scalars(select(CoverageChange).where(
            CoverageChange.id <= last_change)).all()
        place_ids = _affected_places(session, changes) | _missing_places(session, prefix)
        views = recompute(session, place_ids)
        session.execute(delete(CoverageChange.__table__).where(CoverageChange.id <= last_change))
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        leases.release(session, LEASE, holder)
    _expire_results(session)
    return RefreshResult(len(place_ids), views, time.perf_counter() - started)


def recompute(session: Session, place_ids: Iterable[int]) -> int:
    """Recompute these key places' views and coverage from the geometry; returns the views."""
    places = _places(session, sorted(set(place_ids)))
    if not places:
        return 0
    cameras, working = _cameras(session, _place_boxes(places))
    reach = _reach_boxes(cameras)
    buildings = _buildings(session, reach)
    views = views_of(places, cameras, visible_polygons(cameras, _geometries(buildings)))
    _store(session, places, views, summarise(places, views, working))
    return len(views)


def update_states(session: Session, camera_ids: Iterable[int]) -> int:
    """After cameras changed state: recompute the places they see from the stored views.

    No geometry is computed; returns how many places were updated. The caller commits.
    """
    ids = sorted(set(camera_ids))
    place_ids: set[int] = set()
    for chunk in _chunks(ids):
        place_ids.update(session.scalars(select(KeyPlaceView.key_place_id).where(
            KeyPlaceView.camera_id.in_(chunk))))
    if not place_ids:
        return 0
    before = dict(session.execute(select(KeyPlaceCoverage.key_place_id, KeyPlaceCoverage.status)
                                  .where(KeyPlaceCoverage.key_place_id.in_(place_ids))).all())
    results = summaries_from_views(session, sorted(place_ids))
    _update_results(session, results)
    _expire_results(session)
    _tell_incidents(session, before, results)
    return len(results)


def _tell_incidents(session: Session, before: Mapping[int, str],
                    results: Sequence[PlaceCoverage]) -> None:
    """A place that turns uncovered opens an incident; covered again, it resolves. Only
    changes count, so computing a new city does not open thousands of incidents at once."""
    from camera_registry.services import incidents  # incidents builds on coverage's figures

    now = utcnow()
    for result in results:
        old = before.get(result.place_id)
        if old is None or old == result.status:
            continue
        if result.status == CoverageStatus.UNCOVERED:
            place = session.get(KeyPlace, result.place_id)
            incidents.key_place_uncovered(session, place, now,
                                          f"working coverage {result.coverage:.0%}")
        elif old == CoverageStatus.UNCOVERED:
            incidents.key_place_covered(session, session.get(KeyPlace, result.place_id), now,
                                        f"covered again: {result.coverage:.0%}")


def after_transitions(session: Session, transitions: Iterable[StateTransition | None]) -> int:
    """The hook for health checks: update the places of cameras that started or stopped
    working (state online is the only working state, so other transitions change nothing)."""
    changed = {t.camera_id for t in transitions
               if t is not None and (t.from_state == CameraState.ONLINE)
               != (t.to_state == CameraState.ONLINE)}
    return update_states(session, changed) if changed else 0


def summaries_from_views(session: Session, place_ids: Sequence[int],
                         states: Mapping[int, str] | None = None) -> list[PlaceCoverage]:
    """Coverage of places from their stored views; ``states`` overrides cameras' current
    states (a report at a past date), cameras missing from it count with their current one."""
    places = _places(session, place_ids)
    views = []
    for chunk in _chunks(list(place_ids)):
        views.extend(View(place_id, camera_id, shapely.from_wkb(wkb), fraction)
                     for place_id, camera_id, wkb, fraction in session.execute(
                         select(KeyPlaceView.key_place_id, KeyPlaceView.camera_id,
                                KeyPlaceView.geometry, KeyPlaceView.fraction)
                         .where(KeyPlaceView.key_place_id.in_(chunk))))
    lifecycles, current = _camera_states(session, sorted({v.camera_id for v in views}))
    if states is not None:
        current.update({ident: state for ident, state in states.items() if ident in lifecycles})
    working = {ident for ident, lifecycle in lifecycles.items()
               if is_working(lifecycle, current.get(ident))}
    return summarise(places, views, working)


def _camera_states(session: Session, ids: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Lifecycle and state of these cameras, by primary key: two index lookups, whatever the
    planner's statistics (a join here was planned as full scans right after a bulk load)."""
    lifecycles: dict[int, str] = {}
    states: dict[int, str] = {}
    for chunk in _chunks(ids):
        lifecycles.update(session.execute(select(Camera.id, Camera.lifecycle).where(
            Camera.id.in_(chunk))).all())
        states.update(session.execute(select(CameraHealth.camera_id, CameraHealth.state).where(
            CameraHealth.camera_id.in_(chunk))).all())
    return lifecycles, states


# --- what the queue of edits touches ----------------------------------------------------

def _pending(session: Session, prefix: str | None) -> bool:
    if session.scalar(select(CoverageChange.id).limit(1)) is not None:
        return True
    return bool(_missing_places(session, prefix, limit=1))


def _missing_places(session: Session, prefix: str | None, limit: int | None = None) -> set[int]:
    query = (select(KeyPlace.id)
             .outerjoin(KeyPlaceCoverage, KeyPlaceCoverage.key_place_id == KeyPlace.id)
             .where(KeyPlaceCoverage.key_place_id.is_(None)))
    if prefix:
        query = query.join(Division, Division.id == KeyPlace.division_id).where(
            Division.code.startswith(prefix, autoescape=True))
    return set(session.scalars(query.limit(limit)))


def _affected_places(session: Session, changes: Sequence[CoverageChange]) -> set[int]:
    by_kind: dict[str, set[int]] = {}
    boxes: list[Box] = []
    for change in changes:
        by_kind.setdefault(change.kind, set()).add(change.object_id)
        if change.min_lon is not None and change.kind == "camera":
            boxes.append((change.min_lon, change.min_lat, change.max_lon, change.max_lat))
    places = set(by_kind.get("key_place", ()))
    camera_ids = sorted(by_kind.get("camera", ()))
    for chunk in _chunks(camera_ids):
        places.update(session.scalars(select(KeyPlaceView.key_place_id).where(
            KeyPlaceView.camera_id.in_(chunk))))
    cameras, _ = _cameras(session, None, ids=camera_ids) if camera_ids else ([], set())
    boxes.extend(map(tuple, _reach_boxes(cameras)))
    boxes.extend(_building_reach(session, changes, sorted(by_kind.get("building", ()))))
    return places | _places_touching(session, boxes)


def _building_reach(session: Session, changes: Sequence[CoverageChange],
                    building_ids: list[int]) -> list[Box]:
    """Reach of the cameras near changed buildings (where they stood and where they stand);
    updates those buildings' extents on the way."""
    if not building_ids:
        return []
    boxes = [(c.min_lon, c.min_lat, c.max_lon, c.max_lat) for c in changes
             if c.kind == "building" and c.min_lon is not None]
    current = _buildings(session, None, ids=building_ids)
    boxes.extend(b.bounds for _, b in current)
    for chunk in _chunks(building_ids):
        session.execute(delete(BuildingExtent.__table__).where(
            BuildingExtent.building_id.in_(chunk)))
    _store_extents(session, current)
    cameras, _ = _cameras(session, boxes)
    return [tuple(box) for box in _reach_boxes(cameras)]


def _places_touching(session: Session, boxes: Sequence[Box]) -> set[int]:
    """Computed places whose bounding box meets one of the boxes."""
    if not boxes:
        return set()
    c = KeyPlaceCoverage
    if len(boxes) <= 50:
        conditions = [and_(c.min_lon <= maxx, c.max_lon >= minx, c.min_lat <= maxy,
                           c.max_lat >= miny) for minx, miny, maxx, maxy in boxes]
        return set(session.scalars(select(c.key_place_id).where(or_(*conditions))))
    rows = session.execute(select(c.key_place_id, c.min_lon, c.min_lat, c.max_lon,
                                  c.max_lat)).all()
    if not rows:
        return set()
    ids = np.array([row[0] for row in rows])
    tree = shapely.STRtree(shapely.box(*np.array([row[1:] for row in rows]).T))
    query = np.array(boxes)
    _, hits = tree.query(shapely.box(*query.T))
    return set(ids[np.unique(hits)].tolist())


# --- loading ------------------------------------------------------------------------------

def _places(session: Session, ids: Sequence[int] | None) -> list[PlaceInput]:
    query = select(KeyPlace.id, as_text(KeyPlace.polygon), KeyPlace.required_coverage)
    rows = []
    if ids is None:
        rows = session.execute(query.order_by(KeyPlace.id)).all()
    else:
        for chunk in _chunks(list(ids)):
            rows.extend(session.execute(query.where(KeyPlace.id.in_(chunk))).all())
    polygons = shapes([row[1] for row in rows])
    return [PlaceInput(ident, polygon, required)
            for (ident, _, required), polygon in zip(rows, polygons)]


def as_text(column):
    """A GeoJSON column as its JSON text, which GEOS parses far faster than shapely.shape."""
    return cast(column, Text)


def shapes(texts: Sequence[str]) -> np.ndarray:
    return shapely.from_geojson(np.array(texts, dtype=object)) if texts else np.empty(0, object)


def _cameras(session: Session, near: Sequence[Box] | None,
             ids: Sequence[int] | None = None) -> tuple[list[CameraInput], set[int]]:
    """Installed and networked cameras (all, ``ids``, or those whose range reaches one of
    the ``near`` boxes) and the ids of those that work."""
    query = (select(Camera.id, Camera.lon, Camera.lat, Camera.bearing_deg, Camera.fov_deg,
                    Camera.range_m, Camera.lifecycle, CameraHealth.state)
             .outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
             .where(Camera.lifecycle.in_(ACTIVE)).order_by(Camera.id))
    rows = []
    if ids is not None:
        for chunk in _chunks(list(ids)):
            rows.extend(session.execute(query.where(Camera.id.in_(chunk))).all())
    else:
        if near is not None:
            query = _within_range_of(session, query, near)
        rows = session.execute(query).all()
    cameras = [CameraInput(row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows]
    if near is not None and cameras:
        keep = _reaching(cameras, near)
        rows = [row for row, kept in zip(rows, keep) if kept]
        cameras = [camera for camera, kept in zip(cameras, keep) if kept]
    return cameras, {row[0] for row in rows if is_working(row[6], row[7])}


def _within_range_of(session: Session, query, boxes: Sequence[Box]):
    """A first cut in SQL: cameras no farther from the boxes' envelope than the longest range
    (the exact test, each camera's own range against each box, follows in _reaching)."""
    if not len(boxes):
        return query.where(False)
    longest = session.scalar(select(func.max(Camera.range_m)).where(
        Camera.lifecycle.in_(ACTIVE))) or 0.0
    envelope = np.asarray(boxes, dtype=float)
    minx, miny = envelope[:, 0].min(), envelope[:, 1].min()
    maxx, maxy = envelope[:, 2].max(), envelope[:, 3].max()
    widest = min(max(abs(miny), abs(maxy)) + 1.0, 89.0)  # where a metre is most longitude
    per_lon, per_lat = (float(k) for k in metres_per_degree(widest))
    dlon, dlat = longest / per_lon, longest / min(per_lat, 110_574.0)
    return query.where(Camera.lon.between(minx - dlon, maxx + dlon),
                       Camera.lat.between(miny - dlat, maxy + dlat))


def _reaching(cameras: Sequence[CameraInput], boxes: Sequence[Box]) -> np.ndarray:
    if not len(boxes):
        return np.zeros(len(cameras), dtype=bool)
    reach = _reach_boxes(cameras)
    tree = shapely.STRtree(shapely.box(*np.asarray(boxes, dtype=float).T))
    camera_index, _ = tree.query(shapely.box(*reach.T))
    keep = np.zeros(len(cameras), dtype=bool)
    keep[camera_index] = True
    return keep


def _reach_boxes(cameras: Sequence[CameraInput]) -> np.ndarray:
    if not cameras:
        return np.empty((0, 4))
    return reach_boxes(np.array([c.lon for c in cameras]), np.array([c.lat for c in cameras]),
                       np.array([c.range_m for c in cameras]))


def _buildings(session: Session, near: np.ndarray | None,
               ids: Sequence[int] | None = None) -> list[tuple[int, BaseGeometry]]:
    """Building footprints: all, ``ids``, or those whose extent meets a ``near`` box."""
    if near is not None:
        ids = _buildings_near(session, near)
    query = (select(Building.id, as_text(Building.footprint))
             .where(Building.footprint.is_not(None)))
    rows = []
    if ids is None:
        rows = session.execute(query.order_by(Building.id)).all()
    else:
        for chunk in _chunks(list(ids)):
            rows.extend(session.execute(query.where(Building.id.in_(chunk))).all())
    return list(zip([row[0] for row in rows], shapes([row[1] for row in rows])))


def _buildings_near(session: Session, boxes: np.ndarray) -> list[int]:
    if not len(boxes):
        return []
    _fill_extents(session)
    e = BuildingExtent
    minx, miny = boxes[:, 0].min(), boxes[:, 1].min()
    maxx, maxy = boxes[:, 2].max(), boxes[:, 3].max()
    rows = session.execute(select(e.building_id, e.min_lon, e.min_lat, e.max_lon, e.max_lat)
                           .where(e.min_lon <= maxx, e.max_lon >= minx, e.min_lat <= maxy,
                                  e.max_lat >= miny)).all()
    if not rows:
        return []
    tree = shapely.STRtree(shapely.box(*np.array([row[1:] for row in rows]).T))
    _, hits = tree.query(shapely.box(*boxes.T))
    return sorted({rows[i][0] for i in np.unique(hits).tolist()})


def _fill_extents(session: Session) -> None:
    """Extents of buildings written without the ORM (the demo's bulk insert, say)."""
    missing = session.execute(
        select(Building.id, as_text(Building.footprint))
        .outerjoin(BuildingExtent, BuildingExtent.building_id == Building.id)
        .where(BuildingExtent.building_id.is_(None), Building.footprint.is_not(None))).all()
    _store_extents(session, list(zip([row[0] for row in missing],
                                     shapes([row[1] for row in missing]))))


def _geometries(buildings: Sequence[tuple[int, BaseGeometry]]) -> np.ndarray:
    return np.array([geometry for _, geometry in buildings], dtype=object)


def _place_boxes(places: Sequence[PlaceInput]) -> list[Box]:
    return [p.polygon.bounds for p in places]


# --- storing ------------------------------------------------------------------------------

def _store(session: Session, places: Sequence[PlaceInput], views: Sequence[View],
           results: Sequence[PlaceCoverage], everything: bool = False) -> None:
    ids = [p.id for p in places]
    for table, column in ((KeyPlaceView.__table__, KeyPlaceView.key_place_id),
                          (KeyPlaceCoverage.__table__, KeyPlaceCoverage.key_place_id)):
        if everything:
            session.execute(delete(table))
        else:
            for chunk in _chunks(ids):
                session.execute(delete(table).where(column.in_(chunk)))
    if views:
        wkb = shapely.to_wkb(np.array([v.part for v in views], dtype=object))
        session.execute(insert(KeyPlaceView.__table__), [
            {"key_place_id": v.place_id, "camera_id": v.camera_id, "geometry": data,
             "fraction": v.fraction} for v, data in zip(views, wkb)])
    now = utcnow()
    bounds = {p.id: p.polygon.bounds for p in places}
    if results:
        session.execute(insert(KeyPlaceCoverage.__table__), [
            {**_result_values(r), "key_place_id": r.place_id, "computed_at": now,
             **dict(zip(("min_lon", "min_lat", "max_lon", "max_lat"), bounds[r.place_id]))}
            for r in results])


def _result_values(result: PlaceCoverage) -> dict[str, Any]:
    return {"coverage": float(result.coverage), "design_coverage": float(result.design_coverage),
            "status": result.status, "area_m2": float(result.area_m2),
            "cameras": result.cameras, "working_cameras": result.working_cameras}


def _update_results(session: Session, results: Sequence[PlaceCoverage]) -> None:
    if not results:
        return
    table = KeyPlaceCoverage.__table__
    values = {name: bindparam(f"new_{name}") for name in _result_values(results[0])}
    statement = (update(table).where(table.c.key_place_id == bindparam("place"))
                 .values(**values, computed_at=bindparam("new_computed_at")))
    now = utcnow()
    session.execute(statement, [
        {"place": r.place_id, "new_computed_at": now,
         **{f"new_{k}": v for k, v in _result_values(r).items()}} for r in results])


def _store_extents(session: Session, buildings: Sequence[tuple[int, BaseGeometry]],
                   everything: bool = False) -> None:
    if everything:
        session.execute(delete(BuildingExtent.__table__))
    if buildings:
        session.execute(insert(BuildingExtent.__table__), [
            dict(zip(("building_id", "min_lon", "min_lat", "max_lon", "max_lat"),
                     (ident, *geometry.bounds))) for ident, geometry in buildings])


def _expire_results(session: Session) -> None:
    """Statements above bypass the ORM: drop loaded result objects so they are read again."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, KeyPlaceCoverage):
            session.expire(obj)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


# --- answers -----------------------------------------------------------------------------

def coverage_fields(place: KeyPlace) -> dict[str, Any]:
    """What a key place's JSON carries about its coverage (null until computed)."""
    result = place.coverage_result
    if result is None:
        return {"coverage": None, "design_coverage": None, "coverage_status": None}
    return {"coverage": round(result.coverage, 4),
            "design_coverage": round(result.design_coverage, 4),
            "coverage_status": result.status}


def coverage_geojson(session: Session, place: KeyPlace) -> dict[str, Any]:
    """The place, each contributing camera's sector and view, and the blind spots."""
    refresh(session)
    place_input = PlaceInput(place.id, shape(place.polygon), place.required_coverage)
    rows = session.execute(
        select(KeyPlaceView.geometry, KeyPlaceView.fraction, Camera, CameraHealth.state)
        .join(Camera, Camera.id == KeyPlaceView.camera_id)
        .outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
        .where(KeyPlaceView.key_place_id == place.id).order_by(Camera.code)).all()
    views = [View(place.id, camera.id, shapely.from_wkb(wkb), fraction)
             for wkb, fraction, camera, _ in rows]
    working = {camera.id for _, _, camera, state in rows
               if is_working(camera.lifecycle, state)}
    summary = summarise([place_input], views, working)[0]
    features = [_feature(place_input.polygon, {
        "role": "key_place", "id": place.id, "name": place.name, "kind": place.kind,
        "required_coverage": place.required_coverage, "coverage": round(summary.coverage, 4),
        "design_coverage": round(summary.design_coverage, 4), "status": summary.status,
        "area_m2": round(summary.area_m2, 2), "cameras": summary.cameras,
        "working_cameras": summary.working_cameras,
        "computed_at": iso(place.coverage_result.computed_at) if place.coverage_result else None,
    })]
    for (wkb, fraction, camera, state), view in zip(rows, views):
        about = {"camera_id": camera.id, "code": camera.code, "name": camera.name,
                 "lifecycle": camera.lifecycle, "state": state or CameraState.UNKNOWN,
                 "working": camera.id in working, "fraction": round(fraction, 4)}
        sector = camera_sector(CameraInput(camera.id, camera.lon, camera.lat, camera.bearing_deg,
                                           camera.fov_deg, camera.range_m))
        features.append(_feature(sector, {"role": "sector", **about,
                                          "bearing_deg": camera.bearing_deg,
                                          "fov_deg": camera.fov_deg, "range_m": camera.range_m}))
        features.append(_feature(view.part, {"role": "view", **about}))
    for role, parts in (("blind_spot", [v.part for v in views if v.camera_id in working]),
                        ("design_blind_spot", [v.part for v in views])):
        spots = blind_spots(place_input, parts)
        features.append(_feature(spots, {"role": role, "area_m2": round(
            (1 - (summary.coverage if role == "blind_spot" else summary.design_coverage))
            * summary.area_m2, 2)}))
    return {"type": "FeatureCollection", "features": features}


def _feature(geometry: BaseGeometry, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature; areas only (a difference may leave stray lines), null when empty."""
    body = None
    if geometry.geom_type == "Polygon" and not geometry.is_empty:
        body = _rounded(mapping(geometry))
    else:
        polygons = [p for p in shapely.get_parts(geometry)
                    if p.geom_type == "Polygon" and not p.is_empty]
        if polygons:
            body = _rounded(mapping(shapely.multipolygons(polygons)))
    return {"type": "Feature", "geometry": body, "properties": properties}


def _rounded(geojson: dict[str, Any]) -> dict[str, Any]:
    def walk(value):
        if isinstance(value, (tuple, list)):
            if value and isinstance(value[0], float):
                return [round(v, 7) for v in value]  # about a centimetre
            return [walk(v) for v in value]
        return value
    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}


def status_counts(session: Session, prefix: str | None = None) -> dict[str, int]:
    """How many computed key places are full, partial and uncovered (within a subtree)."""
    query = (select(KeyPlaceCoverage.status, func.count())
             .join(KeyPlace, KeyPlace.id == KeyPlaceCoverage.key_place_id)
             .group_by(KeyPlaceCoverage.status))
    if prefix:
        query = query.join(Division, Division.id == KeyPlace.division_id).where(
            Division.code.startswith(prefix, autoescape=True))
    return dict(session.execute(query).all())

