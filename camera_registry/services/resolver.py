"""Looks up the objects an input refers to, within the caller's scope, with a cache.

One resolver serves one request or one whole import, so a 20,000-row file resolves each
division and compound once.
"""
from __future__ import annotations

from typing import Iterable, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from camera_registry.errors import field_error
from camera_registry.models import Building, Camera, Compound, Division, KeyPlace
from camera_registry.services.scope import Actor

T = TypeVar("T")


class Resolver:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self._cache: dict[tuple, object] = {}

    def _visible(self, obj, division: Division | None) -> bool:
        return obj is not None and division is not None and self.actor.can_see(division)

    def division(self, code: str, field: str = "division_code") -> Division:
        key = ("division", code)
        if key not in self._cache:
            self._cache[key] = self.session.scalar(select(Division).where(Division.code == code))
        division = self._cache[key]
        if not self._visible(division, division):
            raise field_error(field, f"no division with code {code} in your scope")
        return division

    def _by_id(self, model: type[T], ident: int, field: str, label: str) -> T:
        key = (model.__name__, ident)
        if key not in self._cache:
            self._cache[key] = self.session.get(model, ident)
        obj = self._cache[key]
        division = None
        if isinstance(obj, Building):
            division = obj.compound.division
        elif obj is not None:
            division = obj.division
        if not self._visible(obj, division):
            raise field_error(field, f"no {label} with id {ident} in your scope")
        return obj

    def compound(self, ident: int, field: str = "compound_id") -> Compound:
        return self._by_id(Compound, ident, field, "compound")

    def building(self, ident: int, field: str = "building_id") -> Building:
        return self._by_id(Building, ident, field, "building")

    def key_place(self, ident: int, field: str = "key_place_ids") -> KeyPlace:
        return self._by_id(KeyPlace, ident, field, "key place")

    def remember(self, obj) -> None:
        """Seed the cache (bulk import preloads what a file may refer to)."""
        if isinstance(obj, Division):
            self._cache[("division", obj.code)] = obj
        else:
            self._cache[(type(obj).__name__, obj.id)] = obj
        if isinstance(obj, Camera):
            self._cache[("camera code", obj.code)] = obj

    def remember_free_codes(self, codes: Iterable[str]) -> None:
        """Seed "no camera has this code" for codes a bulk import has checked all at once."""
        for code in codes:
            self._cache.setdefault(("camera code", code), None)

    def camera_by_code(self, code: str) -> Camera | None:
        # Only codes a bulk import seeded are cached; an API request still asks the database.
        key = ("camera code", code)
        if key in self._cache:
            return self._cache[key]
        return self.session.scalar(select(Camera).where(Camera.code == code))
