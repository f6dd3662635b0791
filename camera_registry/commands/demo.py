"""``camreg demo``: build the deterministic demo city (docs/DEMO.md)."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from flask import current_app

from camera_registry import migrate
from camera_registry.cli import cli
from camera_registry.database import db
from camera_registry.services import demo
from camera_registry.services.demo.streams import FOLDER, StreamCatalog


@cli.command("demo")
@click.option("--small", is_flag=True,
              help="a few compounds in one district (about 40 cameras) instead of the whole city")
@click.option("--reset", is_flag=True,
              help="first delete everything in the database: all tables, users and tokens too")
@click.option("--rtsp-base", metavar="URL",
              help="point cameras at URL/<clip> (e.g. rtsp://127.0.0.1:8554) instead of file: "
                   "URLs to the clips")
def demo_command(small: bool, reset: bool, rtsp_base: str | None) -> None:
    """Build the demo city (Linyi, 2017); the admin's API token is the last word printed."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    session = db.session
    if reset:
        demo.reset_database(session)
        click.echo("deleted everything in the database")
    elif demo.demo_present(session):
        counts = demo.registry_counts(session)
        click.echo(f"the database already holds the demo city ({counts['compounds']:,} compounds, "
                   f"{counts['cameras']:,} cameras): nothing done; --reset rebuilds it")
        return
    elif any(demo.registry_counts(session).values()):
        click.echo("error: the database already holds registry data that is not the demo; "
                   "--reset deletes everything and builds the demo", err=True)
        sys.exit(1)
    summary = demo.build_demo(session, current_app.config, current_app.instance_path,
                              small=small, rtsp_base=rtsp_base)
    _report(summary, rtsp_base)
    if not rtsp_base and not current_app.config["ALLOW_FILE_STREAMS"]:
        click.echo("note: set CAMREG_ALLOW_FILE_STREAMS=1 (as `make demo` does) so that the "
                   "registry accepts the demo's file: stream URLs when cameras are edited")
    accounts, token = demo.create_demo_users(session)
    click.echo("users (demo passwords; change them before showing the demo to anyone):")
    for user, created in accounts:
        note = "" if created else "  (existed already; password unchanged)"
        scope = f"{user.scope_code} {user.scope_name}" if user.scope_code else user.scope_name
        click.echo(f"  {user.username}: {user.role}, scope {scope}, password {user.password}"
                   f"{note}")
    click.echo(f"API token for admin: {token}")


def _report(summary: demo.DemoSummary, rtsp_base: str | None) -> None:
    f = summary.figures
    click.echo(f"built the {summary.scale} demo city in {summary.seconds:.1f} s:")
    click.echo(f"  {f.divisions:,} divisions, {f.compounds:,} compounds, "
               f"{f.buildings:,} buildings, {f.key_places:,} key places, {f.cameras:,} cameras")
    click.echo(f"  Safe Compound campaign: {f.campaign:,} compounds, {f.built:,} built, "
               f"{f.networked:,} networked, {f.weak:,} weak")
    click.echo(f"  networked channels in the whole city: {f.channels:,}")
    folder = Path(summary.clips[0]).parent
    where = f"served under {rtsp_base}" if rtsp_base else "opened through file: URLs"
    click.echo(f"  {len(summary.clips)} clips in {folder} ({where})")


@cli.command("demo-streams")
@click.option("--port", default=8554, show_default=True, help="RTSP port on 127.0.0.1")
def demo_streams_command(port: int) -> None:
    """Serve the demo's clips over RTSP (GStreamer) at rtsp://127.0.0.1:PORT/<clip>."""
    from health_checks.testing.streams import RtspServer

    folder = current_app.config.get("DEMO_STREAMS_PATH") or Path(current_app.instance_path) / FOLDER
    catalog = StreamCatalog(Path(folder))
    mounts = [{"path": f"/{path.stem}", "file": str(path)} for path in catalog.ensure_clips()]
    server = RtspServer(mounts, port=port).start()
    click.echo(f"serving {len(mounts)} clips at rtsp://127.0.0.1:{port}/<clip> (Ctrl-C stops)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the server on kill too
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
