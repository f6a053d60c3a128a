"""Pinpoint: GET /postings.json on the board's host (every open posting at once, no paging).

The board is the request's host (scraper/replay/_hosted.py). A host with no recording answers 404
(what Pinpoint sends for an unknown subdomain is unrecorded).
"""

from __future__ import annotations

from ._hosted import board_host
from .server import ReplayRequest, ReplayResponse, find_recording, route

HOSTS = {"aawdc.pinpointhq.com": "real/pinpoint/ergon_aawdc_postings_trimmed.json"}


@route("GET", r"/postings\.json")
def postings(req: ReplayRequest) -> ReplayResponse:
    host = board_host(req)
    path = find_recording(req.recordings, f"synth/pinpoint/{host}.json", HOSTS.get(host, "-"))
    if path is None:
        return ReplayResponse.json({"error": f"no recording for Pinpoint host {host!r}"}, 404)
    return ReplayResponse.json(path.read_bytes())  # as recorded, byte for byte
