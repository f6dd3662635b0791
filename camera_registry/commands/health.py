"""camreg sweep and camreg scheduler: the health checks from the command line."""
from __future__ import annotations

import json
import logging
import sys
from collections import Counter

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from camera_registry.choices import CheckKind
from camera_registry.cli import cli
from camera_registry.database import db, utcnow
from camera_registry.models import Camera, Division
from camera_registry.services import health


@cli.command("sweep")
@click.option("--division", "division_code", help="only cameras in this division's subtree")
@click.option("--picture", is_flag=True, help="picture checks (frames and diagnosis), "
                                              "not just liveness")
@click.option("--json", "as_json", is_flag=True, help="one JSON line per camera, no table")
def sweep(division_code: str | None, picture: bool, as_json: bool) -> None:
    """Check every enabled camera once, record the results and summarise them."""
    session = db.session
    prefix = None
    if division_code:
        division = session.scalar(select(Division).where(Division.code == division_code))
        if division is None:
            raise click.UsageError(f"no division with code {division_code}")
        prefix = division.subtree_prefix
    query = health.checked_cameras(prefix).options(selectinload(Camera.maintenance_windows))
    cameras = list(session.scalars(query.order_by(Camera.code)))
    kind = CheckKind.PICTURE if picture else CheckKind.LIVENESS
    monitor = health.HealthMonitor(current_app.config, current_app.instance_path)
    try:
        if as_json:
            _sweep_json(session, monitor, cameras, kind)
        else:
            _sweep_table(session, monitor, cameras, kind)
    finally:
        monitor.close()


def _sweep_json(session, monitor, cameras, kind) -> None:
    def emit(camera: Camera, result) -> None:
        state = camera.health.state if camera.health else "unknown"
        click.echo(json.dumps({
            "code": camera.code, "state": state,
            "faults": list(getattr(result, "faults", []) or (camera.health.faults
                                                              if camera.health else [])),
            "error": "" if _passed(kind, result) else f"{result.outcome}: {result.detail}",
            "duration_s": result.duration_s}, ensure_ascii=False))
    monitor.sweep(session, cameras, kind, utcnow, on_result=emit)


def _sweep_table(session, monitor, cameras, kind) -> None:
    logging.getLogger("health_checks").setLevel(logging.ERROR)  # keep the bar readable
    with click.progressbar(length=len(cameras), label=f"{kind} checks",
                           show_pos=True, file=sys.stderr) as bar:
        done = monitor.sweep(session, cameras, kind, utcnow,
                             on_result=lambda _camera, _result: bar.update(1))
    states = Counter(camera.health.state for camera, _ in done)
    faults = Counter(fault for camera, _ in done for fault in camera.health.faults)
    outcomes = Counter(result.outcome for _, result in done)
    slowest = max((result.duration_s for _, result in done), default=0.0)
    click.echo(f"\n{len(done)} cameras checked ({kind}); slowest check {slowest:.2f} s")
    _table("state", states)
    _table("outcome", outcomes)
    if faults:
        _table("fault", faults)


def _passed(kind: str, result) -> bool:
    return result.verdict != "offline" if kind == CheckKind.PICTURE else result.ok


def _table(title: str, counts: Counter) -> None:
    click.echo(f"\n{title:<16}{'cameras':>8}")
    for name, count in counts.most_common():
        click.echo(f"{name:<16}{count:>8}")


@cli.command("scheduler")
def scheduler() -> None:
    """Run the health-check scheduler in the foreground (one per deployment; extra ones
    wait as standbys)."""
    from health_checks.scheduler import CheckScheduler

    app = current_app._get_current_object()
    checks = CheckScheduler(db.session_factory,
                            health.HealthMonitor(app.config, app.instance_path))
    click.echo(f"scheduler {checks.holder}: liveness every "
               f"{app.config['LIVENESS_INTERVAL_S']} s, pictures every "
               f"{app.config['PICTURE_INTERVAL_S']} s (Ctrl-C stops)")
    try:
        checks.build(blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        checks.stop()
