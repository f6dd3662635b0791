"""Coverage geometry: what cameras see of key places (no database, no Flask).

``frames`` projects WGS-84 to local metres; ``visibility`` draws one camera's sector and takes
away what buildings hide; ``engine`` does it for many cameras and places at once with STRtree
indexes; ``status`` names how covered a place is. The database side is
camera_registry.services.coverage; the rules are written down in docs/COVERAGE.md.
"""
from camera_registry.coverage.engine import (CameraInput, PlaceCoverage, PlaceInput, View,
                                             area_m2, blind_spots, camera_sector, reach_boxes,
                                             summarise, views_of, visible_polygons)
from camera_registry.coverage.frames import LocalFrame
from camera_registry.coverage.status import UNCOVERED_BELOW, CoverageStatus, classify

__all__ = ["CameraInput", "CoverageStatus", "LocalFrame", "PlaceCoverage", "PlaceInput",
           "UNCOVERED_BELOW", "View", "area_m2", "blind_spots", "camera_sector", "classify",
           "reach_boxes", "summarise", "views_of", "visible_polygons"]
