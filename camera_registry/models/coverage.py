"""Coverage of key places and the daily campaign figures (docs/COVERAGE.md).

- key_place_coverage: each key place's coverage now, kept current incrementally;
- key_place_views: which part of each key place each installed camera sees (geometry only,
  so a change of state needs no geometry, only a new union of the stored views);
- building_extents: each footprint's bounding box, to find obstacles near a camera quickly;
- coverage_changes: edits to cameras, buildings and key places waiting to be taken into
  account (written by the flush hook below, read by services.coverage.refresh);
- daily_figures: one row per division and day, taken at 08:00 Asia/Shanghai, for trends.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import (JSON, Float, ForeignKey, Index, Integer, LargeBinary, String,
                        UniqueConstraint, event, insert, inspect)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from camera_registry.coverage.frames import metres_per_degree
from camera_registry.database import Base, utcnow
from camera_registry.models.cameras import Camera
from camera_registry.models.places import Building, KeyPlace


class KeyPlaceCoverage(Base):
    __tablename__ = "key_place_coverage"
    __table_args__ = (Index("ix_key_place_coverage_box", "min_lon", "max_lon"),)

    key_place_id: Mapped[int] = mapped_column(
        ForeignKey("key_places.id", ondelete="CASCADE"), primary_key=True)
    coverage: Mapped[float] = mapped_column(Float)  # working cameras
    design_coverage: Mapped[float] = mapped_column(Float)  # every installed camera
    status: Mapped[str] = mapped_column(String(16), index=True)
    area_m2: Mapped[float] = mapped_column(Float)
    cameras: Mapped[int] = mapped_column(Integer)  # installed cameras that see part of it
    working_cameras: Mapped[int] = mapped_column(Integer)
    # The place's bounding box (degrees): which places a camera's reach touches.
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


# Added here so that KeyPlace's own module need not know about coverage. Read-only: rows are
# written by services.coverage, and the database deletes them with their place.
KeyPlace.coverage_result = relationship(KeyPlaceCoverage, uselist=False, viewonly=True)


class KeyPlaceView(Base):
    __tablename__ = "key_place_views"

    key_place_id: Mapped[int] = mapped_column(
        ForeignKey("key_places.id", ondelete="CASCADE"), primary_key=True)
    camera_id: Mapped[int] = mapped_column(
        ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True, index=True)
    geometry: Mapped[bytes] = mapped_column(LargeBinary)  # WKB, WGS-84
    fraction: Mapped[float] = mapped_column(Float)  # of the place, by this camera alone


class BuildingExtent(Base):
    __tablename__ = "building_extents"

    building_id: Mapped[int] = mapped_column(
        ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True)
    min_lon: Mapped[float] = mapped_column(Float, index=True)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)


class CoverageChange(Base):
    """A camera, building or key place whose geometry changed since coverage was computed."""

    __tablename__ = "coverage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # camera, building, key_place
    object_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where the object reached before the change (a camera's range, a building's footprint),
    # since a deleted object's views and extent are gone by the time the queue is read.
    min_lon: Mapped[Optional[float]] = mapped_column(Float)
    min_lat: Mapped[Optional[float]] = mapped_column(Float)
    max_lon: Mapped[Optional[float]] = mapped_column(Float)
    max_lat: Mapped[Optional[float]] = mapped_column(Float)


class DailyFigures(Base):
    """The figures of one division on one day (services.reports.Figures as JSON).

    Divisions are copied in as code and name, so the history outlives renamed or deleted ones.
    """

    __tablename__ = "daily_figures"
    __table_args__ = (UniqueConstraint("day", "division_code",
                                       name="uq_daily_figures_day_division"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    division_name: Mapped[str] = mapped_column(String(100))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)


# --- noting geometry edits ---------------------------------------------------------------
# What each watched model's coverage depends on; other attributes (names, codes, streams)
# change nothing.
WATCHED = {
    Camera: ("camera", ("lon", "lat", "bearing_deg", "fov_deg", "range_m", "lifecycle")),
    Building: ("building", ("footprint",)),
    KeyPlace: ("key_place", ("polygon", "required_coverage")),
}


@event.listens_for(Session, "after_flush")
def _note_geometry_changes(session: Session, _context) -> None:
    """Queue every flushed create, delete or geometry update for the next coverage refresh.

    Runs for every session (API, importer, scheduler), costs one insert per flush, and never
    computes anything here: the queue is worked off by services.coverage.refresh.
    """
    rows = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        watched = WATCHED.get(type(obj))
        if watched is None or obj.id is None:
            continue
        kind, attributes = watched
        state = inspect(obj)
        if obj in session.dirty and not any(state.attrs[name].history.has_changes()
                                            for name in attributes):
            continue
        box = None if obj in session.new else _box_before(obj, state)
        rows.append({"kind": kind, "object_id": obj.id, "at": utcnow(),
                     **dict(zip(("min_lon", "min_lat", "max_lon", "max_lat"),
                                box or (None,) * 4))})
    if rows:
        session.connection().execute(insert(CoverageChange.__table__), rows)


def _before(state, name: str):
    """The value an attribute had before this flush."""
    history = state.attrs[name].history
    return history.deleted[0] if history.deleted else getattr(state.object, name)


def _box_before(obj, state) -> tuple[float, float, float, float] | None:
    if isinstance(obj, Camera):
        return camera_reach(_before(state, "lon"), _before(state, "lat"),
                            _before(state, "range_m"))
    if isinstance(obj, Building):
        return geojson_box(_before(state, "footprint"))
    return None


def camera_reach(lon: float | None, lat: float | None,
                 range_m: float | None) -> tuple[float, float, float, float] | None:
    """The square around a camera that its range can reach, in degrees."""
    if lon is None or lat is None or not range_m:
        return None
    kx, ky = (float(k) for k in metres_per_degree(lat))
    return (lon - range_m / kx, lat - range_m / ky, lon + range_m / kx, lat + range_m / ky)


def geojson_box(geometry: dict[str, Any] | None) -> tuple[float, float, float, float] | None:
    """The bounding box of a GeoJSON polygon's coordinates."""
    if not geometry:
        return None
    points = list(_points(geometry.get("coordinates", [])))
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lons), min(lats), max(lons), max(lats))


def _points(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for item in coordinates:
        yield from _points(item)
