"""camreg import and camreg export."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from camera_registry.cli import cli
from camera_registry.models import Camera, ChangeRecord
from camera_registry.services import users
from tests.camera_registry.import_support import (PASSWORD, code, csv_bytes, headers, read_csv,
                                                  row, table)


@pytest.fixture
def sheet(tmp_path, city):
    """sheet(rows, name) -> the path of a CSV file holding the rows."""
    def write(rows, name="cameras.csv"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(table(rows), "gbk"))
        return str(path)
    return write


def cameras_in(session) -> int:
    return session.scalar(select(func.count()).select_from(Camera))


def test_import_creates_cameras_and_prints_a_summary(runner, session, city, sheet):
    result = runner.invoke(cli, ["import", sheet([row(1, city), row(2, city)])])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged, 0 rejected" in result.output
    assert cameras_in(session) == 2


def test_dry_run_writes_nothing(runner, session, city, sheet):
    result = runner.invoke(cli, ["import", "--dry-run", sheet([row(1, city)])])
    assert result.exit_code == 0 and result.output.startswith("dry run, nothing written")
    assert cameras_in(session) == 0


def test_rejected_rows_are_printed_and_exit_1(runner, session, city, sheet):
    result = runner.invoke(cli, ["import", sheet([row(1, city), row(2, city, lon="东经")])])
    assert result.exit_code == 1
    assert "row 3, 经度: '东经' is not a number" in result.output
    assert cameras_in(session) == 0


def test_json_prints_the_full_report(runner, city, sheet):
    result = runner.invoke(cli, ["import", "--json", sheet([row(1, city)])])
    assert result.exit_code == 0 and '"created": 1' in result.output


def test_a_bad_file_is_an_error(runner, tmp_path):
    path = tmp_path / "cameras.csv"
    path.write_text("foo,bar\n1,2\n")
    result = runner.invoke(cli, ["import", str(path)])
    assert result.exit_code == 1 and "unknown columns 'foo', 'bar'" in result.output


def test_import_as_a_user_is_limited_to_their_scope(runner, session, city, sheet):
    users.create_user(session, "lanshan", "integrator", city.street_a)
    result = runner.invoke(cli, ["import", "--user", "lanshan", sheet([
        row(1, city, code=code(1, "371311"), compound="龙潭小区",
            division_code=city.community_b1)])])
    assert result.exit_code == 1 and "行政区划代码" in result.output


def test_import_as_a_monitor_is_forbidden(runner, session, city, sheet):
    users.create_user(session, "watcher", "monitor", city.county_a)
    result = runner.invoke(cli, ["import", "--user", "watcher", sheet([row(1, city)])])
    assert result.exit_code == 1 and "needs the role" in result.output


def test_import_records_changes_under_one_request(runner, session, city, sheet):
    runner.invoke(cli, ["import", sheet([row(1, city), row(2, city)], "batch7.csv")])
    records = session.scalars(select(ChangeRecord).where(
        ChangeRecord.object_type == "camera")).all()
    assert {(r.username, r.request) for r in records} == {("system", "camreg import batch7.csv")}
    assert len({r.request_id for r in records}) == 1


def test_export_writes_csv_without_the_password(runner, city, sheet, tmp_path):
    runner.invoke(cli, ["import", sheet([row(1, city, stream_password=PASSWORD)])])
    result = runner.invoke(cli, ["export", str(tmp_path / "out.csv"), "--lang", "en"])
    exported = read_csv((tmp_path / "out.csv").read_bytes())
    assert result.exit_code == 0 and "exported 1 cameras" in result.output
    assert exported[0] == headers("en") and exported[1][5] == "***"
    assert PASSWORD not in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_export_writes_xlsx_for_a_division(runner, city, sheet, tmp_path):
    runner.invoke(cli, ["import", sheet([row(1, city), row(2, city, compound="",
                                                           division_code=city.community_a2)])])
    runner.invoke(cli, ["export", str(tmp_path / "out.xlsx"), "--division", city.community_a2])
    workbook = openpyxl.load_workbook(io.BytesIO((tmp_path / "out.xlsx").read_bytes()))
    assert [r[0] for r in workbook.active.iter_rows(min_row=2, values_only=True)] == [code(2)]


def test_export_takes_list_filters(runner, city, sheet, tmp_path):
    runner.invoke(cli, ["import", sheet([row(1, city), row(2, city, kind="球机")])])
    runner.invoke(cli, ["export", str(tmp_path / "out.csv"), "--filter", "kind=dome"])
    assert [r[0] for r in read_csv((tmp_path / "out.csv").read_bytes())[1:]] == [code(2)]


def test_export_as_a_user_shows_their_scope(runner, session, city, sheet, tmp_path):
    runner.invoke(cli, ["import", sheet([row(1, city), row(2, city, code=code(2, "371311"),
                                                           compound="龙潭小区",
                                                           division_code=city.community_b1)])])
    users.create_user(session, "luozhuang", "monitor", city.county_b)
    runner.invoke(cli, ["export", str(tmp_path / "out.csv"), "--user", "luozhuang"])
    assert [r[0] for r in read_csv((tmp_path / "out.csv").read_bytes())[1:]] == [
        code(2, "371311")]


def test_export_needs_a_csv_or_xlsx_name(runner, tmp_path):
    result = runner.invoke(cli, ["export", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1 and ".csv or .xlsx" in result.output


def test_an_export_reimports_unchanged(runner, city, sheet, tmp_path):
    runner.invoke(cli, ["import", sheet([row(1, city, stream_password=PASSWORD),
                                         row(2, city, networked_since="2020-01-01",
                                             lifecycle="联网", networked_level="乡镇")])])
    runner.invoke(cli, ["export", str(tmp_path / "out.xlsx")])
    result = runner.invoke(cli, ["import", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in result.output
