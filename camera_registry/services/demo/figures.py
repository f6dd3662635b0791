"""The campaign figures of a registry, by the rules written in docs/DEMO.md.

- built compound: at least one of its cameras is installed or networked;
- networked compound: built, and every installed/networked camera is networked to the
  county or city platform (planned and retired cameras do not count either way);
- networked channel: a camera networked to any platform (town, county or city), anywhere
  in the registry, inside a compound or not.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from camera_registry.choices import Lifecycle, NetworkedLevel
from camera_registry.models import Building, Camera, Compound, Division, KeyPlace

ACTIVE = (Lifecycle.INSTALLED, Lifecycle.NETWORKED)
PLATFORM_LEVELS = (NetworkedLevel.COUNTY, NetworkedLevel.CITY)
CHANNEL_LEVELS = (NetworkedLevel.TOWN, NetworkedLevel.COUNTY, NetworkedLevel.CITY)


@dataclass(frozen=True)
class Figures:
    divisions: int
    compounds: int
    campaign: int
    built: int
    networked: int
    weak: int
    buildings: int
    key_places: int
    cameras: int
    channels: int


def campaign_figures(session: Session) -> Figures:
    active = Camera.lifecycle.in_(ACTIVE)
    on_platform = and_(Camera.lifecycle == Lifecycle.NETWORKED,
                       Camera.networked_level.in_(PLATFORM_LEVELS))
    per_compound = (
        select(Camera.compound_id,
               func.sum(case((active, 1), else_=0)).label("active"),
               func.sum(case((and_(active, not_(on_platform)), 1), else_=0)).label("behind"))
        .where(Camera.compound_id.is_not(None)).group_by(Camera.compound_id).subquery())
    built, networked = session.execute(
        select(func.count(), func.sum(case((per_compound.c.behind == 0, 1), else_=0)))
        .select_from(per_compound).join(Compound, Compound.id == per_compound.c.compound_id)
        .where(Compound.in_campaign.is_(True), per_compound.c.active > 0)).one()

    def count(model, *where) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return Figures(
        divisions=count(Division), compounds=count(Compound),
        campaign=count(Compound, Compound.in_campaign.is_(True)), built=built or 0,
        networked=networked or 0, weak=count(Compound, Compound.weak.is_(True)),
        buildings=count(Building), key_places=count(KeyPlace), cameras=count(Camera),
        channels=count(Camera, Camera.lifecycle == Lifecycle.NETWORKED,
                       Camera.networked_level.in_(CHANNEL_LEVELS)))
