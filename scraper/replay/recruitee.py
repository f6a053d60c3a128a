"""Recruitee: GET /api/offers/ on the board's host (every published offer at once, no paging).

The board is the request's host (scraper/replay/_hosted.py). A host with no recording answers 404,
as Recruitee does for an unknown subdomain (its body there is unrecorded; a small JSON one here).
"""

from __future__ import annotations

from ._hosted import board_host
from .server import ReplayRequest, ReplayResponse, find_recording, route

HOSTS = {
    "bunq.recruitee.com": "real/recruitee/bunq_offers.json",
    "channable.recruitee.com": "real/recruitee/ergon_channable_offers_trimmed.json",
}


@route("GET", r"/api/offers/?")
def offers(req: ReplayRequest) -> ReplayResponse:
    host = board_host(req)
    path = find_recording(req.recordings, f"synth/recruitee/{host}.json", HOSTS.get(host, "-"))
    if path is None:
        return ReplayResponse.json({"error": f"no recording for Recruitee host {host!r}"}, 404)
    return ReplayResponse.json(path.read_bytes())  # as recorded, byte for byte
