"""Oracle Recruiting Cloud: GET /hcmRestApi/resources/{version}/recruitingCEJobRequisitions and
.../recruitingCEJobRequisitionDetails, the query in one `finder` parameter.

As the real API: `findReqs;siteNumber=…,limit=…,offset=…` pages the requisition list (one result
item holding `TotalJobsCount` and `requisitionList`); `ById;Id="…",siteNumber=…` answers one
detail, and an unknown id is HTTP 200 with `count` 0 (the recorded answer). The recorded list
(site number CX_1, Mayo Clinic's US site "Mayo-US") is the first 3 of 1,330 requisitions, so
`TotalJobsCount` here is what the replay can serve (3). Their details were not recorded and are
generated (tests/fixtures/synth/README.md); the one recorded detail (386920) is served for its id.
A site number with no recording is a 404 (what Oracle answers then is unrecorded).
"""

from __future__ import annotations

import re

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

# site number -> list recording, recorded details, generated details ({Id: answer})
SITES = {
    "CX_1": (
        "real/oracle/cx1_requisitions_limit3.json",
        {"386920": "real/oracle/cx1_requisition_details_386920.json"},
        "synth/oracle/cx1_details.json",
    ),
}
NOT_FOUND = "real/oracle/cx1_requisition_details_not_found.json"
_API = r"/hcmRestApi/resources/(?P<version>[^/]+)"


def finder_args(finder: str) -> tuple[str, dict[str, str]]:
    """`findReqs;siteNumber=CX_1,limit=3` -> ("findReqs", {"siteNumber": "CX_1", "limit": "3"}).

    Only the first `;` ends the finder's name: `facetsList=TITLES;LOCATIONS` keeps its own.
    """
    name, _, rest = finder.partition(";")
    args: dict[str, str] = {}
    for part in re.split(r",(?=\w+=)", rest) if rest else []:
        key, _, value = part.partition("=")
        args[key.strip()] = value.strip()
    return name, args


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@route("GET", _API + r"/recruitingCEJobRequisitions")
def requisitions(req: ReplayRequest, version: str) -> ReplayResponse:
    name, args = finder_args(req.arg("finder") or "")
    site = SITES.get(args.get("siteNumber", ""))
    path = find_recording(req.recordings, site[0]) if site and name == "findReqs" else None
    if path is None:
        return ReplayResponse.json({"title": "no recording", "status": 404}, 404)
    data = load_json(path)
    result = data["items"][0]
    rows = result["requisitionList"]
    limit = max(_int(args.get("limit"), 25), 0)
    offset = max(_int(args.get("offset"), 0), 0)
    result.update(
        TotalJobsCount=len(rows), Limit=limit, Offset=offset, requisitionList=rows[offset : offset + limit]
    )
    return ReplayResponse.json(data)


@route("GET", _API + r"/recruitingCEJobRequisitionDetails")
def requisition_details(req: ReplayRequest, version: str) -> ReplayResponse:
    name, args = finder_args(req.arg("finder") or "")
    site = SITES.get(args.get("siteNumber", ""))
    if site is None or name != "ById":
        return ReplayResponse.json({"title": "no recording", "status": 404}, 404)
    rid = args.get("Id", "").strip('"')
    recorded = find_recording(req.recordings, site[1].get(rid, "-"))
    if recorded is not None:
        return ReplayResponse.json(recorded.read_bytes())
    generated_path = find_recording(req.recordings, site[2])
    generated = load_json(generated_path) if generated_path else {}
    if rid in generated:
        return ReplayResponse.json(generated[rid])
    path = find_recording(req.recordings, NOT_FOUND)
    return ReplayResponse.json(path.read_bytes() if path else {"items": [], "count": 0})
