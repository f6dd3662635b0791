"""Which demo compounds are in the Safe Compound campaign, built, networked, weak, demonstration.

Choices are weighted draws without replacement, so the counts are exact (the scale's figures)
while urban compounds are more often networked and village ones more often left behind,
as in the real campaign.
"""
from __future__ import annotations

import random
from datetime import date
from typing import Sequence, TypeVar

from camera_registry.services.demo.city import CityPlan, CompoundPlan

T = TypeVar("T")

# Campaign deadlines (DOMAIN.md): demonstration compounds networked by the end of November
# 2017, all others by the end of the next half-year.
DEMONSTRATION_BUILT = date(2017, 10, 31)
DEMONSTRATION_NETWORKED = date(2017, 11, 30)
OTHERS_BUILT = date(2018, 3, 31)
OTHERS_NETWORKED = date(2018, 6, 30)

NETWORKED, BUILT, UNBUILT, OUTSIDE = "networked", "built", "unbuilt", "outside"

# Relative chances by setting: core (urban streets), seat (a county seat's streets),
# suburb (urban-district towns and town seats) and village.
OUTSIDE_WEIGHT = {"core": 1.0, "seat": 1.0, "suburb": 1.5, "village": 2.5}
NETWORKED_WEIGHT = {"core": 5.0, "seat": 3.0, "suburb": 1.5, "village": 1.0}
BUILT_WEIGHT = {"core": 3.0, "seat": 2.5, "suburb": 1.5, "village": 1.0}
DEMONSTRATION_WEIGHT = {NETWORKED: 6.0, BUILT: 1.0}
WEAK_WEIGHT = {UNBUILT: 3.0, BUILT: 2.0, NETWORKED: 1.0}


def weighted_sample(items: Sequence[T], weights: Sequence[float], k: int,
                    rng: random.Random) -> list[T]:
    """k distinct items, each drawn with chance proportional to its weight (Efraimidis-Spirakis)."""
    if k > len(items):
        raise ValueError(f"cannot choose {k} out of {len(items)}")
    keys = [rng.random() ** (1.0 / weight) for weight in weights]
    order = sorted(range(len(items)), key=lambda i: (-keys[i], i))
    return [items[i] for i in order[:k]]


def assign_statuses(plan: CityPlan, rng: random.Random) -> None:
    scale = plan.scale
    settings: dict[int, str] = {}
    compounds: list[CompoundPlan] = []
    for county, town, community, compound in plan.compounds():
        settings[id(compound)] = _setting(county.info.urban, town.street, community.village)
        compounds.append(compound)

    def setting(compound: CompoundPlan) -> str:
        return settings[id(compound)]

    outside = weighted_sample(compounds, [OUTSIDE_WEIGHT[setting(c)] for c in compounds],
                              len(compounds) - scale.campaign, rng)
    _mark(outside, state=OUTSIDE)
    campaign = [c for c in compounds if c.state != OUTSIDE]
    for compound in campaign:
        compound.in_campaign, compound.state = True, UNBUILT
    networked = weighted_sample(campaign, [NETWORKED_WEIGHT[setting(c)] for c in campaign],
                                scale.networked, rng)
    _mark(networked, state=NETWORKED)
    rest = [c for c in campaign if c.state == UNBUILT]
    built = weighted_sample(rest, [BUILT_WEIGHT[setting(c)] for c in rest],
                            scale.built - scale.networked, rng)
    _mark(built, state=BUILT)
    candidates = [c for c in campaign if c.state in DEMONSTRATION_WEIGHT]
    _mark(weighted_sample(candidates, [DEMONSTRATION_WEIGHT[c.state] for c in candidates],
                          scale.demonstration, rng), demonstration=True)
    _mark(weighted_sample(campaign, [WEAK_WEIGHT[c.state] * (2.0 if c.style == "old" else 1.0)
                                     for c in campaign], scale.weak, rng), weak=True)


def targets(compound: CompoundPlan) -> tuple[date | None, date | None]:
    """The built and networked deadlines of a compound (none outside the campaign)."""
    if not compound.in_campaign:
        return None, None
    if compound.demonstration:
        return DEMONSTRATION_BUILT, DEMONSTRATION_NETWORKED
    return OTHERS_BUILT, OTHERS_NETWORKED


def _setting(urban: bool, street: bool, village: bool) -> str:
    if village:
        return "village"
    if street:
        return "core" if urban else "seat"
    return "suburb"


def _mark(compounds: list[CompoundPlan], **values) -> None:
    for compound in compounds:
        for name, value in values.items():
            setattr(compound, name, value)
