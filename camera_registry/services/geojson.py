"""GeoJSON FeatureCollections of registry objects, for maps."""
from __future__ import annotations

from typing import Any, Iterable

from camera_registry.services.crud import Resource

# Which attribute holds each kind's geometry; cameras are points from lon/lat.
GEOMETRY_FIELDS = {"compound": "boundary", "building": "footprint", "key_place": "polygon"}


def feature(resource: Resource, obj) -> dict[str, Any]:
    properties = resource.to_json(obj)
    field = GEOMETRY_FIELDS.get(resource.object_type)
    if field is None:
        geometry = {"type": "Point", "coordinates": [obj.lon, obj.lat]}
    else:
        geometry = properties.pop(field)
    return {"type": "Feature", "id": obj.id, "geometry": geometry, "properties": properties}


def feature_collection(resource: Resource, objects: Iterable) -> dict[str, Any]:
    return {"type": "FeatureCollection",
            "features": [feature(resource, obj) for obj in objects]}
