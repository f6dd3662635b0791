"""Coverage geometry against answers worked out by hand (docs/COVERAGE.md, "Checking by hand").

Every layout is drawn in metres in one local frame and converted to WGS-84, as the registry
stores it; the engine must find the same figures after projecting back.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Point, box

from camera_registry.coverage import (CameraInput, CoverageStatus, LocalFrame, PlaceInput,
                                      blind_spots, classify, summarise, views_of,
                                      visible_polygons)
from camera_registry.coverage.frames import metres_per_degree
from camera_registry.coverage.status import UNCOVERED_BELOW

FRAME = LocalFrame.at(118.35, 35.05)  # Linyi
# Arcs are drawn with chords every 2 degrees, inside the true arc: areas are short by 2e-4.
ARC = 5e-4


def place(xmin, ymin, xmax, ymax, required=1.0, ident=1) -> PlaceInput:
    return PlaceInput(ident, FRAME.to_degrees(box(xmin, ymin, xmax, ymax)), required)


def camera(x, y, bearing, fov, range_m, ident=1) -> CameraInput:
    lon, lat = FRAME.to_degrees(Point(x, y)).coords[0]
    return CameraInput(ident, lon, lat, bearing, fov, range_m)


def building(xmin, ymin, xmax, ymax):
    return FRAME.to_degrees(box(xmin, ymin, xmax, ymax))


def cover(places, cameras, buildings=(), working=None):
    visible = visible_polygons(cameras, np.array(list(buildings), dtype=object))
    views = views_of(places, cameras, visible)
    working = {c.id for c in cameras} if working is None else working
    return summarise(places, views, working), views


def test_a_frame_measures_true_metres():
    east, north = metres_per_degree(35.0)
    # WGS-84 at 35 degrees north: 91,288 m per degree of longitude, 110,941 m of latitude.
    assert east == pytest.approx(91_288, abs=2) and north == pytest.approx(110_941, abs=2)
    square = place(0, 0, 100, 100).polygon
    assert LocalFrame.around(square).to_local(square).area == pytest.approx(10_000, rel=1e-5)


def test_a_90_degree_camera_at_the_corner_of_a_square_covers_a_quarter_circle():
    # 20 m square, camera in its south-west corner looking north-east, 20 m range:
    # it sees a quarter disc of radius 20, pi * 20^2 / 4 = 314.16 m2 of the 400 m2.
    (result,), (view,) = cover([place(0, 0, 20, 20)], [camera(0, 0, 45, 90, 20)])
    assert result.coverage == pytest.approx(math.pi / 4, rel=ARC)
    assert view.fraction == pytest.approx(math.pi / 4, rel=ARC)
    assert result.area_m2 == pytest.approx(400, rel=1e-5)
    assert result.status == CoverageStatus.PARTIAL


def test_with_enough_range_the_corner_camera_covers_the_whole_square():
    # The far corner is 28.3 m away: a 30 m range reaches everything inside the 90 degrees.
    (result,), _ = cover([place(0, 0, 20, 20)], [camera(0, 0, 45, 90, 30)])
    assert result.coverage == pytest.approx(1.0, abs=1e-9)
    assert result.status == CoverageStatus.FULL


def test_a_camera_looking_away_covers_nothing():
    (result,), views = cover([place(0, 0, 20, 20)], [camera(0, 0, 225, 90, 30)])
    assert result.coverage == 0 and views == []
    assert result.status == CoverageStatus.UNCOVERED


def test_two_overlapping_cameras_are_not_counted_twice():
    # Both at the corner, 60 degrees wide each: 0-60 and 30-90 degrees. Each alone sees
    # 60/360 of a 20 m disc (209.4 m2); together the 90 degrees (314.2 m2), not 418.9.
    cameras = [camera(0, 0, 30, 60, 20, ident=1), camera(0, 0, 60, 60, 20, ident=2)]
    (result,), views = cover([place(0, 0, 20, 20)], cameras)
    single = math.pi * 400 / 6 / 400
    assert [v.fraction for v in views] == pytest.approx([single, single], rel=ARC)
    assert result.coverage == pytest.approx(math.pi / 4, rel=ARC)
    assert result.cameras == 2


def test_opposite_corner_cameras_together_cover_the_square_once():
    # Quarter discs of radius 20 from (0, 0) and (20, 20) overlap in a lens of
    # 2 r^2 acos(d / 2r) - (d / 2) sqrt(4 r^2 - d^2) = 228.3 m2 (d = 28.28): 2 x 314.2 - 228.3
    # is the whole 400 m2, though the two views add up to 157%.
    cameras = [camera(0, 0, 45, 90, 20, ident=1), camera(20, 20, 225, 90, 20, ident=2)]
    (result,), views = cover([place(0, 0, 20, 20)], cameras)
    assert sum(v.fraction for v in views) == pytest.approx(math.pi / 2, rel=ARC)
    assert result.coverage == pytest.approx(1.0, abs=1e-3)


def test_a_building_between_camera_and_place_hides_what_lies_behind_it():
    # Camera at the corner of the 20 m square, looking in, 40 m range; a 4 m building at
    # (8-12, 8-12). From the corner, the rays through (12, 8) and (8, 12) bound the shadow:
    # inside the square the wedge (0,0) (20,13.33) (20,20) (13.33,20) has 133.33 m2, of which
    # the 32 m2 in front of the building, (0,0) (12,8) (8,8) (8,12), stay visible.
    # Hidden: 101.33 m2 of 400.
    (result,), _ = cover([place(0, 0, 20, 20)], [camera(0, 0, 45, 90, 40)],
                         [building(8, 8, 12, 12)])
    assert result.coverage == pytest.approx(1 - (400 / 3 - 32) / 400, rel=1e-6)
    assert result.design_coverage == pytest.approx(result.coverage)


def test_a_wall_between_camera_and_place_hides_all_of_it():
    # Camera at (0, 10) looking east; a wall x 10-12, y 5-15. Its shadow at x >= 12 spans
    # y from 10 - x/2 to 10 + x/2, which holds the whole place (x 20-30, y 8-12).
    places, cameras = [place(20, 8, 30, 12)], [camera(0, 10, 90, 90, 40)]
    (hidden,), views = cover(places, cameras, [building(10, 5, 12, 15)])
    assert hidden.coverage == 0 and views == []
    (open_view,), _ = cover(places, cameras, [building(10, 20, 12, 25)])  # out of the way
    assert open_view.coverage == pytest.approx(1.0, abs=1e-9)


def test_the_building_a_camera_hangs_on_does_not_block_it():
    # A 180-degree camera on the south wall of a building, looking south, one centimetre
    # inside the footprint (coordinates are rounded): it still sees the door zone.
    (result,), _ = cover([place(-2, -4, 2, 0)], [camera(0, 0.01, 180, 180, 10)],
                         [building(-5, 0, 5, 10)])
    assert result.coverage == pytest.approx(1.0, abs=1e-9)


def test_only_working_cameras_count_for_coverage():
    places = [place(0, 0, 20, 20)]
    cameras = [camera(0, 0, 45, 90, 30, ident=1), camera(20, 20, 225, 90, 30, ident=2)]
    (result,), _ = cover(places, cameras, working={2})
    assert result.coverage == pytest.approx(1.0, abs=1e-9)  # the second alone covers it
    (result,), _ = cover(places, cameras, working=set())
    assert (result.coverage, result.design_coverage) == (0, pytest.approx(1.0, abs=1e-9))
    assert (result.cameras, result.working_cameras) == (2, 0)
    spots = blind_spots(places[0], [])  # no working camera: the whole place
    assert LocalFrame.around(spots).to_local(spots).area == pytest.approx(400, rel=1e-5)


def test_blind_spots_are_what_no_working_camera_sees():
    places = [place(0, 0, 20, 20)]
    _, views = cover(places, [camera(0, 0, 45, 90, 20)])
    spots = blind_spots(places[0], [v.part for v in views])
    local = FRAME.to_local(spots)
    assert local.area == pytest.approx(400 - math.pi * 100, rel=1e-3)
    assert local.contains(Point(19, 19)) and not local.contains(Point(1, 1))


def test_a_360_degree_camera_in_the_middle_covers_the_disc():
    (result,), _ = cover([place(-50, -50, 50, 50)], [camera(0, 0, 0, 360, 10)])
    assert result.coverage == pytest.approx(math.pi * 100 / 10_000, rel=ARC)


def test_places_are_matched_to_the_cameras_that_see_them():
    places = [place(0, 0, 20, 20, ident=1), place(100, 0, 120, 20, ident=2)]
    cameras = [camera(0, 0, 45, 90, 30, ident=7)]
    results, views = cover(places, cameras)
    assert [(v.place_id, v.camera_id) for v in views] == [(1, 7)]
    assert [r.coverage for r in results] == [pytest.approx(1.0, abs=1e-9), 0.0]


@pytest.mark.parametrize("coverage, required, status", [
    (1.0, 1.0, "full"), (0.9999999, 1.0, "full"), (0.8, 0.8, "full"), (0.9, 0.8, "full"),
    (0.79, 0.8, "partial"), (UNCOVERED_BELOW, 1.0, "partial"),
    (UNCOVERED_BELOW - 0.001, 1.0, "uncovered"), (0.0, 1.0, "uncovered"),
    (0.04, 0.03, "full"),  # full wins over the floor
])
def test_status_rule(coverage, required, status):
    assert classify(coverage, required) == status
