"""Breezy HR: GET /json on the board's own host ({subdomain}.breezy.hr).

The board is the host, and the replay serves every source on one host: `/json` answers the one
recorded Breezy board (10-4 Truck Recruiting, trimmed to its captured posting, see PROVENANCE.md).
Tests of other answers (a 404, a malformed body) set a Fault or an override on `/json`.
"""

from __future__ import annotations

from .server import ReplayRequest, ReplayResponse, find_recording, route

BOARD = "real/breezy/ergon_10-4-truck-recruiting_json_1job_trimmed.json"


@route("GET", r"/json")
def board_json(req: ReplayRequest) -> ReplayResponse:
    path = find_recording(req.recordings, BOARD)
    if path is None:
        return ReplayResponse.json({"error": "no recording"}, 404)
    return ReplayResponse.json(path.read_bytes())  # the recording as recorded
