"""Fixtures shared by all tests: a real database (SQLite always, PostgreSQL when
CAMREG_TEST_DATABASE_URL names one), the app, API clients with tokens, and a small city."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from camera_registry import create_app, migrate
from camera_registry.database import Base, db, make_engine
from camera_registry.services import users

pytest_plugins = ["tests.stream_fixtures"]

PG_URL = os.environ.get("CAMREG_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    """A migrated, empty database for the whole session, one per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    else:
        url = PG_URL
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


def empty_database(url: str) -> None:
    engine = make_engine(url)
    existing = set(inspect(engine).get_table_names())
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with engine.begin() as connection:
        if url.startswith("postgresql"):
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    engine.dispose()


@pytest.fixture(scope="session")
def demo_streams_path(tmp_path_factory) -> Path:
    """The demo's clips, rendered once per test session."""
    return tmp_path_factory.mktemp("demo_streams")


@pytest.fixture
def app(database_url, tmp_path: Path, demo_streams_path: Path):
    empty_database(database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "ALLOW_FILE_STREAMS": False,
                      "DEMO_STREAMS_PATH": str(demo_streams_path)})
    with app.app_context():
        yield app
    db.session.remove()
    if "camreg_health" in app.extensions:  # stop the check workers a test started
        app.extensions["camreg_health"].close()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class ApiClient:
    """The Flask test client with a bearer token; paths are relative to /api/v1."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, **kwargs):
        url = path if path.startswith(("/api/", "/healthz")) else "/api/v1" + path
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def make_api(app, session):
    """make_api(role, scope_code) -> an ApiClient holding a fresh user's token."""
    counter = iter(range(1_000_000))

    def make(role: str = "admin", scope: str | None = None) -> ApiClient:
        user = users.create_user(session, f"{role}{next(counter)}", role, scope)
        return ApiClient(app.test_client(), users.create_token(session, user))
    return make


@pytest.fixture
def admin(make_api) -> ApiClient:
    return make_api("admin")


@dataclass
class City:
    """A small real city: two counties, each with a street and two communities."""

    city: str = "371300"
    county_a: str = "371302"
    county_b: str = "371311"
    street_a: str = "371302001"
    street_b: str = "371311002"
    community_a1: str = "371302001001"
    community_a2: str = "371302001002"
    community_b1: str = "371311002001"
    compound_a1: int = 0
    compound_b1: int = 0


SQUARE = {"type": "Polygon", "coordinates": [[[118.350, 35.050], [118.352, 35.050],
                                              [118.352, 35.052], [118.350, 35.052],
                                              [118.350, 35.050]]]}


def camera_payload(code: str, **fields: Any) -> dict[str, Any]:
    """A valid camera body; override any field."""
    return {"code": code, "name": f"探头{code[-4:]}", "kind": "bullet",
            "stream_url": "rtsp://127.0.0.1:8554/cam", "lon": 118.351, "lat": 35.051,
            "bearing_deg": 90, "fov_deg": 90, "range_m": 30, **fields}


@pytest.fixture
def city(admin) -> City:
    c = City()
    divisions = [
        (c.city, "临沂市", "city", None),
        (c.county_a, "兰山区", "county", c.city),
        (c.county_b, "罗庄区", "county", c.city),
        (c.street_a, "金雀山街道", "town", c.county_a),
        (c.street_b, "罗庄街道", "town", c.county_b),
        (c.community_a1, "银雀山社区", "community", c.street_a),
        (c.community_a2, "南坊社区", "community", c.street_a),
        (c.community_b1, "龙潭社区", "community", c.street_b),
    ]
    for code, name, level, parent in divisions:
        response = admin.post("/divisions", json={"code": code, "name": name, "level": level,
                                                  "parent_code": parent})
        assert response.status_code == 201, response.json
    c.compound_a1 = admin.post("/compounds", json={
        "name": "阳光花园", "division_code": c.community_a1, "boundary": SQUARE,
        "in_campaign": True}).json["id"]
    c.compound_b1 = admin.post("/compounds", json={
        "name": "龙潭小区", "division_code": c.community_b1, "in_campaign": True}).json["id"]
    return c


@pytest.fixture
def client_without_token(app):
    return app.test_client()
