"""What the replays of career sites whose board is a host share (iCIMS, Avature, SuccessFactors, Phenom).

The replay serves every source on one host, so these sites are told apart by an optional first
path segment naming the real host: base_url "http://127.0.0.1:8765/careers-buspatrol.icims.com"
asks for /careers-buspatrol.icims.com/jobs/search, and plain "http://127.0.0.1:8765" (the demo)
for /jobs/search, served from the ATS's default board. After that prefix every path is the real one.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .server import ReplayResponse, find_recording

# An optional "/{host}" before the real path: a DNS name (it has a dot, which no real first segment
# of these sites' paths has).
HOST = r"(?:/(?P<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))?"


def board_of(boards: dict[str, Any], host: str | None, default: str) -> dict[str, Any] | None:
    return boards.get((host or default).lower())


def page(recordings: Path, relative: str | None) -> ReplayResponse | None:
    """A recorded or generated page served as HTML, or None when it is not there."""
    path = find_recording(recordings, relative) if relative else None
    return (
        ReplayResponse(200, path.read_bytes(), {"Content-Type": "text/html; charset=utf-8"}) if path else None
    )


def generated(recordings: Path, relative: str | None, key: str) -> ReplayResponse | None:
    """A page from a generated {key: html} file (tests/fixtures/synth), or None."""
    path = find_recording(recordings, relative) if relative else None
    pages = json.loads(path.read_text("utf-8")) if path else {}
    return ReplayResponse.html(pages[key]) if key in pages else None


def not_found(what: str) -> ReplayResponse:
    # What each site answers for an unknown page is unrecorded; a plain 404 page here.
    return ReplayResponse.html(
        f"<!doctype html><title>Not found</title><h1>{html.escape(what)}: no recording</h1>", 404
    )
