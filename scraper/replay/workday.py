"""Workday: POST /wday/cxs/{tenant}/{site}/jobs and GET /wday/cxs/{tenant}/{site}{externalPath}.

Behaviour mimicked from the real API (tests/fixtures/real/PROVENANCE.md):
`limit` above 20 is an HTTP 400; `total` is filled on the first page only
(offset 0) and says 0 on later pages; pages are sliced by `offset`/`limit`.
The recorded lists are first pages of searches, so `total` here is what the
replay can serve (NVIDIA recorded 27, Trend Micro 42), not the recorded one.
Details nobody recorded are generated (tests/fixtures/synth/README.md).

One search lists at most RESULT_CAP postings: with more, it says `total` 2000
and pages end there (as NVIDIA's unfiltered search says 2000,
real/workday/nvidia_jobs_limit1_facets.json; that pages stop at the cap is
what public crawler code states, colophon-group/jobseek `workday.py`).
A board with a `facets` file (generated boards only: no recording shows which
posting has which facet value) answers `appliedFacets` the way the API's
facets describe it: a posting matches when, for every facet applied, it has
one of the values given; the response's facets count the matching postings
per value (values counting none are left out). Boards without one ignore
`appliedFacets` and answer the recorded facets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

LIMIT_MAX = 20
RESULT_CAP = 2000

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
    if board is None or path is None:
        return _not_found()
    body = req.json_body()
    if not isinstance(body, dict):
        return _bad_request()
    limit, offset = body.get("limit", LIMIT_MAX), body.get("offset", 0)
    applied = body.get("appliedFacets") or {}
    if (
        not isinstance(limit, int)
        or not isinstance(offset, int)
        or limit > LIMIT_MAX
        or limit < 0
        or offset < 0
        or not isinstance(applied, dict)
        or not all(isinstance(v, list) for v in applied.values())
    ):
        return _bad_request()
    data = dict(_parsed(path))  # shallow: only top-level keys are replaced below
    postings = data["jobPostings"]
    facets_path = find_recording(req.recordings, board["facets"]) if board.get("facets") else None
    if facets_path is not None:
        tree = _parsed(facets_path)
        members = _members_of(facets_path)
        postings = [
            p
            for p in postings
            if all(any(p["externalPath"] in members.get((k, v), ()) for v in vs) for k, vs in applied.items())
        ]
        data["facets"] = _counted(tree, {p["externalPath"] for p in postings})
    listed = postings[:RESULT_CAP]  # one search lists no more than the cap
    data["jobPostings"] = listed[offset : offset + limit]
    # Workday fills total on the first page only; past the cap it says the cap.
    data["total"] = min(len(postings), RESULT_CAP) if offset == 0 else 0
    return ReplayResponse.json(data)


# Parsed files, kept while unchanged (path, mtime, size): a generated board of thousands of postings is
# read once, not once per page. Cached values are never changed (handlers copy what they replace).
_CACHE: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
_CACHE_FROM = 256 * 1024  # bytes


def _cached(kind: str, path: Path, build: Any) -> Any:
    st = path.stat()
    if st.st_size < _CACHE_FROM:  # small files are read each time: an edit between crawls always shows
        return build(path)
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _CACHE.get((kind, str(path)))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    value = build(path)
    _CACHE[(kind, str(path))] = (stamp, value)
    return value


def _parsed(path: Path) -> Any:
    return _cached("json", path, load_json)


def _members_of(path: Path) -> dict[tuple[str, str], set[str]]:
    return _cached("members", path, lambda p: _members(_parsed(p)))


def _bad_request() -> ReplayResponse:
    return ReplayResponse.json({"errorCode": "HTTP_400", "message": "Bad Request"}, 400)


def _members(tree: list[dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
    """(facetParameter, value id) -> the externalPaths that have it, from a generated facets file
    (the real `facets` shape, each value with the `paths` it holds instead of a `count`)."""
    out: dict[tuple[str, str], set[str]] = {}
    for facet in tree:
        for value in facet.get("values", []):
            if "facetParameter" in value:  # a group of facets (locationMainGroup)
                out.update(_members([value]))
            else:
                out[(facet["facetParameter"], value["id"])] = set(value["paths"])
    return out


def _counted(tree: list[dict[str, Any]], listed: set[str]) -> list[dict[str, Any]]:
    """The facets as the API answers them: each value's count among `listed`, empty values left out."""
    out = []
    for facet in tree:
        values = []
        for value in facet.get("values", []):
            if "facetParameter" in value:
                values.extend(_counted([value], listed))
                continue
            count = len(listed.intersection(value["paths"]))
            if count:
                values.append({"descriptor": value["descriptor"], "id": value["id"], "count": count})
        if values:
            out.append({**{k: v for k, v in facet.items() if k != "values"}, "values": values})
    return out


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
