"""Coverage benchmark on the full demo city (2,366 campaign compounds, ~19,900 cameras,
~26,800 key places, ~15,300 buildings).

Run it as ``.venv/bin/python bench/coverage_bench.py [--repeat N] [--changes N]``. It builds the
demo city in a fresh SQLite database, brings every installed camera online (as a first sweep
would), then times:

- the full recomputation of every key place (``coverage.recompute_all`` and the commit);
- the update after one camera changes state (``coverage.after_transitions``, the hook the
  health checks call, and its commit), for N cameras taken at random, online -> offline and
  back;
- one geometry edit (a camera turned) taken into account by ``coverage.refresh``;
- the city's summary report (live, at a past date, CSV and XLSX).

When CAMREG_BENCH_DATABASE_URL names a PostgreSQL database, the same runs there too (its
public schema is dropped first). The figures go into docs/BENCHMARKS.md by hand.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from camera_registry import migrate  # noqa: E402
from camera_registry.database import make_engine  # noqa: E402
from camera_registry.models import (Camera, CameraHealth, KeyPlaceView,  # noqa: E402
                                    StateTransition)
from camera_registry.services import coverage, demo, report_files, reports  # noqa: E402
from camera_registry.services.scope import Actor  # noqa: E402

NOW = datetime(2026, 1, 1, 0, 0)  # 08:00 in Beijing


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def build(url: str, folder: Path) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seconds, summary = timed(lambda: demo.build_demo(
            session, {"SECRET_KEY": "bench", "DEMO_STREAMS_PATH": str(folder / "streams")},
            folder / "instance", now=NOW - timedelta(days=30)))
        f = summary.figures
        print(f"demo city: {f.cameras:,} cameras, {f.key_places:,} key places, "
              f"{f.buildings:,} buildings, built in {seconds:.1f} s")
        # Every installed camera online since yesterday, as a first sweep would leave them.
        active = session.scalars(select(Camera.id).where(
            Camera.lifecycle.in_(coverage.ACTIVE))).all()
        since = NOW - timedelta(days=1)
        session.execute(insert(CameraHealth), [
            {"camera_id": ident, "state": "online", "since": since, "faults": [], "reason": "",
             "consecutive_failures": 0, "consecutive_successes": 1} for ident in active])
        session.execute(insert(StateTransition), [
            {"camera_id": ident, "at": since, "from_state": "unknown", "to_state": "online",
             "reason": "bench"} for ident in active])
        session.commit()
    engine.dispose()


def bench_full(session: Session, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        seconds, result = timed(lambda: (coverage.recompute_all(session), session.commit())[0])
        runs.append(seconds)
    print(f"full recomputation: {result.places:,} key places, {result.views:,} views; "
          f"runs {', '.join(f'{s:.1f}' for s in runs)} s")
    return runs


def bench_state_changes(session: Session, count: int) -> tuple[list[float], list[int]]:
    cameras = session.scalars(select(KeyPlaceView.camera_id).distinct()).all()
    rng = random.Random(2017)
    runs, places = [], []
    at = NOW
    for camera_id in rng.sample(cameras, min(count, len(cameras))):
        for state in ("offline", "online"):
            at += timedelta(seconds=1)
            health = session.get(CameraHealth, camera_id)
            transition = StateTransition(camera_id=camera_id, at=at, from_state=health.state,
                                         to_state=state, reason="bench")
            session.add(transition)
            health.state, health.since = state, at
            session.flush()  # the state change itself is not timed, only what follows
            seconds, touched = timed(lambda: (coverage.after_transitions(session, [transition]),
                                              session.commit())[0])
            runs.append(seconds)
            places.append(touched)
    print(f"one camera's state change: {len(runs)} updates, median "
          f"{statistics.median(runs) * 1000:.1f} ms, p95 {_p95(runs) * 1000:.1f} ms, max "
          f"{max(runs) * 1000:.1f} ms; key places per update: median "
          f"{statistics.median(places):.0f}, max {max(places)}")
    return runs, places


def bench_edit(session: Session) -> float:
    camera = session.scalar(select(Camera).where(Camera.lifecycle == "networked")
                            .order_by(Camera.id).limit(1))
    camera.bearing_deg = (camera.bearing_deg + 90) % 360
    session.commit()
    seconds, result = timed(lambda: coverage.refresh(session))
    print(f"one camera turned, refresh: {result.places} key places in {seconds * 1000:.0f} ms")
    return seconds


def bench_reports(session: Session) -> dict[str, float]:
    actor = Actor.system("bench")
    figures = {}
    figures["live"], report = timed(lambda: reports.summary(session, actor, "371300", NOW))
    figures["past"], _ = timed(lambda: reports.summary(session, actor, "371300", NOW,
                                                       (NOW - timedelta(days=2)).date()))
    figures["csv"], _ = timed(lambda: report_files.to_csv(report))
    figures["xlsx"], _ = timed(lambda: report_files.to_xlsx(report))
    figures["snapshot"], _ = timed(lambda: (reports.take_snapshot(session, NOW),
                                            session.commit()))
    print("city report: " + ", ".join(f"{name} {seconds:.2f} s"
                                      for name, seconds in figures.items()))
    return figures


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def run(url: str, folder: Path, repeat: int, changes: int) -> None:
    print(f"\n== {url.split('://')[0]}")
    build(url, folder)
    engine = make_engine(url)
    with Session(engine) as session:
        for step in (lambda: bench_full(session, repeat),
                     lambda: bench_state_changes(session, changes),
                     lambda: bench_edit(session), lambda: bench_reports(session)):
            step()
            # The machine may be shared: say how busy it was.
            print("   load average %.1f %.1f %.1f" % os.getloadavg())
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="full recomputations")
    parser.add_argument("--changes", type=int, default=50, help="cameras to switch off and on")
    args = parser.parse_args()
    print(f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.platform()}")
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'city.sqlite'}", Path(folder), args.repeat, args.changes)
        url = os.environ.get("CAMREG_BENCH_DATABASE_URL")
        if url and url.startswith("postgresql"):
            engine = make_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            engine.dispose()
            run(url, Path(folder), args.repeat, args.changes)


if __name__ == "__main__":
    main()
