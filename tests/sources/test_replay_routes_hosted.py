"""The replay serves every source on one host: a request path of one ATS must match that ATS's routes
and no other module's (a route that also matched another source's path would answer it instead)."""

from __future__ import annotations

import pytest

from scraper.replay import server

# (method, a real request path, the replay module that must answer it and be the only one matching)
SAMPLES = [
    ("GET", "/api/offers/", "recruitee"),
    ("GET", "/api/offers", "recruitee"),
    ("GET", "/postings.json", "pinpoint"),
    ("GET", "/jobs.json", "teamtailor"),
    ("POST", "/api/v3/accounts/blueground/jobs", "workable"),
    ("GET", "/api/v2/accounts/blueground/jobs/B02DA69C8F", "workable"),
    ("GET", "/v1/boards/anthropic/jobs", "greenhouse"),
    ("GET", "/v0/postings/leverdemo", "lever"),
    ("GET", "/posting-api/job-board/ashby", "ashby"),
    ("GET", "/api/apply/v2/jobs", "eightfold"),
    ("GET", "/api/apply/v2/jobs/790313310792", "eightfold"),
    ("GET", "/api/pcsx/search", "eightfold"),
    ("GET", "/api/pcsx/position_details", "eightfold"),
    ("POST", "/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs", "workday"),
    ("GET", "/wday/cxs/nvidia/NVIDIAExternalCareerSite/job/Israel-Yokneam/Engineer_JR2015916", "workday"),
    ("GET", "/v1/companies/equinox/postings", "smartrecruiters"),
    ("GET", "/v1/companies/equinox/postings/744000137225639", "smartrecruiters"),
    ("GET", "/careers/", "pages"),
    ("GET", "/static-careers/job/x", "pages"),
]


@pytest.mark.parametrize(("method", "path", "module"), SAMPLES, ids=lambda v: str(v))
def test_one_module_answers_each_path(method, path, module):
    server._load_routes()
    matching = {
        fn.__module__.rsplit(".", 1)[-1]
        for m, pattern, fn in server._ROUTES
        if m == method and pattern.match(path)
    }
    assert matching == {module}
