"""The campaign figures of a division and its children, now or at a past date (rules:
docs/COVERAGE.md, "Figures").

Every count is computed for the objects attached to each division ("own" figures) and rolled up
the tree: a division's figures are its own plus the sum of its children's. Rates are derived
from the rolled-up counts, never averaged, so every figure can be added up by hand.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from camera_registry.choices import CameraState, DivisionLevel, Lifecycle, NetworkedLevel
from camera_registry.coverage import CoverageStatus
from camera_registry.coverage.status import TOLERANCE
from camera_registry.errors import field_error
from camera_registry.models import (Camera, CameraHealth, Compound, DailyFigures, Division,
                                    KeyPlace, KeyPlaceCoverage, KeyPlaceView, StateTransition)
from camera_registry.services import coverage
from camera_registry.services.scope import Actor
from camera_registry.services.values import iso

TIMEZONE = ZoneInfo("Asia/Shanghai")
SNAPSHOT_TIME = time(8, 0)  # governance centres check their network every morning at 08:00
ACTIVE = (Lifecycle.INSTALLED, Lifecycle.NETWORKED)
PLATFORM_LEVELS = (NetworkedLevel.COUNTY, NetworkedLevel.CITY)
CHANNEL_LEVELS = (NetworkedLevel.TOWN, NetworkedLevel.COUNTY, NetworkedLevel.CITY)
UP_STATES = (CameraState.ONLINE, CameraState.DEGRADED)
MAX_DAYS = 31


@dataclass
class Figures:
    """Counts that add up from children to parents (hours are camera-hours)."""

    compounds: int = 0
    campaign: int = 0  # in the Safe Compound campaign
    built: int = 0  # campaign compounds with an installed or networked camera
    networked: int = 0  # built, and every such camera networked to the county or city
    weak: int = 0
    built_late: int = 0  # campaign, not built, built_target before the report's date
    networked_late: int = 0  # campaign, not networked, networked_target before the date
    cameras: int = 0  # registered: planned, installed or networked (not retired)
    installed: int = 0  # installed or networked
    networked_cameras: int = 0  # lifecycle networked
    channels: int = 0  # networked to the town, county or city platform, anywhere
    checked: int = 0  # installed or networked with health checks enabled
    online: int = 0  # checked, state online or degraded (the stream answers)
    maintenance: int = 0  # checked, in a maintenance window (left out of the online rate)
    intact: int = 0  # installed, state online (answers and the picture passes)
    checked_hours: float = 0.0  # over the period, less maintenance
    online_hours: float = 0.0
    installed_hours: float = 0.0
    intact_hours: float = 0.0
    key_places: int = 0
    key_places_full: int = 0
    key_places_partial: int = 0
    key_places_uncovered: int = 0
    key_places_design_full: int = 0  # fully covered if every installed camera worked

    def add(self, other: "Figures") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def minus(self, other: "Figures") -> "Figures":
        return Figures(**{f.name: getattr(self, f.name) - getattr(other, f.name)
                          for f in fields(self)})

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    @property
    def rates(self) -> dict[str, float | None]:
        return {
            "built_rate": _ratio(self.built, self.campaign),
            "networked_rate": _ratio(self.networked, self.campaign),
            "online_rate": _ratio(self.online, self.checked - self.maintenance),
            "intact_rate": _ratio(self.intact, self.installed),
            "online_rate_period": _ratio(self.online_hours, self.checked_hours),
            "intact_rate_period": _ratio(self.intact_hours, self.installed_hours),
        }

    def to_json(self) -> dict[str, Any]:
        counts = {name: round(value, 3) if isinstance(value, float) else value
                  for name, value in asdict(self).items()}
        return {**counts, **self.rates}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Figures":
        names = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


@dataclass
class Row:
    code: str
    name: str
    level: str
    figures: Figures

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "level": self.level,
                **self.figures.to_json()}


@dataclass
class Report:
    total: Row
    children: list[Row]
    held_directly: Row | None  # objects attached to the division itself, not to a child
    day: date
    as_of: datetime  # naive UTC
    days: int  # the period for time-weighted rates: this many days up to as_of
    source: str  # live, reconstructed or snapshot
    late_compounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        """Table order: the children, what the division holds itself, then the total."""
        return [*self.children, *([self.held_directly] if self.held_directly else []),
                self.total]

    def to_json(self) -> dict[str, Any]:
        return {"division": self.total.to_json(),
                "children": [row.to_json() for row in self.children],
                "held_directly": self.held_directly.to_json() if self.held_directly else None,
                "date": self.day.isoformat(), "as_of": iso(self.as_of), "source": self.source,
                "period": {"start": iso(self.as_of - timedelta(days=self.days)),
                           "end": iso(self.as_of), "days": self.days},
                "late_compounds": self.late_compounds,
                "rules": "docs/COVERAGE.md"}


# --- dates --------------------------------------------------------------------------------

def local_today(now: datetime) -> date:
    """The date in Asia/Shanghai at a naive UTC time."""
    return now.replace(tzinfo=timezone.utc).astimezone(TIMEZONE).date()


def snapshot_moment(day: date) -> datetime:
    """08:00 Asia/Shanghai on that day, as naive UTC."""
    local = datetime.combine(day, SNAPSHOT_TIME, tzinfo=TIMEZONE)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def parse_day(raw: str | None, now: datetime, name: str = "at",
              future: bool = False) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise field_error(name, f"must be a date YYYY-MM-DD, got {raw!r}") from None
    if not future and day > local_today(now):
        raise field_error(name, f"{raw} is in the future; figures exist up to today")
    return day


def parse_days(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise field_error("days", f"must be a whole number from 1 to {MAX_DAYS}, got {raw!r}")
    return int(raw)


# --- the report ---------------------------------------------------------------------------

def summary(session: Session, actor: Actor, division_code: str | None, now: datetime,
            day: date | None = None, days: int = 1) -> Report:
    """The figures of a division (default: the caller's scope, or the registry's root) and
    of each of its children, now or at 08:00 on ``day``."""
    division = _division(session, actor, division_code)
    prefix = division.subtree_prefix if division else None
    now = now.replace(microsecond=0)
    # Today before 08:00, "at today" means now: the snapshot moment has not come yet.
    moment = min(snapshot_moment(day), now) if day else now
    report_day = day or local_today(now)
    start = moment - timedelta(days=days)
    coverage.refresh(session, prefix, wait_s=120.0)
    divisions = _divisions(session, prefix)
    children = sorted((d for d in divisions.values()
                       if (d.parent_id == division.id if division else d.parent_id is None)),
                      key=lambda d: d.code)
    snapshot = _from_snapshots(session, division, children, day) if day and days == 1 else None
    book = FigureBook(session, divisions, prefix, report_day, moment, start,
                      past=day is not None)
    if snapshot is not None:
        total, rows, held = snapshot
        source = "snapshot"
    else:
        totals = book.totals()
        total = _row(division, totals.get(division.id if division else None, Figures()))
        rows = [_row(child, totals.get(child.id, Figures())) for child in children]
        held = _held_directly(division, book) if division else None
        source = "reconstructed" if day else "live"
    return Report(total, rows, held, report_day, moment, days, source, book.late_compounds())


def _division(session: Session, actor: Actor, code: str | None) -> Division | None:
    if code:
        division = session.scalar(select(Division).where(Division.code == code))
        if division is None or not actor.can_see(division):
            raise field_error("division", f"no division with code {code} in your scope")
        return division
    if actor.scope is not None:
        return actor.scope
    roots = session.scalars(select(Division).where(Division.parent_id.is_(None))).all()
    return roots[0] if len(roots) == 1 else None  # None: every root, summed


def _divisions(session: Session, prefix: str | None) -> dict[int, Division]:
    query = select(Division)
    if prefix:
        query = query.where(Division.code.startswith(prefix, autoescape=True))
    return {d.id: d for d in session.scalars(query)}


def _row(division: Division | None, figures: Figures) -> Row:
    if division is None:
        return Row("", "全部", "", figures)
    return Row(division.code, division.name, division.level, figures)


def _held_directly(division: Division, book: "FigureBook") -> Row | None:
    own = book.own.get(division.id)
    if own is None or own.is_empty():
        return None
    return Row(division.code, f"{division.name}（本级）", division.level, own)


def _from_snapshots(session: Session, division: Division | None, children: list[Division],
                    day: date) -> tuple[Row, list[Row], Row | None] | None:
    """The rows from the daily snapshot of that day, when it holds every one of them."""
    wanted = [d for d in [division, *children] if d is not None]
    if division is None or not wanted:
        return None
    stored = {row.division_code: row for row in session.scalars(select(DailyFigures).where(
        DailyFigures.day == day, DailyFigures.division_code.in_([d.code for d in wanted])))}
    if len(stored) < len(wanted):
        return None

    def row(d: Division) -> Row:
        return Row(d.code, stored[d.code].division_name, d.level,
                   Figures.from_json(stored[d.code].figures))
    total, rows = row(division), [row(child) for child in children]
    rest = total.figures
    for child in rows:
        rest = rest.minus(child.figures)
    held = None if rest.is_empty() else Row(division.code, f"{total.name}（本级）",
                                            division.level, rest)
    return total, rows, held


# --- computing the figures ----------------------------------------------------------------

class FigureBook:
    """Own figures per division id, and their roll-up up the tree."""

    def __init__(self, session: Session, divisions: dict[int, Division], prefix: str | None,
                 day: date, moment: datetime, start: datetime, past: bool) -> None:
        self.session, self.divisions, self.prefix = session, divisions, prefix
        self.day, self.moment, self.start, self.past = day, moment, start, past
        self.own: dict[int, Figures] = {}
        self._late: list[dict[str, Any]] = []
        states = states_at(session, moment) if past else None
        self._compounds()
        self._cameras(states)
        self._places(states)

    def figures(self, division_id: int) -> Figures:
        return self.own.setdefault(division_id, Figures())

    def totals(self) -> dict[int | None, Figures]:
        """Own figures plus everything below, for every division (None: all roots)."""
        totals = {ident: Figures() for ident in self.divisions}
        totals[None] = Figures()
        deepest_first = sorted(self.divisions.values(),
                               key=lambda d: -DivisionLevel.rank(d.level))
        for division in deepest_first:
            totals[division.id].add(self.own.get(division.id, Figures()))
            parent = division.parent_id if division.parent_id in totals else None
            totals[parent].add(totals[division.id])
        return totals

    def late_compounds(self) -> list[dict[str, Any]]:
        return sorted(self._late, key=lambda c: (-c["days_late"], c["division_code"],
                                                 c["name"]))

    def _in_scope(self, query):
        if self.prefix:
            return query.where(Division.code.startswith(self.prefix, autoescape=True))
        return query

    def _compounds(self) -> None:
        active = Camera.lifecycle.in_(ACTIVE)
        on_platform = and_(Camera.lifecycle == Lifecycle.NETWORKED,
                           Camera.networked_level.in_(PLATFORM_LEVELS))
        per_compound = (
            select(Camera.compound_id,
                   func.sum(case((active, 1), else_=0)).label("active"),
                   func.sum(case((and_(active, not_(on_platform)), 1), else_=0)).label("behind"))
            .where(Camera.compound_id.is_not(None)).group_by(Camera.compound_id).subquery())
        query = self._in_scope(
            select(Compound, Division.code, Division.name, per_compound.c.active,
                   per_compound.c.behind)
            .join(Division, Division.id == Compound.division_id)
            .outerjoin(per_compound, per_compound.c.compound_id == Compound.id))
        for compound, code, division_name, active_count, behind in self.session.execute(query):
            self._compound(compound, code, division_name, active_count or 0, behind or 0)

    def _compound(self, compound: Compound, code: str, division_name: str, active: int,
                  behind: int) -> None:
        f = self.figures(compound.division_id)
        f.compounds += 1
        f.weak += compound.weak
        if not compound.in_campaign:
            return
        built, networked = active > 0, active > 0 and behind == 0
        f.campaign += 1
        f.built += built
        f.networked += networked
        missed = [(what, target) for done, target, what in (
            (built, compound.built_target, "built"),
            (networked, compound.networked_target, "networked"))
            if not done and target is not None and target < self.day]
        for what, _ in missed:
            setattr(f, f"{what}_late", getattr(f, f"{what}_late") + 1)
        if missed:
            self._late.append({
                "compound_id": compound.id, "name": compound.name, "division_code": code,
                "division_name": division_name, "late_for": [what for what, _ in missed],
                "built_target": iso(compound.built_target),
                "networked_target": iso(compound.networked_target),
                "days_late": max((self.day - target).days for _, target in missed),
                "weak": compound.weak})

    def _cameras(self, states: dict[int, str] | None) -> None:
        query = self._in_scope(
            select(Camera.id, Camera.division_id, Camera.lifecycle, Camera.networked_level,
                   Camera.probe_enabled, Camera.created_at, CameraHealth.state)
            .join(Division, Division.id == Camera.division_id)
            .outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id))
        cameras = self.session.execute(query).all()
        durations = state_durations(self.session, self.start, self.moment,
                                    {row[0]: row[5] for row in cameras if row[2] in ACTIVE})
        for ident, division_id, lifecycle, level, probe, _, state in cameras:
            if states is not None:
                state = states.get(ident, CameraState.UNKNOWN)
            self._camera(self.figures(division_id), lifecycle, level, probe,
                         state or CameraState.UNKNOWN, durations.get(ident, {}))

    @staticmethod
    def _camera(f: Figures, lifecycle: str, level: str, probe: bool, state: str,
                seconds: dict[str, float]) -> None:
        if lifecycle == Lifecycle.RETIRED:
            return
        f.cameras += 1
        f.networked_cameras += lifecycle == Lifecycle.NETWORKED
        f.channels += lifecycle == Lifecycle.NETWORKED and level in CHANNEL_LEVELS
        if lifecycle not in ACTIVE:
            return
        f.installed += 1
        f.intact += state == CameraState.ONLINE
        total = sum(seconds.values())
        f.installed_hours += total / 3600
        f.intact_hours += seconds.get(CameraState.ONLINE, 0.0) / 3600
        if not probe:
            return
        f.checked += 1
        f.online += state in UP_STATES
        f.maintenance += state == CameraState.MAINTENANCE
        f.checked_hours += (total - seconds.get(CameraState.MAINTENANCE, 0.0)) / 3600
        f.online_hours += sum(seconds.get(s, 0.0) for s in UP_STATES) / 3600

    def _places(self, states: dict[int, str] | None) -> None:
        query = self._in_scope(
            select(KeyPlace.id, KeyPlace.division_id, KeyPlace.required_coverage,
                   KeyPlaceCoverage.status, KeyPlaceCoverage.design_coverage)
            .join(Division, Division.id == KeyPlace.division_id)
            .outerjoin(KeyPlaceCoverage, KeyPlaceCoverage.key_place_id == KeyPlace.id))
        places = self.session.execute(query).all()
        then = _statuses_then(self.session, [row[0] for row in places], states) if states \
            is not None else {}
        for ident, division_id, required, status, design in places:
            f = self.figures(division_id)
            f.key_places += 1
            status = then.get(ident, status) or CoverageStatus.UNCOVERED  # never computed
            f.key_places_full += status == CoverageStatus.FULL
            f.key_places_partial += status == CoverageStatus.PARTIAL
            f.key_places_uncovered += status == CoverageStatus.UNCOVERED
            f.key_places_design_full += design is not None and design >= required - TOLERANCE


def _statuses_then(session: Session, place_ids: list[int],
                   states: dict[int, str]) -> dict[int, str]:
    """Statuses at a past moment: only places seen by a camera that worked then but not now
    (or the other way round) need their stored views unioned again."""
    rows = session.execute(
        select(Camera.id, Camera.lifecycle, CameraHealth.state)
        .outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
        .where(Camera.id.in_(select(KeyPlaceView.camera_id).distinct()))).all()
    differ = [ident for ident, lifecycle, state in rows
              if coverage.is_working(lifecycle, state)
              != coverage.is_working(lifecycle, states.get(ident, CameraState.UNKNOWN))]
    if not differ:
        return {}
    wanted = set(place_ids)
    touched: set[int] = set()
    for chunk in _chunks(differ):
        touched.update(session.scalars(select(KeyPlaceView.key_place_id).where(
            KeyPlaceView.camera_id.in_(chunk))))
    touched &= wanted
    if not touched:
        return {}
    full_states = {ident: states.get(ident, CameraState.UNKNOWN) for ident, _, _ in rows}
    return {r.place_id: r.status for r in coverage.summaries_from_views(
        session, sorted(touched), full_states)}


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# --- camera states from the history -------------------------------------------------------

def states_at(session: Session, moment: datetime) -> dict[int, str]:
    """Each camera's state at a moment: the target of its last transition at or before it.

    Cameras with no transition by then were not checked yet: they are absent (unknown).
    """
    ranked = (select(StateTransition.camera_id, StateTransition.to_state,
                     func.row_number().over(partition_by=StateTransition.camera_id,
                                            order_by=(StateTransition.at.desc(),
                                                      StateTransition.id.desc())).label("n"))
              .where(StateTransition.at <= moment).subquery())
    return dict(session.execute(select(ranked.c.camera_id, ranked.c.to_state)
                                .where(ranked.c.n == 1)).all())


def state_durations(session: Session, start: datetime, end: datetime,
                    created: Mapping[int, datetime]) -> dict[int, dict[str, float]]:
    """Seconds each camera spent in each state between start and end (from its transitions);
    a camera counts only from when it was registered (``created``: id -> created_at)."""
    if end <= start or not created:
        return {}
    initial = states_at(session, start)
    moves: dict[int, list[tuple[datetime, str]]] = {}
    for camera_id, at, to_state in session.execute(
            select(StateTransition.camera_id, StateTransition.at, StateTransition.to_state)
            .where(StateTransition.at > start, StateTransition.at < end)
            .order_by(StateTransition.camera_id, StateTransition.at, StateTransition.id)):
        moves.setdefault(camera_id, []).append((at, to_state))
    durations: dict[int, dict[str, float]] = {}
    for camera_id, created_at in created.items():
        since = max(start, created_at or start)
        if since >= end:
            continue
        state, spent = initial.get(camera_id, CameraState.UNKNOWN), {}
        for at, to_state in moves.get(camera_id, ()):
            if at > since:
                spent[state] = spent.get(state, 0.0) + (at - since).total_seconds()
                since = at
            state = to_state
        spent[state] = spent.get(state, 0.0) + (end - since).total_seconds()
        durations[camera_id] = spent
    return durations


# --- daily snapshots ----------------------------------------------------------------------

def take_snapshot(session: Session, now: datetime) -> int:
    """Store every division's figures for today (Asia/Shanghai); replaces today's rows.

    Returns how many divisions were stored. The caller commits.
    """
    day = local_today(now)
    coverage.refresh(session, wait_s=300.0)
    divisions = _divisions(session, None)
    book = FigureBook(session, divisions, None, day, now, now - timedelta(days=1), past=False)
    totals = book.totals()
    existing = {row.division_code: row for row in session.scalars(
        select(DailyFigures).where(DailyFigures.day == day))}
    for division in divisions.values():
        row = existing.get(division.code) or DailyFigures(day=day, division_code=division.code)
        row.division_name, row.taken_at = division.name, now
        row.figures = totals[division.id].to_json()
        session.add(row)
    return len(divisions)


def daily_series(session: Session, actor: Actor, division_code: str | None,
                 start: date | None, end: date | None) -> tuple[str, list[dict[str, Any]]]:
    """The stored daily figures of one division, oldest first, for trend charts."""
    division = _division(session, actor, division_code)
    if division is None:
        raise field_error("division", "give a division code (the registry has several roots)")
    query = select(DailyFigures).where(DailyFigures.division_code == division.code)
    if start:
        query = query.where(DailyFigures.day >= start)
    if end:
        query = query.where(DailyFigures.day <= end)
    return division.code, [
        {"date": row.day.isoformat(), "taken_at": iso(row.taken_at), "code": row.division_code,
         "name": row.division_name, **row.figures}
        for row in session.scalars(query.order_by(DailyFigures.day))]
