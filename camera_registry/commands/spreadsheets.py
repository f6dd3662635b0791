"""``camreg import`` and ``camreg export``: cameras from and to CSV/XLSX files.

They run the same services as the API; the command line acts as the system (everything,
role admin) unless ``--user`` names an account, whose role and scope then apply.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app

from camera_registry.cli import cli, fail
from camera_registry.database import db
from camera_registry.errors import BadRequest, ServiceError
from camera_registry.services import imports, spreadsheets, users
from camera_registry.services.imports import ImportReport
from camera_registry.services.scope import Actor


def _actor(username: str | None, request: str) -> Actor:
    if username is None:
        return Actor.system(request=request)
    return users.actor_for(users.get_user(db.session, username), request=request)


def _echo_report(report: ImportReport) -> None:
    click.echo(report.message())
    for error in report.errors:
        where = f"row {error.row}" + (f", {error.column}" if error.column else "")
        click.echo(f"  {where}: {error.message}", err=True)
    for warning in report.warnings:
        click.echo(f"  warning: row {warning.row}, {warning.column}: {warning.message}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check the file and report; write nothing")
@click.option("--user", "username", help="act as this user (their role and scope)")
@click.option("--json", "as_json", is_flag=True, help="print the full report as JSON")
def import_command(file: Path, dry_run: bool, username: str | None, as_json: bool) -> None:
    """Create or update cameras from a CSV or XLSX FILE (docs/IMPORT.md).

    The whole file is imported, or nothing when any row is rejected (exit code 1).
    """
    try:
        actor = _actor(username, f"camreg import {file.name}")
        report = imports.import_cameras(
            db.session, actor, current_app.extensions["camreg_resources"]["cameras"],
            file.read_bytes(), file.name, dry_run)
    except ServiceError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _echo_report(report)
    if report.errors:
        sys.exit(1)


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--lang", type=click.Choice(spreadsheets.LANGUAGES), default="zh",
              show_default=True, help="header language")
@click.option("--division", help="only cameras in the subtree of this division code")
@click.option("--filter", "filters", multiple=True, metavar="NAME=VALUE",
              help="a camera-list filter, e.g. lifecycle=networked (repeatable)")
@click.option("--user", "username", help="act as this user (their scope)")
def export_command(file: Path, lang: str, division: str | None, filters: tuple[str, ...],
                   username: str | None) -> None:
    """Write cameras to FILE (.csv or .xlsx), in the columns the import reads."""
    fmt = file.suffix.lower().lstrip(".")
    try:
        if fmt not in spreadsheets.FORMATS:
            raise BadRequest(f"{file.name}: the file name must end in .csv or .xlsx")
        params = _filters(filters)
        if division:
            params["division"] = division
        actor = _actor(username, f"camreg export {file.name}")
        rows = imports.export_rows(db.session, actor,
                                   current_app.extensions["camreg_resources"]["cameras"], params)
    except ServiceError as exc:
        fail(exc)
    file.write_bytes(spreadsheets.write_table(rows, fmt, lang))
    click.echo(f"exported {len(rows)} cameras to {file}")


def _filters(filters: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadRequest(f"--filter {item!r}: write NAME=VALUE")
        params[name.strip()] = value.strip()
    return params
