"""Bulk import benchmark: 20,000 cameras through the API, on SQLite (and PostgreSQL).

Run it as ``.venv/bin/python bench/import_bench.py [--rows N]``. It builds a city (counties,
streets, communities, compounds with buildings and key places) in a fresh database, writes a
CSV and an XLSX file of N cameras, and times the dry run, the import, a re-import with nothing
changed, a re-import that changes every camera, and the exports. When CAMREG_TEST_DATABASE_URL
names a PostgreSQL database, the same runs there (its public schema is dropped first).
The figures go into docs/BENCHMARKS.md by hand.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import openpyxl
from sqlalchemy import delete, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from camera_registry import create_app, migrate  # noqa: E402
from camera_registry.database import db, make_engine  # noqa: E402
from camera_registry.models import (Building, Camera, ChangeRecord, Compound,  # noqa: E402
                                    Division, KeyPlace, camera_key_places)
from camera_registry.services import users  # noqa: E402
from camera_registry.services.spreadsheets import COLUMNS  # noqa: E402

COUNTIES, STREETS, COMMUNITIES, COMPOUNDS = 4, 5, 10, 2  # 200 communities, 400 compounds
BUILDINGS = 12
PLACES = ("东门", "西门", "停车场", "主干道")
SQUARE = {"type": "Polygon", "coordinates": [[[118.350, 35.050], [118.352, 35.050],
                                              [118.352, 35.052], [118.350, 35.052],
                                              [118.350, 35.050]]]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_city(session) -> list[tuple[Division, Compound]]:
    """A city of 4 counties x 5 streets x 10 communities, 2 compounds in each community."""
    city = Division(code="371300", name="临沂市", level="city")
    session.add(city)
    compounds = []
    for c in range(COUNTIES):
        county = Division(code=f"3713{c + 2:02d}", name=f"区{c}", level="county", parent=city)
        for s in range(STREETS):
            street = Division(code=f"{county.code}{s + 1:03d}", name=f"街道{c}{s}", level="town",
                              parent=county)
            for m in range(COMMUNITIES):
                community = Division(code=f"{street.code}{m + 1:03d}", name=f"社区{c}{s}{m}",
                                     level="community", parent=street)
                for k in range(COMPOUNDS):
                    compound = Compound(name=f"小区{k + 1}", division=community, in_campaign=True)
                    compound.buildings = [Building(name=f"{b + 1}号楼")
                                          for b in range(BUILDINGS)]
                    session.add_all(KeyPlace(name=name, kind="gate", polygon=SQUARE,
                                             division=community, compound=compound)
                                    for name in PLACES)
                    compounds.append((community, compound))
    session.commit()
    return compounds


def camera_rows(compounds: list[tuple[Division, Compound]], count: int,
                variant: int = 0) -> list[list[Any]]:
    """Rows in the template's column order; variant 1 changes every camera's name and view."""
    rows = []
    for n in range(count):
        community, compound = compounds[n % len(compounds)]
        code = f"{community.code[:6]}00011323{n + 1:06d}"
        networked = n % 3 == 0
        values = {
            "code": code, "name": f"{compound.name}{n + 1}号{'（改）' if variant else ''}",
            "kind": ("枪机", "球机", "云台")[n % 3],
            "stream_url": f"rtsp://10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}:554/ch1",
            "stream_username": "admin", "stream_password": f"pw{n:05d}",
            "lon": round(118.30 + (n % 1000) * 0.0001, 6),
            "lat": round(35.00 + (n // 1000) * 0.0001, 6),
            "height_m": 4.5, "bearing_deg": (n * 37 + variant * 10) % 360,
            "fov_deg": None, "range_m": None,
            "division_code": community.code, "compound": compound.name,
            "building": f"{n % BUILDINGS + 1}号楼",
            "key_places": f"{PLACES[n % 4]}；{PLACES[(n + 1) % 4]}",
            "lifecycle": "已联网" if networked else "已安装",
            "networked_level": "县级" if networked else "未联网",
            "networked_since": "2017-11-20" if networked else None,
            "integrator": "某某科技", "probe_enabled": "是", "probe_interval_s": 300,
        }
        rows.append([values[column.key] for column in COLUMNS])
    return rows


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([column.zh for column in COLUMNS])
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("摄像机")
    sheet.append([column.zh for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label: str, action: Callable[[], Any], results: list[tuple[str, float, str]]) -> Any:
    db.session.remove()  # every step starts cold, as a new request would
    started = time.perf_counter()
    outcome, note = action()
    results.append((label, time.perf_counter() - started, note))
    print(f"  {label:<46} {results[-1][1]:7.2f} s  {note}  (load {os.getloadavg()[0]:.1f})",
          flush=True)
    return outcome


def run(url: str, rows: int, workdir: Path) -> list[tuple[str, float, str]]:
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                      "INSTANCE_PATH": str(workdir / "instance")})
    results: list[tuple[str, float, str]] = []
    with app.app_context():
        session = db.session
        compounds = build_city(session)
        token = users.create_token(session, users.create_user(session, "bench", "admin"))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        first, changed = camera_rows(compounds, rows), camera_rows(compounds, rows, variant=1)
        files = {"csv": csv_bytes(first), "xlsx": xlsx_bytes(first),
                 "changed.csv": csv_bytes(changed)}
        print(f"  files: CSV {len(files['csv']) / 1e6:.1f} MB, "
              f"XLSX {len(files['xlsx']) / 1e6:.1f} MB", flush=True)

        def upload(name: str, dry_run: bool = False) -> Callable[[], Any]:
            def action():
                suffix = "xlsx" if name == "xlsx" else "csv"
                response = client.post(
                    "/api/v1/cameras/import" + ("?dry_run=true" if dry_run else ""),
                    headers=headers,
                    data={"file": (io.BytesIO(files[name]), f"cameras.{suffix}")})
                assert response.status_code == 200, response.get_data(as_text=True)[:2000]
                summary = response.json["summary"]
                note = ", ".join(f"{key} {summary[key]}" for key in
                                 ("created", "updated", "unchanged", "rejected"))
                return response.json, note
            return action

        def export(fmt: str) -> Callable[[], Any]:
            def action():
                response = client.get(f"/api/v1/cameras/export?format={fmt}", headers=headers)
                assert response.status_code == 200
                files[f"export.{fmt}"] = response.data
                return None, f"{response.headers['X-Camera-Count']} cameras, " \
                             f"{len(response.data) / 1e6:.1f} MB"
            return action

        timed(f"dry run, CSV ({rows} new)", upload("csv", dry_run=True), results)
        timed(f"dry run, XLSX ({rows} new)", upload("xlsx", dry_run=True), results)
        timed(f"import, XLSX ({rows} new)", upload("xlsx"), results)
        forget_cameras(session)
        timed(f"import, CSV ({rows} new)", upload("csv"), results)
        timed("re-import the same CSV (all unchanged)", upload("csv"), results)
        timed("re-import the same XLSX (all unchanged)", upload("xlsx"), results)
        timed("dry run, a changed CSV (all updates)", upload("changed.csv", dry_run=True),
              results)
        timed("re-import a changed CSV (all updated)", upload("changed.csv"), results)
        timed("export, CSV", export("csv"), results)
        timed("export, XLSX", export("xlsx"), results)
        files["csv"] = files["export.csv"]
        timed("re-import the CSV export (round trip)", upload("csv"), results)
        cameras = session.scalar(select(func.count()).select_from(Camera))
        changes = session.scalar(select(func.count()).select_from(ChangeRecord))
        print(f"  database: {cameras} cameras, {changes} change records", flush=True)
    db.session.remove()
    return results


def forget_cameras(session) -> None:
    """Empty the cameras (and their change records), so the next import creates them again."""
    session.execute(delete(ChangeRecord).where(ChangeRecord.object_type == "camera"))
    session.execute(camera_key_places.delete())
    session.execute(delete(Camera))
    session.commit()


def reset_postgresql(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {args.rows} rows, "
          f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows the figures)")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print("SQLite")
        run(f"sqlite:///{workdir / 'bench.sqlite'}", args.rows, workdir)
        pg_url = os.environ.get("CAMREG_TEST_DATABASE_URL")
        if pg_url:
            print("PostgreSQL")
            reset_postgresql(pg_url)
            run(pg_url, args.rows, workdir)


if __name__ == "__main__":
    main()
