"""camreg report, camreg coverage and camreg snapshot; the demo city's figures."""
from __future__ import annotations

import json
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from camera_registry import create_app, migrate
from camera_registry.cli import cli
from camera_registry.database import make_engine
from camera_registry.models import DailyFigures, KeyPlaceCoverage
from camera_registry.services import demo
from tests.camera_registry.coverage_support import build_campaign


@pytest.fixture
def campaign(admin, city, session):
    return build_campaign(admin, city, session)


def test_report_as_json(runner, campaign):
    result = runner.invoke(cli, ["report", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["division"]["code"] == "371300"
    assert (body["division"]["campaign"], body["division"]["channels"]) == (3, 5)
    assert [row["code"] for row in body["children"]] == ["371302", "371311"]


def test_report_as_a_table(runner, campaign):
    result = runner.invoke(cli, ["report", "--division", campaign.city.county_a])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["区划代码", "区划名称", "创建小区", "建设到位"]
    assert lines[1].split()[:2] == [campaign.city.street_a, "金雀山街道"]
    assert lines[2].split()[:2] == ["371302", "兰山区（合计）"]
    english = runner.invoke(cli, ["report", "--lang", "en"]).output
    assert english.splitlines()[0].split()[:2] == ["Division", "code"]


def test_report_files(runner, campaign, tmp_path):
    result = runner.invoke(cli, ["report", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.lstrip("\ufeff").startswith("区划代码,区划名称")
    target = tmp_path / "weekly.xlsx"
    result = runner.invoke(cli, ["report", "--format", "xlsx", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output
    assert openpyxl.load_workbook(target)["统计表"]["A3"].value == "区划代码"
    refused = runner.invoke(cli, ["report", "--format", "xlsx"])
    assert refused.exit_code == 2 and "needs --output" in refused.output


def test_report_at_a_past_date_and_bad_input(runner, campaign):
    result = runner.invoke(cli, ["report", "--format", "json", "--at", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["source"] == "reconstructed"
    for args, message in ((["--at", "20-11-2026"], "must be a date"),
                          (["--days", "90"], "from 1 to 31"),
                          (["--division", "999999"], "no division")):
        result = runner.invoke(cli, ["report", *args])
        assert result.exit_code == 1 and message in result.output, args


def test_coverage_and_snapshot_commands(runner, campaign, session):
    result = runner.invoke(cli, ["coverage"])
    assert result.exit_code == 0, result.output
    assert "4 key places recomputed" in result.output
    assert "full 1  partial 1  uncovered 2" in result.output
    result = runner.invoke(cli, ["coverage", "--all"])
    assert result.exit_code == 0 and "4 key places recomputed" in result.output
    result = runner.invoke(cli, ["snapshot"])
    assert result.exit_code == 0 and "stored the figures of 8 divisions" in result.output
    assert session.scalar(select(func.count()).select_from(DailyFigures)) == 8


# --- the full demo city, built once for this module on its own SQLite file ----------------

@pytest.fixture(scope="module")
def full_city(tmp_path_factory, demo_streams_path):
    folder = tmp_path_factory.mktemp("report_city")
    url = f"sqlite:///{folder / 'city.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    config = {"SECRET_KEY": "full-city", "DEMO_STREAMS_PATH": demo_streams_path}
    with Session(engine) as session:
        demo.build_demo(session, config, folder / "instance", now=datetime(2026, 1, 1, 8))
    engine.dispose()
    return url, folder


def test_the_demo_city_report_gives_the_linyi_figures(full_city, demo_streams_path):
    url, folder = full_city
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "full-city",
                      "INSTANCE_PATH": str(folder / "instance"),
                      "DEMO_STREAMS_PATH": str(demo_streams_path)})
    with app.app_context():
        result = app.test_cli_runner().invoke(cli, ["report", "--division", "371300",
                                                    "--format", "json"])
        assert result.exit_code == 0, result.output
        city = json.loads(result.output)["division"]
        assert (city["campaign"], city["built"], city["networked"], city["channels"]) == (
            2366, 1524, 930, 17475)
        assert (city["weak"], city["compounds"], city["key_places"]) == (522, 2666, 26847)
        # Computed on the way: every key place has its coverage (nothing is checked yet, so
        # nothing works and every place is uncovered; by design some are fully covered).
        engine = make_engine(url)
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(KeyPlaceCoverage)) == 26847
        engine.dispose()
        assert city["key_places_uncovered"] == 26847
        assert city["key_places_design_full"] == 3025  # docs/COVERAGE.md
        root = json.loads(app.test_cli_runner().invoke(cli, ["report", "--format", "json"])
                          .output)
        assert root["division"]["code"] == "370000"
        assert root["division"]["channels"] == 17475
