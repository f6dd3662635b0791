"""Dashboard page times on the whole demo city (2,366 campaign compounds, ~19,900 cameras).

Run: ``.venv/bin/python bench/dashboard_bench.py [--runs N]``. Builds the demo city in a fresh
SQLite database, computes coverage and a set of camera states, logs in as the admin, and times
the overview, a district page, a community page, the camera list (filtered and not), a compound
map and a camera page through the Flask app (rendering included, no network). Prints the first
load (a division's figures are then added up; later loads reuse them for CAMREG_REPORT_CACHE_S)
and the median and worst of N further loads per page; the target is under 300 ms.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from camera_registry import create_app, migrate  # noqa: E402
from camera_registry.database import db, utcnow  # noqa: E402
from camera_registry.models import Camera, Compound, Division  # noqa: E402
from camera_registry.services import coverage, demo, health, users  # noqa: E402
from camera_registry.services.health import HealthPolicy, Outcome  # noqa: E402


def prepare(folder: Path):
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'city.sqlite'}",
                      "INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "bench",
                      "DEMO_STREAMS_PATH": str(folder / "clips")})
    with app.app_context():
        migrate.upgrade(app.config["DATABASE_URL"])
        session = db.session
        started = time.perf_counter()
        demo.build_demo(session, app.config, app.instance_path)
        print(f"demo city built in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rng = random.Random(7)
        outcomes = [Outcome("liveness", "ok", True)] * 8 + [
            Outcome("picture", "ok", True, "degraded", ("frozen",)),
            Outcome("liveness", "refused", False)]
        now = utcnow() - timedelta(minutes=10)
        for camera in session.scalars(select(Camera).where(
                Camera.lifecycle.in_(("installed", "networked")))):
            health.record(session, camera, rng.choice(outcomes), now, HealthPolicy(
                offline_after=1))
        session.commit()
        print(f"camera states recorded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        coverage.recompute_all(session)
        session.commit()
        print(f"coverage computed in {time.perf_counter() - started:.1f} s")
        users.create_user(session, "bench", "admin", password="bench")
        county = session.scalar(select(Division).where(Division.code == "371302"))
        community = session.scalar(select(Division).where(Division.level == "community")
                                   .order_by(Division.code))
        compound = session.scalar(select(Compound).where(Compound.division_id == community.id))
        camera = session.scalar(select(Camera).order_by(Camera.id))
        pages = {"overview (city)": "/", "district": f"/?division={county.code}",
                 "community": f"/?division={community.code}", "camera list": "/cameras",
                 "camera list, offline": "/cameras?state=offline",
                 "camera list, text search": "/cameras?q=南门",
                 "compound map": f"/compounds/{compound.id}",
                 "camera page": f"/cameras/{camera.id}"}
    db.session.remove()
    return app, pages


def log_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "bench", "password": "bench", "csrf_token": token})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, pages = prepare(Path(folder))
        client = app.test_client()
        log_in(client)
        print(f"\n{'page':<28}{'first ms':>10}{'median ms':>10}{'worst ms':>10}{'KiB':>8}")
        for name, path in pages.items():
            times, size = [], 0
            for _ in range(args.runs + 1):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                size = len(response.data)
            first, times = times[0], times[1:]
            print(f"{name:<28}{first:>10.0f}{statistics.median(times):>10.0f}"
                  f"{max(times):>10.0f}{size / 1024:>8.0f}")


if __name__ == "__main__":
    main()
