"""Eightfold: Netflix's v2 API and the pcsx API of newer tenants (Morgan Stanley).

v2:   GET /api/apply/v2/jobs?domain=&start=&num=      (10 per page at most, top-level `count`)
      GET /api/apply/v2/jobs/{id}?domain=
pcsx: GET /api/pcsx/search?domain=&query=&location=&start=   (envelope `{status, error, data}`)
      GET /api/pcsx/position_details?position_id=&domain=&hl=en

Paging is real: positions are sliced by `start`, at most 10 per page. The
recorded `count` (Netflix 185, Morgan Stanley 1330) counts positions that
were never recorded, so `count` here is what the replay can serve; otherwise
a crawler that trusts `count` would page into nothing. Details nobody
recorded are generated (tests/fixtures/synth/README.md). A domain with no
recordings answers 404 on both APIs (on the real hosts this is unrecorded;
it is what lets the source's v2 -> pcsx detection be exercised).
"""

from __future__ import annotations

from typing import Any

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

PAGE_MAX = 10  # Eightfold serves at most 10 positions per page whatever `num` asks

V2_PAGES = {
    "netflix.com": [
        "real/eightfold/netflix_v2_jobs_engineer_ucan_start0.json",
        "real/eightfold/netflix_v2_jobs_engineer_ucan_start10.json",
        "real/eightfold/netflix_v2_jobs_engineer_ucan_start20.json",
        "synth/eightfold/netflix_v2_jobs_extra_start30.json",
    ],
}
V2_DETAILS = {"netflix.com": "synth/eightfold/netflix_v2_details.json"}

# (domain, query, location) -> recorded search page
PCSX_SEARCH = {
    ("morganstanley.com", "", ""): "real/eightfold/morganstanley_pcsx_search.json",
    (
        "morganstanley.com",
        "engineer",
        "new york",
    ): "real/eightfold/morganstanley_pcsx_search_engineer_newyork.json",
}
PCSX_DETAILS = {
    "morganstanley.com": [
        "real/eightfold/morganstanley_pcsx_position_details_549798858854.json",  # one response
        "synth/eightfold/morganstanley_pcsx_position_details.json",  # id -> response
    ],
}
PCSX_NOT_FOUND = "real/eightfold/morganstanley_pcsx_position_details_not_found_404.json"


def _not_found(what: str) -> ReplayResponse:
    return ReplayResponse.json({"status": 404, "error": f"no recording for {what}"}, 404)


def _page_slice(req: ReplayRequest, items: list[Any], size_arg: str | None) -> list[Any]:
    start = max(req.int_arg("start", 0), 0)
    size = req.int_arg(size_arg, PAGE_MAX) if size_arg else PAGE_MAX
    size = PAGE_MAX if size <= 0 else min(size, PAGE_MAX)
    return items[start : start + size]


@route("GET", r"/api/apply/v2/jobs")
def v2_jobs(req: ReplayRequest) -> ReplayResponse:
    domain = (req.arg("domain") or "").lower()
    paths = [find_recording(req.recordings, rel) for rel in V2_PAGES.get(domain, [])]
    if not paths or None in paths:
        return _not_found(f"Eightfold domain {domain!r}")
    pages = [load_json(p) for p in paths if p is not None]
    positions = [pos for page in pages for pos in page["positions"]]
    envelope = pages[0]
    envelope["positions"] = _page_slice(req, positions, "num")
    envelope["count"] = len(positions)
    return ReplayResponse.json(envelope)


@route("GET", r"/api/apply/v2/jobs/(?P<pid>[^/]+)")
def v2_job(req: ReplayRequest, pid: str) -> ReplayResponse:
    domain = (req.arg("domain") or "").lower()
    path = find_recording(req.recordings, V2_DETAILS.get(domain, "-"))
    details = load_json(path) if path else {}
    if pid not in details:
        return _not_found(f"position {pid} of {domain!r}")
    return ReplayResponse.json(details[pid])


@route("GET", r"/api/pcsx/search")
def pcsx_search(req: ReplayRequest) -> ReplayResponse:
    domain = (req.arg("domain") or "").lower()
    if not any(d == domain for d, _, _ in PCSX_SEARCH):
        return _not_found(f"Eightfold domain {domain!r}")
    key = (domain, (req.arg("query") or "").strip().lower(), (req.arg("location") or "").strip().lower())
    path = find_recording(req.recordings, PCSX_SEARCH.get(key, "-"))
    if path is None:  # a search nobody recorded: an empty result in the recorded envelope
        base = find_recording(req.recordings, PCSX_SEARCH[(domain, "", "")])
        data: dict[str, Any] = (
            load_json(base) if base else {"status": 200, "error": {"message": "", "body": ""}, "data": {}}
        )
        data["data"].update(count=0, positions=[])
        return ReplayResponse.json(data)
    data = load_json(path)
    positions = data["data"]["positions"]
    data["data"]["positions"] = _page_slice(req, positions, None)
    data["data"]["count"] = len(positions)
    return ReplayResponse.json(data)


@route("GET", r"/api/pcsx/position_details")
def pcsx_position_details(req: ReplayRequest) -> ReplayResponse:
    domain = (req.arg("domain") or "").lower()
    pid = req.arg("position_id") or ""
    for rel in PCSX_DETAILS.get(domain, []):
        path = find_recording(req.recordings, rel)
        if path is None:
            continue
        data = load_json(path)
        if "data" in data:  # a single recorded response
            if str(data["data"].get("id")) == pid:
                return ReplayResponse.json(data)
        elif pid in data:
            return ReplayResponse.json(data[pid])
    path = find_recording(req.recordings, PCSX_NOT_FOUND)
    return ReplayResponse.json(load_json(path) if path else {"status": 404}, 404)
