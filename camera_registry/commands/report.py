"""camreg report, camreg coverage and camreg snapshot: figures and coverage from the shell."""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import click

from camera_registry.cli import cli, fail
from camera_registry.database import db, utcnow
from camera_registry.errors import ServiceError
from camera_registry.services import coverage, report_files, reports
from camera_registry.services.scope import Actor

# The columns of the terminal table (the files carry them all).
TABLE = ("code", "name", "campaign", "built", "networked", "channels", "online_rate",
         "intact_rate", "key_places_full", "key_places_partial", "key_places_uncovered")


@cli.command("report")
@click.option("--division", "division_code", help="a division code (default: the root)")
@click.option("--at", "at", metavar="YYYY-MM-DD",
              help="the figures at 08:00 (Asia/Shanghai) that day")
@click.option("--days", default="1", show_default=True,
              help="period of the time-weighted rates, in days")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "json"]),
              default="table", show_default=True)
@click.option("--lang", type=click.Choice(report_files.LANGUAGES), default="zh",
              show_default=True, help="headers of the table and files")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write to this file (required for xlsx)")
def report_command(division_code: str | None, at: str | None, days: str, fmt: str, lang: str,
                   output: Path | None) -> None:
    """Campaign and coverage figures of a division and each of its children."""
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE")
    now = utcnow()
    try:
        report = reports.summary(db.session, Actor.system("camreg report"), division_code, now,
                                 reports.parse_day(at, now), reports.parse_days(days))
    except ServiceError as exc:
        fail(exc)
    if fmt == "xlsx":
        data: bytes = report_files.to_xlsx(report, lang)
    elif fmt == "csv":
        data = report_files.to_csv(report, lang)
    elif fmt == "json":
        data = (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        data = _table(report, lang).encode()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output} ({len(report.rows)} rows)")


def _table(report: reports.Report, lang: str) -> str:
    columns = [c for c in report_files.COLUMNS if c.key in TABLE]
    rows = report.rows
    cells = [[c.header(lang) for c in columns]]
    for index, row in enumerate(rows):
        values = report_files.row_values(row, lang, total=index == len(rows) - 1)
        by_key = dict(zip((c.key for c in report_files.COLUMNS), values))
        cells.append([_text(c, by_key[c.key]) for c in columns])
    widths = [max(_width(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(_pad(cell, width, column.kind != report_files.TEXT)
                       for cell, width, column in zip(line, widths, columns))
             for line in cells]
    source = report_files.SOURCES[lang][report.source]
    return "\n".join([*lines, "", f"{report.day.isoformat()} ({source}); "
                                  f"{len(report.late_compounds)} late compounds; "
                                  f"rules: docs/COVERAGE.md", ""])


def _text(column: report_files.Column, value) -> str:
    if value is None:
        return "-"
    if column.kind == report_files.RATE:
        return f"{value * 100:.1f}%"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding


@cli.command("coverage")
@click.option("--all", "everything", is_flag=True,
              help="recompute every key place from scratch (after bulk SQL edits, say)")
def coverage_command(everything: bool) -> None:
    """Bring key place coverage up to date with the registry and print the counts."""
    session = db.session
    if everything:
        result = coverage.recompute_all(session)
        session.commit()
    else:
        result = coverage.refresh(session, wait_s=600.0)
    if result.skipped:
        click.echo("another process is recomputing coverage; try again shortly", err=True)
        sys.exit(1)
    counts = coverage.status_counts(session)
    click.echo(f"{result.places:,} key places recomputed ({result.views:,} camera views) in "
               f"{result.seconds:.1f} s")
    click.echo("  ".join(f"{status} {counts.get(status, 0):,}"
                         for status in ("full", "partial", "uncovered")))


@cli.command("snapshot")
def snapshot_command() -> None:
    """Store today's figures of every division now (the scheduler does it at 08:00)."""
    count = reports.take_snapshot(db.session, utcnow())
    db.session.commit()
    click.echo(f"stored the figures of {count} divisions for "
               f"{reports.local_today(utcnow()).isoformat()}")
