"""Replay server core: routing, overrides and per-path faults."""

from __future__ import annotations

import contextlib
import importlib
import importlib.resources
import json
import pkgutil
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(slots=True)
class ReplayRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    recordings: Path
    server: ReplayServer

    def arg(self, name: str, default: str | None = None) -> str | None:
        vals = self.query.get(name)
        return vals[0] if vals else default

    def int_arg(self, name: str, default: int) -> int:
        try:
            return int(self.arg(name, str(default)) or default)
        except ValueError:
            return default

    def json_body(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass(slots=True)
class ReplayResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> ReplayResponse:
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        return cls(status, body, {"Content-Type": "application/json"})

    @classmethod
    def html(cls, text: str, status: int = 200) -> ReplayResponse:
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8"})


Handler = Callable[[ReplayRequest], ReplayResponse | None]
_ROUTES: list[tuple[str, re.Pattern[str], Callable[..., ReplayResponse | None]]] = []


def route(method: str, pattern: str) -> Callable[[Callable[..., ReplayResponse | None]], Any]:
    """Register a handler for METHOD and a path regex; named groups become keyword args."""

    def deco(fn: Callable[..., ReplayResponse | None]) -> Callable[..., ReplayResponse | None]:
        _ROUTES.append((method, re.compile(pattern + r"$"), fn))
        return fn

    return deco


@dataclass(slots=True)
class Fault:
    """What to do instead of (or before) answering a path. `times` = how many requests it hits (None = all)."""

    status: int | None = None  # answer this status (e.g. 503, 429)
    retry_after: str | Callable[[], str] | None = (
        None  # a callable is asked per answer (an HTTP date from now)
    )
    delay_s: float = 0.0  # sleep before answering (slower than the client's timeout = timeout)
    body: bytes | None = None  # answer this body instead (truncated JSON, HTML)
    content_type: str = "application/json"
    reset: bool = False  # send headers and part of the body, then drop the connection
    redirect_loop: bool = False
    times: int | None = None
    hits: int = 0
    # Delivery faults: they change how the real answer (or `body`) is sent, not what it says.
    pad_to_bytes: int | None = None  # append JSON whitespace up to this size, streamed (never held in memory)
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length (a size cap must count bytes)
    chunk_delay_s: float = 0.0  # pause between 64 KB chunks: a body that trickles in slower than the timeout


def default_recordings() -> Path:
    """The recordings: real ones under real/, generated ones under synth/.

    tests/fixtures/ of a checkout, shipped in a wheel as the package data `scraper.replay.recordings`
    (pyproject.toml maps it), so `paybands replay` and `paybands demo` work when installed too.
    """
    checkout = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
    if (checkout / "real").is_dir():
        return checkout
    # Through the parent: `recordings` is a data folder (a namespace package), whose files() is a
    # MultiplexedPath rather than a path.
    return Path(str(importlib.resources.files("scraper.replay"))) / "recordings"


_routes_loaded = False


def _load_routes() -> None:
    # A flag, not `if _ROUTES`: tests may register extra routes before the first server starts.
    global _routes_loaded
    if _routes_loaded:
        return
    _routes_loaded = True
    pkg = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name != "server":
            importlib.import_module(f"{__package__}.{info.name}")


class ReplayServer:
    """`with ReplayServer() as srv: srv.url` -> http://127.0.0.1:PORT serving the recordings."""

    def __init__(self, recordings: Path | None = None, port: int = 0, host: str = "127.0.0.1") -> None:
        _load_routes()
        self.recordings = recordings or default_recordings()
        self.overrides: dict[tuple[str, str], Handler] = {}  # (METHOD, path) -> handler
        self.faults: dict[str, Fault] = {}  # path prefix -> fault
        self.delay_s = 0.0  # added to every response (latency simulation)
        self.log: list[tuple[str, str]] = []
        # (time.monotonic(), method, path, query, headers) per request: tests check Retry-After spacing
        # and request headers from here rather than from the client's wall clock.
        self.history: list[tuple[float, str, str, dict[str, list[str]], dict[str, str]]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ReplayServer:
        # A short poll interval: stop() waits up to one interval, once per test that uses a server.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="replay"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def close(self) -> None:
        """Release the port after serve_forever() returned (foreground use)."""
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def requests_to(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for _, p in self.log if p.startswith(prefix))

    def times_of(self, prefix: str) -> list[float]:
        """Arrival times (time.monotonic()) of the requests whose path starts with `prefix`."""
        with self._lock:
            return [t for t, _, p, _, _ in self.history if p.startswith(prefix)]

    # -- dispatch -----------------------------------------------------------------
    def dispatch(self, req: ReplayRequest) -> ReplayResponse:
        handler = self.overrides.get((req.method, req.path))
        if handler is not None:
            resp = handler(req)
            if resp is not None:
                return resp
        if req.path == "/robots.txt":
            return ReplayResponse(404, b"not found", {"Content-Type": "text/plain"})
        for method, pattern, fn in _ROUTES:
            if method != req.method:
                continue
            m = pattern.match(req.path)
            if m:
                resp = fn(req, **m.groupdict())
                if resp is not None:
                    return resp
        return ReplayResponse.json({"status": 404, "error": f"no recording for {req.method} {req.path}"}, 404)

    def fault_for(self, path: str) -> Fault | None:
        with self._lock:
            for prefix, fault in self.faults.items():
                if path.startswith(prefix) and (fault.times is None or fault.hits < fault.times):
                    fault.hits += 1
                    return fault
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet: tests read server.log instead
                pass

            def setup(self) -> None:
                super().setup()
                # Without TCP_NODELAY a response written in two parts (or a client's request whose
                # headers and body come in two) waits for the peer's delayed ACK: ~40 ms a request.
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = parse_qs(parts.query, keep_blank_values=True)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.log.append((self.command, parts.path))
                    server.history.append((time.monotonic(), self.command, parts.path, query, headers))
                fault = server.fault_for(parts.path)
                if server.delay_s:
                    time.sleep(server.delay_s)
                if fault is not None and self._apply_fault(fault):
                    return
                req = ReplayRequest(
                    self.command,
                    parts.path,
                    query,
                    headers,
                    body,
                    server.recordings,
                    server,
                )
                try:
                    resp = server.dispatch(req)
                except Exception as exc:  # a broken handler is a 500, like a real server
                    resp = ReplayResponse.json({"error": f"replay handler failed: {exc}"}, 500)
                self._send(resp.status, resp.body, resp.headers, fault)

            def _apply_fault(self, fault: Fault) -> bool:
                if fault.delay_s:
                    time.sleep(fault.delay_s)
                if fault.redirect_loop:
                    self._send(302, b"", {"Location": self.path})
                    return True
                if fault.reset:
                    payload = fault.body or b'{"jobs": [{"id": 1, "title": "trunc'
                    self.send_response(200)
                    self.send_header("Content-Type", fault.content_type)
                    self.send_header("Content-Length", str(len(payload) * 10))
                    self.end_headers()
                    self.wfile.write(payload)
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return True
                if fault.status is not None or fault.body is not None:
                    headers = {"Content-Type": fault.content_type}
                    if fault.retry_after is not None:
                        ra = fault.retry_after
                        headers["Retry-After"] = ra() if callable(ra) else ra
                    body = b'{"error": "injected fault"}' if fault.body is None else fault.body
                    self._send(fault.status or 200, body, headers, fault)
                    return True
                return False  # delay or delivery faults only: answer normally, delivered as the fault says

            def _send(
                self, status: int, body: bytes, headers: dict[str, str], fault: Fault | None = None
            ) -> None:
                pad = max((fault.pad_to_bytes or 0) - len(body), 0) if fault else 0
                chunked = bool(fault and fault.chunked)
                pause = fault.chunk_delay_s if fault else 0.0
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.send_header("Content-Length", str(len(body) + pad))
                    if not (pad or chunked or pause) and self.command != "HEAD":
                        # Headers and body in one write (one send for small answers).
                        self._headers_buffer.append(b"\r\n" + body)  # type: ignore[attr-defined]
                        self.flush_headers()
                        return
                    self.end_headers()
                    if self.command == "HEAD":
                        return
                    for piece in _pieces(body, pad):
                        if pause:
                            time.sleep(pause)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                        self.wfile.flush()
                    if chunked:
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    # The client hung up (a size cap, a timeout): what a real server sees too.
                    self.close_connection = True

            do_GET = do_POST = do_HEAD = _handle

        return Handler


_PIECE = 64 * 1024


def _pieces(body: bytes, pad: int) -> Any:
    """`body` then `pad` bytes of whitespace, in 64 KB pieces, generated as sent (a 1 GB pad costs 64 KB)."""
    for i in range(0, len(body), _PIECE):
        yield body[i : i + _PIECE]
    blank = b" " * _PIECE
    while pad > 0:
        yield blank[: min(pad, _PIECE)]
        pad -= _PIECE


def load_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def find_recording(recordings: Path, *relative: str) -> Path | None:
    for rel in relative:
        p = recordings / rel
        if p.exists():
            return p
    return None
