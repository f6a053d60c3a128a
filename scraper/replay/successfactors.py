"""SuccessFactors career sites: GET /search/?q=&startrow= and GET /job/{slug}/{id}/.

The recorded results page (jobs.sap.com, q=engineer, startrow 0) says "Results 1 – 25 of 633";
only that page was recorded, so the replay states the total it can serve (25), as the Workday and
Eightfold replays do: otherwise a crawler trusting the total would page into recordings nobody
made. Other queries and other `startrow`s have no recording (404). Job pages nobody recorded are
generated placeholders (tests/fixtures/synth/README.md). See careersites.py for the host prefix.
"""

from __future__ import annotations

import re

from .careersites import HOST, board_of, generated, not_found, page
from .server import ReplayRequest, ReplayResponse, find_recording, route

DEFAULT = "jobs.sap.com"
BOARDS = {
    "jobs.sap.com": {
        "searches": {"engineer": "real/successfactors/sap_search_engineer.html"},
        "jobs": {"1414343333": "real/successfactors/sap_job_1414343333.html"},
        "generated": "synth/successfactors/sap_details.json",
    },
}
_LABEL_TOTAL_RE = re.compile(r'(<span class="paginationLabel"[^>]*>.*?</b>\s*\S+\s*<b>)[\d,.]+(</b>)')


@route("GET", HOST + r"/search/?")
def search(req: ReplayRequest, host: str | None = None) -> ReplayResponse:
    board = board_of(BOARDS, host, DEFAULT)
    rel = board["searches"].get((req.arg("q") or "").strip().lower()) if board else None
    path = find_recording(req.recordings, rel) if rel else None
    if path is None or req.int_arg("startrow", 0) != 0:
        return not_found("search results")
    text = path.read_text("utf-8")
    served = text.count('class="data-row"')  # the rows it holds: 25
    return ReplayResponse.html(_LABEL_TOTAL_RE.sub(rf"\g<1>{served}\g<2>", text))


@route("GET", HOST + r"/job/(?P<slug>[^/]+)/(?P<job_id>\d+)/?")
def job(req: ReplayRequest, slug: str, job_id: str, host: str | None = None) -> ReplayResponse:
    board = board_of(BOARDS, host, DEFAULT)
    if board is None:
        return not_found("job")
    return (
        page(req.recordings, board["jobs"].get(job_id))
        or generated(req.recordings, board["generated"], job_id)
        or not_found(f"job {job_id}")
    )
