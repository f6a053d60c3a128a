"""Phenom (McDonald's careers sites' /api/get-jobs) against its recordings on the replay server.

No recording has pay: the jobs carry no pay field (`customFields` hold ids, the organization and the
openings count) and their descriptions state none (counts like "2.5 million people" must not become
bands). Pay is therefore tested on a generated job (built here, marked as generated) through the text
normalizer, the only pay path this source has. The bot-wall fallback runs real Chromium against the
replay, whose API is made to refuse plain HTTP clients in the test.
"""

from __future__ import annotations

import json

import pytest

from scraper.browser import find_chromium
from scraper.config import ConfigError, parse_config
from scraper.reparse import reparse
from scraper.replay import ReplayRequest, ReplayResponse
from scraper.replay import phenom as phenom_replay
from scraper.sources import get_source, phenom
from scraper.text import html_to_text
from tests.helpers import crawl, load_real, query
from tests.sources.careersite import GENERATED_NOTE, false_claims, stored_vs_reparsed

CA = {"name": "McDonald's Canada", "source": "phenom", "board": "careers.mcdonalds.ca"}
AU = {"name": "McDonald's Australia", "source": "phenom", "board": "careers.mcdonalds.com.au"}
API = "/api/get-jobs"
PAGE1_CA = "phenom/jobseek_mcdonalds_ca_get-jobs_page1_trimmed.json"
PAGE389_CA = "phenom/jobseek_mcdonalds_ca_get-jobs_page389_trimmed.json"
EMPTY_CA = "phenom/jobseek_mcdonalds_ca_get-jobs_empty.json"
PAGE1_AU = "phenom/jobseek_mcdonalds_au_get-jobs_page1_trimmed.json"

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="no Chromium: apt-get install -y chromium"
)


def _place(loc: dict) -> str:
    return ", ".join(x for x in (loc["city"], loc["state"], loc["country"]) if x)


@pytest.mark.parametrize(
    ("company", "recording", "prefix"), [(CA, PAGE1_CA, ""), (AU, PAGE1_AU, "/careers.mcdonalds.com.au")]
)
def test_first_page_matches_recording(replay, tmp_db, company, recording, prefix):
    result = crawl(tmp_db, replay.url, {**company, "base_url": replay.url + prefix})
    assert result.status == "ok", result.outcomes
    jobs = load_real(recording)["jobs"]
    expected = sorted(
        (
            j["uniqueID"],
            j["title"],
            "; ".join(_place(loc) for loc in j["locations"]),
            f"https://{company['board']}/{j['originalURL']}",
            html_to_text(j["description"]),
        )
        for j in jobs
    )
    assert (
        query(tmp_db, "SELECT external_id, title, location, url, description FROM postings ORDER BY 1")
        == expected
    )
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]  # see the module docstring
    (call,) = [(q, h) for _, m, p, q, h in replay.history if p == prefix + API]
    assert call[0] == {"radius": ["15"], "page_number": ["1"], "enable_kilometers": ["false"]}


def test_request_body_is_the_recorded_one(replay, tmp_db):
    bodies = []

    def record(req: ReplayRequest) -> ReplayResponse:
        bodies.append(req.json_body())
        return phenom_replay.get_jobs(req)

    replay.overrides[("POST", API)] = record
    crawl(tmp_db, replay.url, CA)
    assert bodies == [{"disable_switch_search_mode": False, "site_available_languages": ["en", "en-us"]}]


def _pages(*pages: dict) -> callable:
    """Serve the given answers by page_number (1, 2, ...); past them, the recorded empty page."""

    def handler(req: ReplayRequest) -> ReplayResponse:
        n = req.int_arg("page_number", 1)
        return ReplayResponse.json(pages[n - 1] if n <= len(pages) else load_real(EMPTY_CA))

    return handler


def test_pages_until_the_total(replay, tmp_db):
    # The two recorded CA pages as pages 1 and 2, with a total of their 6 jobs (generated totals).
    first, second = load_real(PAGE1_CA), load_real(PAGE389_CA)
    replay.overrides[("POST", API)] = _pages({**first, "totalJob": 6}, {**second, "totalJob": 6})
    assert crawl(tmp_db, replay.url, CA).status == "ok"
    ids = {j["uniqueID"] for j in first["jobs"] + second["jobs"]}
    assert {r[0] for r in query(tmp_db, "SELECT external_id FROM postings")} == ids
    assert replay.requests_to(API) == 2  # the total reached: no call for page 3


def test_an_empty_page_before_the_total_is_a_partial_listing(replay, tmp_db):
    # The recordings as the live site answers them: 3,889 jobs counted, page 2 (here: the recorded
    # empty page) lists none. The listing is partial, never taken for 3,886 removals.
    replay.overrides[("POST", API)] = _pages(load_real(PAGE1_CA))
    result = crawl(tmp_db, replay.url, CA)
    assert result.status == "attention"
    assert "3 of the 3,889 postings it counts were listed (page 2 was empty)" in " ".join(
        result.outcomes[0].notes
    )


def test_an_api_that_ignores_page_number_is_partial(replay, tmp_db):
    page = {**load_real(PAGE1_CA), "totalJob": 10}
    replay.overrides[("POST", API)] = lambda req: ReplayResponse.json(page)
    result = crawl(tmp_db, replay.url, CA)
    assert result.status == "attention" and "ignores page_number" in " ".join(result.outcomes[0].notes)
    assert replay.requests_to(API) == 2


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(phenom, "MAX_PAGES", 2)
    job = load_real(PAGE1_CA)["jobs"][0]
    replay.overrides[("POST", API)] = lambda req: ReplayResponse.json(
        {"jobs": [{**job, "uniqueID": f"gen-{req.arg('page_number')}"}], "facets": [], "totalJob": 100}
    )
    assert crawl(tmp_db, replay.url, CA).status == "attention"
    assert replay.requests_to(API) == 2


def test_pay_in_the_description_goes_through_the_normalizer(replay, tmp_db):
    job = load_real(PAGE1_AU)["jobs"][1]  # Business Technical Analyst, Thornleigh NSW
    generated = {
        **job,
        "description": f"<!-- {GENERATED_NOTE} --><p>Base salary: AUD $120,000 - $140,000 per annum plus super.</p>",
    }
    replay.overrides[("POST", API)] = lambda req: ReplayResponse.json(
        {"jobs": [generated], "facets": [], "totalJob": 1}
    )
    crawl(tmp_db, replay.url, AU)
    assert query(
        tmp_db, "SELECT posting_id, min_amount, max_amount, currency, period, origin FROM pay_bands"
    ) == [(f"phenom:careers.mcdonalds.com.au:{job['uniqueID']}", 120000.0, 140000.0, "AUD", "year", "text")]


def test_an_unknown_site_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**CA, "base_url": f"{replay.url}/careers.nosuch.example"})
    assert (result.status, result.outcomes[0].error_kind) == ("failed", "not_found")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"jobs": "none"}', "source"),
        (b"<html>Access Denied</html>", "bad_json"),
        (b'{"jobs": [{"id"', "bad_json"),
    ],
)
def test_a_malformed_answer_fails_the_board(replay, tmp_db, body, kind):
    replay.overrides[("POST", API)] = lambda req: ReplayResponse(
        200, body, {"Content-Type": "application/json"}
    )
    result = crawl(tmp_db, replay.url, CA)
    assert (result.status, result.outcomes[0].error_kind) == ("failed", kind)


def test_a_job_without_an_id_is_skipped(replay, tmp_db):
    jobs = load_real(PAGE1_CA)["jobs"]
    page = {
        "jobs": [{k: v for k, v in jobs[0].items() if k != "uniqueID"}, *jobs[1:]],
        "facets": [],
        "totalJob": 3,
    }
    replay.overrides[("POST", API)] = lambda req: ReplayResponse.json(page)
    result = crawl(tmp_db, replay.url, CA)
    assert result.status == "attention" and result.outcomes[0].skipped == 1
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(2,)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, CA)
    stored, again = stored_vs_reparsed(tmp_db, "phenom", "careers.mcdonalds.ca")
    assert len(stored) == 3 and stored == again
    result = reparse(tmp_db)
    assert (result.postings, result.changed, result.skipped) == (3, 0, [])
    payloads = [json.loads(p) for (p,) in query(tmp_db, "SELECT payload FROM posting_raw")]
    assert sorted(payloads, key=lambda j: j["uniqueID"]) == sorted(
        load_real(PAGE1_CA)["jobs"], key=lambda j: j["uniqueID"]
    )


# -- the bot wall ---------------------------------------------------------------------------------
def _bot_wall(replay) -> None:
    """The API answers 403 unless the request comes from a page's fetch() (Chromium's Sec-Fetch-Mode:
    cors); the home page is a generated stub, which is all the in-page fetch needs."""

    def api(req: ReplayRequest) -> ReplayResponse:
        if req.headers.get("sec-fetch-mode") != "cors":
            return ReplayResponse.html("<h1>Access Denied</h1>", 403)
        return phenom_replay.get_jobs(req)

    replay.overrides[("POST", API)] = api
    replay.overrides[("GET", "/")] = lambda req: ReplayResponse.html(
        f"<!doctype html><!-- {GENERATED_NOTE} --><p>home"
    )


@pytest.mark.browser
@needs_chromium
def test_a_bot_wall_is_passed_from_a_page_in_chromium(replay, tmp_db):
    _bot_wall(replay)
    result = crawl(tmp_db, replay.url, CA, timeout_s=30)
    assert result.status == "ok", result.outcomes
    ids = {j["uniqueID"] for j in load_real(PAGE1_CA)["jobs"]}
    assert {r[0] for r in query(tmp_db, "SELECT external_id FROM postings")} == ids
    posts = [(h.get("sec-fetch-mode"), q["page_number"]) for _, m, p, q, h in replay.history if p == API]
    assert posts == [(None, ["1"]), ("cors", ["1"])]  # refused over HTTP, then asked from the page


def test_a_bot_wall_without_chromium_fails_clearly(replay, tmp_db, monkeypatch):
    monkeypatch.setenv("PAYBANDS_CHROMIUM", "/nonexistent/chromium")
    _bot_wall(replay)
    result = crawl(tmp_db, replay.url, CA)
    assert result.status == "failed"
    assert "apt-get install -y chromium" in result.outcomes[0].error


def test_other_http_errors_do_not_start_the_browser(replay, tmp_db, monkeypatch):
    monkeypatch.setenv("PAYBANDS_CHROMIUM", "/nonexistent/chromium")
    replay.overrides[("POST", API)] = lambda req: ReplayResponse.json({"error": "gone"}, 410)
    result = crawl(tmp_db, replay.url, CA)
    assert (result.status, result.outcomes[0].error_kind) == ("failed", "not_found")


@pytest.mark.parametrize(
    ("url", "board"),
    [
        # The recorded requests name the API on the site's host.
        ("https://careers.mcdonalds.ca/api/get-jobs?radius=15&page_number=1&enable_kilometers=false", "careers.mcdonalds.ca"),
        ("https://careers.mcdonalds.com.au/api/get-jobs", "careers.mcdonalds.com.au"),
        # jobseek's board URLs for the same sites: nothing in them says Phenom (see Phenom.url_patterns).
        ("https://careers.mcdonalds.ca/jobs", None),
        ("https://jobs.ascension.org/", None),
    ],
)  # fmt: skip
def test_detection(url, board):
    assert get_source("phenom").board_from_url(url) == board


def test_detection_claims_no_other_ats_board():
    assert false_claims("phenom") == []


def test_the_board_is_a_host():
    with pytest.raises(ConfigError, match="phenom board is the careers site's host"):
        parse_config(
            {"company": [{"name": "M", "source": "phenom", "board": "https://careers.mcdonalds.ca/jobs"}]}
        )
