"""Start real stream servers on 127.0.0.1 and encode clips for them.

The RTSP server is GStreamer's (Debian packages, see the Makefile), run as a subprocess of
Debian's /usr/bin/python3 because python3-gi lives there, not in the project's virtualenv.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

GST_SERVER = Path(__file__).with_name("gst_rtsp_server.py")
SYSTEM_PYTHON = os.environ.get("CAMREG_GST_PYTHON", "/usr/bin/python3")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def encode_clip(frames: Iterable[np.ndarray], path: Path, fps: int = 10) -> Path:
    """Encode BGR frames as H.264 in MPEG-TS (what the RTSP server loops) with ffmpeg."""
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    command = [shutil.which("ffmpeg") or "ffmpeg", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}",
               "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast",
               "-tune", "zerolatency", "-g", str(fps), "-pix_fmt", "yuv420p",
               "-f", "mpegts", str(path)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(first.tobytes())
    for frame in frames:
        process.stdin.write(frame.tobytes())
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError(f"ffmpeg failed to encode {path}")
    return path


class RtspServer:
    """A GStreamer RTSP server looping MPEG-TS files at the given mount paths."""

    def __init__(self, mounts: Sequence[dict], port: int | None = None,
                 user: str | None = None, password: str | None = None,
                 auth: str = "digest") -> None:
        self.mounts = list(mounts)
        self.port = port or free_port()
        self.user, self.password, self.auth = user, password, auth
        self.process: subprocess.Popen | None = None
        self._config = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)

    def url(self, path: str) -> str:
        return f"rtsp://127.0.0.1:{self.port}{path}"

    def start(self, timeout_s: float = 15.0) -> "RtspServer":
        json.dump(self.mounts, self._config)
        self._config.close()
        command = [SYSTEM_PYTHON, str(GST_SERVER), "--port", str(self.port),
                   "--config", self._config.name, "--auth", self.auth]
        if self.user:
            command += ["--user", self.user, "--password", self.password or ""]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout_s)
        line = self.process.stdout.readline() if ready else ""  # "ready", or EOF on failure
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"the RTSP server did not start on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()
        Path(self._config.name).unlink(missing_ok=True)

    def __enter__(self) -> "RtspServer":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


class SilentServer:
    """Accepts connections and never answers: a camera whose service hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self._held:
            connection.close()


class MjpegServer:
    """An HTTP camera serving multipart/x-mixed-replace JPEG frames, with optional Basic auth."""

    def __init__(self, frames: Sequence[np.ndarray], fps: int = 10,
                 user: str | None = None, password: str | None = None) -> None:
        jpegs = [cv2.imencode(".jpg", frame)[1].tobytes() for frame in frames]
        expected = None
        if user:
            expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if self.path != "/video.mjpg":
                    self.send_error(404)
                    return
                if expected and self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="camera"')
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    for index in range(10 * len(jpegs)):
                        jpeg = jpegs[index % len(jpegs)]
                        self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n"
                                         + f"Content-Length: {len(jpeg)}\r\n\r\n".encode()
                                         + jpeg + b"\r\n")
                        time.sleep(1 / fps)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/video.mjpg") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
