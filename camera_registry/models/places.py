"""Compounds (小区), buildings (楼栋) and key places (重点部位)."""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camera_registry.database import Base
from camera_registry.models.divisions import Division


class Compound(Base):
    __tablename__ = "compounds"
    __table_args__ = (UniqueConstraint("division_id", "name", name="uq_compounds_division_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    boundary: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # GeoJSON, WGS-84
    in_campaign: Mapped[bool] = mapped_column(Boolean, default=False)
    weak: Mapped[bool] = mapped_column(Boolean, default=False)
    built_target: Mapped[Optional[date]]
    networked_target: Mapped[Optional[date]]

    division: Mapped[Division] = relationship()
    buildings: Mapped[list["Building"]] = relationship(back_populates="compound")


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("compound_id", "name", name="uq_buildings_compound_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    footprint: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # GeoJSON, an obstacle
    floors: Mapped[Optional[int]] = mapped_column(Integer)

    compound: Mapped[Compound] = relationship(back_populates="buildings")


class KeyPlace(Base):
    """An area that must be watched; it belongs to a compound or directly to a division."""

    __tablename__ = "key_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    polygon: Mapped[dict[str, Any]] = mapped_column(JSON)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    compound_id: Mapped[Optional[int]] = mapped_column(ForeignKey("compounds.id"), index=True)
    required_coverage: Mapped[float] = mapped_column(Float, default=1.0)
    priority: Mapped[int] = mapped_column(Integer, default=3)

    division: Mapped[Division] = relationship()
    compound: Mapped[Optional[Compound]] = relationship()
