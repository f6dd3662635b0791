"""``camreg demo``: builds once, says so the second time, rebuilds with --reset."""
from __future__ import annotations

from sqlalchemy import func, select

from camera_registry import create_app
from camera_registry.cli import cli
from camera_registry.database import db
from camera_registry.models import Camera, Division, User


def _cameras(session) -> int:
    return session.scalar(select(func.count()).select_from(Camera))


def test_demo_builds_the_small_city_and_prints_an_admin_token(runner, app, session):
    result = runner.invoke(cli, ["demo", "--small"])
    assert result.exit_code == 0, result.output
    assert "Safe Compound campaign: 5 compounds, 4 built, 2 networked, 1 weak" in result.output
    assert "networked channels in the whole city: 30" in result.output
    for username in ("admin", "monitor_lanshan", "integrator_yinqueshan"):
        assert username in result.output
    token = result.output.split()[-1]
    answer = app.test_client().get("/api/v1/cameras",
                                   headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json["total"] == _cameras(session) > 0
    scopes = dict(session.execute(select(User.username, Division.code)
                                  .join(Division, User.scope_id == Division.id)).all())
    assert scopes == {"monitor_lanshan": "371302", "integrator_yinqueshan": "371302002"}


def test_demo_twice_does_nothing_the_second_time(runner, session):
    assert runner.invoke(cli, ["demo", "--small"]).exit_code == 0
    before = _cameras(session)
    result = runner.invoke(cli, ["demo", "--small"])
    assert result.exit_code == 0
    assert "already holds the demo city" in result.output and "nothing done" in result.output
    assert _cameras(session) == before
    assert session.scalar(select(func.count()).select_from(User)) == 3


def test_reset_rebuilds_the_same_city(runner, session):
    assert runner.invoke(cli, ["demo", "--small"]).exit_code == 0
    codes = session.scalars(select(Camera.code).order_by(Camera.id)).all()
    result = runner.invoke(cli, ["demo", "--small", "--reset"])
    assert result.exit_code == 0, result.output
    assert "deleted everything" in result.output
    session.expire_all()
    assert session.scalars(select(Camera.code).order_by(Camera.id)).all() == codes


def test_demo_refuses_a_registry_that_holds_other_data(runner, city, session):
    result = runner.invoke(cli, ["demo", "--small"])
    assert result.exit_code == 1
    assert "not the demo" in result.output
    assert _cameras(session) == 0


def test_rtsp_base_points_cameras_at_the_stream_server(runner, session):
    result = runner.invoke(cli, ["demo", "--small", "--rtsp-base", "rtsp://127.0.0.1:8554"])
    assert result.exit_code == 0, result.output
    urls = session.scalars(select(Camera.stream_url)).all()
    assert urls and all(url.startswith(("rtsp://127.0.0.1:8554/", "rtsp://127.0.0.1:8555/dead"))
                        for url in urls)


def test_demo_migrates_a_fresh_database(tmp_path, demo_streams_path):
    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
                        "SECRET_KEY": "fresh", "INSTANCE_PATH": str(tmp_path / "instance"),
                        "DEMO_STREAMS_PATH": str(demo_streams_path)})
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(cli, ["demo", "--small"])
        assert result.exit_code == 0, result.output
        assert _cameras(db.session) > 0
    db.session.remove()
