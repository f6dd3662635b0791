"""The demo city's cameras: how many each compound gets, in which state, with which code.

The campaign rules (docs/DEMO.md) decide the states:
- networked compounds: every active camera networked to the county or city platform;
- built but not networked: 1-4 cameras, installed; in about a third of these compounds some
  of them are already networked to the town (or county) platform, never all of them;
- not built: no camera, or a few planned ones (and now and then a retired old system);
- compounds outside the campaign: none, or a small system, networked or not;
- public key places (school gates, hospitals, markets, squares): 2-4 cameras each, mostly
  networked.
Networked channels are counted over the whole city, so the networked compounds receive
exactly what the others leave of ``scale.channels``, in proportion to the spots they have.
"""
from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from camera_registry.choices import CameraKind, Lifecycle, NetworkedLevel
from camera_registry.services.demo.city import (CityPlan, CompoundPlan, CountyPlan, PublicPlace,
                                                TownPlan, apportion)
from camera_registry.services.demo.geometry import bearing, centre
from camera_registry.services.demo.sites import Spot
from camera_registry.services.demo.statuses import BUILT, NETWORKED, OUTSIDE, UNBUILT

AS_OF = date(2017, 12, 31)  # the demo city is a picture of the end of 2017
COMMUNITY_INDUSTRY, ROADS_INDUSTRY = "01", "00"  # GB/T 28181 digits 9-10
IPC, ANALOGUE = "132", "131"  # digits 11-13: network camera, camera behind an encoder
GOVERNANCE_NETWORK, VIDEO_NETWORK = "3", "0"  # digit 14: politics-and-law, public security

# (lifecycle, networked level) of one camera.
Program = list[tuple[str, str]]
INSTALLED = (Lifecycle.INSTALLED, NetworkedLevel.NONE)
PLANNED = (Lifecycle.PLANNED, NetworkedLevel.NONE)

# Camera spots around a public key place: (label, corner as fractions of the rectangle, kind).
PUBLIC_SPOTS = {
    "school_gate": (("西侧", 0.0, 0.0, "bullet"), ("东侧", 1.0, 0.0, "bullet"),
                    ("球机", 0.5, 1.0, "ptz")),
    "hospital": (("门诊入口", 0.0, 0.0, "bullet"), ("急诊入口", 1.0, 0.0, "dome"),
                 ("广场", 0.5, 1.0, "ptz")),
    "market": (("东门", 1.0, 0.0, "dome"), ("西门", 0.0, 0.0, "bullet"), ("全景", 0.5, 1.0, "ptz"),
               ("北侧", 0.0, 1.0, "dome")),
    "square": (("全景", 0.5, 0.0, "ptz"), ("西南角", 0.0, 0.0, "bullet"),
               ("东北角", 1.0, 1.0, "bullet"), ("中心", 0.5, 0.5, "fisheye")),
}


@dataclass
class CameraPlan:
    code: str
    name: str
    kind: str
    x: float  # county frame, metres
    y: float
    height: float
    bearing: float
    fov: float
    range: float
    places: tuple[int, ...]  # indexes into the owner's key places
    building: Optional[int]
    lifecycle: str
    level: str
    since: Optional[date]
    integrator: str
    credentials: Optional[tuple[str, str]] = None


@dataclass
class Programs:
    """What each compound and public place will get, before any camera is made.

    Keyed by ``id()`` of the plan objects: they are mutable dataclasses, hence not hashable.
    """

    compounds: dict[int, Program] = field(default_factory=dict)
    retired: dict[int, int] = field(default_factory=dict)
    places: dict[int, Program] = field(default_factory=dict)


class CodeBook:
    """Hands out national codes: a serial number per 14-digit prefix, so codes never repeat."""

    def __init__(self) -> None:
        self.serials: dict[str, int] = {}

    def next(self, county: CountyPlan, town: TownPlan, industry: str, device_type: str,
             network: str) -> str:
        prefix = f"{county.code}{town.index:02d}{industry}{device_type}{network}"
        self.serials[prefix] = self.serials.get(prefix, 0) + 1
        return f"{prefix}{self.serials[prefix]:06d}"


def assign_cameras(plan: CityPlan, rng: random.Random) -> None:
    """Attach ``cameras`` to every compound and community of the plan."""
    programs = Programs()
    for *_, compound in plan.compounds():
        programs.compounds[id(compound)] = _program(compound, rng)
        programs.retired[id(compound)] = _retired(compound, rng)
    for *_, community in plan.communities():
        for place in community.places:
            programs.places[id(place)] = _public_program(place, rng)
    _share_channels(plan, programs, rng)
    codes = CodeBook()
    for county, town, community in plan.communities():
        for compound in community.compounds:
            compound.cameras = _compound_cameras(county, town, compound, programs, codes, rng)
        community.cameras = [camera for index, place in enumerate(community.places)
                             for camera in _public_cameras(county, town, index, place,
                                                           programs.places[id(place)], codes,
                                                           rng)]


def networked(entry: tuple[str, str]) -> bool:
    return entry[0] == Lifecycle.NETWORKED


def _program(compound: CompoundPlan, rng: random.Random) -> Program:
    spots = len(compound.site.spots)
    if compound.state == BUILT:
        count = min(rng.randint(1, 4), spots)
        linked = rng.randint(1, count - 1) if count > 1 and rng.random() < 0.4 else 0
        level = NetworkedLevel.TOWN if rng.random() < 0.7 else NetworkedLevel.COUNTY
        return [(Lifecycle.NETWORKED, level)] * linked + [INSTALLED] * (count - linked)
    if compound.state == UNBUILT:
        return [PLANNED] * min(rng.randint(2, 6), spots) if rng.random() < 0.15 else []
    if compound.state == OUTSIDE and rng.random() < 0.4:
        count = min(rng.randint(2, 8), spots)
        entry = (Lifecycle.NETWORKED, NetworkedLevel.COUNTY) if rng.random() < 0.5 else INSTALLED
        return [entry] * count
    return []  # networked compounds get theirs in _share_channels


def _retired(compound: CompoundPlan, rng: random.Random) -> int:
    """Old cameras taken out of service but still on the books."""
    chance = {NETWORKED: 0.1, UNBUILT: 0.04}.get(compound.state, 0.0)
    return rng.randint(1, 2) if rng.random() < chance else 0


def _public_program(place: PublicPlace, rng: random.Random) -> Program:
    count = rng.randint(2, len(PUBLIC_SPOTS[place.kind]))
    if rng.random() < 0.85:
        level = NetworkedLevel.COUNTY if rng.random() < 0.6 else NetworkedLevel.CITY
        return [(Lifecycle.NETWORKED, level)] * count
    return [INSTALLED] * count


def _share_channels(plan: CityPlan, programs: Programs, rng: random.Random) -> None:
    """Give the networked compounds exactly the channels the rest of the city leaves."""
    elsewhere = sum(networked(entry) for program in (*programs.compounds.values(),
                                                     *programs.places.values())
                    for entry in program)
    compounds = [c for *_, c in plan.compounds() if c.state == NETWORKED]
    capacity = [len(c.site.spots) for c in compounds]
    wanted = plan.scale.channels - elsewhere
    if not 2 * len(compounds) <= wanted <= sum(capacity):
        raise ValueError(f"{wanted} channels do not fit {len(compounds)} networked compounds "
                         f"with {sum(capacity)} camera spots")
    counts = _capped_shares(wanted, capacity, minimum=2)
    for compound, count in zip(compounds, counts):
        level = NetworkedLevel.COUNTY if rng.random() < 0.8 else NetworkedLevel.CITY
        programs.compounds[id(compound)] = [(Lifecycle.NETWORKED, level)] * count


def _capped_shares(total: int, capacity: list[int], minimum: int) -> list[int]:
    """Split total in proportion to capacity, each share between minimum and its capacity."""
    counts = [min(c, minimum) for c in capacity]
    while sum(counts) < total:
        room = [c - n for c, n in zip(capacity, counts)]
        extra = apportion(total - sum(counts), [max(r, 0) for r in room])
        counts = [n + min(e, r) for n, e, r in zip(counts, extra, room)]
    return counts


def _compound_cameras(county: CountyPlan, town: TownPlan, compound: CompoundPlan,
                      programs: Programs, codes: CodeBook, rng: random.Random) -> list[CameraPlan]:
    program = programs.compounds[id(compound)]
    retired = programs.retired[id(compound)]
    if not program and not retired:
        return []
    spots = compound.site.spots
    analogue_share = 0.2 if compound.style == "old" else 0.03
    since = _since_range(compound)
    cameras = []
    for spot, (lifecycle, level) in zip(spots, program):
        device_type = ANALOGUE if rng.random() < analogue_share else IPC
        code = codes.next(county, town, COMMUNITY_INDUSTRY, device_type, GOVERNANCE_NETWORK)
        cameras.append(_camera(code, f"{compound.name}{spot.label}", spot, compound.origin,
                               lifecycle, level, since, town.integrator, rng))
    for number in range(retired):
        # Old analogue cameras: they stood where the next free spot is, or at the first one.
        spot = spots[(len(program) + number) % len(spots)]
        code = codes.next(county, town, COMMUNITY_INDUSTRY, ANALOGUE, GOVERNANCE_NETWORK)
        cameras.append(_camera(code, f"{compound.name}{spot.label}旧机{number + 1}", spot,
                               compound.origin, Lifecycle.RETIRED, NetworkedLevel.NONE, since,
                               town.integrator, rng))
    return cameras


def _public_cameras(county: CountyPlan, town: TownPlan, index: int, place: PublicPlace,
                    program: Program, codes: CodeBook, rng: random.Random) -> list[CameraPlan]:
    x0, y0, x1, y1 = place.rect
    cx, cy = centre(place.rect)
    since = (date(2016, 1, 1), date(2017, 12, 17))
    cameras = []
    for (label, fx, fy, kind), (lifecycle, level) in zip(PUBLIC_SPOTS[place.kind], program):
        x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
        heading = 0.0 if (x, y) == (cx, cy) else bearing(x, y, cx, cy)
        spot = Spot(label, x, y, heading, kind, 8.0 if kind == "ptz" else 6.0, (index,))
        code = codes.next(county, town, ROADS_INDUSTRY, IPC, VIDEO_NETWORK)
        cameras.append(_camera(code, f"{place.name}{label}", spot, (0.0, 0.0), lifecycle, level,
                               since, county.integrators[0], rng))
    return cameras


def _since_range(compound: CompoundPlan) -> tuple[date, date]:
    """When a compound's cameras were networked; demonstration ones met their deadline."""
    if compound.demonstration:
        return date(2017, 5, 1), date(2017, 11, 16)
    if compound.state == NETWORKED:
        return date(2016, 9, 1), date(2017, 12, 17)
    if compound.state == OUTSIDE:
        return date(2015, 6, 1), date(2017, 12, 17)
    return date(2017, 3, 1), date(2017, 12, 17)


def _camera(code: str, name: str, spot: Spot, origin: tuple[float, float], lifecycle: str,
            level: str, since: tuple[date, date], integrator: str,
            rng: random.Random) -> CameraPlan:
    first, last = since
    networked_since = None
    if lifecycle == Lifecycle.NETWORKED:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        networked_since = min(day + timedelta(days=rng.randint(0, 14)), AS_OF)
    active = lifecycle in (Lifecycle.INSTALLED, Lifecycle.NETWORKED)
    credentials = None
    if active and rng.random() < 0.08:  # some cameras still need their own login
        secret = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10))
        credentials = ("admin", secret)
    fov = CameraKind.DEFAULT_FOV[spot.kind]
    return CameraPlan(
        code=code, name=name, kind=spot.kind, x=origin[0] + spot.x, y=origin[1] + spot.y,
        height=round(spot.height + rng.uniform(-0.3, 0.4), 1), bearing=spot.bearing,
        fov=fov if fov >= 180 else round(fov * rng.uniform(0.92, 1.08), 1),
        range=round(CameraKind.DEFAULT_RANGE[spot.kind] * rng.uniform(0.85, 1.3), 1),
        places=spot.places, building=spot.building, lifecycle=lifecycle, level=level,
        since=networked_since, integrator=integrator, credentials=credentials)
