"""The demo city: valid by the registry's own rules, deterministic, and true to its figures."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import cv2
import numpy as np
import pytest
from shapely import STRtree
from shapely.geometry import shape
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from camera_registry import migrate
from camera_registry.choices import DivisionLevel
from camera_registry.database import make_engine
from camera_registry.models import (Building, Camera, Compound, Division, KeyPlace,
                                    camera_key_places)
from camera_registry.services import demo
from camera_registry.services.cameras import CameraResource
from camera_registry.services.credentials import CredentialBox
from camera_registry.services.crud import validate
from camera_registry.services.demo.streams import CLIPS, DEAD, StreamCatalog, clip_for
from health_checks.diagnosis import diagnose
from health_checks.testing import clips as testing_clips

NOW = datetime(2026, 1, 1, 8, 0, 0)
TABLES = (Division.__table__, Compound.__table__, Building.__table__, KeyPlace.__table__,
          Camera.__table__, camera_key_places)


@pytest.fixture
def small(app, session) -> demo.DemoSummary:
    return demo.build_demo(session, app.config, app.instance_path, small=True, now=NOW)


def test_small_demo_is_one_district_with_a_few_compounds(small, session):
    f = small.figures
    assert (f.campaign, f.built, f.networked, f.channels, f.weak) == (5, 4, 2, 30, 1)
    assert f.compounds == 6 and 30 <= f.cameras <= 50
    levels = session.execute(select(Division.level, Division.code, Division.name)
                             .order_by(Division.code)).all()
    assert [(level, code) for level, code, _ in levels[:3]] == [
        ("province", "370000"), ("city", "371300"), ("county", "371302")]
    assert [name for _, _, name in levels[:3]] == ["山东省", "临沂市", "兰山区"]
    assert sum(level == "town" for level, *_ in levels) == 2
    assert sum(level == "community" for level, *_ in levels) == 4


def test_every_demo_object_passes_the_registrys_validation(small, app, session):
    resources = app.extensions["camreg_resources"]
    for name in ("divisions", "compounds", "buildings", "key-places", "cameras"):
        resource = resources[name]
        objects = session.scalars(select(resource.model)
                                  .options(*resource.load_options())).unique().all()
        assert objects, name
        for obj in objects:
            validate(resource, resource.to_input(obj), {"allow_file_streams": True})


def test_demo_objects_follow_the_cross_object_rules(small, session):
    """What CameraResource.apply and the other resources check against the registry."""
    for division in session.scalars(select(Division).where(Division.parent_id.is_not(None))):
        assert division.code.startswith(division.parent.subtree_prefix)
        assert len(division.code) == DivisionLevel.CODE_LENGTH[division.level]
        assert DivisionLevel.rank(division.level) > DivisionLevel.rank(division.parent.level)
    for compound in session.scalars(select(Compound)):
        assert compound.division.level == DivisionLevel.COMMUNITY
    for camera in session.scalars(select(Camera)):
        division = camera.compound.division if camera.compound else camera.division
        assert camera.division_id == division.id
        assert camera.code[:6] == division.code[:6]
        assert camera.code[8:10] in ("00", "01") and camera.code[10:13] in ("131", "132")
        if camera.building is not None:
            assert camera.building.compound_id == camera.compound_id
        assert camera.key_places, camera.name
        for place in camera.key_places:
            assert place.division.code[:6] == division.code[:6]
            assert place.compound_id == camera.compound_id


def test_demo_geometry_is_plausible(small, session):
    compounds = session.scalars(select(Compound)).all()
    boundaries = {c.id: shape(c.boundary) for c in compounds}
    assert _overlapping(list(boundaries.values())) == 0
    for boundary in boundaries.values():
        minx, miny, maxx, maxy = boundary.bounds
        assert 118.2 < minx < maxx < 118.6 and 34.9 < miny < maxy < 35.3
        width_m, height_m = (maxx - minx) * 91_000, (maxy - miny) * 111_000
        assert 90 < width_m < 410 and 90 < height_m < 410
    buildings = session.scalars(select(Building)).all()
    for building in buildings:
        assert boundaries[building.compound_id].contains(shape(building.footprint))
    assert _overlapping([shape(b.footprint) for b in buildings]) == 0
    for place in session.scalars(select(KeyPlace).where(KeyPlace.compound_id.is_not(None))):
        assert boundaries[place.compound_id].buffer(1e-9).contains(shape(place.polygon))
    for camera in session.scalars(select(Camera).where(Camera.compound_id.is_not(None))):
        assert boundaries[camera.compound_id].buffer(1e-9).contains(
            shape({"type": "Point", "coordinates": [camera.lon, camera.lat]}))


def test_demo_is_deterministic(app, session):
    box = CredentialBox.from_config(app.config)
    demo.build_demo(session, app.config, app.instance_path, small=True, now=NOW)
    first = _snapshot(session, box)
    demo.reset_database(session)
    demo.build_demo(session, app.config, app.instance_path, small=True, now=NOW)
    assert _snapshot(session, box) == first


def test_demo_cameras_open_real_clips(small, session):
    urls = session.scalars(select(Camera.stream_url)).all()
    files = {Path(url2pathname(urlsplit(url).path)) for url in urls}
    assert all(urlsplit(url).scheme == "file" for url in urls)
    assert {path.stem for path in files if path.is_file()} == set(CLIPS) - {DEAD}
    assert {path.stem for path in files if not path.exists()} == {DEAD}
    clips = {Path(path).stem: _read(path) for path in small.clips}
    for name, frames in clips.items():
        assert len(frames) >= 20 and frames[0].shape == (360, 640, 3), name
        # The diagnosis finds in each clip what the clip is meant to show.
        case = CLIPS[name][0]
        found = diagnose([frame.astype(np.uint8) for frame in frames[:15]]).faults
        assert set(found) == testing_clips.CASES[case][1], (name, found)


def test_the_small_demo_shows_every_clip(small, session):
    urls = session.scalars(select(Camera.stream_url)).all()
    assert {Path(urlsplit(url).path).stem for url in urls} == set(CLIPS)


def test_the_clip_mapping_can_switch_to_rtsp(tmp_path):
    code = "37130201011320000001"
    catalog = StreamCatalog(tmp_path, "rtsp://127.0.0.1:8554/")
    assert catalog.url_for(code) == f"rtsp://127.0.0.1:8554/{clip_for(code)}"
    assert StreamCatalog(tmp_path).url_for(code) == (tmp_path / f"{clip_for(code)}.ts").as_uri()


def test_dead_demo_cameras_point_where_nothing_listens(tmp_path):
    catalog = StreamCatalog(tmp_path, "rtsp://127.0.0.1:8554", every_clip=True)
    urls = [catalog.url_for(f"3713020101132000{n:04d}") for n in range(len(CLIPS))]
    assert "rtsp://127.0.0.1:8555/dead" in urls


def test_some_demo_cameras_have_encrypted_credentials(small, app, session):
    box = CredentialBox.from_config(app.config)
    cameras = session.scalars(select(Camera).where(Camera.stream_password_enc.is_not(None))).all()
    assert 0 < len(cameras) < small.figures.cameras / 2
    for camera in cameras:
        assert box.decrypt(camera.stream_username_enc) == "admin"
        assert len(box.decrypt(camera.stream_password_enc)) == 10
        assert camera.lifecycle in ("installed", "networked")


# --- the full city: built once for this module, on its own SQLite database ---------------

@pytest.fixture(scope="module")
def full_city(tmp_path_factory, demo_streams_path):
    folder = tmp_path_factory.mktemp("full_city")
    url = f"sqlite:///{folder / 'city.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    config = {"SECRET_KEY": "full-city", "DEMO_STREAMS_PATH": demo_streams_path}
    with Session(engine) as session:
        summary = demo.build_demo(session, config, folder / "instance", now=NOW)
        yield session, summary
    engine.dispose()


def test_full_city_reproduces_the_linyi_figures(full_city):
    session, summary = full_city
    assert summary.seconds < 60

    def count(sql: str) -> int:
        return session.scalar(text(sql))

    active = "k.lifecycle IN ('installed', 'networked')"
    built = (f"c.in_campaign AND EXISTS (SELECT 1 FROM cameras k WHERE k.compound_id = c.id "
             f"AND {active})")
    behind = (f"EXISTS (SELECT 1 FROM cameras k WHERE k.compound_id = c.id AND {active} AND NOT "
              f"(k.lifecycle = 'networked' AND k.networked_level IN ('county', 'city')))")
    assert count("SELECT COUNT(*) FROM compounds WHERE in_campaign") == 2366
    assert count(f"SELECT COUNT(*) FROM compounds c WHERE {built}") == 1524
    assert count(f"SELECT COUNT(*) FROM compounds c WHERE {built} AND NOT {behind}") == 930
    assert count("SELECT COUNT(*) FROM cameras WHERE lifecycle = 'networked' "
                 "AND networked_level IN ('town', 'county', 'city')") == 17475
    assert count("SELECT COUNT(*) FROM compounds WHERE weak AND in_campaign") == 522
    assert count("SELECT COUNT(*) FROM compounds WHERE NOT in_campaign") == 300
    assert 17_500 <= count("SELECT COUNT(*) FROM cameras") <= 20_000
    assert 13_000 <= count("SELECT COUNT(*) FROM buildings") <= 17_000
    # Networked channels outside the 930 networked compounds exist and are counted.
    assert count("SELECT COUNT(*) FROM cameras WHERE networked_level = 'town'") > 0
    assert count("SELECT COUNT(*) FROM cameras WHERE compound_id IS NULL "
                 "AND lifecycle = 'networked'") > 0
    f = summary.figures
    assert (f.campaign, f.built, f.networked, f.channels, f.weak) == (2366, 1524, 930, 17475, 522)


def test_full_city_divisions_targets_and_dates(full_city):
    session, _ = full_city
    counties = session.execute(select(Division.code, Division.name)
                               .where(Division.level == "county")).all()
    assert {"371302", "371311", "371312", "371321", "371329"} <= {code for code, _ in counties}
    assert dict(counties)["371311"] == "罗庄区" and len(counties) == 12
    demonstration = select(Compound.id).where(Compound.networked_target == date(2017, 11, 30))
    assert len(session.scalars(demonstration).all()) == 240
    late = session.scalar(select(Camera.id).where(
        Camera.compound_id.in_(demonstration), Camera.networked_level.in_(("county", "city")),
        Camera.networked_since > date(2017, 11, 30)))
    assert late is None
    assert session.scalar(select(Compound.id).where(
        Compound.in_campaign.is_(False), Compound.networked_target.is_not(None))) is None
    assert session.scalar(select(Camera.id).where(Camera.networked_since > date(2017, 12, 31))) \
        is None


def test_full_city_is_valid_and_does_not_overlap(full_city):
    session, _ = full_city
    resource = CameraResource(CredentialBox("A" * 43 + "="), allow_file_streams=True)
    cameras = session.scalars(select(Camera).options(*resource.load_options())).unique().all()
    for camera in cameras:
        validate(resource, resource.to_input(camera), {"allow_file_streams": True})
    assert len({camera.code for camera in cameras}) == len(cameras)
    boundaries = [shape(boundary) for boundary in session.scalars(select(Compound.boundary))]
    assert _overlapping(boundaries) == 0


def _overlapping(polygons) -> int:
    left, right = STRtree(polygons).query(polygons, predicate="intersects")
    return int((left < right).sum())


def _read(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame.astype(np.float64))
    capture.release()
    return frames


def _snapshot(session, box: CredentialBox) -> dict[str, list[dict]]:
    snapshot = {}
    for table in TABLES:
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        snapshot[table.name] = [
            {key: box.decrypt(value) if key.endswith("_enc") else value
             for key, value in row.items()} for row in rows]
    return snapshot
