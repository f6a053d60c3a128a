"""Ashby: GET /posting-api/job-board/{board}[?includeCompensation=true]."""

from __future__ import annotations

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

BOARDS = {
    name.lower(): f"real/ashby/stapply_{name}_board_comp.json"
    for name in (
        "Lambda", "ashby", "cartesia", "decagon", "finni-health", "ramp", "reedsy", "sardine", "sierra", "silver",
        "zapier",
    )
}  # fmt: skip
BOARDS["browserbase"] = "real/ashby/browserbase_board_comp.json"
BOARDS["weaviate"] = "real/ashby/weaviate_board_comp_nulls.json"


@route("GET", r"/posting-api/job-board/(?P<board>[^/]+)")
def job_board(req: ReplayRequest, board: str) -> ReplayResponse:
    path = find_recording(req.recordings, f"synth/ashby/{board}.json", BOARDS.get(board.lower(), "-"))
    if path is None:
        return ReplayResponse.json({"success": False, "error": "Job board not found"}, 404)
    data = load_json(path)
    if req.arg("includeCompensation") != "true":
        for job in data.get("jobs", []):
            job.pop("compensation", None)
    return ReplayResponse.json(data)
