"""Greenhouse: GET /v1/boards/{board}/jobs[?content=true&pay_transparency=true]."""

from __future__ import annotations

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

# board -> recording. Anthropic has only a recorded job *detail*: the replay
# serves it as a one-job board list (see tests/fixtures/PROVENANCE-replay.md).
BOARDS = {
    "anthropic": "real/greenhouse/anthropic_job_4461450008_pay_transparency.json",
    "gitlab": "real/greenhouse/gitlab_jobs_content_2jobs.json",
    "safariai": "real/greenhouse/safariai_jobs_list.json",
}
_DETAIL_ONLY_KEYS = ("questions", "compliance", "demographic_questions", "location_questions")


@route("GET", r"/v1/boards/(?P<board>[^/]+)/jobs")
def board_jobs(req: ReplayRequest, board: str) -> ReplayResponse:
    path = find_recording(req.recordings, f"synth/greenhouse/{board}.json", BOARDS.get(board.lower(), "-"))
    if path is None:
        return ReplayResponse.json({"status": 404, "error": "Job not found"}, 404)
    data = load_json(path)
    if "jobs" not in data:  # a single job detail
        job = {k: v for k, v in data.items() if k not in _DETAIL_ONLY_KEYS}
        data = {"jobs": [job], "meta": {"total": 1}}
    content = req.arg("content") == "true"
    pay = req.arg("pay_transparency") == "true"
    for job in data["jobs"]:
        if not content:
            job.pop("content", None)
        if not pay:
            job.pop("pay_input_ranges", None)
    return ReplayResponse.json(data)
