"""The registry's tables, one module per domain."""
from camera_registry.models.alerts import (Incident, IncidentEvent, Notification, OutboxMessage,
                                           Subscription)
from camera_registry.models.cameras import Camera, MaintenanceWindow, camera_key_places
from camera_registry.models.changes import ChangeRecord
from camera_registry.models.coverage import (BuildingExtent, CoverageChange, DailyFigures,
                                             KeyPlaceCoverage, KeyPlaceView)
from camera_registry.models.divisions import Division
from camera_registry.models.health import CameraHealth, CheckResult, StateTransition
from camera_registry.models.leases import Lease
from camera_registry.models.places import Building, Compound, KeyPlace
from camera_registry.models.users import ApiToken, User

__all__ = ["Incident", "IncidentEvent", "Notification", "OutboxMessage", "Subscription",
           "ApiToken", "Building", "Camera", "CameraHealth", "ChangeRecord", "CheckResult",
           "Compound", "Division", "KeyPlace", "Lease", "MaintenanceWindow", "StateTransition",
           "User",
           "BuildingExtent", "CoverageChange", "DailyFigures", "KeyPlaceCoverage", "KeyPlaceView",
           "camera_key_places"]
