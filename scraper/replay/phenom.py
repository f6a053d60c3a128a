"""Phenom (McDonald's careers sites): POST /api/get-jobs?radius=15&page_number={n}&enable_kilometers=false.

Recorded: careers.mcdonalds.ca page 1 (3 of its 3,889 jobs, trimmed by the origin), page 389,
and a page past the end; careers.mcdonalds.com.au page 1 (2 of 1,888). The replay serves page 1
of each and, past it, the recorded empty page (for the .com.au site, which has no recorded empty
page, the same shape with its own total). `totalJob` is what the replay can serve (3 and 2), as
the Workday and Eightfold replays do: otherwise a crawler trusting the total would page into
recordings nobody made. Page 389 is read by the tests directly. A body that is not a JSON object
is a 400. Without a host prefix (careersites.py) the board is careers.mcdonalds.ca.
"""

from __future__ import annotations

from typing import Any

from .careersites import HOST, board_of
from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

DEFAULT = "careers.mcdonalds.ca"
BOARDS: dict[str, dict[str, Any]] = {
    "careers.mcdonalds.ca": {
        "first": "real/phenom/jobseek_mcdonalds_ca_get-jobs_page1_trimmed.json",
        "past_end": "real/phenom/jobseek_mcdonalds_ca_get-jobs_empty.json",
    },
    "careers.mcdonalds.com.au": {
        "first": "real/phenom/jobseek_mcdonalds_au_get-jobs_page1_trimmed.json",
        "past_end": None,
    },
}


@route("POST", HOST + r"/api/get-jobs")
def get_jobs(req: ReplayRequest, host: str | None = None) -> ReplayResponse:
    board = board_of(BOARDS, host, DEFAULT)
    first = find_recording(req.recordings, board["first"]) if board else None
    if board is None or first is None:
        return ReplayResponse.json({"error": "not found"}, 404)  # unrecorded: a plain 404
    if not isinstance(req.json_body(), dict):
        return ReplayResponse.json({"error": "bad request"}, 400)
    data = load_json(first)
    served = len(data["jobs"])
    if req.int_arg("page_number", 1) != 1:
        past = find_recording(req.recordings, board["past_end"]) if board["past_end"] else None
        data = load_json(past) if past else {"jobs": [], "facets": [], "totalJob": served}
    data["totalJob"] = served
    return ReplayResponse.json(data)
