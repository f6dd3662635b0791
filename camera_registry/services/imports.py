"""Bulk import and export of cameras, from and to the spreadsheets integrators keep.

Every row goes through the API's own rules, so the two can never disagree: its cells become a
JSON payload (merged with the camera's current values when the code exists, as a PATCH is),
``crud.validate`` checks it against ``CameraIn`` and ``CameraResource.apply`` resolves and
checks its references. One Resolver serves the whole file, its cache preloaded with everything
the file names, so a 20,000-row file costs a handful of queries. A file is applied in one
transaction: when any row is rejected nothing is written.
"""
from __future__ import annotations

import copy
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence, TypeVar

from pydantic import SecretStr
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from camera_registry.errors import BadRequest, Conflict, InvalidInput, ServiceError
from camera_registry.models import (Building, Camera, ChangeRecord, Compound, Division, KeyPlace,
                                    camera_key_places)
from camera_registry.schemas import CameraIn
from camera_registry.services import crud
from camera_registry.services.cameras import CameraResource
from camera_registry.services.changelog import record_change
from camera_registry.services.credentials import REDACTED, CredentialBox
from camera_registry.services.resolver import Resolver
from camera_registry.services.scope import Actor
from camera_registry.services.spreadsheets import (CLEAR, COLUMNS_BY_KEY, NAME_SEPARATORS, RowError,
                                                   Sheet, SheetRow, read_row, read_sheet)

log = logging.getLogger(__name__)

T = TypeVar("T")
PLACE_KEYS = ("compound", "building", "key_places")
# Fields of the API (and of its snapshots) that a spreadsheet shows under another column.
FIELD_COLUMNS = {"compound_id": "compound", "building_id": "building",
                 "key_place_ids": "key_places", "has_stream_password": "stream_password"}
PLACE_ID = re.compile(r"#(\d+)")  # a key place by id, when its name is not unique
CHUNK = 500  # values per IN (...) list; SQLite limits the parameters of a statement
EXPORT_PARAMS = {"division", "q"}
SHOWN_REPEATS = 5
ANALYZE_AFTER = 1000  # cameras written by one import before the statistics are refreshed


# --- places by name --------------------------------------------------------------------------

class PlaceIndex:
    """Compounds, buildings and key places by name, the way a spreadsheet refers to them.

    A compound is named within its community, a building within its compound, and a key place
    within the camera's compound, else its division and the divisions above it up to the
    county (apply keeps key places within the camera's county).
    """

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.divisions: dict[str, Division] = {}
        self.compounds: dict[tuple[int, str], Compound] = {}
        self.buildings: dict[tuple[int, str], Building] = {}
        self.compound_places: dict[tuple[int, str], list[KeyPlace]] = defaultdict(list)
        self.division_places: dict[tuple[int, str], list[KeyPlace]] = defaultdict(list)

    @classmethod
    def load(cls, session: Session, resolver: Resolver,
             division_codes: Iterable[str]) -> "PlaceIndex":
        """Load the divisions (with their ancestors to the county) and all places in them."""
        index = cls(resolver.actor)
        codes = sorted({code for division_code in division_codes
                        for code in _lineage_codes(division_code)})
        for division in _select_in(session, Division, Division.code, codes):
            index.divisions[division.code] = division
            resolver.remember(division)
        division_ids = sorted(division.id for division in index.divisions.values())
        # Names and ids are what a sheet needs: the geometry (JSON) is left in the database.
        for compound in _select_in(session, Compound, Compound.division_id, division_ids,
                                   (defer(Compound.boundary),)):
            index.compounds[(compound.division_id, compound.name)] = compound
            resolver.remember(compound)
        compound_ids = sorted(compound.id for compound in index.compounds.values())
        for building in _select_in(session, Building, Building.compound_id, compound_ids,
                                   (defer(Building.footprint),)):
            index.buildings[(building.compound_id, building.name)] = building
            resolver.remember(building)
        # A compound's key places carry the compound's division, so one list finds them all.
        for place in _select_in(session, KeyPlace, KeyPlace.division_id, division_ids,
                                (defer(KeyPlace.polygon),)):
            if place.compound_id is not None:
                index.compound_places[(place.compound_id, place.name)].append(place)
            else:
                index.division_places[(place.division_id, place.name)].append(place)
            resolver.remember(place)
        return index

    def compound(self, division: Division, name: str) -> Compound | None:
        return self.compounds.get((division.id, name))

    def building(self, compound: Compound, name: str) -> Building | None:
        return self.buildings.get((compound.id, name))

    def lineage(self, division: Division | None) -> list[Division]:
        if division is None:
            return []
        return [self.divisions[code] for code in _lineage_codes(division.code)
                if code in self.divisions]

    def key_place(self, name: str, compound: Compound | None,
                  division: Division | None) -> KeyPlace:
        """The place of that name nearest to the camera; LookupError when none or ambiguous."""
        levels: list[tuple[str, list[KeyPlace]]] = []
        if compound is not None:
            levels.append((f"compound {compound.name}",
                           self.compound_places.get((compound.id, name), [])))
        for level in self.lineage(division):
            levels.append((f"division {level.code} {level.name}",
                           self.division_places.get((level.id, name), [])))
        for where, places in levels:
            visible = [place for place in places if self.actor.can_see(place.division)]
            if len(visible) == 1:
                return visible[0]
            if visible:
                ids = ", ".join(f"#{place.id}" for place in visible)
                raise LookupError(f"{len(visible)} key places in {where} are named {name}; "
                                  f"write one as #id ({ids})")
        searched = " or ".join(where for where, _places in levels) or "the camera's division"
        raise LookupError(f"no key place named {name} in {searched}")

    def label(self, place: KeyPlace, compound: Compound | None, division: Division) -> str:
        """The place's name when that name finds it again on import, else #id."""
        if not NAME_SEPARATORS.search(place.name) and not PLACE_ID.fullmatch(place.name):
            try:
                if self.key_place(place.name, compound, division) is place:
                    return place.name
            except LookupError:
                pass
        return f"#{place.id}"


def _lineage_codes(code: str) -> list[str]:
    """A division code and its ancestors' codes up to the county: 12 -> 9 -> 6 digits."""
    codes = [code]
    if len(code) == 12:
        codes.append(code[:9])
    if len(code) >= 9:
        codes.append(code[:6])
    return codes


def _chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _select_in(session: Session, model: type[T], column, values: Sequence[Any],
               options: tuple = ()) -> Iterator[T]:
    for chunk in _chunks(values):
        query = select(model).where(column.in_(chunk)).options(*options)
        yield from session.scalars(query).unique()


# --- the import ------------------------------------------------------------------------------

@dataclass
class RowOutcome:
    """What a valid row does to its camera."""

    row: int
    action: str  # create, update or unchanged
    camera: Camera
    fields: list[str] = field(default_factory=list)  # changed columns (update)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    # Kept apart from the camera: a dry run's rollback takes the new values back.
    code: str = field(init=False)
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.code, self.name = self.camera.code, self.camera.name

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "code": self.code}
        if self.action != "unchanged":
            data["name"] = self.name
        if self.action == "update":
            data["fields"] = self.fields
        return data


@dataclass
class ImportReport:
    dry_run: bool
    request_id: str
    format: str
    encoding: str | None
    header_row: int
    language: str
    rows: int
    outcomes: list[RowOutcome]
    errors: list[RowError]
    warnings: list[RowError]
    applied: bool = False

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})

    def outcomes_of(self, action: str) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    def summary(self) -> dict[str, int]:
        return {"rows": self.rows, "created": len(self.outcomes_of("create")),
                "updated": len(self.outcomes_of("update")),
                "unchanged": len(self.outcomes_of("unchanged")), "rejected": self.rejected}

    def message(self) -> str:
        counts = self.summary()
        text = (f"{counts['rows']} rows: {counts['created']} created, {counts['updated']} "
                f"updated, {counts['unchanged']} unchanged, {counts['rejected']} rejected")
        if self.dry_run:
            return f"dry run, nothing written; {text}"
        if not self.applied:
            return (f"nothing imported: {counts['rejected']} of {counts['rows']} rows rejected "
                    f"(the others: {counts['created']} to create, {counts['updated']} to "
                    f"update, {counts['unchanged']} unchanged)")
        return f"imported; {text}"

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run, "applied": self.applied, "request_id": self.request_id,
            "message": self.message(),
            "file": {"format": self.format, "encoding": self.encoding,
                     "header_row": self.header_row, "language": self.language},
            "summary": self.summary(),
            "created": [outcome.to_json() for outcome in self.outcomes_of("create")],
            "updated": [outcome.to_json() for outcome in self.outcomes_of("update")],
            "unchanged": [outcome.to_json() for outcome in self.outcomes_of("unchanged")],
            "errors": [error.to_json() for error in self.errors],
            "warnings": [warning.to_json() for warning in self.warnings],
        }


def import_cameras(session: Session, actor: Actor, resource: CameraResource, data: bytes,
                   filename: str = "", dry_run: bool = False) -> ImportReport:
    """Check a whole file and, unless it is a dry run or a row is rejected, apply it."""
    actor.require_role(*resource.write_roles)
    sheet = read_sheet(data, filename)
    rows = [read_row(sheet, number, cells) for number, cells in sheet.data]
    if not rows:
        raise BadRequest(f"the file has a header (row {sheet.header_row}) but no camera rows")
    _mark_repeated_codes(sheet, rows)
    job = CameraImport(session, actor, resource, sheet)
    job.preload(rows)
    with session.no_autoflush:  # nothing reaches the database before the whole file is checked
        outcomes = [outcome for row in rows if (outcome := job.plan(row)) is not None]
    report = ImportReport(dry_run, actor.request_id, sheet.table.format, sheet.table.encoding,
                          sheet.header_row, sheet.language, len(rows), outcomes, job.errors,
                          job.warnings)
    if job.errors or dry_run:
        session.rollback()  # undo what apply set on existing cameras
    else:
        job.commit(outcomes)
        report.applied = True
        _refresh_statistics(session, len(report.outcomes_of("create")) +
                            len(report.outcomes_of("update")))
    log.info("camera import %s by %s: %s", actor.request_id, actor.username, report.message())
    return report


def _refresh_statistics(session: Session, changed: int) -> None:
    """ANALYZE what a large import wrote, on PostgreSQL.

    Until autovacuum runs (if it runs at all), the planner believes a freshly loaded table is
    as small as before, and statements prepared meanwhile (psycopg prepares a statement after
    five runs) keep plans made for an empty table: a re-import's IN (...) lookups then scan
    every row for each value. ANALYZE refreshes the statistics and invalidates those plans.
    """
    if changed < ANALYZE_AFTER or session.get_bind().dialect.name != "postgresql":
        return
    tables = ", ".join(table.name for table in (Camera.__table__, camera_key_places,
                                                ChangeRecord.__table__))
    try:
        session.execute(text(f"ANALYZE {tables}"))
        session.commit()
    except DBAPIError as exc:  # e.g. not the tables' owner: only the speed of later reads suffers
        session.rollback()
        log.warning("ANALYZE after the camera import failed: %s", exc.orig)


def _mark_repeated_codes(sheet: Sheet, rows: list[SheetRow]) -> None:
    by_code: dict[str, list[SheetRow]] = defaultdict(list)
    for row in rows:
        code = row.values.get("code")
        if isinstance(code, str):
            by_code[code].append(row)
    for code, same in by_code.items():
        if len(same) < 2:
            continue
        for row in same:
            others = [str(other.number) for other in same if other is not row]
            listed = ", ".join(others[:SHOWN_REPEATS])
            if len(others) > SHOWN_REPEATS:
                listed += f" and {len(others) - SHOWN_REPEATS} more"
            row.errors.append(RowError(row.number, sheet.column_name("code"), "code",
                                       f"code {code} is repeated in the file: also on "
                                       f"row{'s' if len(others) > 1 else ''} {listed}"))


class _RememberingBox:
    """Decrypts each stored credential once per import: the snapshots before and after a row
    and the credential comparison read the same tokens (Fernet costs ~40 us a token)."""

    def __init__(self, box: CredentialBox) -> None:
        self._box = box
        self._clear: dict[str, str | None] = {}

    def encrypt(self, clear: str | None) -> str | None:
        return self._box.encrypt(clear)

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        if token not in self._clear:
            self._clear[token] = self._box.decrypt(token)
        return self._clear[token]


class CameraImport:
    """One file's import: preloaded references, one outcome or errors per row."""

    def __init__(self, session: Session, actor: Actor, resource: CameraResource,
                 sheet: Sheet) -> None:
        self.session = session
        self.actor = actor
        self.resource = copy.copy(resource)
        self.resource.box = _RememberingBox(resource.box)
        self.sheet = sheet
        self.resolver = Resolver(session, actor)
        self.context = resource.validation_context(session)
        self.existing: dict[str, Camera] = {}
        self.places = PlaceIndex(actor)
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def preload(self, rows: list[SheetRow]) -> None:
        """Fetch every camera, division and place the file may name, a few queries in all."""
        codes = sorted({code for row in rows
                        if isinstance(code := row.values.get("code"), str)})
        # What to_json needs (the resource says) and what apply checks, in a few queries.
        options = (*self.resource.load_options(), selectinload(Camera.key_places).options(
            defer(KeyPlace.polygon), joinedload(KeyPlace.division)))
        for camera in _select_in(self.session, Camera, Camera.code, codes, options):
            self.existing[camera.code] = camera
            self.resolver.remember(camera)
            for place in camera.key_places:
                self.resolver.remember(place)
        self.resolver.remember_free_codes(set(codes) - set(self.existing))
        division_codes = {code for row in rows
                          if isinstance(code := row.values.get("division_code"), str)}
        division_codes |= {camera.division.code for camera in self.existing.values()}
        self.places = PlaceIndex.load(self.session, self.resolver, division_codes)

    # --- one row -----------------------------------------------------------------------------
    def plan(self, row: SheetRow) -> RowOutcome | None:
        """Validate and apply one row to its camera (new or existing); None when rejected."""
        if row.errors:
            self.errors.extend(row.errors)
            return None
        code = row.values.get("code")
        if code is None:
            self._error(row, "code", "required: every row needs the camera's national code")
            return None
        existing = self.existing.get(code)
        if existing is not None and not self.actor.can_see(existing.division):
            self._error(row, "code", f"camera {code} exists outside your scope")
            return None
        try:
            data = crud.validate(self.resource, self._payload(row, existing), self.context,
                                 row=row.number)
            if existing is None:
                camera = Camera()
                self.resource.apply(self.resolver, camera, data, creating=True)
                return RowOutcome(row.number, "create", camera)
            before = self.resource.snapshot(existing)
            secrets = self._changed_credentials(existing, data)
            self.resource.apply(self.resolver, existing, data, creating=False)
        except ServiceError as exc:
            self._reject(row, exc)
            return None
        after = self.resource.snapshot(existing)
        fields = _changed_fields(before, after, secrets)
        if not fields:
            # apply set the same values again: out of the session, the flush need not check it.
            self.session.expunge(existing)
        return RowOutcome(row.number, "update" if fields else "unchanged", existing, fields,
                          before, after)

    def _payload(self, row: SheetRow, existing: Camera | None) -> dict[str, Any]:
        """The API payload for a row: given cells over the current values (or the defaults)."""
        values = row.values
        payload = self.resource.to_input(existing) if existing is not None else {}
        for key, value in values.items():
            if key in PLACE_KEYS:
                continue
            if key == "stream_password" and value == REDACTED:
                if existing is None:
                    self._warn(row, key, "*** keeps the current password, but this camera is "
                                         "new: it gets no password")
                continue
            payload[key] = COLUMNS_BY_KEY[key].cleared if value is CLEAR else value
        division = self._division(values, existing)
        if division is not None:
            payload["division_code"] = division.code
        problems: list[dict[str, str]] = []
        compound = self._compound(values, existing, division, problems)
        building = self._building(values, existing, compound, problems)
        payload["compound_id"] = compound.id if compound is not None else None
        payload["building_id"] = building.id if building is not None else None
        if "key_places" in values:
            payload["key_place_ids"] = self._key_places(values["key_places"], compound,
                                                        division, problems)
        if problems:
            raise InvalidInput(f"row {row.number}: unknown places", problems)
        return payload

    def _division(self, values: dict[str, Any], existing: Camera | None) -> Division | None:
        code = values.get("division_code")
        if code is None:
            if existing is None:
                raise InvalidInput("division_code: required for a new camera", [
                    {"field": "division_code", "message": "required for a new camera"}])
            return existing.division
        return self.resolver.division(code)  # within the caller's scope, or a row error

    def _compound(self, values: dict[str, Any], existing: Camera | None,
                  division: Division | None, problems: list[dict[str, str]]) -> Compound | None:
        if "compound" not in values:
            compound = existing.compound if existing is not None else None
            if compound is not None and division is not None and \
                    compound.division_id != division.id:
                problems.append({"field": "compound", "message": (
                    f"the camera is in compound {compound.name} of {compound.division.code}, "
                    f"not of {division.code}: name a compound of the new division, or - for "
                    f"none")})
            return compound
        name = values["compound"]
        if name is CLEAR or division is None:
            return None
        compound = self.places.compound(division, name)
        if compound is None:
            problems.append({"field": "compound", "message": (
                f"no compound named {name} in {division.code} {division.name}")})
        return compound

    def _building(self, values: dict[str, Any], existing: Camera | None,
                  compound: Compound | None, problems: list[dict[str, str]]) -> Building | None:
        if "building" not in values:
            building = existing.building if existing is not None else None
            if building is not None and (compound is None or building.compound_id != compound.id):
                problems.append({"field": "building", "message": (
                    f"the camera's building {building.name} is not in "
                    f"{'its new compound' if compound else 'a compound any more'}: name a "
                    f"building of the compound, or - for none")})
            return building
        name = values["building"]
        if name is CLEAR:
            return None
        if compound is None:
            problems.append({"field": "building", "message": (
                "a building is named within a compound: fill in the compound column")})
            return None
        building = self.places.building(compound, name)
        if building is None:
            problems.append({"field": "building", "message": (
                f"no building named {name} in compound {compound.name}")})
        return building

    def _key_places(self, names: Any, compound: Compound | None, division: Division | None,
                    problems: list[dict[str, str]]) -> list[int]:
        if names is CLEAR:
            return []
        ids: list[int] = []
        for name in names:
            match = PLACE_ID.fullmatch(name)
            if match:  # apply checks that it exists, in scope and in the camera's county
                ids.append(int(match.group(1)))
                continue
            try:
                ids.append(self.places.key_place(name, compound, division).id)
            except LookupError as exc:
                problems.append({"field": "key_places", "message": str(exc)})
        # In id order, as a camera's key places load: the same places must compare equal.
        return sorted(set(ids))

    def _changed_credentials(self, existing: Camera, data: CameraIn) -> list[str]:
        """The stream credentials a row changes; the same secret again is not a change."""
        changed = []
        for key, token in (("stream_username", existing.stream_username_enc),
                           ("stream_password", existing.stream_password_enc)):
            if key not in data.model_fields_set:
                continue
            value = getattr(data, key)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if (value or None) == self.resource.box.decrypt(token):
                # apply re-encrypts every credential it is given; a fresh token for the same
                # secret would make an unchanged camera look (and be stored as) updated.
                data.model_fields_set.discard(key)
            else:
                changed.append(key)
        return changed

    def _error(self, row: SheetRow, key: str, message: str) -> None:
        self.errors.append(RowError(row.number, self.sheet.column_name(key), key, message))

    def _warn(self, row: SheetRow, key: str, message: str) -> None:
        self.warnings.append(RowError(row.number, self.sheet.column_name(key), key, message))

    def _reject(self, row: SheetRow, exc: ServiceError) -> None:
        details = exc.details or [{"field": "", "message": exc.message}]
        for detail in details:
            name = detail.get("field", "")
            key = FIELD_COLUMNS.get(name, name)
            if key not in COLUMNS_BY_KEY:
                key = ""  # a rule about the whole camera, or a field the sheet does not have
                message = detail["message"] if not name or name == "(object)" else \
                    f"{name}: {detail['message']}"
            else:
                message = detail["message"]
            column = self.sheet.column_name(key) if key else ""
            self.errors.append(RowError(row.number, column, key, message))

    # --- the whole file ----------------------------------------------------------------------
    def commit(self, outcomes: list[RowOutcome]) -> None:
        """Insert the new cameras, record every change under the request id, commit."""
        created = [outcome.camera for outcome in outcomes if outcome.action == "create"]
        for camera in created:
            _nothing_attached(camera)
        self.session.add_all(created)
        try:
            self.session.flush()
            with self.session.no_autoflush:  # the change records go in with the commit
                self._record_changes(outcomes)
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            raise Conflict("the import conflicts with changes made meanwhile (a camera code "
                           "was taken); nothing was imported; try again") from None

    def _record_changes(self, outcomes: list[RowOutcome]) -> None:
        for outcome in outcomes:
            if outcome.action == "create":
                outcome.after = self.resource.snapshot(outcome.camera)
            if outcome.action != "unchanged":
                camera = outcome.camera
                record_change(self.session, self.actor, outcome.action,
                              self.resource.object_type, camera.id,
                              self.resource.describe(camera), camera.division.code,
                              outcome.before, outcome.after)


def _nothing_attached(camera: Camera) -> None:
    """Mark a new camera's unset relationships (health...) as empty: nothing refers to it yet,
    and its snapshot after the flush must not cost one lazy load per camera."""
    state = inspect(camera)
    for relationship in state.mapper.relationships:
        if relationship.key in state.unloaded:
            set_committed_value(camera, relationship.key, [] if relationship.uselist else None)


def _changed_fields(before: dict[str, Any], after: dict[str, Any],
                    secrets: list[str]) -> list[str]:
    keys = [FIELD_COLUMNS.get(key, key) for key in after if before.get(key) != after.get(key)]
    return list(dict.fromkeys(keys + secrets))


# --- export ----------------------------------------------------------------------------------

def export_rows(session: Session, actor: Actor, resource: CameraResource,
                params: Mapping[str, str]) -> list[dict[str, Any]]:
    """The visible cameras that match the camera list's filters, as spreadsheet rows."""
    unknown = set(params) - EXPORT_PARAMS - set(resource.filter_params)
    if unknown:
        allowed = ", ".join(sorted(EXPORT_PARAMS | set(resource.filter_params)))
        raise BadRequest(f"unknown filter {', '.join(sorted(unknown))}; allowed: {allowed}")
    query = crud.filtered_query(session, actor, resource, params).options(
        joinedload(Camera.division), joinedload(Camera.compound), joinedload(Camera.building),
        selectinload(Camera.key_places)).order_by(Camera.code)
    cameras = list(session.scalars(query).unique())
    places = PlaceIndex.load(session, Resolver(session, actor),
                             {camera.division.code for camera in cameras})
    return [camera_row(resource, places, camera) for camera in cameras]


def camera_row(resource: CameraResource, places: PlaceIndex, camera: Camera) -> dict[str, Any]:
    """One camera with the spreadsheet's columns; the password only as ***."""
    return {
        "code": camera.code, "name": camera.name, "kind": camera.kind,
        "stream_url": camera.stream_url,
        "stream_username": resource.box.decrypt(camera.stream_username_enc),
        "stream_password": REDACTED if camera.stream_password_enc else None,
        "lon": camera.lon, "lat": camera.lat, "height_m": camera.height_m,
        "bearing_deg": camera.bearing_deg, "fov_deg": camera.fov_deg, "range_m": camera.range_m,
        "division_code": camera.division.code,
        "compound": camera.compound.name if camera.compound else None,
        "building": camera.building.name if camera.building else None,
        "key_places": [places.label(place, camera.compound, camera.division)
                       for place in camera.key_places],
        "lifecycle": camera.lifecycle, "networked_level": camera.networked_level,
        "networked_since": camera.networked_since, "integrator": camera.integrator,
        "probe_enabled": camera.probe_enabled, "probe_interval_s": camera.probe_interval_s,
    }
