"""Divisions (行政区划): a tree from province down to community, keyed by national code."""
from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from camera_registry.choices import DivisionLevel, Role
from camera_registry.errors import Conflict, InvalidInput, field_error
from camera_registry.models import Camera, Compound, Division, KeyPlace, User
from camera_registry.schemas import DivisionIn
from camera_registry.services.crud import Resource
from camera_registry.services.resolver import Resolver

class DivisionResource(Resource):
    name = "divisions"
    object_type = "division"
    model = Division
    schema = DivisionIn
    write_roles = (Role.ADMIN,)
    lookup = "code"
    search_columns = (Division.name, Division.code)
    sort_columns = {"code": Division.code, "name": Division.name, "level": Division.level}
    default_sort = "code"
    filter_params = {"level": "only divisions of this level",
                     "parent": "only the direct children of the division with this code"}

    def query(self) -> Select:
        return select(Division)

    def load_options(self) -> tuple:
        return (joinedload(Division.parent),)

    def division_of(self, obj: Division) -> Division:
        return obj

    def describe(self, obj: Division) -> str:
        return f"{obj.code} {obj.name}"

    def to_json(self, obj: Division) -> dict[str, Any]:
        return {"id": obj.id, "code": obj.code, "name": obj.name, "level": obj.level,
                "parent_code": obj.parent.code if obj.parent else None}

    def to_input(self, obj: Division) -> dict[str, Any]:
        return {key: value for key, value in self.to_json(obj).items() if key != "id"}

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        if params.get("level"):
            if params["level"] not in DivisionLevel.values():
                raise field_error("level", f"must be one of {', '.join(DivisionLevel.values())}")
            query = query.where(Division.level == params["level"])
        if params.get("parent"):
            parent = resolver.division(params["parent"], field="parent")
            query = query.where(Division.parent_id == parent.id)
        return query

    def apply(self, resolver: Resolver, obj: Division, data: DivisionIn, creating: bool) -> None:
        if not creating:
            for field in ("code", "level", "parent_code"):
                if getattr(data, field) != self.to_input(obj)[field]:
                    raise field_error(field, "cannot be changed; create a new division instead")
            obj.name = data.name
            return
        if resolver.session.scalar(select(Division.id).where(Division.code == data.code)):
            raise Conflict(f"a division with code {data.code} exists already",
                           [{"field": "code", "message": "taken"}])
        parent = None
        if data.parent_code is not None:
            parent = resolver.division(data.parent_code, field="parent_code")
            if DivisionLevel.rank(parent.level) >= DivisionLevel.rank(data.level):
                raise field_error("parent_code", f"a {data.level} cannot be placed under a "
                                                 f"{parent.level}")
            if not data.code.startswith(parent.subtree_prefix):
                raise field_error("code", f"a division under {parent.code} must have a code "
                                          f"starting with {parent.subtree_prefix}")
        elif resolver.actor.scope is not None:
            raise field_error("parent_code", "required: you may only add divisions inside "
                                             f"{resolver.actor.scope.code}")
        obj.code, obj.name, obj.level, obj.parent = data.code, data.name, data.level, parent

    def check_delete(self, session: Session, obj: Division) -> None:
        counts = {
            "child divisions": session.scalar(
                select(func.count()).where(Division.parent_id == obj.id)),
            "compounds": session.scalar(
                select(func.count()).where(Compound.division_id == obj.id)),
            "key places": session.scalar(
                select(func.count()).where(KeyPlace.division_id == obj.id)),
            "cameras": session.scalar(select(func.count()).where(Camera.division_id == obj.id)),
            "users": session.scalar(select(func.count()).where(User.scope_id == obj.id)),
        }
        blocking = {name: count for name, count in counts.items() if count}
        if blocking:
            listed = ", ".join(f"{count} {name}" for name, count in blocking.items())
            raise Conflict(f"division {obj.code} still has {listed}; move or delete them first",
                           [{"field": name, "message": str(count)}
                            for name, count in blocking.items()])


def require_level(division: Division, field: str, *levels: str) -> None:
    if division.level not in levels:
        raise InvalidInput(f"{field}: must be a {' or '.join(levels)}, "
                           f"but {division.code} is a {division.level}",
                           [{"field": field, "message": f"must be a {' or '.join(levels)}"}])
