"""Hostile modes of the network area (#13 items 2, 7, 8): compression, redirects, robots.txt.

Each mode arms a HostileServer for one case; tests/reliability/test_hostile_net.py uses them.
"""

from __future__ import annotations

import functools
import gzip
import zlib
from typing import Any

from scraper.replay import Fault, ReplayResponse
from scraper.replay.server import _ROUTES, ReplayRequest
from tests.reliability.hostile_server import HostileServer, mode

MB = 1024 * 1024


@functools.lru_cache(maxsize=4)
def gzip_bomb(inflated_mb: int, layers: int = 2) -> bytes:
    """`inflated_mb` MB of spaces, gzipped `layers` times (2 GB is ~3.5 KB on the wire).

    Built by streaming: the test process never holds the inflated size.
    """
    deflate = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)  # level 1: fast to build
    block = b" " * MB
    inner = b"".join(deflate.compress(block) for _ in range(inflated_mb)) + deflate.flush()
    for _ in range(layers - 1):
        inner = gzip.compress(inner, 9)
    return inner


def encode(body: bytes, codings: list[str]) -> bytes:
    """`body` with each coding applied in order (the Content-Encoding header lists them so)."""
    for coding in codings:
        if coding == "gzip":
            body = gzip.compress(body)
        elif coding == "deflate":
            body = zlib.compress(body)
        elif coding == "raw-deflate":  # deflate without the zlib wrapper, as some servers send it
            obj = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            body = obj.compress(body) + obj.flush()
        else:
            pass  # an encoding we do not produce: the bytes go as they are
    return body


def recorded(req: ReplayRequest) -> ReplayResponse:
    """What the replay server would answer for `req` without this mode's override."""
    for method, pattern, fn in _ROUTES:
        match = pattern.match(req.path)
        if method == req.method and match:
            resp = fn(req, **match.groupdict())
            if resp is not None:
                return resp
    return ReplayResponse.json({"error": f"no recording for {req.path}"}, 404)


@mode("gzip-bomb", "a board answered as `Content-Encoding: gzip, gzip`: a few KB that inflate to GBs")
def _gzip_bomb(srv: HostileServer, *, path: str, inflated_mb: int = 2048, layers: int = 2) -> None:
    body = gzip_bomb(inflated_mb, layers)
    header = ", ".join(["gzip"] * layers)

    def answer(req: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(200, body, {"Content-Type": "application/json", "Content-Encoding": header})

    srv.overrides[("GET", path)] = answer


@mode(
    "encoded-board",
    "the recorded board sent under the given Content-Encoding codings (stacked, raw deflate, br)",
)
def _encoded_board(srv: HostileServer, *, path: str, codings: list[str], header: str | None = None) -> None:
    def answer(req: ReplayRequest) -> ReplayResponse:
        resp = recorded(req)
        name = ", ".join("deflate" if c == "raw-deflate" else c for c in codings)
        headers = {**resp.headers, "Content-Encoding": header if header is not None else name}
        return ReplayResponse(resp.status, encode(resp.body, codings), headers)

    srv.overrides[("GET", path)] = answer


@mode("truncated-gzip", "the board gzipped, then cut short inside the gzip stream (Content-Length matches)")
def _truncated_gzip(srv: HostileServer, *, path: str, keep: float = 0.5) -> None:
    def answer(req: ReplayRequest) -> ReplayResponse:
        resp = recorded(req)
        body = gzip.compress(resp.body)
        return ReplayResponse(
            200, body[: int(len(body) * keep)], {**resp.headers, "Content-Encoding": "gzip"}
        )

    srv.overrides[("GET", path)] = answer


@mode(
    "redirect",
    "a board answers with a redirect to `to` (another host, a private address, javascript:, data:)",
)
def _redirect(srv: HostileServer, *, path: str, to: str, status: int = 302, method: str = "GET") -> None:
    def answer(req: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(status, b"", {"Location": to, "Content-Type": "text/plain"})

    srv.overrides[(method, path)] = answer


@mode("robots-txt", "robots.txt with the given bytes, optionally padded with blank space to `pad_to_bytes`")
def _robots_txt(srv: HostileServer, *, body: bytes, pad_to_bytes: int | None = None, **fault: Any) -> None:
    srv.faults["/robots.txt"] = Fault(
        status=200, body=body, content_type="text/plain", pad_to_bytes=pad_to_bytes, chunked=True, **fault
    )
