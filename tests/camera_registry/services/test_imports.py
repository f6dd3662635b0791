"""The camera import and export services: rules, atomicity, updates by code, scope, secrets."""
import pytest
from sqlalchemy import event, func, select, text

from camera_registry.database import db
from camera_registry.errors import Forbidden
from camera_registry.models import Camera, ChangeRecord
from camera_registry.services import imports, users
from camera_registry.services.scope import Actor
from camera_registry.services.spreadsheets import write_table
from tests.camera_registry.import_support import (PASSWORD, code, csv_bytes, places,  # noqa: F401
                                                  row, table, xlsx_bytes)


@pytest.fixture
def cameras(app):
    return app.extensions["camreg_resources"]["cameras"]


@pytest.fixture
def run(session, cameras):
    """run(rows or bytes, dry_run=False, actor=None, lang="zh") -> the report."""
    def import_file(content, dry_run=False, actor=None, lang="zh", filename="cameras.csv"):
        data = content if isinstance(content, bytes) else csv_bytes(table(content, lang))
        return imports.import_cameras(session, actor or Actor.system(), cameras, data,
                                      filename, dry_run)
    return import_file


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def camera_changes(session) -> int:
    return session.scalar(select(func.count()).select_from(ChangeRecord).where(
        ChangeRecord.object_type == "camera"))


def camera(session, n: int) -> Camera:
    session.expire_all()
    return session.scalars(select(Camera).where(Camera.code == code(n))).one()


def errors_of(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def actor_for(session, role: str, scope: str | None) -> Actor:
    return users.actor_for(users.create_user(session, f"{role}-{scope}", role, scope))


# --- creating --------------------------------------------------------------------------------

def test_rows_create_cameras_with_places_found_by_name(run, session, city, places):
    report = run([row(1, city, building="3号楼", key_places="东门；银雀山广场;金雀山市场")])
    created = camera(session, 1)
    assert report.applied and report.summary()["created"] == 1
    assert (created.compound_id, created.building_id) == (city.compound_a1, places.building)
    assert sorted(p.id for p in created.key_places) == sorted(
        [places.gate, places.square, places.market])


def test_a_camera_without_a_compound_belongs_to_its_division(run, session, city):
    run([row(1, city, compound="", division_code=city.street_a)])
    created = camera(session, 1)
    assert created.compound_id is None and created.division.code == city.street_a


def test_empty_cells_take_the_api_defaults(run, session, city):
    run([row(1, city, kind="")])
    created = camera(session, 1)
    assert (created.kind, created.lifecycle, created.networked_level, created.fov_deg,
            created.probe_enabled) == ("bullet", "installed", "none", 90.0, True)


def test_english_headers_and_values_import_the_same(run, session, city):
    run([row(1, city, kind="ptz", lifecycle="networked", networked_level="city",
             networked_since="2017-11-20", probe_enabled="false")], lang="en")
    created = camera(session, 1)
    assert (created.kind, created.networked_level, created.probe_enabled) == ("ptz", "city", False)


def test_xlsx_imports_like_csv(run, session, city):
    report = run(xlsx_bytes(table([row(1, city, lon=118.36, probe_interval_s=60)])),
                 filename="cameras.xlsx")
    assert report.applied and camera(session, 1).probe_interval_s == 60


def test_credentials_in_the_stream_url_are_moved_out(run, session, city, cameras):
    run([row(1, city, stream_url=f"rtsp://viewer:{PASSWORD}@127.0.0.1:8554/live")])
    created = camera(session, 1)
    assert created.stream_url == "rtsp://127.0.0.1:8554/live"
    assert cameras.box.decrypt(created.stream_password_enc) == PASSWORD


# --- rejecting -------------------------------------------------------------------------------

def test_a_dry_run_writes_nothing(run, session, city):
    report = run([row(1, city), row(2, city)], dry_run=True)
    assert report.summary()["created"] == 2 and not report.applied
    assert count(session, Camera) == 0 and camera_changes(session) == 0


def test_a_dry_run_reports_updates_with_their_new_values(run, session, city):
    run([row(1, city)])
    report = run([row(1, city, name="新名称")], dry_run=True)
    assert report.to_json()["updated"] == [{"row": 2, "code": code(1), "name": "新名称",
                                            "fields": ["name"]}]
    assert camera(session, 1).name == "东门1"


def test_one_bad_row_among_good_ones_writes_nothing(run, session, city):
    report = run([row(1, city), row(2, city, lat="北纬35"), row(3, city)])
    assert not report.applied and report.summary()["rejected"] == 1
    assert count(session, Camera) == 0 and camera_changes(session) == 0


def test_a_rejected_update_leaves_the_camera_as_it_was(run, session, city):
    run([row(1, city)])
    run([row(1, city, name="新名称"), row(2, city, lon="east")])
    assert camera(session, 1).name == "东门1"


def test_errors_name_the_row_the_column_and_the_reason(run, city):
    report = run([row(1, city), row(2, city, lon="东经118")])
    assert errors_of(report) == [(3, "经度", "'东经118' is not a number")]


def test_errors_use_the_header_as_written_in_the_file(run, city):
    report = run([row(1, city, lon="east")], lang="en")
    assert errors_of(report)[0][:2] == (2, "lon")


def test_the_schema_rules_of_the_api_apply(run, city):
    report = run([row(1, city, lifecycle="已联网")])
    assert errors_of(report)[0][:2] == (2, "联网级别")
    assert "platform level" in errors_of(report)[0][2]


def test_the_registry_rules_of_the_api_apply(run, city):
    report = run([row(1, city, code=code(1, county="371311"))])
    assert errors_of(report)[0][:2] == (2, "国标编码")
    assert "county" in errors_of(report)[0][2]


def test_a_malformed_code_is_a_row_error(run, city):
    report = run([row(1, city, code="3713020001132")])
    assert errors_of(report) == [(2, "国标编码", "must be exactly 20 digits, got 13 characters")]


def test_a_new_camera_needs_the_required_values(run, city):
    report = run([row(1, city, name="")])
    assert errors_of(report) == [(2, "名称", "Field required")]


def test_a_code_repeated_in_the_file_names_the_other_row(run, city):
    report = run([row(1, city), row(2, city), row(1, city, name="again")])
    assert errors_of(report) == [
        (2, "国标编码", f"code {code(1)} is repeated in the file: also on row 4"),
        (4, "国标编码", f"code {code(1)} is repeated in the file: also on row 2")]


def test_an_unknown_compound_is_a_row_error(run, city):
    report = run([row(1, city, compound="月亮花园")])
    assert errors_of(report) == [(2, "所属小区", f"no compound named 月亮花园 in "
                                               f"{city.community_a1} 银雀山社区")]


def test_a_compound_is_found_only_in_the_rows_division(run, city):
    report = run([row(1, city, division_code=city.community_a2)])
    assert errors_of(report)[0][:2] == (2, "所属小区")


def test_a_building_needs_a_compound(run, city, places):
    report = run([row(1, city, compound="", building="3号楼")])
    assert errors_of(report)[0][:2] == (2, "楼栋")


def test_an_unknown_key_place_is_a_row_error(run, city, places):
    report = run([row(1, city, key_places="东门；西门")])
    assert errors_of(report)[0][:2] == (2, "重点部位") and "西门" in errors_of(report)[0][2]


def test_an_ambiguous_key_place_asks_for_its_id(run, admin, city, places):
    from tests.conftest import SQUARE
    admin.post("/key-places", json={"name": "东门", "kind": "gate", "polygon": SQUARE,
                                    "compound_id": city.compound_a1})
    report = run([row(1, city, key_places="东门")])
    assert "write one as #id" in errors_of(report)[0][2]


def test_a_key_place_may_be_named_by_id(run, session, city, places):
    run([row(1, city, key_places=f"#{places.gate}")])
    assert [p.id for p in camera(session, 1).key_places] == [places.gate]


# --- updating by code ------------------------------------------------------------------------

def test_reimport_updates_by_code_instead_of_duplicating(run, session, city):
    run([row(1, city)])
    report = run([row(1, city, name="东门（新）", bearing_deg="180")])
    assert count(session, Camera) == 1 and camera(session, 1).name == "东门（新）"
    assert [(o.row, o.fields) for o in report.outcomes_of("update")] == [
        (2, ["name", "bearing_deg"])]


def test_an_update_keeps_the_values_of_empty_cells(run, session, city, places):
    run([row(1, city, building="3号楼", height_m="6", integrator="某某科技")])
    run([{"code": code(1), "name": "东门1", "stream_url": "rtsp://127.0.0.1:8554/cam1",
          "lon": "118.352"}])
    updated = camera(session, 1)
    assert (updated.lon, updated.height_m, updated.building_id, updated.integrator) == (
        118.352, 6.0, places.building, "某某科技")


def test_a_dash_clears_optional_values_on_update(run, session, city, places):
    run([row(1, city, building="3号楼", key_places="东门", height_m="6")])
    run([row(1, city, building="-", key_places="-", height_m="-")])
    updated = camera(session, 1)
    assert (updated.building_id, updated.key_places, updated.height_m) == (None, [], None)


def test_moving_to_another_division_needs_a_compound_there(run, city):
    run([row(1, city)])
    report = run([{**row(1, city), "division_code": city.community_a2, "compound": ""}])
    assert errors_of(report)[0][:2] == (2, "所属小区")


def test_reimporting_the_same_file_changes_nothing(run, session, city, places):
    rows = [row(1, city, building="3号楼", key_places="银雀山广场;东门", stream_username="admin",
                stream_password=PASSWORD)]
    run(rows)
    before = camera(session, 1).updated_at
    report = run(rows)
    assert report.summary()["unchanged"] == 1
    assert camera(session, 1).updated_at == before and camera_changes(session) == 1


def test_each_change_is_recorded_under_the_import_request(run, session, city):
    run([row(1, city)])
    actor = Actor.system(request="camreg import cameras.csv")
    run([row(1, city, name="改名"), row(2, city)], actor=actor)
    records = session.scalars(select(ChangeRecord).where(
        ChangeRecord.request_id == actor.request_id)).all()
    assert sorted(r.action for r in records) == ["create", "update"]
    assert {r.request for r in records} == {"camreg import cameras.csv"}


# --- passwords -------------------------------------------------------------------------------

def test_stars_keep_the_current_password(run, session, city, cameras):
    run([row(1, city, stream_password=PASSWORD)])
    report = run([row(1, city, stream_password="***")])
    assert report.summary()["unchanged"] == 1
    assert cameras.box.decrypt(camera(session, 1).stream_password_enc) == PASSWORD


def test_a_new_password_is_an_update(run, session, city, cameras):
    run([row(1, city, stream_password=PASSWORD)])
    report = run([row(1, city, stream_password="n3w-Secret")])
    assert report.outcomes_of("update")[0].fields == ["stream_password"]
    assert cameras.box.decrypt(camera(session, 1).stream_password_enc) == "n3w-Secret"


def test_stars_for_a_new_camera_are_a_warning(run, city):
    report = run([row(1, city, stream_password="***")])
    assert report.applied and [(w.row, w.column) for w in report.warnings] == [(2, "密码")]


def test_the_password_is_in_no_report_or_change_record(run, session, city):
    report = run([row(1, city, stream_password=PASSWORD), row(2, city, lon="x",
                                                              stream_password=PASSWORD)])
    run([row(1, city, stream_password=PASSWORD)])
    run([row(1, city, stream_password=PASSWORD + "2")])
    records = [str((r.before, r.after)) for r in session.scalars(select(ChangeRecord))]
    assert PASSWORD not in str(report.to_json()) and PASSWORD not in "".join(records)


# --- scope and roles -------------------------------------------------------------------------

def test_a_row_outside_the_integrators_scope_is_rejected(run, session, city):
    integrator = actor_for(session, "integrator", city.street_a)
    report = run([row(1, city), row(2, city, code=code(2, "371311"), compound="龙潭小区",
                                    division_code=city.community_b1)], actor=integrator)
    assert errors_of(report) == [(3, "行政区划代码",
                                  f"no division with code {city.community_b1} in your scope")]


def test_an_existing_camera_outside_the_scope_cannot_be_updated(run, session, city):
    run([row(1, city, code=code(1, "371311"), compound="龙潭小区",
             division_code=city.community_b1)])
    integrator = actor_for(session, "integrator", city.street_a)
    report = run([row(1, city, code=code(1, "371311"))], actor=integrator)
    assert errors_of(report)[0][:2] == (2, "国标编码") and "outside your scope" in \
        errors_of(report)[0][2]


def test_monitors_may_not_import(run, session, city):
    with pytest.raises(Forbidden):
        run([row(1, city)], actor=actor_for(session, "monitor", city.county_a))


# --- performance shape -----------------------------------------------------------------------

def test_the_number_of_lookups_does_not_grow_with_the_rows(run, session, city, places):
    def statements(rows):  # SELECTs only: SQLite's driver inserts one row per statement
        seen = []
        listener = lambda *args: seen.append(args[2].startswith("SELECT"))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            run(rows)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return sum(seen)

    few = [row(n, city, building="3号楼", key_places="东门") for n in range(1, 4)]
    many = [row(n, city, building="3号楼", key_places="东门") for n in range(11, 41)]
    assert statements(many) == statements(few)
    assert statements(many) == statements(few)  # and as many again for updates


# --- export ----------------------------------------------------------------------------------

def test_export_writes_the_import_columns(run, session, city, cameras, places):
    run([row(1, city, building="3号楼", key_places="东门;金雀山市场", stream_password=PASSWORD)])
    [exported] = imports.export_rows(session, Actor.system(), cameras, {})
    assert (exported["compound"], exported["building"], exported["key_places"],
            exported["stream_password"]) == ("阳光花园", "3号楼", ["东门", "金雀山市场"], "***")


def test_export_names_an_ambiguous_key_place_by_id(run, session, admin, city, cameras, places):
    from tests.conftest import SQUARE
    run([row(1, city, key_places="东门")])
    admin.post("/key-places", json={"name": "东门", "kind": "gate", "polygon": SQUARE,
                                    "compound_id": city.compound_a1})
    [exported] = imports.export_rows(session, Actor.system(), cameras, {})
    assert exported["key_places"] == [f"#{places.gate}"]


def test_export_is_limited_to_the_scope(run, session, city, cameras):
    run([row(1, city), row(2, city, code=code(2, "371311"), compound="龙潭小区",
                           division_code=city.community_b1)])
    integrator = actor_for(session, "integrator", city.street_b)
    assert [r["code"] for r in imports.export_rows(session, integrator, cameras, {})] == [
        code(2, "371311")]


def test_export_takes_the_camera_list_filters(run, session, city, cameras):
    run([row(1, city), row(2, city, lifecycle="已联网", networked_level="县级")])
    rows = imports.export_rows(session, Actor.system(), cameras, {"lifecycle": "networked"})
    assert [r["code"] for r in rows] == [code(2)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_export_reimports_with_no_changes(run, session, city, cameras, places, fmt, lang):
    run([row(1, city, building="3号楼", key_places="东门;银雀山广场", stream_username="admin",
             stream_password=PASSWORD, height_m="4.5", fov_deg="87.5", lifecycle="已联网",
             networked_level="县级", networked_since="2017-11-20", integrator="某某科技",
             probe_interval_s="60"),
         row(2, city, compound="", division_code=city.street_a, kind="鱼眼",
             probe_enabled="否", key_places="金雀山市场")])
    exported = write_table(imports.export_rows(session, Actor.system(), cameras, {}), fmt, lang)
    report = run(exported, filename=f"export.{fmt}")
    assert report.summary() == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2,
                                "rejected": 0}


def test_a_large_import_refreshes_postgresql_statistics(session, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite plans from the data itself; only PostgreSQL keeps stale statistics")
    imports._refresh_statistics(session, imports.ANALYZE_AFTER)
    assert session.scalar(text("SELECT last_analyze FROM pg_stat_user_tables "
                               "WHERE relname = 'cameras'")) is not None
