"""Validation of GeoJSON geometry (WGS-84 longitude/latitude) with shapely."""
from __future__ import annotations

from typing import Any

from shapely.geometry import shape
from shapely.validation import explain_validity

POLYGON_TYPES = ("Polygon", "MultiPolygon")


def check_polygon(value: Any) -> dict[str, Any]:
    """Accept a GeoJSON Polygon or MultiPolygon in lon/lat; raise ValueError with a reason."""
    if not isinstance(value, dict) or value.get("type") not in POLYGON_TYPES:
        raise ValueError("must be a GeoJSON object with type Polygon or MultiPolygon")
    try:
        geometry = shape(value)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValueError(f"malformed GeoJSON coordinates ({exc})") from None
    if geometry.is_empty:
        raise ValueError("the polygon is empty")
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError("coordinates must be longitude -180..180 and latitude -90..90 (WGS-84)")
    if not geometry.is_valid:
        raise ValueError(f"the polygon is not valid: {explain_validity(geometry)}")
    return {"type": value["type"], "coordinates": value["coordinates"]}
