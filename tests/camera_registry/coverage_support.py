"""Layouts drawn in metres inside 阳光花园 (the `city` fixture), created through the API, and
camera states written as the health checks would (shared by the coverage and report tests)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shapely.geometry import Point, box, mapping

from camera_registry.coverage import LocalFrame
from camera_registry.models import Camera, CameraHealth, StateTransition

# The south-west corner of 阳光花园's boundary (tests/conftest.py SQUARE), metres east/north.
FRAME = LocalFrame.at(118.350, 35.050)


def polygon(xmin: float, ymin: float, xmax: float, ymax: float) -> dict[str, Any]:
    shape = FRAME.to_degrees(box(xmin, ymin, xmax, ymax))
    return {"type": "Polygon",
            "coordinates": [[[round(x, 9), round(y, 9)] for x, y in mapping(shape)[
                "coordinates"][0]]]}


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = FRAME.to_degrees(Point(x, y)).coords[0]
    return round(lon, 9), round(lat, 9)


def code(serial: int, county: str = "371302") -> str:
    return f"{county}00011320{serial:06d}"


def add_place(api, compound_id: int, rect, name: str = "南门", **fields: Any) -> int:
    response = api.post("/key-places", json={"name": name, "kind": "gate",
                                             "polygon": polygon(*rect),
                                             "compound_id": compound_id, **fields})
    assert response.status_code == 201, response.json
    return response.json["id"]


def add_building(api, compound_id: int, rect, name: str = "1号楼") -> int:
    response = api.post("/buildings", json={"name": name, "compound_id": compound_id,
                                            "footprint": polygon(*rect)})
    assert response.status_code == 201, response.json
    return response.json["id"]


def add_camera(api, serial: int, x: float, y: float, bearing: float, fov: float,
               range_m: float, **fields: Any) -> int:
    lon, lat = lonlat(x, y)
    body = {"code": code(serial), "name": f"探头{serial}", "kind": "bullet",
            "stream_url": f"rtsp://127.0.0.1:8554/cam{serial}", "lon": lon, "lat": lat,
            "bearing_deg": bearing, "fov_deg": fov, "range_m": range_m, **fields}
    response = api.post("/cameras", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def set_state(session, camera_id: int, state: str, at: datetime) -> StateTransition:
    """Move a camera to a state at a time, with its transition (what health.record does)."""
    health = session.get(CameraHealth, camera_id)
    if health is None:
        health = CameraHealth(camera_id=camera_id, state="unknown", faults=[],
                              consecutive_failures=0, consecutive_successes=0)
        session.add(health)
    transition = StateTransition(camera_id=camera_id, at=at, from_state=health.state,
                                 to_state=state, reason="test")
    session.add(transition)
    health.state, health.since = state, at
    session.flush()
    return transition


# --- a small campaign whose every figure is worked out by hand -----------------------------
# (tests/camera_registry/services/test_reports.py lists the expected figures)

NOW = datetime(2026, 11, 21, 0, 0)  # 08:00 in Asia/Shanghai


@dataclass
class Campaign:
    city: Any
    compounds: dict[str, int]
    cameras: dict[str, int]
    places: dict[str, int]


def build_campaign(admin, city, session) -> Campaign:
    """Four compounds, nine cameras in every lifecycle and state, four key places.

    a1 阳光花园 (campaign): c1 networked county, c2 networked city, c3 planned, c4 retired
    b1 龙潭小区 (campaign): c5 installed, c6 networked town, c9 installed without checks
    a2 南坊小区 (campaign, weak, no camera); a3 电力宿舍 (not in the campaign): c7 networked
    county; c8 networked city, held directly by the street 371302001 (no compound).
    """
    patch = admin.patch
    patch(f"/compounds/{city.compound_a1}", json={"built_target": "2026-10-31",
                                                   "networked_target": "2026-11-30"})
    patch(f"/compounds/{city.compound_b1}", json={"built_target": "2026-03-31",
                                                   "networked_target": "2026-06-30"})
    a2 = admin.post("/compounds", json={
        "name": "南坊小区", "division_code": city.community_a2, "in_campaign": True,
        "weak": True, "built_target": "2026-01-31", "networked_target": "2026-06-30"}).json["id"]
    a3 = admin.post("/compounds", json={"name": "电力宿舍",
                                        "division_code": city.community_a2}).json["id"]
    networked = {"lifecycle": "networked", "networked_since": "2026-01-01"}
    specs = {  # name: (serial, x, y, bearing, fov, range, fields)
        "c1": (1, 0, 0, 45, 90, 30, {"compound_id": city.compound_a1, **networked,
                                     "networked_level": "county"}),
        "c2": (2, 50, 50, 0, 60, 20, {"compound_id": city.compound_a1, **networked,
                                      "networked_level": "city"}),
        "c3": (3, 60, 60, 0, 60, 20, {"compound_id": city.compound_a1, "lifecycle": "planned"}),
        "c4": (4, 70, 70, 0, 60, 20, {"compound_id": city.compound_a1, "lifecycle": "retired"}),
        "c5": (5, 300, 0, 45, 90, 30, {"compound_id": city.compound_b1}),
        "c6": (6, 350, 50, 0, 60, 20, {"compound_id": city.compound_b1, **networked,
                                       "networked_level": "town"}),
        "c7": (7, 200, 0, 45, 90, 20, {"compound_id": a3, **networked,
                                       "networked_level": "county"}),
        "c8": (8, 500, 0, 45, 90, 30, {"division_code": city.street_a, **networked,
                                       "networked_level": "city"}),
        "c9": (9, 360, 60, 0, 60, 20, {"compound_id": city.compound_b1,
                                       "probe_enabled": False}),
    }
    cameras = {}
    for name, (serial, x, y, bearing, fov, range_m, fields) in specs.items():
        county = "371311" if fields.get("compound_id") == city.compound_b1 else "371302"
        cameras[name] = add_camera(admin, serial, x, y, bearing, fov, range_m,
                                   code=code(serial, county), **fields)
    places = {
        "p1": add_place(admin, city.compound_a1, (0, 0, 20, 20)),
        "p2": add_place(admin, city.compound_b1, (300, 0, 320, 20)),
        "p5": add_place(admin, a3, (200, 0, 220, 20), name="大门"),
    }
    response = admin.post("/key-places", json={
        "name": "实验小学门口", "kind": "school_gate", "polygon": polygon(500, 0, 520, 20),
        "division_code": city.street_a})
    places["p3"] = response.json["id"]
    # Registered long ago, so they count over the whole period.
    for ident in cameras.values():
        session.get(Camera, ident).created_at = NOW - timedelta(days=10)
    hours = timedelta(hours=1)
    for name, moves in {
        "c1": [("online", 30)], "c2": [("online", 30), ("degraded", 6)],
        "c5": [("online", 30), ("offline", 12)], "c6": [("online", 30), ("maintenance", 3)],
        "c7": [("online", 2)], "c9": [("online", 30)],
    }.items():
        for state, hours_before in moves:
            set_state(session, cameras[name], state, NOW - hours_before * hours)
    session.commit()
    return Campaign(city, {"a1": city.compound_a1, "b1": city.compound_b1, "a2": a2, "a3": a3},
                    cameras, places)
