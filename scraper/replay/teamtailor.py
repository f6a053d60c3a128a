"""Teamtailor: GET /jobs.json on the career site's host (a JSON Feed of every job, no paging).

The board is the request's host (scraper/replay/_hosted.py). An unknown site answers 404 with an
empty body and a JSON content type, as the recordings' origin observed.
"""

from __future__ import annotations

from ._hosted import board_host
from .server import ReplayRequest, ReplayResponse, find_recording, route

HOSTS = {
    "knaufsemea.teamtailor.com": "real/teamtailor/knaufsemea_jobs.json",
    "tiptapp.teamtailor.com": "real/teamtailor/tiptapp_jobs.json",
    "carrtalent.na.teamtailor.com": "real/teamtailor/carrtalent_na_jobs.json",
}


@route("GET", r"/jobs\.json")
def jobs(req: ReplayRequest) -> ReplayResponse:
    host = board_host(req)
    path = find_recording(req.recordings, f"synth/teamtailor/{host}.json", HOSTS.get(host, "-"))
    if path is None:
        return ReplayResponse(404, b"", {"Content-Type": "application/json; charset=utf-8"})
    return ReplayResponse.json(path.read_bytes())  # as recorded, byte for byte
