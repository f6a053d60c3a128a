"""SmartRecruiters: GET /v1/companies/{id}/postings?limit=&offset= and .../postings/{postingId}.

As the real API: `limit` is clamped to 100; an unknown company answers 200
with `totalFound: 0` and no postings (the recorded response); an unknown
posting is a 404 `RESOURCE_NOT_FOUND` (the recorded body). The Equinox list
recording is a 5-posting page of a 662-posting board, so `totalFound` here is
what the replay can serve. Details nobody recorded are generated
(tests/fixtures/synth/README.md).
"""

from __future__ import annotations

from .server import ReplayRequest, ReplayResponse, find_recording, load_json, route

LIMIT_MAX = 100

# company id (case-insensitive, as on the real API) -> list, recorded details, generated details (id -> response)
COMPANIES = {
    "equinox": (
        "real/smartrecruiters/equinox_postings_limit5.json",
        ["real/smartrecruiters/equinox_posting_744000137225639.json"],
        "synth/smartrecruiters/equinox_details.json",
    ),
    "synthlabs": (
        "synth/smartrecruiters/synthlabs_postings.json",
        [],
        "synth/smartrecruiters/synthlabs_details.json",
    ),
}
UNKNOWN_COMPANY = "real/smartrecruiters/unknown_company_postings.json"
NOT_FOUND = "real/smartrecruiters/equinox_posting_not_found_404.json"


@route("GET", r"/v1/companies/(?P<company>[^/]+)/postings")
def postings(req: ReplayRequest, company: str) -> ReplayResponse:
    entry = COMPANIES.get(company.lower())
    path = find_recording(req.recordings, entry[0] if entry else UNKNOWN_COMPANY)
    if path is None:
        return ReplayResponse.json({"status": 404, "error": "no recording"}, 404)
    data = load_json(path)
    limit = req.int_arg("limit", LIMIT_MAX)
    limit = LIMIT_MAX if limit <= 0 else min(limit, LIMIT_MAX)  # the server clamps, it does not refuse
    offset = max(req.int_arg("offset", 0), 0)
    content = data["content"]
    data.update(offset=offset, limit=limit, totalFound=len(content), content=content[offset : offset + limit])
    return ReplayResponse.json(data)


@route("GET", r"/v1/companies/(?P<company>[^/]+)/postings/(?P<pid>[^/]+)")
def posting(req: ReplayRequest, company: str, pid: str) -> ReplayResponse:
    entry = COMPANIES.get(company.lower())
    if entry is not None:
        for rel in entry[1]:
            path = find_recording(req.recordings, rel)
            if path is not None and (data := load_json(path)).get("id") == pid:
                return ReplayResponse.json(data)
        path = find_recording(req.recordings, entry[2])
        generated = load_json(path) if path else {}
        if pid in generated:
            return ReplayResponse.json(generated[pid])
    path = find_recording(req.recordings, NOT_FOUND)
    return ReplayResponse.json(load_json(path) if path else {"httpCode": 404}, 404)
