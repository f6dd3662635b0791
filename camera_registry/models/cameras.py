from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Integer, String, Table, Text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camera_registry.choices import Lifecycle, NetworkedLevel
from camera_registry.database import Base, utcnow
from camera_registry.models.divisions import Division
from camera_registry.models.places import Building, Compound, KeyPlace

if TYPE_CHECKING:
    from camera_registry.models.health import CameraHealth

camera_key_places = Table(
    "camera_key_places",
    Base.metadata,
    Column("camera_id", ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
    Column("key_place_id", ForeignKey("key_places.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Camera(Base):
    """One video channel (探头/点位/路)."""

    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # GB/T 28181 device code
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    stream_url: Mapped[str] = mapped_column(String(500))  # never carries credentials
    # Fernet tokens; the clear text never leaves the service except to open the stream.
    stream_username_enc: Mapped[Optional[str]] = mapped_column(Text)
    stream_password_enc: Mapped[Optional[str]] = mapped_column(Text)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    height_m: Mapped[Optional[float]] = mapped_column(Float)
    bearing_deg: Mapped[float] = mapped_column(Float)
    fov_deg: Mapped[float] = mapped_column(Float)
    range_m: Mapped[float] = mapped_column(Float)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    compound_id: Mapped[Optional[int]] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[Optional[int]] = mapped_column(ForeignKey("buildings.id"), index=True)
    lifecycle: Mapped[str] = mapped_column(String(16), default=Lifecycle.PLANNED, index=True)
    networked_level: Mapped[str] = mapped_column(String(16), default=NetworkedLevel.NONE, index=True)
    networked_since: Mapped[Optional[date]]
    integrator: Mapped[str] = mapped_column(String(100), default="")
    probe_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    probe_interval_s: Mapped[Optional[int]] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    division: Mapped[Division] = relationship()
    compound: Mapped[Optional[Compound]] = relationship()
    building: Mapped[Optional[Building]] = relationship()
    key_places: Mapped[list[KeyPlace]] = relationship(secondary=camera_key_places,
                                                      order_by=KeyPlace.id)
    maintenance_windows: Mapped[list["MaintenanceWindow"]] = relationship(
        back_populates="camera", cascade="all, delete-orphan",
        order_by="MaintenanceWindow.starts_at")
    health: Mapped[Optional["CameraHealth"]] = relationship(viewonly=True)


class MaintenanceWindow(Base):
    """A period during which a camera is expected to be down (no alerts, not counted offline)."""

    __tablename__ = "maintenance_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")

    camera: Mapped[Camera] = relationship(back_populates="maintenance_windows")
