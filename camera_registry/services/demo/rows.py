"""Turn the demo plan into table rows (plain dicts) with their ids, ready for bulk inserts.

Ids are handed out here, in the plan's fixed order, so that rows can refer to each other
without asking the database; the same plan on an empty database gives the same ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from camera_registry.choices import DivisionLevel, Lifecycle
from camera_registry.services.credentials import CredentialBox
from camera_registry.services.demo import names
from camera_registry.services.demo.cameras import CameraPlan
from camera_registry.services.demo.city import CityPlan, CommunityPlan, CompoundPlan, CountyPlan
from camera_registry.services.demo.geometry import Frame, shift
from camera_registry.services.demo.sites import WALL
from camera_registry.services.demo.statuses import targets
from camera_registry.services.demo.streams import StreamCatalog

Row = dict[str, Any]
TABLES = ("divisions", "compounds", "buildings", "key_places", "cameras")


@dataclass
class Rows:
    divisions: list[Row] = field(default_factory=list)
    compounds: list[Row] = field(default_factory=list)
    buildings: list[Row] = field(default_factory=list)
    key_places: list[Row] = field(default_factory=list)
    cameras: list[Row] = field(default_factory=list)
    camera_key_places: list[Row] = field(default_factory=list)


class RowBuilder:
    def __init__(self, first_ids: dict[str, int], streams: StreamCatalog, box: CredentialBox,
                 now: datetime) -> None:
        self.next_ids = dict(first_ids)
        self.streams = streams
        self.box = box
        self.now = now
        self.rows = Rows()

    def build(self, plan: CityPlan) -> Rows:
        province = self._division(*names.PROVINCE, DivisionLevel.PROVINCE, None)
        city = self._division(*names.CITY, DivisionLevel.CITY, province)
        for county in plan.counties:
            county_id = self._division(county.code, county.info.name, DivisionLevel.COUNTY, city)
            for town in county.towns:
                town_id = self._division(town.code, town.name, DivisionLevel.TOWN, county_id)
                for community in town.communities:
                    community_id = self._division(community.code, community.name,
                                                  DivisionLevel.COMMUNITY, town_id)
                    self._community(county, community, community_id)
        return self.rows

    def _id(self, table: str) -> int:
        ident = self.next_ids[table]
        self.next_ids[table] = ident + 1
        return ident

    def _division(self, code: str, name: str, level: str, parent_id: Optional[int]) -> int:
        ident = self._id("divisions")
        self.rows.divisions.append({"id": ident, "code": code, "name": name, "level": level,
                                    "parent_id": parent_id})
        return ident

    def _community(self, county: CountyPlan, community: CommunityPlan, division_id: int) -> None:
        frame = county.frame
        for compound in community.compounds:
            self._compound(frame, compound, division_id)
        place_ids = [self._key_place(place.name, place.kind, frame.polygon(place.rect),
                                     division_id, None, 1.0, place.priority)
                     for place in community.places]
        for camera in community.cameras:
            self._camera(frame, camera, division_id, None, place_ids, [])

    def _compound(self, frame: Frame, compound: CompoundPlan, division_id: int) -> None:
        ident = self._id("compounds")
        site, (dx, dy) = compound.site, compound.origin
        built_target, networked_target = targets(compound)
        self.rows.compounds.append({
            "id": ident, "name": compound.name, "division_id": division_id,
            "address": compound.address,
            "boundary": frame.polygon((dx, dy, dx + site.width, dy + site.height)),
            "in_campaign": compound.in_campaign, "weak": compound.weak,
            "built_target": built_target, "networked_target": networked_target})
        building_ids = []
        for building in site.buildings:
            building_ids.append(self._id("buildings"))
            self.rows.buildings.append({
                "id": building_ids[-1], "name": building.name, "compound_id": ident,
                "footprint": frame.polygon(shift(building.rect, dx, dy)),
                "floors": building.floors})
        place_ids = []
        for place in site.places:
            rect = shift(place.rect, dx, dy)
            polygon = frame.band(rect, WALL) if place.band else frame.polygon(rect)
            place_ids.append(self._key_place(f"{compound.name}{place.label}", place.kind,
                                             polygon, division_id, ident,
                                             place.required_coverage, place.priority))
        for camera in compound.cameras:
            self._camera(frame, camera, division_id, ident, place_ids, building_ids)

    def _key_place(self, name: str, kind: str, polygon: dict, division_id: int,
                   compound_id: Optional[int], required_coverage: float, priority: int) -> int:
        ident = self._id("key_places")
        self.rows.key_places.append({
            "id": ident, "name": name, "kind": kind, "polygon": polygon,
            "division_id": division_id, "compound_id": compound_id,
            "required_coverage": required_coverage, "priority": priority})
        return ident

    def _camera(self, frame: Frame, camera: CameraPlan, division_id: int,
                compound_id: Optional[int], place_ids: list[int], building_ids: list[int]) -> None:
        ident = self._id("cameras")
        lon, lat = frame.point(camera.x, camera.y)
        username, password = camera.credentials or (None, None)
        self.rows.cameras.append({
            "id": ident, "code": camera.code, "name": camera.name, "kind": camera.kind,
            "stream_url": self.streams.url_for(camera.code),
            "stream_username_enc": self.box.encrypt(username),
            "stream_password_enc": self.box.encrypt(password),
            "lon": lon, "lat": lat, "height_m": camera.height, "bearing_deg": camera.bearing,
            "fov_deg": camera.fov, "range_m": camera.range, "division_id": division_id,
            "compound_id": compound_id,
            "building_id": None if camera.building is None else building_ids[camera.building],
            "lifecycle": camera.lifecycle, "networked_level": camera.level,
            "networked_since": camera.since, "integrator": camera.integrator,
            # Nothing to probe on a camera that is not up yet or no longer there.
            "probe_enabled": camera.lifecycle in (Lifecycle.INSTALLED, Lifecycle.NETWORKED),
            "probe_interval_s": None, "created_at": self.now, "updated_at": self.now})
        for place in camera.places:
            self.rows.camera_key_places.append({"camera_id": ident,
                                                "key_place_id": place_ids[place]})
