"""iCIMS portals: GET /jobs/search?ss=1&pr=&in_iframe=1[&searchKeyword=] and GET /jobs/{id}/{slug}/job?in_iframe=1.

Recorded (careers-buspatrol.icims.com): the search without a keyword (3 jobs) and with
searchKeyword=Product (2 jobs), each "Page 1 of 1"; the job page of 1977 (kept under
real/jsonld/, where the jsonld source reads it too). Other keywords, other pages (`pr` > 0) and
requests without `in_iframe=1` (the portal then answers a frame page, unrecorded) have no
recording (404). Job pages nobody recorded are generated placeholders
(tests/fixtures/synth/README.md). See careersites.py for the host prefix.
"""

from __future__ import annotations

from .careersites import HOST, board_of, generated, not_found, page
from .server import ReplayRequest, ReplayResponse, route

DEFAULT = "careers-buspatrol.icims.com"
BOARDS = {
    "careers-buspatrol.icims.com": {
        "searches": {
            "": "real/icims/buspatrol_search.html",
            "product": "real/icims/buspatrol_search_keyword_product.html",
        },
        "jobs": {"1977": "real/jsonld/icims_buspatrol_1977_senior-product-manager.html"},
        "generated": "synth/icims/buspatrol_details.json",
    },
}


@route("GET", HOST + r"/jobs/search/?")
def search(req: ReplayRequest, host: str | None = None) -> ReplayResponse:
    board = board_of(BOARDS, host, DEFAULT)
    rel = board["searches"].get((req.arg("searchKeyword") or "").strip().lower()) if board else None
    if rel is None or req.arg("in_iframe") != "1" or req.int_arg("pr", 0) != 0:
        return not_found("search results")
    return page(req.recordings, rel) or not_found("search results")


@route("GET", HOST + r"/jobs/(?P<job_id>\d+)/(?P<slug>[^/]+)/job/?")
def job(req: ReplayRequest, job_id: str, slug: str, host: str | None = None) -> ReplayResponse:
    board = board_of(BOARDS, host, DEFAULT)
    if board is None or req.arg("in_iframe") != "1":
        return not_found("job")
    return (
        page(req.recordings, board["jobs"].get(job_id))
        or generated(req.recordings, board["generated"], job_id)
        or not_found(f"job {job_id}")
    )
