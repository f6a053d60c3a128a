"""ADP Workforce Now: GET {API}/job-requisitions?cid=&locale=&$skip=&$top= and {API}/job-requisitions/{id}.

Behaviour mimicked from the recordings (tests/fixtures/real/PROVENANCE.md, adp_wfn/):
`$skip` is 1-based (0 drops a row, as the recorded `$skip=0&$top=5` answer has 4 rows) and `$top`
is capped at 20; a career center answers under its own locale only, and under another with the
recorded `{"jobRequisitions":[]}`; an unknown cid is the recorded HTML 404; an id the career
center does not know is the recorded HTTP 200 record without `itemID`. Only one detail was
recorded (MetLife Legal's 584587): every other detail gets that not-found answer, as the replay
cannot know it. Novae's recorded list is the first 20 rows of a 48-row board whose `totalNumber`
says 133 (an ignored filter inflated it): `totalNumber` here is what the replay can serve.
"""

from __future__ import annotations

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

API = "/mascsr/default/careercenter/public/events/staffing/v1/job-requisitions"
TOP_MAX = 20

# cid -> (locale -> list recording), recorded details by id, recorded search filters
CAREER_CENTERS: dict[str, tuple[dict[str, str], dict[str, str], str | None]] = {
    "269ead05-4042-4cc5-b325-75a73a6e0439": (  # MetLife Legal Plans
        {"en_US": "real/adp_wfn/metlifelegal_list_skip1_top20.json"},
        {"584587": "real/adp_wfn/metlifelegal_job_584587_detail.json"},
        None,
    ),
    "5a312740-8c7b-44b7-80ad-50a35fbb25d3": (  # Bingemans: publishes under en_CA only
        {"en_CA": "real/adp_wfn/bingemans_list_en_CA.json"},
        {},
        None,
    ),
    "d16ba13d-474e-4326-b628-74c87f0b289a": (  # Novae
        {"en_US": "real/adp_wfn/novae_list_unpaired_location_whole_board.json"},
        {},
        "real/adp_wfn/novae_getSearchFilters.json",
    ),
}
EMPTY_LOCALE = "real/adp_wfn/bingemans_list_en_US_empty.json"
UNKNOWN_TENANT = "real/adp_wfn/unknown_tenant_list_404.html"
UNKNOWN_JOB = "real/adp_wfn/metlifelegal_job_99999999_not_found.json"


def _unknown_tenant(req: ReplayRequest) -> ReplayResponse:
    path = find_recording(req.recordings, UNKNOWN_TENANT)
    return ReplayResponse.html(path.read_text("utf-8") if path else "404 Not Found", 404)


@route("GET", API)
def job_requisitions(req: ReplayRequest) -> ReplayResponse:
    center = CAREER_CENTERS.get((req.arg("cid") or "").lower())
    if center is None:
        return _unknown_tenant(req)
    lists = center[0]
    path = find_recording(req.recordings, lists.get(req.arg("locale") or "en_US", EMPTY_LOCALE))
    if path is None:
        return _unknown_tenant(req)
    data = load_json(path)
    if "meta" not in data:  # the empty answer of another locale: served as recorded
        return ReplayResponse.json(path.read_bytes())
    rows = data["jobRequisitions"]
    skip = max(req.int_arg("$skip", 1), 0)
    top = req.int_arg("$top", TOP_MAX)
    top = TOP_MAX if top <= 0 else min(top, TOP_MAX)
    # 1-based: $skip=1 starts at the first row; $skip=0 starts there too but returns one row fewer.
    data["jobRequisitions"] = rows[max(skip - 1, 0) : skip - 1 + top]
    data["meta"] = {**data["meta"], "startSequence": skip, "totalNumber": len(rows)}
    return ReplayResponse.json(data)


@route("GET", API + r"/(?P<job_id>[^/]+)")
def job_requisition(req: ReplayRequest, job_id: str) -> ReplayResponse:
    center = CAREER_CENTERS.get((req.arg("cid") or "").lower())
    if center is None:
        return _unknown_tenant(req)
    _, details, filters = center
    if job_id == "getSearchFilters":
        path = find_recording(req.recordings, filters) if filters else None
        return ReplayResponse.json(path.read_bytes()) if path else _unknown_tenant(req)
    path = find_recording(req.recordings, details.get(job_id, UNKNOWN_JOB))
    if path is None:
        return _unknown_tenant(req)
    return ReplayResponse.json(path.read_bytes())  # the not-found answer is HTTP 200 too
