"""Compounds (小区), buildings (楼栋) and key places (重点部位)."""
from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from camera_registry.choices import DivisionLevel, KeyPlaceKind
from camera_registry.errors import Conflict, field_error
from camera_registry.coverage import CoverageStatus
from camera_registry.models import (Building, Camera, Compound, Division, KeyPlace,
                                    KeyPlaceCoverage)
from camera_registry.schemas import BuildingIn, CompoundIn, KeyPlaceIn
from camera_registry.services import coverage
from camera_registry.services.crud import Resource
from camera_registry.services.divisions import require_level
from camera_registry.services.resolver import Resolver
from camera_registry.services.values import bool_param, id_param, iso


def _blocked_by(counts: dict[str, int], what: str) -> None:
    blocking = {name: count for name, count in counts.items() if count}
    if blocking:
        listed = ", ".join(f"{count} {name}" for name, count in blocking.items())
        raise Conflict(f"{what} still has {listed}; move or delete them first",
                       [{"field": name, "message": str(count)} for name, count in blocking.items()])


class CompoundResource(Resource):
    name = "compounds"
    object_type = "compound"
    model = Compound
    schema = CompoundIn
    search_columns = (Compound.name, Compound.address)
    sort_columns = {"name": Compound.name, "division": Division.code, "id": Compound.id}
    filter_params = {"in_campaign": "true/false: in the Safe Compound campaign",
                     "weak": "true/false: weak compounds (治安基础薄弱小区)"}

    def query(self) -> Select:
        return select(Compound).join(Division, Compound.division_id == Division.id)

    def load_options(self) -> tuple:
        return (joinedload(Compound.division),)

    def division_of(self, obj: Compound) -> Division:
        return obj.division

    def to_json(self, obj: Compound) -> dict[str, Any]:
        return {"id": obj.id, **self.to_input(obj)}

    def to_input(self, obj: Compound) -> dict[str, Any]:
        return {"name": obj.name, "division_code": obj.division.code, "address": obj.address,
                "boundary": obj.boundary, "in_campaign": obj.in_campaign, "weak": obj.weak,
                "built_target": iso(obj.built_target),
                "networked_target": iso(obj.networked_target)}

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        for name, column in (("in_campaign", Compound.in_campaign), ("weak", Compound.weak)):
            value = bool_param(params, name)
            if value is not None:
                query = query.where(column == value)
        return query

    def apply(self, resolver: Resolver, obj: Compound, data: CompoundIn, creating: bool) -> None:
        division = resolver.division(data.division_code)
        require_level(division, "division_code", DivisionLevel.COMMUNITY)
        taken = resolver.session.scalar(select(Compound.id).where(
            Compound.division_id == division.id, Compound.name == data.name))
        if taken is not None and taken != obj.id:
            raise Conflict(f"community {division.code} has a compound named {data.name} already",
                           [{"field": "name", "message": "taken in this community"}])
        obj.division = division
        for field in ("name", "address", "boundary", "in_campaign", "weak", "built_target",
                      "networked_target"):
            setattr(obj, field, getattr(data, field))

    def check_delete(self, session: Session, obj: Compound) -> None:
        _blocked_by({
            "buildings": session.scalar(select(func.count()).where(Building.compound_id == obj.id)),
            "key places": session.scalar(
                select(func.count()).where(KeyPlace.compound_id == obj.id)),
            "cameras": session.scalar(select(func.count()).where(Camera.compound_id == obj.id)),
        }, f"compound {obj.name}")


class BuildingResource(Resource):
    name = "buildings"
    object_type = "building"
    model = Building
    schema = BuildingIn
    search_columns = (Building.name,)
    sort_columns = {"name": Building.name, "id": Building.id}
    filter_params = {"compound": "only the buildings of this compound id"}

    def query(self) -> Select:
        return (select(Building).join(Compound, Building.compound_id == Compound.id)
                .join(Division, Compound.division_id == Division.id))

    def load_options(self) -> tuple:
        return (joinedload(Building.compound).joinedload(Compound.division),)

    def division_of(self, obj: Building) -> Division:
        return obj.compound.division

    def to_json(self, obj: Building) -> dict[str, Any]:
        return {"id": obj.id, **self.to_input(obj)}

    def to_input(self, obj: Building) -> dict[str, Any]:
        return {"name": obj.name, "compound_id": obj.compound_id, "footprint": obj.footprint,
                "floors": obj.floors}

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        compound_id = id_param(params, "compound")
        if compound_id is not None:
            query = query.where(Building.compound_id == compound_id)
        return query

    def apply(self, resolver: Resolver, obj: Building, data: BuildingIn, creating: bool) -> None:
        compound = resolver.compound(data.compound_id)
        taken = resolver.session.scalar(select(Building.id).where(
            Building.compound_id == compound.id, Building.name == data.name))
        if taken is not None and taken != obj.id:
            raise Conflict(f"compound {compound.name} has a building named {data.name} already",
                           [{"field": "name", "message": "taken in this compound"}])
        obj.compound = compound
        obj.name, obj.footprint, obj.floors = data.name, data.footprint, data.floors

    def check_delete(self, session: Session, obj: Building) -> None:
        _blocked_by({"cameras": session.scalar(
            select(func.count()).where(Camera.building_id == obj.id))}, f"building {obj.name}")


def _prefix(params: Mapping[str, str], resolver: Resolver) -> str | None:
    if params.get("division"):
        return resolver.division(params["division"], field="division").subtree_prefix
    return resolver.actor.scope.subtree_prefix if resolver.actor.scope else None


class KeyPlaceResource(Resource):
    name = "key-places"
    object_type = "key_place"
    model = KeyPlace
    schema = KeyPlaceIn
    search_columns = (KeyPlace.name,)
    sort_columns = {"name": KeyPlace.name, "priority": KeyPlace.priority, "kind": KeyPlace.kind,
                    "id": KeyPlace.id}
    filter_params = {"compound": "only the key places of this compound id",
                     "kind": "gate, road, parking, ... (see the schema)",
                     "coverage": "uncovered, partial or full (comma-separated): how much "
                                 "working cameras cover (docs/COVERAGE.md)"}

    def query(self) -> Select:
        return select(KeyPlace).join(Division, KeyPlace.division_id == Division.id)

    def load_options(self) -> tuple:
        return (joinedload(KeyPlace.division), selectinload(KeyPlace.coverage_result))

    def division_of(self, obj: KeyPlace) -> Division:
        return obj.division

    def to_json(self, obj: KeyPlace) -> dict[str, Any]:
        return {**self.snapshot(obj), **coverage.coverage_fields(obj)}

    def snapshot(self, obj: KeyPlace) -> dict[str, Any]:
        # Coverage is derived and changes with cameras' states: not part of the change log.
        return {"id": obj.id, **self.to_input(obj), "division_code": obj.division.code}

    def to_input(self, obj: KeyPlace) -> dict[str, Any]:
        # The division follows the compound, so a PATCH may move a place to another compound.
        return {"name": obj.name, "kind": obj.kind, "polygon": obj.polygon,
                "compound_id": obj.compound_id,
                "division_code": obj.division.code if obj.compound_id is None else None,
                "required_coverage": obj.required_coverage, "priority": obj.priority}

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        compound_id = id_param(params, "compound")
        if compound_id is not None:
            query = query.where(KeyPlace.compound_id == compound_id)
        if params.get("kind"):
            if params["kind"] not in KeyPlaceKind.values():
                raise field_error("kind", f"must be one of {', '.join(KeyPlaceKind.values())}")
            query = query.where(KeyPlace.kind == params["kind"])
        # Answers carry each place's coverage: bring it up to date with recent edits first.
        coverage.refresh(resolver.session, _prefix(params, resolver), wait_s=30.0)
        if params.get("coverage"):
            statuses = params["coverage"].split(",")
            bad = [status for status in statuses if status not in CoverageStatus.values()]
            if bad:
                raise field_error("coverage", f"{', '.join(bad)} is not one of "
                                              f"{', '.join(CoverageStatus.values())}")
            query = query.join(KeyPlaceCoverage, KeyPlaceCoverage.key_place_id == KeyPlace.id
                               ).where(KeyPlaceCoverage.status.in_(statuses))
        return query

    def apply(self, resolver: Resolver, obj: KeyPlace, data: KeyPlaceIn, creating: bool) -> None:
        if data.compound_id is not None:
            compound = resolver.compound(data.compound_id)
            division = compound.division
            if data.division_code not in (None, division.code):
                raise field_error("division_code", f"compound {compound.id} is in "
                                                   f"{division.code}, not {data.division_code}")
        else:
            compound, division = None, resolver.division(data.division_code)
        obj.compound, obj.division = compound, division
        for field in ("name", "kind", "polygon", "required_coverage", "priority"):
            setattr(obj, field, getattr(data, field))
