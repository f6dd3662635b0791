"""Build the demo city in one transaction, and the demo users."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from camera_registry.choices import Role
from camera_registry.database import utcnow
from camera_registry.models import User
from camera_registry.services import users
from camera_registry.services.credentials import CredentialBox
from camera_registry.services.demo.cameras import assign_cameras
from camera_registry.services.demo.city import FULL, SMALL, CityPlan, plan_city
from camera_registry.services.demo.figures import Figures, campaign_figures
from camera_registry.services.demo.rows import RowBuilder
from camera_registry.services.demo.statuses import assign_statuses
from camera_registry.services.demo.store import first_ids, write_rows
from camera_registry.services.demo.streams import FOLDER, StreamCatalog

SEED = "camreg-demo-linyi-2017"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope_code: Optional[str]
    scope_name: str
    password: str


# Who logs in to the demo: everything, one district's governance centre, one street's
# integrator. Passwords are for the demo only.
DEMO_USERS = (
    DemoUser("admin", Role.ADMIN, None, "everywhere", "admin"),
    DemoUser("monitor_lanshan", Role.MONITOR, "371302", "兰山区", "monitor"),
    DemoUser("integrator_yinqueshan", Role.INTEGRATOR, "371302002", "兰山区银雀山街道",
             "integrator"),
)


@dataclass(frozen=True)
class DemoSummary:
    scale: str
    figures: Figures
    clips: list[Path]
    seconds: float


def make_plan(small: bool) -> CityPlan:
    """The whole city in memory; the same every time (fixed seeds, no clock, no database)."""
    plan = plan_city(SMALL if small else FULL, random.Random(f"{SEED}:city"))
    assign_statuses(plan, random.Random(f"{SEED}:statuses"))
    assign_cameras(plan, random.Random(f"{SEED}:cameras"))
    return plan


def build_demo(session: Session, config: Mapping[str, Any], instance_path: str | Path,
               small: bool = False, rtsp_base: str | None = None,
               now: datetime | None = None) -> DemoSummary:
    """Write the demo city into an empty registry and commit; the clips are made if missing."""
    started = time.perf_counter()
    folder = config.get("DEMO_STREAMS_PATH") or Path(instance_path) / FOLDER
    catalog = StreamCatalog(Path(folder), rtsp_base, every_clip=small)
    clips = catalog.ensure_clips()
    plan = make_plan(small)
    builder = RowBuilder(first_ids(session), catalog, CredentialBox.from_config(config),
                         now or utcnow())
    try:
        write_rows(session, builder.build(plan))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return DemoSummary(plan.scale.name, campaign_figures(session), clips,
                       time.perf_counter() - started)


def create_demo_users(session: Session) -> tuple[list[tuple[DemoUser, bool]], str]:
    """The demo users (kept as they are when they exist already) and a new admin token."""
    created = []
    for demo_user in DEMO_USERS:
        user = session.scalar(select(User).where(User.username == demo_user.username))
        if user is None:
            users.create_user(session, demo_user.username, demo_user.role, demo_user.scope_code,
                              demo_user.password)
        created.append((demo_user, user is None))
    admin = users.get_user(session, DEMO_USERS[0].username)
    return created, users.create_token(session, admin, "demo")
