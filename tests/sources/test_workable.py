"""Workable against the replay server: Blueground's recorded v3 list pages and v2 detail.

No Workable recording states pay: neither the list rows nor the recorded detail (description,
requirements, benefits) name an amount, so every recorded posting has no band. That the detail
text reaches the text normalizer is shown on a detail generated in the test. The replay serves
the 19 details nobody recorded as generated placeholders (tests/fixtures/synth/README.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.replay import Fault, ReplayRequest, ReplayResponse
from scraper.replay.workable import cursor
from scraper.sources.workable import Workable
from tests.helpers import crawl, load_real, query
from tests.sources.source_helpers import (
    REGISTRY,
    crawl_postings,
    jobseek_boards,
    openings_mcp,
    registry_rows,
    reparsed,
)

BLUEGROUND = {"name": "Blueground", "source": "workable", "board": "blueground"}
LIST = "/api/v3/accounts/blueground/jobs"
DETAIL = "/api/v2/accounts/blueground/jobs/"
PAGE1, PAGE2 = "workable/blueground_v3_jobs_page1.json", "workable/blueground_v3_jobs_page2.json"
RECORDED_DETAIL = "workable/blueground_v2_job_B02DA69C8F.json"


def _rows() -> list[dict[str, Any]]:
    return load_real(PAGE1)["results"] + load_real(PAGE2)["results"]


def _bodies(replay) -> list[Any]:
    """Record each list request's body (then let the replay's route answer it)."""
    bodies: list[Any] = []

    def capture(req: ReplayRequest) -> None:
        bodies.append(req.json_body())

    replay.overrides[("POST", LIST)] = capture
    return bodies


def test_board_matches_recording(replay, tmp_db):
    bodies = _bodies(replay)
    result = crawl(tmp_db, replay.url, BLUEGROUND)
    assert result.status == "ok", result.outcomes
    rows = query(tmp_db, "SELECT external_id, title, url FROM postings ORDER BY external_id")
    assert rows == sorted(
        (r["shortcode"], r["title"], f"https://apply.workable.com/blueground/j/{r['shortcode']}/")
        for r in _rows()
    )
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]  # no recording states pay
    # Paging: the first body asks for the board, the second sends page 1's recorded cursor back.
    assert bodies == [{"query": ""}, {"query": "", "token": load_real(PAGE1)["nextPage"]}]
    assert replay.requests_to(DETAIL) == len(_rows()) == 20


def test_replay_pages_with_workables_cursor():
    """The replay's cursor is Workable's: it gives both recorded `nextPage` values from their pages."""
    for page in (PAGE1, PAGE2):
        recorded = load_real(page)
        assert cursor(recorded["results"][-1]) == recorded["nextPage"]


def test_recorded_detail_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, BLUEGROUND)
    detail = load_real(RECORDED_DETAIL)
    row = query(
        tmp_db,
        "SELECT location, department, employment_type, remote, strftime(posted_at, '%Y-%m-%d'), description"
        " FROM postings WHERE external_id = ?",
        [detail["shortcode"]],
    )[0]
    loc = detail["locations"][0]
    assert (
        row[:5]
        == (
            f"{loc['city']}, {loc['region']}, {loc['country']}",
            detail["department"][0],
            "Full-time",  # type "full"
            "remote",  # workplace "remote"
            detail["published"][:10],
        )
    )
    heading = re.search(r"<h3>([^<]+)</h3>", detail["description"]).group(1)
    assert heading in row[5] and "<h3>" not in row[5]
    (payload,) = query(
        tmp_db, "SELECT payload FROM posting_raw WHERE posting_id = 'workable:blueground:B02DA69C8F'"
    )[0]
    row_in_list = next(r for r in _rows() if r["shortcode"] == "B02DA69C8F")
    assert json.loads(payload) == {**row_in_list, **detail}  # the list row merged with its detail


def test_detail_text_goes_through_the_text_normalizer():
    """A detail generated here from the recorded one, with a pay sentence added to `benefits` (no
    Workable recording states pay)."""
    detail = {
        **load_real(RECORDED_DETAIL),
        "benefits": "<p>The salary range for this role is €70,000 - €85,000 per year.</p>",
    }
    posting = Workable(CompanyConfig(name="B", source="workable", board="blueground")).parse_job(detail, None)
    assert [(b.min_amount, b.max_amount, b.currency, b.period, b.origin) for b in posting.bands] == [
        (70000.0, 85000.0, "EUR", "year", "text")
    ]
    assert "Benefits\nThe salary range" in (posting.description or "")


def _page(results: list, total: int, next_page: str | None = None) -> ReplayResponse:
    body: dict[str, Any] = {"total": total, "results": results}
    if next_page:
        body["nextPage"] = next_page
    return ReplayResponse.json(body)


def test_a_server_that_ignores_the_cursor_is_a_partial_listing(replay, tmp_db):
    page1 = load_real(PAGE1)
    replay.overrides[("POST", LIST)] = lambda req: _page(page1["results"], 29, page1["nextPage"])
    result = crawl(tmp_db, replay.url, BLUEGROUND)
    outcome = result.outcomes[0]
    assert outcome.status == "attention" and "ignores token" in " ".join(outcome.notes)
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(10,)]
    assert replay.requests_to(LIST) == 2


def test_fewer_jobs_than_the_total_is_a_partial_listing(replay, tmp_db):
    """The recorded page 1 (total 29), then a last page generated here without the rest."""
    page1 = load_real(PAGE1)
    calls: list[int] = []

    def answer(req: ReplayRequest) -> ReplayResponse:
        calls.append(1)
        return _page(page1["results"], 29, page1["nextPage"]) if len(calls) == 1 else _page([], 29)

    replay.overrides[("POST", LIST)] = answer
    outcome = crawl(tmp_db, replay.url, BLUEGROUND).outcomes[0]
    assert outcome.status == "attention"
    assert "10 of the 29 postings it counts were listed (page 2 was empty)" in " ".join(outcome.notes)


def test_a_failing_later_page_keeps_what_was_read(replay, tmp_db):
    calls: list[int] = []

    def fail_second(req: ReplayRequest) -> ReplayResponse | None:
        calls.append(1)
        return ReplayResponse.json({"error": "gone"}, 404) if len(calls) == 2 else None

    replay.overrides[("POST", LIST)] = fail_second
    outcome = crawl(tmp_db, replay.url, BLUEGROUND).outcomes[0]
    assert outcome.status == "attention" and "page 2 failed" in " ".join(outcome.notes)
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(10,)]


def test_unknown_account_is_not_found(replay, tmp_db):
    company = {"name": "Nobody", "source": "workable", "board": "openings-mcp-no-such-account"}
    outcome = crawl(tmp_db, replay.url, company).outcomes[0]
    assert outcome.error_kind == "not_found"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"total": 29, "results": [{"id": 1', "bad_json"),
        (b'{"total": 0, "results": "none"}', "source"),
        (b"[]", "source"),
    ],
)
def test_malformed_list_fails_the_board(replay, tmp_db, body, kind):
    replay.faults[LIST] = Fault(body=body)
    outcome = crawl(tmp_db, replay.url, BLUEGROUND).outcomes[0]
    assert (outcome.status, outcome.error_kind) == ("failed", kind)


def test_a_failing_detail_keeps_the_list_data(replay, tmp_db):
    replay.faults[f"{DETAIL}B02DA69C8F"] = Fault(status=404, body=b"Job not found", content_type="text/plain")
    assert crawl(tmp_db, replay.url, BLUEGROUND).status == "ok"
    row = query(tmp_db, "SELECT title, description FROM postings WHERE external_id = 'B02DA69C8F'")
    assert row == [(load_real(RECORDED_DETAIL)["title"], None)]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(20,)]


@pytest.mark.parametrize(("failing", "status"), [(10, "ok"), (11, "failed")])
def test_the_board_fails_when_most_details_fail(replay, tmp_db, failing, status):
    replay.faults[DETAIL] = Fault(status=404, times=failing)
    outcome = crawl(tmp_db, replay.url, BLUEGROUND).outcomes[0]
    assert outcome.status == status
    if status == "failed":
        assert outcome.error.startswith(f"detail calls failed for {failing} of 20 postings")


def test_parse_raw_gives_the_same_postings(replay):
    postings, report = crawl_postings("workable", "blueground", replay.url)
    assert isinstance(postings, list) and len(postings) == 20
    assert reparsed("workable", "blueground", postings) == postings
    assert report.complete and not report.skipped


def test_reparse_of_the_database_changes_nothing(replay, tmp_db):
    from scraper.reparse import reparse

    crawl(tmp_db, replay.url, BLUEGROUND)
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (20, 0, [])


# -- config and detection ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "board", ["https://apply.workable.com/huggingface", "apply.workable.com/x", "hugging face"]
)
def test_a_url_is_no_board(board):
    with pytest.raises(ConfigError, match="not an account name"):
        Workable.validate_options({}, board)


@pytest.mark.skipif(not REGISTRY.is_dir(), reason="../shared/registry is absent")
def test_detects_the_registry_boards():
    rows = registry_rows("workable")
    assert rows
    for row in rows:
        assert Workable.board_from_url(row["careers_url"]) == row["board"], row
    for account in openings_mcp("workable", "account"):
        assert Workable.board_from_url(f"https://apply.workable.com/{account}/") == account
    for url, config in jobseek_boards("workable"):
        board = Workable.board_from_url(url)
        if "apply.workable.com/" in url or re.match(r"https://[\w-]+\.workable\.com/$", url):
            # e.g. nu-quantum.workable.com; a row without a token is its URL's account (huggingface)
            assert board == config.get("token", url.rstrip("/").rsplit("/", 1)[-1]), (url, config)
        else:  # a company's own page, or jobs.workable.com/company/<id>/...: no account in the URL
            assert board is None, url
    others = [r["careers_url"] for r in registry_rows() if r["ats"] != "workable"]
    assert [u for u in others if Workable.board_from_url(u)] == []


@pytest.mark.parametrize(
    ("url", "board"),
    [
        ("https://apply.workable.com/api/v3/accounts/blueground/jobs", "blueground"),
        ("https://apply.workable.com/api/v1/widget/accounts/zego", "zego"),
        ("https://apply.workable.com/blueground/j/B02DA69C8F/", "blueground"),
        ("https://apply.workable.com/j/B02DA69C8F", None),  # a job's short link names no account
        ("https://www.workable.com/", None),
    ],
)
def test_detects_api_and_job_urls(url, board):
    assert Workable.board_from_url(url) == board
