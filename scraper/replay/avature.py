"""Avature portals: GET /{portal}/SearchJobs/?jobRecordsPerPage=&jobOffset= and /{portal}/JobDetail/{slug}/{id}.

Recorded: Bloomberg's first search page (portal "careers"; its legend says "1-12 of 436 results")
and JobDetail 20873, and one Koch JobDetail (portal "en_US/careers"; no search page recorded).
Without a host prefix (careersites.py) the portal picks the board. Only the first search page was
recorded, so the replay states the total it can serve (12), as the Workday and Eightfold replays
do; a later `jobOffset` or another page size has no recording (404). JobDetail pages nobody
recorded are generated placeholders (tests/fixtures/synth/README.md).
"""

from __future__ import annotations

import re
from typing import Any

from .careersites import HOST, generated, not_found, page
from .server import ReplayRequest, ReplayResponse, find_recording, route

BOARDS: dict[str, dict[str, Any]] = {
    "bloomberg.avature.net": {
        "portal": "careers",
        "search": "real/avature/bloomberg_SearchJobs.html",
        "jobs": {"20873": "real/avature/bloomberg_JobDetail_20873.html"},
        "generated": "synth/avature/bloomberg_details.json",
    },
    "koch.avature.net": {
        "portal": "en_US/careers",
        "search": None,
        "jobs": {"161128": "real/avature/koch_JobDetail_161128.html"},
        "generated": None,
    },
}
PAGE_SIZE = "12"  # the recorded page's own size
PORTAL = r"/(?P<portal>[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)?)"
_LEGEND_RE = re.compile(
    r'(<div class="list-controls__text__legend" aria-label=")\d+( results">\s*\S+\s+of )\d+'
)


def _board(host: str | None, portal: str) -> dict[str, Any] | None:
    if host is not None:
        board = BOARDS.get(host.lower())
        return board if board is not None and board["portal"] == portal else None
    return next((b for b in BOARDS.values() if b["portal"] == portal), None)


@route("GET", HOST + PORTAL + r"/SearchJobs/?")
def search(req: ReplayRequest, portal: str, host: str | None = None) -> ReplayResponse:
    board = _board(host, portal)
    path = find_recording(req.recordings, board["search"]) if board and board["search"] else None
    if (
        path is None
        or req.int_arg("jobOffset", 0) != 0
        or req.arg("jobRecordsPerPage", PAGE_SIZE) != PAGE_SIZE
    ):
        return not_found("search results")
    text = path.read_text("utf-8")
    served = text.count('class="article article--result"')
    return ReplayResponse.html(_LEGEND_RE.sub(rf"\g<1>{served}\g<2>{served}", text, count=1))


@route("GET", HOST + PORTAL + r"/JobDetail/(?P<slug>[^/]+)/(?P<job_id>\d+)/?")
def job_detail(
    req: ReplayRequest, portal: str, slug: str, job_id: str, host: str | None = None
) -> ReplayResponse:
    board = _board(host, portal)
    if board is None:
        return not_found("job")
    return (
        page(req.recordings, board["jobs"].get(job_id))
        or generated(req.recordings, board["generated"], job_id)
        or not_found(f"job {job_id}")
    )
