"""The deterministic demo city (Linyi, Shandong, 2017): see docs/DEMO.md.

Modules, in the order the demo is made:
names (word lists) -> city (divisions, compounds, layout) -> sites (inside a compound)
-> statuses (campaign states) -> cameras (how many, which state, national codes)
-> streams (the clips cameras point at) -> rows (table rows with ids) -> store (bulk insert)
-> figures (the campaign figures, by the rules) ; build ties them together.
"""
from camera_registry.services.demo.build import (DEMO_USERS, DemoSummary, DemoUser, build_demo,
                                                 create_demo_users, make_plan)
from camera_registry.services.demo.city import FULL, SMALL, Scale
from camera_registry.services.demo.figures import Figures, campaign_figures
from camera_registry.services.demo.store import demo_present, registry_counts, reset_database
from camera_registry.services.demo.streams import StreamCatalog, clip_for

__all__ = ["DEMO_USERS", "FULL", "SMALL", "DemoSummary", "DemoUser", "Figures", "Scale",
           "StreamCatalog", "build_demo", "campaign_figures", "clip_for", "create_demo_users",
           "demo_present", "make_plan", "registry_counts", "reset_database"]
