"""The plan of the demo city: divisions, compounds and public key places, laid out on the map.

Sizes are decided bottom-up (compounds -> communities -> towns -> counties) and packed so
that nothing overlaps; each county's block is then centred on its real seat and nudged apart
from its neighbours where the urban districts would touch.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from camera_registry.services.demo import names
from camera_registry.services.demo.geometry import METRES_PER_DEGREE, Frame, Rect, pack, shift
from camera_registry.services.demo.sites import Site, plan_site

if TYPE_CHECKING:
    from camera_registry.services.demo.cameras import CameraPlan

COMPOUND_GAP, COMMUNITY_GAP, TOWN_GAP = 30.0, 60.0, 150.0


@dataclass(frozen=True)
class Scale:
    """How big a demo to build, and the campaign figures it must reproduce exactly."""

    name: str
    counties: tuple[str, ...]
    compounds: dict[str, int]  # per county, campaign and outside it
    towns: Optional[int]  # towns per county (None: every town in names.COUNTIES)
    communities: Optional[int]  # communities per town (None: from the number of compounds)
    campaign: int
    built: int
    networked: int
    channels: int  # networked cameras in the whole city
    weak: int
    demonstration: int


FULL = Scale("full", tuple(c.code for c in names.COUNTIES),
             {c.code: c.compounds for c in names.COUNTIES}, None, None,
             campaign=2366, built=1524, networked=930, channels=17475, weak=522,
             demonstration=240)
SMALL = Scale("small", ("371302",), {"371302": 6}, towns=2, communities=2,
              campaign=5, built=4, networked=2, channels=30, weak=1, demonstration=1)


@dataclass
class PublicPlace:
    """A key place owned by a community rather than a compound: school gate, hospital..."""

    name: str
    kind: str
    size: tuple[float, float]
    priority: int
    rect: Rect = (0.0, 0.0, 0.0, 0.0)  # in the county frame, once laid out


@dataclass
class CompoundPlan:
    name: str
    style: str
    address: str
    site: Site
    origin: tuple[float, float] = (0.0, 0.0)  # south-west corner in the county frame
    # Campaign state, decided in statuses.py.
    in_campaign: bool = False
    state: str = "none"  # networked, built, unbuilt (campaign) or outside
    weak: bool = False
    demonstration: bool = False
    cameras: list["CameraPlan"] = field(default_factory=list)  # decided in cameras.py


@dataclass
class CommunityPlan:
    code: str
    name: str
    village: bool
    compounds: list[CompoundPlan] = field(default_factory=list)
    places: list[PublicPlace] = field(default_factory=list)
    cameras: list["CameraPlan"] = field(default_factory=list)  # at the public places
    origin: tuple[float, float] = (0.0, 0.0)
    size: tuple[float, float] = (0.0, 0.0)


@dataclass
class TownPlan:
    code: str
    name: str
    index: int  # 1-based within the county: digits 7-8 of its cameras' national codes
    street: bool  # a street (街道) of the urban area rather than a town (镇)
    integrator: str
    communities: list[CommunityPlan] = field(default_factory=list)
    origin: tuple[float, float] = (0.0, 0.0)
    size: tuple[float, float] = (0.0, 0.0)


@dataclass
class CountyPlan:
    info: names.CountyInfo
    integrators: list[str]
    towns: list[TownPlan] = field(default_factory=list)
    size: tuple[float, float] = (0.0, 0.0)
    frame: Frame = field(default_factory=lambda: Frame(0.0, 0.0))

    @property
    def code(self) -> str:
        return self.info.code


@dataclass
class CityPlan:
    scale: Scale
    counties: list[CountyPlan]

    def compounds(self):
        """(county, town, community, compound) for every compound, in a fixed order."""
        for county in self.counties:
            for town in county.towns:
                for community in town.communities:
                    for compound in community.compounds:
                        yield county, town, community, compound

    def communities(self):
        for county in self.counties:
            for town in county.towns:
                for community in town.communities:
                    yield county, town, community


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each at least minimum."""
    if total < minimum * len(weights):
        raise ValueError(f"cannot give {len(weights)} parts at least {minimum} out of {total}")
    spare = total - minimum * len(weights)
    scale = sum(weights)
    shares = [spare * weight / scale for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: spare - sum(counts)]:
        counts[i] += 1
    return [count + minimum for count in counts]


def plan_city(scale: Scale, rng: random.Random) -> CityPlan:
    counties = [_plan_county(info, scale, rng) for info in names.COUNTIES
                if info.code in scale.counties]
    _place_counties(counties)
    return CityPlan(scale, counties)


def _plan_county(info: names.CountyInfo, scale: Scale, rng: random.Random) -> CountyPlan:
    integrators = rng.sample(names.INTEGRATORS, 3 if info.urban else 2)
    county = CountyPlan(info, integrators)
    town_names = info.towns[: scale.towns] if scale.towns else info.towns
    streets = [name.endswith("街道") for name in town_names]
    # The urban streets and a county's seat hold most of the compounds.
    weights = [(2.0 if street else 0.8) if info.urban else (4.0 if street else 1.0)
               for street in streets]
    counts = apportion(scale.compounds[info.code], weights, minimum=1)
    street_number = town_number = 0
    taken_communities: set[str] = set()
    for index, (name, street, count) in enumerate(zip(town_names, streets, counts), start=1):
        # GB/T 10114: streets are numbered 001-099 and towns 100-199 within the county.
        if street:
            street_number += 1
            code = f"{info.code}{street_number:03d}"
        else:
            town_number += 1
            code = f"{info.code}{100 + town_number:03d}"
        town = TownPlan(code, name, index, street, rng.choice(integrators))
        _plan_communities(county, town, count, scale, taken_communities, rng)
        county.towns.append(town)
    offsets, county.size = pack([town.size for town in county.towns], TOWN_GAP, aspect=1.3)
    for town, offset in zip(county.towns, offsets):
        town.origin = offset
    _settle(county)
    return county


def _plan_communities(county: CountyPlan, town: TownPlan, compounds: int, scale: Scale,
                      taken: set[str], rng: random.Random) -> None:
    per_community = 6.0 if county.info.urban else 4.5
    number = scale.communities or max(2, round(compounds / per_community))
    number = min(number, compounds)
    counts = apportion(compounds, [rng.uniform(0.6, 1.4) for _ in range(number)], minimum=1)
    for index, count in enumerate(counts):
        # Towns (镇) have a seat community and villages; GB/T 10114 numbers villages from 200.
        village = not town.street and index > 0
        suffix = 200 + index if village else 1 + index
        make = names.village_name if village else names.community_name
        community = CommunityPlan(f"{town.code}{suffix:03d}", names.unique(make, taken, rng),
                                  village)
        _plan_compounds(county, town, community, count, rng)
        _plan_public_places(county, town, community, index, rng)
        _pack_community(community)
        town.communities.append(community)
    offsets, town.size = pack([c.size for c in town.communities], COMMUNITY_GAP)
    for community, offset in zip(town.communities, offsets):
        community.origin = offset


def _plan_compounds(county: CountyPlan, town: TownPlan, community: CommunityPlan, count: int,
                    rng: random.Random) -> None:
    taken: set[str] = set()
    for _ in range(count):
        name, style = _compound_name(community, taken, rng)
        small = style == "rural" or not county.info.urban and not town.street
        width, height = (_side(rng, 100.0, 220.0) if small else _side(rng, 100.0, 400.0)
                         for _ in range(2))
        address = (f"{county.info.name}{town.name}{community.name}" if community.village else
                   f"{county.info.name}{town.name}{rng.choice(names.ROADS)}"
                   f"{rng.randint(1, 399)}号")
        community.compounds.append(CompoundPlan(name, style, address,
                                                plan_site(width, height, style, rng)))


def _compound_name(community: CommunityPlan, taken: set[str],
                   rng: random.Random) -> tuple[str, str]:
    for _ in range(40):
        name, style = names.compound_name(rng, rural=community.village)
        if name not in taken:
            taken.add(name)
            return name, style
    raise ValueError(f"no free compound name in {community.name}")


def _side(rng: random.Random, low: float, high: float) -> float:
    """A compound side in metres, rounded to 5 m; small compounds are the commonest."""
    return round((low + (high - low) * rng.random() ** 1.8) / 5.0) * 5.0


def _plan_public_places(county: CountyPlan, town: TownPlan, community: CommunityPlan,
                        index: int, rng: random.Random) -> None:
    """Key places outside compounds (school gates, hospitals, markets, squares)."""
    town_stem = names.stem(town.name)
    if index == 0:
        school = rng.choice(names.SCHOOLS)
        community.places.append(PublicPlace(f"{town_stem}{school}校门口", "school_gate",
                                            (60.0, 25.0), 1))
        if town.index == 1:
            community.places.append(PublicPlace(f"{names.stem(county.info.name)}人民医院",
                                                "hospital", (110.0, 50.0), 1))
        elif town.street or rng.random() < 0.5:
            label = "社区卫生服务中心" if town.street else "中心卫生院"
            community.places.append(PublicPlace(f"{town_stem}{label}", "hospital", (80.0, 40.0),
                                                2))
    if index == 1:
        if rng.random() < 0.7:
            community.places.append(PublicPlace(f"{town_stem}农贸市场", "market", (90.0, 70.0),
                                                2))
        if town.street and rng.random() < 0.6:
            community.places.append(PublicPlace(f"{town_stem}文化广场", "square", (110.0, 100.0),
                                                2))


def _pack_community(community: CommunityPlan) -> None:
    """Compounds and public places side by side, a street (COMPOUND_GAP) apart."""
    items = [(c.site.width, c.site.height) for c in community.compounds] + [
        place.size for place in community.places]
    offsets, community.size = pack(items, COMPOUND_GAP)
    for compound, offset in zip(community.compounds, offsets):
        compound.origin = offset
    for place, offset in zip(community.places, offsets[len(community.compounds):]):
        place.rect = (offset[0], offset[1], offset[0] + place.size[0], offset[1] + place.size[1])


def _settle(county: CountyPlan) -> None:
    """Turn community-relative positions into county-frame positions."""
    for town in county.towns:
        for community in town.communities:
            dx, dy = town.origin[0] + community.origin[0], town.origin[1] + community.origin[1]
            for compound in community.compounds:
                compound.origin = (compound.origin[0] + dx, compound.origin[1] + dy)
            for place in community.places:
                place.rect = shift(place.rect, dx, dy)


def _place_counties(counties: list[CountyPlan]) -> None:
    """Centre each county block on its seat, then push overlapping blocks apart."""
    boxes = []
    for county in counties:
        width = county.size[0] / (METRES_PER_DEGREE * math.cos(math.radians(county.info.lat)))
        height = county.size[1] / METRES_PER_DEGREE
        boxes.append([county.info.lon - width / 2, county.info.lat - height / 2, width, height])
    margin = 0.01  # about 1 km of fields or river between two districts
    for _ in range(100):
        moved = False
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                if _overlap(a, b, margin):
                    _push_apart(a, b, margin)
                    moved = True
        if not moved:
            break
    else:
        raise RuntimeError("demo counties still overlap")
    for county, (lon, lat, _, _) in zip(counties, boxes):
        county.frame = Frame(round(lon, 6), round(lat, 6))


def _overlap(a: list[float], b: list[float], margin: float) -> bool:
    return (a[0] < b[0] + b[2] + margin and b[0] < a[0] + a[2] + margin
            and a[1] < b[1] + b[3] + margin and b[1] < a[1] + a[3] + margin)


def _push_apart(a: list[float], b: list[float], margin: float) -> None:
    """Move both boxes apart along the axis where that takes the smaller move."""
    dx = min(a[0] + a[2] + margin - b[0], b[0] + b[2] + margin - a[0])
    dy = min(a[1] + a[3] + margin - b[1], b[1] + b[3] + margin - a[1])
    if dx <= dy:
        sign = 1.0 if b[0] + b[2] / 2 >= a[0] + a[2] / 2 else -1.0
        a[0] -= sign * dx / 2
        b[0] += sign * dx / 2
    else:
        sign = 1.0 if b[1] + b[3] / 2 >= a[1] + a[3] / 2 else -1.0
        a[1] -= sign * dy / 2
        b[1] += sign * dy / 2
