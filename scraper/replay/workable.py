"""Workable: POST /api/v3/accounts/{account}/jobs and GET /api/v2/accounts/{account}/jobs/{shortcode}.

Paging as recorded (tests/fixtures/real/PROVENANCE.md): 10 jobs a page whatever the body says; the
body is `{"query": ""}`, plus `"token": <nextPage>` for the next page; `nextPage` is the base64 of
the JSON `[published epoch ms, id]` of the page's last job, and the last page has none. The replay
serves the recorded pages' jobs as one board and pages through them that way, so page 1 and its
cursor come out as recorded. Blueground's recorded `total` (29) counts 9 jobs nobody recorded:
`total` here is what the replay can serve (20) and its second page is its last, otherwise a crawler
that trusts `total` would ask for a page nobody recorded.

A body with `limit` (which Workable rejects), a query other than "" (no search was recorded for the
whole board) or a cursor the replay did not issue answers 400. An unknown account answers the
recorded 404 ("Not Found"), an unknown job the recorded 404 ("Job not found"). Details nobody
recorded are generated (tests/fixtures/synth/README.md).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

PAGE_SIZE = 10
ACCOUNTS: dict[str, dict[str, Any]] = {
    "blueground": {
        "pages": [
            "real/workable/blueground_v3_jobs_page1.json",
            "real/workable/blueground_v3_jobs_page2.json",
        ],
        "details": ["real/workable/blueground_v2_job_B02DA69C8F.json"],
        "generated": "synth/workable/blueground_details.json",
    },
}
UNKNOWN_ACCOUNT = "real/workable/unknown_account_v3_jobs_404.txt"
UNKNOWN_JOB = "real/workable/blueground_v2_job_not_found_404.txt"


def _text_404(req: ReplayRequest, rel: str, fallback: bytes) -> ReplayResponse:
    path = find_recording(req.recordings, rel)
    return ReplayResponse(404, path.read_bytes() if path else fallback, {"Content-Type": "text/plain"})


def _bad_request(why: str) -> ReplayResponse:
    return ReplayResponse.json({"error": why}, 400)


def cursor(job: dict[str, Any]) -> str:
    """Workable's `nextPage` after `job`: base64 of JSON [published epoch ms, id], no spaces."""
    published = datetime.fromisoformat(job["published"].replace("Z", "+00:00"))
    key = [int(published.timestamp() * 1000), job["id"]]
    return base64.b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


@route("POST", r"/api/v3/accounts/(?P<account>[^/]+)/jobs")
def jobs(req: ReplayRequest, account: str) -> ReplayResponse:
    board = ACCOUNTS.get(account.lower())
    paths = [find_recording(req.recordings, rel) for rel in board["pages"]] if board else []
    if not paths or None in paths:
        return _text_404(req, UNKNOWN_ACCOUNT, b"Not Found")
    body = req.json_body()
    if not isinstance(body, dict) or "limit" in body or (body.get("query") or "") != "":
        return _bad_request("unrecorded request body")
    rows = [job for p in paths if p is not None for job in load_json(p)["results"]]
    start = 0
    token = body.get("token")
    if token is not None:
        after = next((i for i, job in enumerate(rows) if cursor(job) == token), None)
        if after is None:
            return _bad_request("unknown token")
        start = after + 1
    page = rows[start : start + PAGE_SIZE]
    out: dict[str, Any] = {"total": len(rows), "results": page}
    if start + PAGE_SIZE < len(rows):
        out["nextPage"] = cursor(page[-1])
    return ReplayResponse.json(out)


@route("GET", r"/api/v2/accounts/(?P<account>[^/]+)/jobs/(?P<shortcode>[^/]+)")
def job(req: ReplayRequest, account: str, shortcode: str) -> ReplayResponse:
    board = ACCOUNTS.get(account.lower())
    if board is None:
        return _text_404(req, UNKNOWN_ACCOUNT, b"Not Found")
    for rel in board["details"]:
        path = find_recording(req.recordings, rel)
        if path is not None and load_json(path).get("shortcode") == shortcode:
            return ReplayResponse.json(path.read_bytes())  # as recorded, byte for byte
    path = find_recording(req.recordings, board["generated"])
    generated = load_json(path) if path else {}
    if shortcode in generated:
        return ReplayResponse.json(generated[shortcode])
    return _text_404(req, UNKNOWN_JOB, b"Job not found")
