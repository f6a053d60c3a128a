"""Per-posting isolation and the board report (#13 items 4 and 10), source by source.

The end-to-end cases (every source, every hostile value, through the hostile server and into
DuckDB) are in tests/reliability/test_hostile_src.py; these pin the pieces they rest on.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import pytest

from scraper.config import CompanyConfig, CrawlSettings
from scraper.fetch import Fetcher
from scraper.models import Posting
from scraper.replay import ReplayResponse, ReplayServer
from scraper.salary.numbers import describe
from scraper.sources import get_source
from scraper.sources import jsonld as jsonld_source
from scraper.sources.base import CrawlContext, SourceError, UnreadablePosting, parse_datetime, posting_id
from scraper.sources.eightfold import _typed

ESC_AND_C1 = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e")


def _crawl(source: str, base_url: str, board: str = "acme", **options: Any) -> tuple[Any, Any]:
    company = CompanyConfig(name="Acme", source=source, board=board, base_url=base_url, options=options)
    src = get_source(source)(company)  # type: ignore[misc]
    settings = CrawlSettings(per_host_delay_s=0.0, timeout_s=5.0, max_retries=0)

    async def run() -> list[Posting] | Exception:
        async with Fetcher(settings) as fetcher:
            try:
                return await src.crawl(CrawlContext(fetcher, settings))
            except Exception as exc:  # noqa: BLE001 - the test inspects what the board failed with
                return exc

    return asyncio.run(run()), src.report


def _json(data: Any) -> Any:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return lambda req: ReplayResponse(200, body, {"Content-Type": "application/json"})


# -- posting_id ------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "stored"), [("abc", "abc"), (123, "123"), (" 7 ", " 7 "), (0, "0")])
def test_posting_id_keeps_strings_and_integers(value: Any, stored: str) -> None:
    assert posting_id(value) == stored


@pytest.mark.parametrize(
    "value", [None, "", "   ", [1, 2], {"id": 1}, True, False, 1.5, 10**5000, "x" * 1001], ids=describe
)
def test_posting_id_refuses_what_is_no_id(value: Any) -> None:
    with pytest.raises(UnreadablePosting):
        posting_id(value)


# -- numbers a source reads itself ---------------------------------------------------------------
@pytest.mark.parametrize(
    "value", [10**400, -(10**400), "9" * 5001, "9" * 25, 1e308, float("inf")], ids=describe
)
def test_parse_datetime_of_an_absurd_number_is_no_date(value: Any) -> None:
    assert parse_datetime(value) is None  # before: OverflowError / ValueError failed the posting


def test_eightfold_keeps_digits_too_long_for_int_as_text() -> None:
    assert _typed("9" * 5001) == "9" * 5001  # before: ValueError (int() refuses 4,300+ digits)
    assert _typed("1700000000") == 1_700_000_000


# -- the guard ------------------------------------------------------------------------------------
def test_greenhouse_skips_each_unreadable_job_and_keeps_the_rest() -> None:
    jobs = [
        {"id": 1, "title": "Kept"},
        {"id": [1, 2], "title": "List id"},
        {"id": True, "title": "Bool id"},
        {"title": "No id"},
        "not an object",
        {"id": 2, "title": "Kept too"},
    ]
    with ReplayServer() as srv:
        srv.overrides[("GET", "/v1/boards/acme/jobs")] = _json({"jobs": jobs})
        result, report = _crawl("greenhouse", srv.url)
    assert sorted(p.external_id for p in result) == ["1", "2"]
    assert report.skipped == 4 and report.complete
    assert any("[1, 2]" in note and "not a string or an integer" in note for note in report.notes)
    assert any("no id" in note for note in report.notes)
    assert any("listed a str" in note for note in report.notes)


def test_a_parse_error_in_one_posting_costs_that_posting(monkeypatch) -> None:
    """Whatever one posting makes the parser raise (here injected) is reported, not fatal."""
    from scraper.sources.ashby import Ashby

    original = Ashby.parse_job

    def parse_job(self: Ashby, job: dict[str, Any]) -> Posting:
        if job["id"] == "bad":
            raise OverflowError("injected: int too large to convert to float")
        return original(self, job)

    monkeypatch.setattr(Ashby, "parse_job", parse_job)
    jobs = [{"id": "a", "title": "A"}, {"id": "bad", "title": "B"}, {"id": "c", "title": "C"}]
    with ReplayServer() as srv:
        srv.overrides[("GET", "/posting-api/job-board/acme")] = _json({"jobs": jobs})
        result, report = _crawl("ashby", srv.url)
    assert [p.external_id for p in result] == ["a", "c"]
    assert report.skipped == 1
    assert report.notes == [
        "ashby posting 'bad' skipped: OverflowError: injected: int too large to convert to float"
    ]


def test_unlisted_ashby_jobs_are_not_skips() -> None:
    jobs = [{"id": "a", "title": "A"}, {"id": "b", "title": "B", "isListed": False}]
    with ReplayServer() as srv:
        srv.overrides[("GET", "/posting-api/job-board/acme")] = _json({"jobs": jobs})
        result, report = _crawl("ashby", srv.url)
    assert [p.external_id for p in result] == ["a"] and report.skipped == 0 and report.notes == []


def test_workday_skips_a_posting_whose_path_is_no_path() -> None:
    listed = [
        {"title": "Kept", "externalPath": "/job/Remote/ML_JR1"},
        {"title": "Bad", "externalPath": "job/no-slash"},
        {"title": "Bad", "externalPath": ["/job/x"]},
    ]
    with ReplayServer() as srv:
        srv.overrides[("POST", "/wday/cxs/acme/Ext/jobs")] = _json({"total": 3, "jobPostings": listed})
        srv.overrides[("GET", "/wday/cxs/acme/Ext/job/Remote/ML_JR1")] = _json(
            {"jobPostingInfo": {"title": "Kept"}}
        )
        result, report = _crawl("workday", srv.url, board="acme/Ext")
    assert [p.external_id for p in result] == ["JR1"]
    assert report.skipped == 2 and report.complete
    assert "is not a path" in report.notes[0] and "not a string or an integer" in report.notes[1]


# -- Lever's error answer ----------------------------------------------------------------------
def test_lever_ok_false_is_a_clear_terminal_safe_source_error() -> None:
    error = "Document \x1b]8;;https://evil.example\x07not found\x1b]8;;\x07 \x9b31m\u202eboard" + "x" * 500
    with ReplayServer() as srv:
        srv.overrides[("GET", "/v0/postings/acme")] = _json({"ok": False, "error": error})
        result, _ = _crawl("lever", srv.url)
    assert isinstance(result, SourceError)
    message = str(result)
    assert message.startswith("Lever says: Document not found")
    assert not any(c in message for c in ESC_AND_C1), repr(message)
    assert len(message) < 250  # the server's text is cut at 200 characters


def test_lever_later_page_error_answer_marks_the_listing_partial() -> None:
    items = [{"id": f"p{i}", "text": f"Job {i}"} for i in range(100)]

    def page(req: Any) -> ReplayResponse:
        if req.int_arg("skip", 0) == 0:
            return _json(items)(req)
        return _json({"ok": False, "error": "rate limited \x1b[2J"})(req)

    with ReplayServer() as srv:
        srv.overrides[("GET", "/v0/postings/acme")] = page
        result, report = _crawl("lever", srv.url)
    assert len(result) == 100 and not report.complete
    assert len(report.notes) == 1
    assert report.notes[0].startswith("lever paging ended early: page 2 failed (Lever says: rate limited")
    assert "\x1b" not in report.notes[0]


def test_lever_board_of_exactly_a_full_page_and_a_short_one_is_complete() -> None:
    items = [{"id": f"p{i}", "text": f"Job {i}"} for i in range(130)]

    def page(req: Any) -> ReplayResponse:
        skip, limit = req.int_arg("skip", 0), req.int_arg("limit", 100)
        return _json(items[skip : skip + limit])(req)

    with ReplayServer() as srv:
        srv.overrides[("GET", "/v0/postings/acme")] = page
        result, report = _crawl("lever", srv.url)
    assert len(result) == 130 and report.complete and report.notes == []
    assert srv.requests_to("/v0/postings/acme") == 2


# -- JSON-LD -------------------------------------------------------------------------------------
def _job_page(i: int) -> bytes:
    ld = {"@context": "https://schema.org", "@type": "JobPosting", "identifier": f"j{i}", "title": f"Job {i}"}
    return (
        f'<html><body><script type="application/ld+json">{json.dumps(ld)}</script>'
        f"<h1>Job {i}</h1><p>{'Build models. ' * 40}</p></body></html>"
    ).encode()


def _html(body: bytes) -> Any:
    return lambda req: ReplayResponse(200, body, {"Content-Type": "text/html; charset=utf-8"})


def _site(srv: ReplayServer, links: int) -> None:
    anchors = "".join(f'<a href="/jobs/{i}">Job {i}</a>' for i in range(links))
    listing = f"<html><body><h1>Careers</h1>{anchors}</body></html>".encode()
    html = {"Content-Type": "text/html; charset=utf-8"}
    srv.overrides[("GET", "/careers/")] = lambda req: ReplayResponse(200, listing, html)
    for i in range(links):
        page = _job_page(i)
        srv.overrides[("GET", f"/jobs/{i}")] = _html(page)


def test_jsonld_max_pages_cap_is_reported(monkeypatch) -> None:
    """The default cap is a safety stop: reaching it makes the listing partial. A max_pages the config
    sets defines the board (its first job pages): no partial listing, no weekly attention flag."""
    monkeypatch.setattr(jsonld_source, "DEFAULT_MAX_PAGES", 2)
    with ReplayServer() as srv:
        _site(srv, 3)
        result, report = _crawl("jsonld", srv.url, board="site", url=f"{srv.url}/careers/")
        assert sorted(p.external_id for p in result) == ["j0", "j1"]
        assert not report.complete
        assert report.notes == ["stopped at the 2-page cap (max_pages) of jsonld; the site may link more"]
        _, chosen = _crawl("jsonld", srv.url, board="site", url=f"{srv.url}/careers/", max_pages=2)
        _, whole = _crawl("jsonld", srv.url, board="site", url=f"{srv.url}/careers/", max_pages=3)
    assert chosen.complete and chosen.notes == []
    assert whole.complete and whole.notes == []  # exactly at the cap: nothing more to read


def test_jsonld_a_job_page_that_cannot_be_read_costs_that_page(monkeypatch) -> None:
    original = jsonld_source.read_job_posting

    def read(obj: dict[str, Any], page_url: str | None = None) -> Any:
        if obj.get("identifier") == "j1":
            raise TypeError("injected: unreadable value")
        return original(obj, page_url)

    monkeypatch.setattr(jsonld_source, "read_job_posting", read)
    with ReplayServer() as srv:
        _site(srv, 3)
        result, report = _crawl("jsonld", srv.url, board="site", url=f"{srv.url}/careers/")
    assert sorted(p.external_id for p in result) == ["j0", "j2"]
    assert report.skipped == 1 and report.complete
    assert "TypeError: injected: unreadable value" in report.notes[0]


# -- server text in a source's own errors ---------------------------------------------------------
def test_server_text_in_source_errors_is_terminal_safe() -> None:
    evil = "\x1b]8;;https://evil.example\x07id\x1b]8;;\x07\x9b2J"
    with ReplayServer() as srv:
        # A SmartRecruiters detail that is no posting: its (server-chosen) id is in the message.
        srv.overrides[("GET", "/v1/companies/acme/postings")] = _json(
            {"totalFound": 1, "content": [{"id": evil}]}
        )
        srv.overrides[("GET", f"/v1/companies/acme/postings/{quote(evil, safe='')}")] = _json(
            ["not a posting"]
        )
        sr, _ = _crawl("smartrecruiters", srv.url)
        # An Eightfold pcsx error envelope: its message is the server's.
        srv.overrides[("GET", "/api/pcsx/search")] = _json(
            {"status": 500, "error": {"message": evil}, "data": {}}
        )
        ef, _ = _crawl("eightfold", srv.url, board="acme.com", api="pcsx")
    assert isinstance(sr, SourceError) and "did not return a SmartRecruiters posting" in str(sr)
    assert isinstance(ef, SourceError) and str(ef) == "Eightfold says 500: id"
    for message in (str(sr), str(ef)):
        assert not any(c in message for c in ESC_AND_C1), repr(message)


def test_jsonld_postings_per_page_cap_is_reported(monkeypatch) -> None:
    import scraper.jsonld

    monkeypatch.setattr(scraper.jsonld, "MAX_POSTINGS_PER_PAGE", 2)
    blocks = "".join(
        '<script type="application/ld+json">'
        + json.dumps(
            {"@context": "https://schema.org", "@type": "JobPosting", "identifier": f"j{i}", "title": "T"}
        )
        + "</script>"
        for i in range(3)
    )
    with ReplayServer() as srv:
        srv.overrides[("GET", "/careers/")] = _html(f"<html><body>{blocks}</body></html>".encode())
        result, report = _crawl("jsonld", srv.url, board="site", url=f"{srv.url}/careers/")
    assert sorted(p.external_id for p in result) == ["j0", "j1"]
    assert not report.complete and len(report.notes) == 1
    assert report.notes[0].startswith("stopped at the 2-JobPosting cap of jsonld on http://")


def test_lever_server_ignoring_skip_stops_and_is_partial() -> None:
    items = [{"id": f"p{i}", "text": f"Job {i}"} for i in range(100)]
    with ReplayServer() as srv:
        srv.overrides[("GET", "/v0/postings/acme")] = _json(items)  # the same full page whatever skip says
        result, report = _crawl("lever", srv.url)
        assert srv.requests_to("/v0/postings/acme") == 2
    assert len(result) == 100 and not report.complete
    assert report.notes == [
        "lever paging ended early: page 2 repeated postings already read (the server ignores skip); "
        "the board may list more"
    ]
