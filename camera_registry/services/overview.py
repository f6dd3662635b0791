"""Figures for the dashboard: camera states and rates for a division subtree."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from camera_registry.choices import CameraState
from camera_registry.models import Camera, CameraHealth, Division
from camera_registry.services.health import CHECKED_LIFECYCLES


@dataclass
class StateFigures:
    registered: int = 0
    checked: int = 0  # installed or networked, probe enabled
    states: dict[str, int] = field(default_factory=dict)

    @property
    def online_rate(self) -> float | None:
        """Cameras that answer (online or degraded) / checked cameras."""
        up = self.states.get(CameraState.ONLINE, 0) + self.states.get(CameraState.DEGRADED, 0)
        return up / self.checked if self.checked else None

    @property
    def intact_rate(self) -> float | None:
        """Cameras whose picture passes the diagnosis (online) / checked cameras."""
        return self.states.get(CameraState.ONLINE, 0) / self.checked if self.checked else None


def state_figures(session: Session, prefix: str | None) -> StateFigures:
    in_division = Division.code.startswith(prefix, autoescape=True) if prefix else True
    registered = session.scalar(
        select(func.count(Camera.id)).join(Division, Camera.division_id == Division.id)
        .where(in_division)) or 0
    state = func.coalesce(CameraHealth.state, CameraState.UNKNOWN)
    rows = session.execute(
        select(state, func.count(Camera.id)).join(Division, Camera.division_id == Division.id)
        .outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
        .where(in_division, Camera.probe_enabled.is_(True),
               Camera.lifecycle.in_(CHECKED_LIFECYCLES))
        .group_by(state))
    states = {name: count for name, count in rows}
    return StateFigures(registered, sum(states.values()), states)
