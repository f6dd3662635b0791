"""Generic list/get/create/update/delete for registry objects, with scope and change log.

Each kind of object is described by a ``Resource`` (see divisions.py, places.py, cameras.py);
the functions here apply the same rules to all of them, so the API and the importer agree.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from camera_registry.choices import Role
from camera_registry.errors import BadRequest, Conflict, InvalidInput, NotFound
from camera_registry.models import Division
from camera_registry.services.changelog import record_change
from camera_registry.services.resolver import Resolver
from camera_registry.services.scope import Actor

COMMON_PARAMS = {"page", "per_page", "sort", "q", "division"}


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int


class Resource:
    """How one kind of object is stored, scoped, validated, shown and filtered."""

    name: ClassVar[str]  # URL segment, e.g. "key-places"
    object_type: ClassVar[str]  # change log and messages, e.g. "key_place"
    model: ClassVar[type]
    schema: ClassVar[type[BaseModel]]
    write_roles: ClassVar[tuple[str, ...]] = (Role.ADMIN, Role.INTEGRATOR)
    search_columns: ClassVar[tuple] = ()
    sort_columns: ClassVar[dict[str, Any]] = {}
    default_sort: ClassVar[str] = "id"
    filter_params: ClassVar[dict[str, str]] = {}  # extra query parameter -> description
    lookup: ClassVar[str] = "id"

    # --- to be provided by each resource -------------------------------------------------
    def query(self) -> Select:
        """All objects of this kind, joined to Division so that scope can be applied."""
        raise NotImplementedError

    def division_of(self, obj) -> Division:
        raise NotImplementedError

    def to_json(self, obj) -> dict[str, Any]:
        raise NotImplementedError

    def to_input(self, obj) -> dict[str, Any]:
        """Current values in the input form, so that a PATCH can be validated as a whole."""
        raise NotImplementedError

    def apply(self, resolver: Resolver, obj, data: BaseModel, creating: bool) -> None:
        """Resolve references, check cross-object rules and set the attributes."""
        raise NotImplementedError

    def check_delete(self, session: Session, obj) -> None:
        """Raise Conflict when deleting would orphan or lose other records."""

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        return query

    def load_options(self) -> tuple:
        return ()

    def snapshot(self, obj) -> dict[str, Any]:
        """What the change log keeps (secrets redacted)."""
        return self.to_json(obj)

    def describe(self, obj) -> str:
        return getattr(obj, "name", str(obj.id))

    def validation_context(self, session: Session) -> dict[str, Any]:
        return {}

    def prepare(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Normalise a payload before validation (e.g. split credentials out of a URL)."""
        return payload


def validate(resource: Resource, payload: Any, context: dict[str, Any] | None = None,
             row: int | None = None) -> BaseModel:
    """Check a JSON-like payload strictly (no silent type coercion) against the schema."""
    if not isinstance(payload, dict):
        raise BadRequest("the request body must be a JSON object")
    payload = resource.prepare(payload)
    try:
        return resource.schema.model_validate_json(json.dumps(payload, default=str), strict=True,
                                                   context=context or {})
    except ValidationError as exc:
        details = validation_details(exc)
        where = f"row {row}: " if row is not None else ""
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
        raise InvalidInput(f"{where}invalid {resource.object_type}: {summary}", details) from None


def validation_details(exc: ValidationError) -> list[dict[str, str]]:
    details = []
    for error in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if not field and ": " in message:  # model-level checks name their field first
            field, message = message.split(": ", 1)
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        details.append({"field": field or "(object)", "message": message})
    return details


def scoped(resource: Resource, actor: Actor) -> Select:
    return actor.restrict(resource.query())


def list_objects(session: Session, actor: Actor, resource: Resource, params: Mapping[str, str],
                 max_per_page: int = 1000, default_per_page: int = 50) -> Page:
    unknown = set(params) - COMMON_PARAMS - set(resource.filter_params)
    if unknown:
        allowed = ", ".join(sorted(COMMON_PARAMS | set(resource.filter_params)))
        raise BadRequest(f"unknown query parameter {', '.join(sorted(unknown))}; "
                         f"allowed: {allowed}")
    page = _positive_int(params, "page", 1)
    per_page = _positive_int(params, "per_page", default_per_page)
    if per_page > max_per_page:
        raise BadRequest(f"per_page: at most {max_per_page}")
    query = filtered_query(session, actor, resource, params)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    query = query.order_by(*_ordering(resource, params.get("sort")))
    query = query.options(*resource.load_options()).limit(per_page).offset((page - 1) * per_page)
    return Page(list(session.scalars(query).unique()), total or 0, page, per_page)


def filtered_query(session: Session, actor: Actor, resource: Resource,
                   params: Mapping[str, str]) -> Select:
    """The visible objects that match the division, text and resource-specific filters."""
    resolver = Resolver(session, actor)
    query = scoped(resource, actor)
    if params.get("division"):
        division = resolver.division(params["division"], field="division")
        query = query.where(Division.code.startswith(division.subtree_prefix, autoescape=True))
    if params.get("q") and resource.search_columns:
        pattern = f"%{params['q'].strip()}%"
        query = query.where(or_(*(column.ilike(pattern) for column in resource.search_columns)))
    return resource.filter(query, params, resolver)


def _positive_int(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(f"{name}: must be a whole number of at least 1, got {raw!r}")
    return int(raw)


def _ordering(resource: Resource, sort: str | None) -> list:
    keys = (sort or resource.default_sort).split(",")
    ordering = []
    for key in keys:
        descending = key.startswith("-")
        column = resource.sort_columns.get(key.lstrip("-"))
        if column is None:
            allowed = ", ".join(sorted(resource.sort_columns))
            raise BadRequest(f"sort: cannot sort by {key.lstrip('-')!r}; allowed: {allowed} "
                             f"(prefix - for descending)")
        ordering.append(column.desc() if descending else column.asc())
    ordering.append(resource.model.id.asc())  # a stable order for pagination
    return ordering


def get_object(session: Session, actor: Actor, resource: Resource, key: str | int):
    column = getattr(resource.model, resource.lookup)
    if resource.lookup == "id":
        if not str(key).isdigit():
            raise NotFound(f"no {resource.object_type} with id {key}")
        key = int(key)
    query = scoped(resource, actor).where(column == key).options(*resource.load_options())
    obj = session.scalars(query).unique().first()
    if obj is None:
        raise NotFound(f"no {resource.object_type} with {resource.lookup} {key}")
    return obj


def create_object(session: Session, actor: Actor, resource: Resource, payload: Any):
    actor.require_role(*resource.write_roles)
    data = validate(resource, payload, resource.validation_context(session))
    obj = resource.model()
    resource.apply(Resolver(session, actor), obj, data, creating=True)
    session.add(obj)
    _flush(session, resource)
    record_change(session, actor, "create", resource.object_type, obj.id, resource.describe(obj),
                  resource.division_of(obj).code, None, resource.snapshot(obj))
    _commit(session, resource)
    return obj


def update_object(session: Session, actor: Actor, resource: Resource, key: str | int,
                  payload: Any):
    actor.require_role(*resource.write_roles)
    obj = get_object(session, actor, resource, key)
    if not isinstance(payload, dict):
        raise BadRequest("the request body must be a JSON object")
    before = resource.snapshot(obj)
    merged = {**resource.to_input(obj), **payload}
    # to_input leaves out write-only fields, so they count as set only when the caller sent them.
    data = validate(resource, merged, resource.validation_context(session))
    resource.apply(Resolver(session, actor), obj, data, creating=False)
    _flush(session, resource)
    after = resource.snapshot(obj)
    if after != before:
        record_change(session, actor, "update", resource.object_type, obj.id,
                      resource.describe(obj), resource.division_of(obj).code, before, after)
    _commit(session, resource)
    return obj


def delete_object(session: Session, actor: Actor, resource: Resource, key: str | int) -> None:
    actor.require_role(*resource.write_roles)
    obj = get_object(session, actor, resource, key)
    resource.check_delete(session, obj)
    record_change(session, actor, "delete", resource.object_type, obj.id, resource.describe(obj),
                  resource.division_of(obj).code, resource.snapshot(obj), None)
    session.delete(obj)
    _commit(session, resource)


def _flush(session: Session, resource: Resource) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"this {resource.object_type} conflicts with an existing one "
                       f"(a unique value is taken)") from exc


def _commit(session: Session, resource: Resource) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"this {resource.object_type} conflicts with existing records") from exc
