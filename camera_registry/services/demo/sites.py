"""The inside of a demo compound: buildings, key places and the spots where cameras go.

A compound is a rectangle W x H metres (x east, y north, origin at its south-west corner):
a south gate (and a north gate when it is large), a main road running north from the gate,
ground parking beside the gate, rows of buildings on both sides of the road with a unit-door
zone in front (south) of each, and a perimeter strip along the wall. Camera spots are listed
in the order an integrator would install them: gates first, then roads and parking, the
first unit door of every building, the wall corners, and finally the remaining unit doors.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

from camera_registry.services.demo.geometry import Rect, bearing, centre

WALL = 4.0  # width of the perimeter key place along the wall
GATE_HALF, GATE_DEPTH = 12.0, 12.0
ROAD_HALF = 4.0
FIRST_ROW = 42.0  # buildings start north of the gate, the parking and the first door zone
DOOR_DEPTH = 6.0


@dataclass
class BuildingPlan:
    name: str
    rect: Rect
    floors: int
    units: int


@dataclass
class PlacePlan:
    label: str  # appended to the compound name: 阳光花园 + 南门
    kind: str  # KeyPlaceKind value
    rect: Rect
    priority: int
    required_coverage: float
    band: bool = False  # the perimeter: a strip inside the rectangle's edge


@dataclass
class Spot:
    """Where a camera can go, what it looks at, and how it is usually built there."""

    label: str
    x: float
    y: float
    bearing: float
    kind: str  # CameraKind value
    height: float
    places: tuple[int, ...]  # indexes into Site.places
    building: Optional[int] = None  # index into Site.buildings
    tier: int = 5


@dataclass
class Site:
    width: float
    height: float
    buildings: list[BuildingPlan] = field(default_factory=list)
    places: list[PlacePlan] = field(default_factory=list)
    spots: list[Spot] = field(default_factory=list)

    def add_place(self, place: PlacePlan) -> int:
        self.places.append(place)
        return len(self.places) - 1


@dataclass(frozen=True)
class Style:
    """How a kind of compound is built: walk-up slabs, high-rise, or low village houses."""

    lengths: tuple[float, ...]
    depth: float
    row_gap: float
    floors: tuple[int, ...]
    unit_width: float
    keep: float  # share of building slots that hold a building (the rest is green space)


STYLES = {
    "old": Style((36.0, 42.0, 48.0, 54.0), 11.0, 18.0, (5, 6, 6, 7), 16.0, 0.6),
    "modern": Style((26.0, 40.0, 52.0, 60.0), 15.0, 30.0, (11, 18, 26, 33), 26.0, 0.55),
    "rural": Style((30.0, 36.0, 42.0), 11.0, 16.0, (3, 4, 5), 14.0, 0.5),
}


def plan_site(width: float, height: float, style_name: str, rng: random.Random) -> Site:
    site = Site(width, height)
    north_gate = height >= 260 or width >= 320
    gates = _gates(site, north_gate)
    road = _road(site, north_gate)
    parking = _parking(site)
    _buildings(site, STYLES[style_name], north_gate, rng)
    perimeter = site.add_place(PlacePlan("周界", "perimeter", (0.0, 0.0, width, height), 3, 0.6,
                                         band=True))
    _gate_spots(site, gates, road)
    _road_spots(site, road)
    _parking_spots(site, parking)
    _door_spots(site)
    _perimeter_spots(site, perimeter)
    site.spots.sort(key=lambda spot: spot.tier)  # stable: keeps the order within a tier
    return site


def _gates(site: Site, north_gate: bool) -> list[int]:
    mid = site.width / 2
    gates = [site.add_place(PlacePlan("南门", "gate", (mid - GATE_HALF, 0.0, mid + GATE_HALF,
                                                       GATE_DEPTH), 1, 1.0))]
    if north_gate:
        gates.append(site.add_place(PlacePlan(
            "北门", "gate", (mid - GATE_HALF, site.height - GATE_DEPTH, mid + GATE_HALF,
                             site.height), 1, 1.0)))
    return gates


def _road(site: Site, north_gate: bool) -> int:
    mid = site.width / 2
    end = site.height - (GATE_DEPTH if north_gate else 16.0)
    return site.add_place(PlacePlan("主干道", "road",
                                    (mid - ROAD_HALF, GATE_DEPTH, mid + ROAD_HALF, end), 2, 0.8))


def _parking(site: Site) -> int:
    x0 = site.width / 2 + 14.0
    x1 = x0 + min(70.0, site.width / 2 - 24.0)
    return site.add_place(PlacePlan("停车场", "parking", (x0, 8.0, x1, 30.0), 3, 0.8))


def _buildings(site: Site, style: Style, north_gate: bool, rng: random.Random) -> None:
    """Rows of buildings west and east of the main road, each with a door zone to its south."""
    mid = site.width / 2
    sides = ((10.0, mid - 10.0), (mid + 10.0, site.width - 10.0))
    top = site.height - (GATE_DEPTH + 16.0 if north_gate else 12.0)
    slots: list[Rect] = []
    y = FIRST_ROW
    while y + style.depth <= top:
        length = rng.choice(style.lengths)
        for x_start, x_end in sides:
            available = x_end - x_start
            count = int((available + 10.0) // (length + 10.0))
            size = length if count else available
            count = max(count, 1) if available >= 20.0 else 0
            for index in range(count):
                x0 = x_start + index * (size + 10.0)
                slots.append((x0, y, x0 + size, y + style.depth))
        y += style.depth + style.row_gap
    kept = [slot for slot in slots if rng.random() < style.keep] or slots[:1]
    for number, rect in enumerate(kept, start=1):
        units = max(1, round((rect[2] - rect[0]) / style.unit_width))
        floors = rng.choice(style.floors)
        building = BuildingPlan(f"{number}号楼", rect, floors, units)
        site.buildings.append(building)
        site.add_place(PlacePlan(f"{building.name}单元出入口", "building_entrance",
                                 (rect[0], rect[1] - DOOR_DEPTH, rect[2], rect[1]), 2, 1.0))


def _gate_spots(site: Site, gates: list[int], road: int) -> None:
    for gate in gates:
        place = site.places[gate]
        x0, y0, x1, y1 = place.rect
        cx, cy = centre(place.rect)
        inner_y = y1 + 1.0 if y0 == 0.0 else y0 - 1.0  # the compound side of the gate
        for x, side in ((x1 + 1.0, "入口"), (x0 - 1.0, "出口")):
            site.spots.append(Spot(f"{place.label}{side}", x, inner_y, bearing(x, inner_y, cx, cy),
                                   "bullet", 4.0, (gate, road) if side == "入口" else (gate,),
                                   tier=1))
        site.spots.append(Spot(f"{place.label}人脸抓拍", cx, inner_y,
                               bearing(cx, inner_y, cx, cy), "dome", 3.2, (gate,), tier=5))


def _road_spots(site: Site, road: int) -> None:
    x0, y0, x1, y1 = site.places[road].rect
    site.spots.append(Spot("主干道南段", x1 + 1.0, y0 + 2.0, 0.0, "bullet", 5.5, (road,), tier=2))
    site.spots.append(Spot("主干道北段", x0 - 1.0, y1 - 2.0, 180.0, "bullet", 5.5, (road,),
                           tier=2))
    if y1 - y0 > 200.0:
        site.spots.append(Spot("主干道中段", x1 + 1.0, (y0 + y1) / 2, 0.0, "ptz", 8.0, (road,),
                               tier=5))


def _parking_spots(site: Site, parking: int) -> None:
    rect = site.places[parking].rect
    cx, cy = centre(rect)
    site.spots.append(Spot("停车场", rect[2], rect[3], bearing(rect[2], rect[3], cx, cy),
                           "bullet", 5.0, (parking,), tier=2))
    site.spots.append(Spot("停车场入口", rect[0], rect[1], bearing(rect[0], rect[1], cx, cy),
                           "dome", 4.0, (parking,), tier=5))


def _door_spots(site: Site) -> None:
    """One dome above every unit door, looking south over the door zone."""
    doors = [index for index, place in enumerate(site.places) if place.kind == "building_entrance"]
    for number, (building, door) in enumerate(zip(site.buildings, doors)):
        x0, y0, x1, _ = building.rect
        step = (x1 - x0) / building.units
        for unit in range(building.units):
            site.spots.append(Spot(f"{building.name}{unit + 1}单元", x0 + (unit + 0.5) * step, y0,
                                   180.0, "dome", 3.0, (door,), number, tier=3 if unit == 0 else 5))


def _perimeter_spots(site: Site, perimeter: int) -> None:
    """A bullet in each wall corner looking along the wall, clockwise round the compound."""
    w, h = site.width, site.height
    corners = (("周界西南角", 2.0, 2.0, 0.0), ("周界西北角", 2.0, h - 2.0, 90.0),
               ("周界东北角", w - 2.0, h - 2.0, 180.0), ("周界东南角", w - 2.0, 2.0, 270.0))
    for label, x, y, heading in corners:
        site.spots.append(Spot(label, x, y, heading, "bullet", 5.0, (perimeter,), tier=4))
