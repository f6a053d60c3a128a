"""Workday: POST /wday/cxs/{tenant}/{site}/jobs and GET /wday/cxs/{tenant}/{site}{externalPath}.

Behaviour mimicked from the real API (tests/fixtures/real/PROVENANCE.md):
`limit` above 20 is an HTTP 400; `total` is filled on the first page only
(offset 0) and says 0 on later pages; pages are sliced by `offset`/`limit`.
The recorded lists are first pages of searches, so `total` here is what the
replay can serve (NVIDIA recorded 27, Trend Micro 42), not the recorded one.
Details nobody recorded are generated (tests/fixtures/synth/README.md).
"""

from __future__ import annotations

from typing import Any

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

LIMIT_MAX = 20

# (tenant, site) -> list recording, detail recordings (one response each) and generated details (path -> response)
BOARDS: dict[tuple[str, str], dict[str, Any]] = {
    ("nvidia", "nvidiaexternalcareersite"): {
        "list": "real/workday/nvidia_jobs_search_golang.json",
        "details": ["real/workday/nvidia_job_detail_JR2015916.json"],
        "generated": "synth/workday/nvidia_details.json",
    },
    ("trendmicro", "external"): {
        "list": "real/workday/trendmicro_jobs_search.json",
        "details": ["real/workday/trendmicro_job_detail_R0006260-1.json"],
        "generated": "synth/workday/trendmicro_details.json",
    },
    ("synthlabs", "synthlabs_careers"): {
        "list": "synth/workday/synthlabs_jobs.json",
        "details": [],
        "generated": "synth/workday/synthlabs_details.json",
    },
}


def _not_found() -> ReplayResponse:
    # What Workday sends for an unknown tenant/site is unrecorded; a plain 404 here.
    return ReplayResponse.json({"errorCode": "HTTP_404", "message": "Not Found"}, 404)


@route("POST", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)/jobs")
def jobs(req: ReplayRequest, tenant: str, site: str) -> ReplayResponse:
    board = BOARDS.get((tenant.lower(), site.lower()))
    path = find_recording(req.recordings, board["list"]) if board else None
    if path is None:
        return _not_found()
    body = req.json_body()
    if not isinstance(body, dict):
        return ReplayResponse.json({"errorCode": "HTTP_400", "message": "Bad Request"}, 400)
    limit, offset = body.get("limit", LIMIT_MAX), body.get("offset", 0)
    if (
        not isinstance(limit, int)
        or not isinstance(offset, int)
        or limit > LIMIT_MAX
        or limit < 0
        or offset < 0
    ):
        return ReplayResponse.json({"errorCode": "HTTP_400", "message": "Bad Request"}, 400)
    data = load_json(path)
    postings = data["jobPostings"]
    data["jobPostings"] = postings[offset : offset + limit]
    data["total"] = len(postings) if offset == 0 else 0  # Workday fills total on the first page only
    return ReplayResponse.json(data)


@route("GET", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)(?P<external_path>/job/.+)")
def job(req: ReplayRequest, tenant: str, site: str, external_path: str) -> ReplayResponse:
    board = BOARDS.get((tenant.lower(), site.lower()))
    if board is None:
        return _not_found()
    for rel in board["details"]:
        path = find_recording(req.recordings, rel)
        if path is None:
            continue
        data = load_json(path)
        if data["jobPostingInfo"]["externalUrl"].endswith(external_path):
            return ReplayResponse.json(data)
    path = find_recording(req.recordings, board["generated"])
    generated = load_json(path) if path else {}
    if external_path in generated:
        return ReplayResponse.json(generated[external_path])
    return _not_found()
