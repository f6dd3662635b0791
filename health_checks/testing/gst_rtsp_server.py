"""An RTSP server (GStreamer's gst-rtsp-server) that loops MPEG-TS files without re-encoding.

Runs under Debian's /usr/bin/python3 (python3-gi), not the project's virtualenv:

    /usr/bin/python3 gst_rtsp_server.py --port 8554 --config mounts.json

mounts.json: [{"path": "/cam/1", "file": "/abs/clip.ts", "stall_after_s": null}, ...]
With --user/--password every mount needs those credentials (--auth basic or digest; gst-rtsp-
server cannot mix open and protected mounts: anonymous clients get 404, not 401). A mount with
stall_after_s stops sending media after that many seconds of each session but keeps the
connection open, like a camera whose encoder hangs. Prints "ready" once it listens.
"""
import argparse
import json
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

LAUNCH = ("( multifilesrc location={file} loop=true ! tsdemux ! h264parse ! "
          "valve name=gate drop=false ! rtph264pay name=pay0 pt=96 config-interval=1 )")


def refuse_seeking(_pad, info):
    # A looped file cannot seek; answering "not seekable" stops PLAY from failing with 503.
    if info.get_query().type == Gst.QueryType.SEEKING:
        return Gst.PadProbeReturn.HANDLED
    return Gst.PadProbeReturn.OK


def make_factory(mount, role):
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(LAUNCH.format(file=mount["file"]))
    stall_after = mount.get("stall_after_s")

    def configure(_factory, media):
        element = media.get_element()
        element.get_by_name("pay0").get_static_pad("src").add_probe(
            Gst.PadProbeType.QUERY_UPSTREAM, refuse_seeking)
        if stall_after:
            gate = element.get_by_name("gate")
            GLib.timeout_add(int(stall_after * 1000), lambda: gate.set_property("drop", True))

    factory.connect("media-configure", configure)
    factory.add_role_from_structure(Gst.Structure.new_from_string(
        f"{role}, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))
    return factory


def role_token(role):
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", role)
    return token


def make_auth(args):
    auth = GstRtspServer.RTSPAuth()
    if not args.user:
        auth.set_default_token(role_token("anonymous"))  # every client may play
    else:
        if args.auth == "basic":
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password),
                           role_token("user"))
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        else:
            auth.add_digest(args.user, args.password, role_token("user"))
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    return auth


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--config", required=True)
    parser.add_argument("--auth", choices=["basic", "digest"], default="digest")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    Gst.init(None)
    with open(args.config) as handle:
        mounts = json.load(handle)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    server.set_backlog(1024)
    server.set_auth(make_auth(args))
    points = server.get_mount_points()
    for mount in mounts:
        points.add_factory(mount["path"], make_factory(mount, "user" if args.user else "anonymous"))
    if server.attach(None) == 0:
        print(f"cannot listen on {args.host}:{args.port}", file=sys.stderr, flush=True)
        sys.exit(1)
    loop = GLib.MainLoop()
    # Each session's pipeline is torn down when its client goes; nothing else to clean up.
    GLib.timeout_add_seconds(2, lambda: (server.get_session_pool().cleanup(), True)[1])
    signal.signal(signal.SIGTERM, lambda *_: loop.quit())
    print("ready", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
