"""Liveness: a cheap protocol-level exchange with a hard deadline.

RTSP: OPTIONS then DESCRIBE (Basic or Digest authentication when challenged); the stream is
live when DESCRIBE answers 200 with an SDP that has a video track. HTTP(S): a GET whose answer
starts a video or multipart (MJPEG) body; the body itself is not read.
"""
from __future__ import annotations

import base64
import hashlib
import os
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from health_checks.results import LivenessResult, Outcome

USER_AGENT = "camera_registry-liveness/1"
MAX_HEADER_BYTES = 64 * 1024
DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}


class _Deadline(Exception):
    pass


class _ProtocolError(Exception):
    pass


@dataclass
class Answer:
    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes


def check_liveness(url: str, username: str | None = None, password: str | None = None,
                   timeout_s: float = 5.0) -> LivenessResult:
    """Check one stream URL; never takes (much) longer than timeout_s."""
    started = time.monotonic()
    deadline = started + timeout_s
    parts = urlsplit(url)
    try:
        if parts.scheme in ("rtsp", "rtsps"):
            result = _check_rtsp(parts, username, password, deadline)
        elif parts.scheme in ("http", "https"):
            result = _check_http(parts, username, password, deadline)
        elif parts.scheme == "file":
            path = parts.path
            result = (LivenessResult(Outcome.OK, "file exists") if os.path.isfile(path)
                      else LivenessResult(Outcome.NOT_FOUND, "no such file"))
        else:
            result = LivenessResult(Outcome.PROTOCOL_ERROR, f"unsupported scheme {parts.scheme}")
    except _Deadline:
        result = LivenessResult(Outcome.TIMEOUT, f"no answer within {timeout_s:g} s")
    except ConnectionRefusedError:
        result = LivenessResult(Outcome.REFUSED, "connection refused")
    except socket.gaierror as exc:
        result = LivenessResult(Outcome.UNREACHABLE, f"host not found ({exc.strerror})")
    except ssl.SSLError as exc:
        result = LivenessResult(Outcome.PROTOCOL_ERROR, f"TLS failed ({exc.reason})")
    except (ConnectionResetError, BrokenPipeError):
        result = LivenessResult(Outcome.PROTOCOL_ERROR, "the server closed the connection")
    except _ProtocolError as exc:
        result = LivenessResult(Outcome.PROTOCOL_ERROR, str(exc))
    except OSError as exc:
        result = LivenessResult(Outcome.UNREACHABLE, exc.strerror or str(exc))
    result.duration_s = round(time.monotonic() - started, 4)
    return result


# --- connections -------------------------------------------------------------------------

def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Deadline()
    return left


def _connect(parts, deadline: float) -> socket.socket:
    host = parts.hostname
    if not host:
        raise _ProtocolError("the URL has no host")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        sock = socket.create_connection((host, port), timeout=_remaining(deadline))
    except socket.timeout:
        raise _Deadline() from None
    if parts.scheme in ("rtsps", "https"):
        # Cameras carry self-signed certificates; liveness is not the place to judge them.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            sock.settimeout(_remaining(deadline))
            sock = context.wrap_socket(sock, server_hostname=host)
        except socket.timeout:
            sock.close()
            raise _Deadline() from None
    return sock


def _exchange(sock: socket.socket, request: bytes, deadline: float,
              read_body: bool = True) -> Answer:
    """Send one request; read the status line, headers and (optionally) the body."""
    try:
        sock.settimeout(_remaining(deadline))
        sock.sendall(request)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            sock.settimeout(_remaining(deadline))
            chunk = sock.recv(4096)
            if not chunk:
                raise _ProtocolError("the server closed the connection without answering"
                                     if not buffer else "the answer was cut off")
            buffer += chunk
            if len(buffer) > MAX_HEADER_BYTES:
                raise _ProtocolError("the answer's headers are too long")
        head, _, body = buffer.partition(b"\r\n\r\n")
        answer = _parse_head(head)
        length = int(answer.headers.get("content-length", "0") or 0)
        while read_body and len(body) < length:
            sock.settimeout(_remaining(deadline))
            chunk = sock.recv(min(65536, length - len(body)))
            if not chunk:
                break
            body += chunk
        answer.body = body[:length] if read_body else body
        return answer
    except socket.timeout:
        raise _Deadline() from None


def _parse_head(head: bytes) -> Answer:
    lines = head.decode("latin-1").split("\r\n")
    fields = lines[0].split(" ", 2)
    if len(fields) < 2 or not fields[0].startswith(("RTSP/", "HTTP/")) or not fields[1].isdigit():
        raise _ProtocolError(f"not an RTSP or HTTP answer: {lines[0][:60]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return Answer(int(fields[1]), fields[2] if len(fields) > 2 else "", headers, b"")


# --- authentication ----------------------------------------------------------------------

def _authorization(challenge: str, method: str, uri: str, username: str, password: str,
                   nonce_count: int = 1) -> str:
    """Answer a Basic or Digest (RFC 2617 / 7616, MD5) challenge."""
    scheme, _, params_text = challenge.partition(" ")
    if scheme.lower() == "basic":
        return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    params = _parse_auth_params(params_text)
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    algorithm = params.get("algorithm", "MD5")
    digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5
    h = lambda text: digest(text.encode()).hexdigest()  # noqa: E731
    ha1 = h(f"{username}:{realm}:{password}")
    ha2 = h(f"{method}:{uri}")
    fields = [f'username="{username}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"']
    qop = params.get("qop", "")
    if "auth" in [q.strip() for q in qop.split(",")]:
        cnonce = os.urandom(8).hex()
        nc = f"{nonce_count:08x}"
        response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    fields.append(f'response="{response}"')
    if "opaque" in params:
        fields.append(f'opaque="{params["opaque"]}"')
    if "algorithm" in params:
        fields.append(f"algorithm={algorithm}")
    return "Digest " + ", ".join(fields)


def _parse_auth_params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    rest = text.strip()
    while rest:
        name, sep, rest = rest.partition("=")
        if not sep:
            break
        rest = rest.lstrip()
        if rest.startswith('"'):
            value, _, rest = rest[1:].partition('"')
        else:
            value, _, rest = rest.partition(",")
        params[name.strip().lower()] = value.strip()
        rest = rest.lstrip().removeprefix(",").lstrip()
    return params


def _choose_challenge(header: str) -> str:
    """Prefer Digest over Basic when a server offers both (in one header, joined by ', ')."""
    for scheme in ("Digest", "Basic"):
        index = header.find(scheme)
        if index >= 0:
            return header[index:]
    return header


# --- RTSP --------------------------------------------------------------------------------

def _check_rtsp(parts, username, password, deadline) -> LivenessResult:
    url = urlunsplit(parts._replace(netloc=_netloc(parts)))
    with _connect(parts, deadline) as sock:
        cseq = 1

        def request(method: str, extra: str = "") -> Answer:
            nonlocal cseq
            text = (f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: {USER_AGENT}\r\n"
                    f"{extra}\r\n")
            cseq += 1
            return _exchange(sock, text.encode(), deadline)

        options = request("OPTIONS")
        if options.status not in (200, 401, 404):
            return LivenessResult(Outcome.PROTOCOL_ERROR, f"OPTIONS answered {options.status}",
                                  status_code=options.status)
        answer = request("DESCRIBE", "Accept: application/sdp\r\n")
        if answer.status == 401:
            challenge = answer.headers.get("www-authenticate", "")
            if not username:
                return LivenessResult(Outcome.AUTH_FAILED, "the stream needs credentials",
                                      status_code=401)
            auth = _authorization(_choose_challenge(challenge), "DESCRIBE", url, username,
                                  password or "")
            answer = request("DESCRIBE", f"Accept: application/sdp\r\nAuthorization: {auth}\r\n")
        return _judge_rtsp(answer)


def _judge_rtsp(answer: Answer) -> LivenessResult:
    if answer.status == 401:
        return LivenessResult(Outcome.AUTH_FAILED, "the credentials were refused", status_code=401)
    if answer.status == 404:
        return LivenessResult(Outcome.NOT_FOUND, "no stream at this path", status_code=404)
    if answer.status != 200:
        return LivenessResult(Outcome.PROTOCOL_ERROR,
                              f"DESCRIBE answered {answer.status} {answer.reason}".strip(),
                              status_code=answer.status)
    media = _sdp_media(answer.body.decode("utf-8", "replace"))
    if not any(m.startswith("video") for m in media):
        return LivenessResult(Outcome.PROTOCOL_ERROR, "the stream has no video track",
                              status_code=200, media=media)
    return LivenessResult(Outcome.OK, "DESCRIBE 200", status_code=200, media=media)


def _sdp_media(sdp: str) -> list[str]:
    """'video H264/90000' for each m= line, with the codec from its first rtpmap."""
    media: list[str] = []
    current = None
    for line in sdp.splitlines():
        if line.startswith("m="):
            current = line[2:].split(" ")[0]
            media.append(current)
        elif line.startswith("a=rtpmap:") and current and media[-1] == current:
            media[-1] = f"{current} {line.split(' ', 1)[1].strip()}"
    return media


def _netloc(parts) -> str:
    """host[:port] without credentials."""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return host + (f":{parts.port}" if parts.port else "")


# --- HTTP --------------------------------------------------------------------------------

VIDEO_TYPES = ("video/", "multipart/x-mixed-replace", "application/octet-stream",
               "application/vnd.apple.mpegurl", "application/x-mpegurl")


def _check_http(parts, username, password, deadline) -> LivenessResult:
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    host = _netloc(parts)

    def get(extra: str = "") -> Answer:
        with _connect(parts, deadline) as sock:
            text = (f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
                    f"Accept: */*\r\nConnection: close\r\n{extra}\r\n")
            return _exchange(sock, text.encode(), deadline, read_body=False)

    answer = get()
    if answer.status == 401 and username:
        auth = _authorization(_choose_challenge(answer.headers.get("www-authenticate", "")),
                              "GET", target, username, password or "")
        answer = get(f"Authorization: {auth}\r\n")
    if answer.status == 401:
        detail = "the credentials were refused" if username else "the stream needs credentials"
        return LivenessResult(Outcome.AUTH_FAILED, detail, status_code=401)
    if answer.status == 404:
        return LivenessResult(Outcome.NOT_FOUND, "no stream at this path", status_code=404)
    if answer.status != 200:
        return LivenessResult(Outcome.PROTOCOL_ERROR, f"GET answered {answer.status}",
                              status_code=answer.status)
    content_type = answer.headers.get("content-type", "").lower()
    if not content_type.startswith(VIDEO_TYPES):
        return LivenessResult(Outcome.PROTOCOL_ERROR, f"not a video answer ({content_type})",
                              status_code=200)
    return LivenessResult(Outcome.OK, f"GET 200 {content_type}", status_code=200,
                          media=[content_type])
