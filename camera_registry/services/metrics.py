"""Prometheus metrics computed from the database, so every web worker answers the same."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from camera_registry.choices import CameraState
from camera_registry.models import Camera, CameraHealth, CheckResult, Division
from camera_registry.services.health import checked_cameras

DURATION_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
WINDOW = timedelta(hours=1)


class RegistryCollector(Collector):
    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now

    def collect(self) -> Iterator:
        yield self._cameras_by_state()
        yield from self._checks()

    def _cameras_by_state(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily("camreg_cameras", "Checked cameras by county and state",
                                   labels=["county", "state"])
        county = func.substr(Division.code, 1, 6)
        state = func.coalesce(CameraHealth.state, CameraState.UNKNOWN)
        query = (checked_cameras().with_only_columns(county, state, func.count(Camera.id))
                 .join(Division, Camera.division_id == Division.id)
                 .outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
                 .group_by(county, state).order_by(county, state))
        for county_code, state_name, count in self.session.execute(query):
            family.add_metric([county_code, state_name], count)
        return family

    def _checks(self) -> Iterator:
        since = self.now - WINDOW
        outcomes = GaugeMetricFamily("camreg_checks_last_hour",
                                     "Checks recorded in the last hour by kind and outcome",
                                     labels=["kind", "outcome"])
        for kind, outcome, count in self.session.execute(
                select(CheckResult.kind, CheckResult.outcome, func.count())
                .where(CheckResult.at >= since)
                .group_by(CheckResult.kind, CheckResult.outcome)
                .order_by(CheckResult.kind, CheckResult.outcome)):
            outcomes.add_metric([kind, outcome], count)
        yield outcomes
        durations = HistogramMetricFamily("camreg_check_duration_seconds",
                                          "Durations of the checks of the last hour",
                                          labels=["kind"])
        columns = [func.sum(case((CheckResult.duration_s <= bound, 1), else_=0))
                   for bound in DURATION_BUCKETS]
        query = (select(CheckResult.kind, func.count(), func.sum(CheckResult.duration_s),
                        *columns).where(CheckResult.at >= since).group_by(CheckResult.kind))
        for kind, count, total, *cumulative in self.session.execute(query):
            buckets = [(str(bound), int(value or 0))
                       for bound, value in zip(DURATION_BUCKETS, cumulative)]
            buckets.append(("+Inf", count))
            durations.add_metric([kind], buckets, float(total or 0.0))
        yield durations
