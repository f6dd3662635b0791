"""Subscriptions: who is emailed about which incidents, in which scope and language.

Kept with the generic Resource rules (scope, validation, change log) of services/crud.py.
"""
from __future__ import annotations

from typing import Any, Literal, Mapping, Optional

from pydantic import Field, model_validator
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from camera_registry.choices import IncidentKind, Language, Role
from camera_registry.errors import field_error
from camera_registry.models import Division, Subscription
from camera_registry.schemas import InputModel
from camera_registry.services.crud import Resource
from camera_registry.services.resolver import Resolver
from camera_registry.services.values import bool_param, id_param, iso

EMAIL_PATTERN = r"^[^@\s<>,;]+@[^@\s<>,;]+$"


class SubscriptionIn(InputModel):
    email: str = Field(pattern=EMAIL_PATTERN, max_length=200)
    division_code: Optional[str] = Field(None, description="required when there is no compound")
    compound_id: Optional[int] = None
    kinds: list[Literal[tuple(IncidentKind.values())]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="incident kinds to be told of; empty: all")
    language: Literal[tuple(Language.values())] = Language.ZH  # type: ignore[valid-type]
    digest: bool = Field(True, description="also receive the daily digest at 08:00")
    active: bool = True

    @model_validator(mode="after")
    def _has_scope(self) -> "SubscriptionIn":
        if self.compound_id is None and self.division_code is None:
            raise ValueError("division_code: give a compound_id or a division_code")
        return self


class SubscriptionResource(Resource):
    name = "subscriptions"
    object_type = "subscription"
    model = Subscription
    schema = SubscriptionIn
    # Duty officers (值班员) subscribe themselves; scope keeps everyone to their own subtree.
    write_roles = (Role.ADMIN, Role.INTEGRATOR, Role.MONITOR)
    search_columns = (Subscription.email,)
    sort_columns = {"email": Subscription.email, "id": Subscription.id,
                    "division": Division.code}
    filter_params = {"compound": "only the subscriptions of this compound id",
                     "email": "only this address", "active": "true/false"}

    def query(self) -> Select:
        return select(Subscription).join(Division, Subscription.division_id == Division.id)

    def load_options(self) -> tuple:
        return (joinedload(Subscription.division),)

    def division_of(self, obj: Subscription) -> Division:
        return obj.division

    def describe(self, obj: Subscription) -> str:
        return obj.email

    def to_json(self, obj: Subscription) -> dict[str, Any]:
        return {"id": obj.id, **self.to_input(obj), "division_code": obj.division.code,
                "created_at": iso(obj.created_at)}

    def to_input(self, obj: Subscription) -> dict[str, Any]:
        return {"email": obj.email,
                "division_code": obj.division.code if obj.compound_id is None else None,
                "compound_id": obj.compound_id, "kinds": list(obj.kinds),
                "language": obj.language, "digest": obj.digest, "active": obj.active}

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        compound_id = id_param(params, "compound")
        if compound_id is not None:
            query = query.where(Subscription.compound_id == compound_id)
        if params.get("email"):
            query = query.where(Subscription.email == params["email"].strip().lower())
        active = bool_param(params, "active")
        if active is not None:
            query = query.where(Subscription.active.is_(active))
        return query

    def apply(self, resolver: Resolver, obj: Subscription, data: SubscriptionIn,
              creating: bool) -> None:
        if data.compound_id is not None:
            compound = resolver.compound(data.compound_id)
            division = compound.division
            if data.division_code not in (None, division.code):
                raise field_error("division_code", f"compound {compound.id} is in "
                                                   f"{division.code}, not {data.division_code}")
        else:
            compound, division = None, resolver.division(data.division_code)
        obj.compound, obj.division = compound, division
        obj.email = data.email.lower()
        obj.kinds = list(data.kinds)
        obj.language, obj.digest, obj.active = data.language, data.digest, data.active
