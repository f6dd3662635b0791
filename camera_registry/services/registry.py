"""The set of registry resources, configured once per app (or worker)."""
from __future__ import annotations

from typing import Any, Mapping

from camera_registry.services.cameras import CameraResource
from camera_registry.services.credentials import CredentialBox
from camera_registry.services.crud import Resource
from camera_registry.services.divisions import DivisionResource
from camera_registry.services.places import BuildingResource, CompoundResource, KeyPlaceResource


def build_resources(config: Mapping[str, Any]) -> dict[str, Resource]:
    cameras = CameraResource(CredentialBox.from_config(config),
                             allow_file_streams=config["ALLOW_FILE_STREAMS"])
    resources = (DivisionResource(), CompoundResource(), BuildingResource(), KeyPlaceResource(),
                 cameras)
    return {resource.name: resource for resource in resources}
