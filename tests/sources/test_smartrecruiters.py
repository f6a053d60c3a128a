"""SmartRecruiters against the replay server: the real Equinox recordings, the real
unknown-company answer, and a generated board with pay (tests/fixtures/synth/README.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scraper.config import CompanyConfig
from scraper.replay import Fault
from scraper.sources import smartrecruiters
from tests.helpers import FIXTURES, crawl, load_real, query

EQUINOX = {"name": "Equinox", "source": "smartrecruiters", "board": "equinox"}
SYNTH = {"name": "SynthLabs", "source": "smartrecruiters", "board": "SynthLabs"}
SYNTH_LIST = "/v1/companies/SynthLabs/postings"


def _list_calls(replay, path: str) -> int:
    return sum(1 for method, p in replay.log if method == "GET" and p == path)


def test_equinox_matches_recording(replay, tmp_db):
    assert crawl(tmp_db, replay.url, EQUINOX).status == "ok"
    recorded = load_real("smartrecruiters/equinox_postings_limit5.json")["content"]
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((p["id"], p["name"]) for p in recorded)
    assert replay.requests_to("/v1/companies/equinox/postings/") == 5
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]  # "competitive salary": no numbers


def test_equinox_recorded_detail_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, EQUINOX)
    row = query(
        tmp_db,
        "SELECT title, url, location, department, employment_type, remote, posted_at, description "
        "FROM postings WHERE external_id = '744000137225639'",
    )[0]
    assert row[:7] == (
        "Female Locker Room Associate, Houston",
        "https://jobs.smartrecruiters.com/Equinox/744000137225639-female-locker-room-associate-houston",
        "Houston, TX, United States",
        "Club - Staff",
        "Part-time",
        "onsite",
        datetime(2026, 7, 10, 23, 49, 3, 72000, tzinfo=UTC),
    )
    description = row[7]
    for title in ("Company Description", "Job Description", "Qualifications", "Additional Information"):
        assert title in description
    assert "&#xa0;" not in description and "<p>" not in description
    (payload,) = query(
        tmp_db, "SELECT payload FROM posting_raw WHERE posting_id = 'smartrecruiters:equinox:744000137225639'"
    )[0]
    raw = json.loads(payload)
    # List and detail merged: the detail's `jobAd` and the list's `ref`.
    assert "jobAd" in raw and raw["ref"].endswith("/postings/744000137225639")


SYNTH_PAY = [
    ("999000000000001", [(180_000, 240_000, "USD", "year", "base", None)]),
    ("999000000000002", [(200_000, 260_000, "USD", "year", "base", "New York City")]),
    ("999000000000003", [(85_000, 105_000, "EUR", "year", "base", None)]),
    ("999000000000004", [(90_000, 115_000, "GBP", "year", "base", None)]),
    ("999000000000005", [(45, 60, "USD", "hour", "unknown", None)]),
    ("999000000000006", []),
    ("999000000000012", [(210_000, 275_000, "USD", "year", "base", None)]),
]


@pytest.fixture
def synth_db(replay, tmp_db):
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    return tmp_db


@pytest.mark.parametrize(("pid", "bands"), SYNTH_PAY)
def test_synth_pay_from_job_ad_sections(synth_db, pid, bands):
    rows = query(
        synth_db,
        "SELECT min_amount, max_amount, currency, period, pay_type, zone FROM pay_bands WHERE posting_id = ?",
        [f"smartrecruiters:synthlabs:{pid}"],
    )
    assert rows == [(float(a), float(b), c, p, t, z) for a, b, c, p, t, z in bands]


def test_synth_board(synth_db):
    board = json.loads((FIXTURES / "synth/smartrecruiters/synthlabs_postings.json").read_text("utf-8"))[
        "content"
    ]
    rows = query(synth_db, "SELECT external_id, title, remote FROM postings ORDER BY external_id")
    expected_remote = [
        "remote" if p["location"]["remote"] else "hybrid" if p["location"]["hybrid"] else "onsite"
        for p in board
    ]
    assert rows == [(p["id"], p["name"], r) for p, r in zip(board, expected_remote, strict=True)]
    assert query(synth_db, "SELECT count(*), count(DISTINCT posting_id) FROM pay_bands") == [(9, 9)]


@pytest.mark.parametrize(
    ("page_size", "expected_calls"),
    [
        (100, 1),  # the real page size: 12 postings on one page
        (5, 3),  # 5 + 5 + 2 (short page)
        (4, 3),  # 4 + 4 + 4 reaches totalFound 12: no empty fourth call
        (12, 1),
        (11, 2),
    ],
)
def test_paging(replay, tmp_db, monkeypatch, page_size, expected_calls):
    monkeypatch.setattr(smartrecruiters, "PAGE_SIZE", page_size)
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(12,)]
    assert _list_calls(replay, SYNTH_LIST) == expected_calls


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(smartrecruiters, "PAGE_SIZE", 1)
    monkeypatch.setattr(smartrecruiters, "MAX_PAGES", 3)
    assert crawl(tmp_db, replay.url, SYNTH).status == "attention"  # the cap is reported, not silent
    assert _list_calls(replay, SYNTH_LIST) == 3
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(3,)]


@pytest.mark.parametrize("board", ["this-company-does-not-exist-xyz", "nobody"])
def test_unknown_company_is_a_failed_board_not_an_empty_success(replay, tmp_db, board):
    result = crawl(tmp_db, replay.url, {"name": "Nobody", "source": "smartrecruiters", "board": board})
    assert result.status == "failed"
    outcome = result.outcomes[0]
    assert (outcome.status, outcome.error_kind) == ("failed", "source")
    assert outcome.error == (
        f"no postings: SmartRecruiters company id {board!r} is unknown or has no open postings"
    )
    assert query(tmp_db, "SELECT status, error FROM crawl_run_companies") == [("failed", outcome.error)]


def test_a_404_list_is_not_found(replay, tmp_db):
    replay.faults["/v1/companies/equinox/postings"] = Fault(status=404)
    result = crawl(tmp_db, replay.url, EQUINOX)
    assert result.outcomes[0].error_kind == "not_found"


def test_a_failing_detail_keeps_the_list_data(replay, tmp_db):
    replay.faults[f"{SYNTH_LIST}/999000000000001"] = Fault(status=404)
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    row = query(
        tmp_db,
        "SELECT title, location, department, description FROM postings WHERE external_id = '999000000000001'",
    )
    assert row == [("Machine Learning Engineer", "San Francisco, CA, United States", "Engineering", None)]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(8,)]


@pytest.mark.parametrize(("failing", "status"), [(6, "ok"), (7, "failed")])
def test_the_board_fails_when_most_details_fail(replay, tmp_db, failing, status):
    replay.faults[f"{SYNTH_LIST}/"] = Fault(status=404, times=failing)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.outcomes[0].status == status
    if status == "failed":
        assert result.outcomes[0].error.startswith(
            f"detail calls failed for {failing} of 12 postings; first: "
        )


def _source() -> smartrecruiters.SmartRecruiters:
    return smartrecruiters.SmartRecruiters(CompanyConfig(name="X", source="smartrecruiters", board="x"))


@pytest.mark.parametrize(
    ("compensation", "expected"),
    [
        # No recording shows a `compensation` object: these are assumed spellings.
        (
            {"min": 150000, "max": 190000, "currency": "USD", "period": "YEAR"},
            (150_000.0, 190_000.0, "USD", "year"),
        ),
        ({"min": "40", "max": "55", "currency": "EUR", "interval": "hourly"}, (40.0, 55.0, "EUR", "hour")),
        ({"min": 150000, "max": 190000, "currency": "USD"}, None),  # no period: no band
    ],
)
def test_compensation_object_is_read_leniently(compensation, expected):
    item = {"id": "1", "name": "ML Engineer", "compensation": compensation}
    posting = _source().parse_posting(item, None)
    structured = [
        (b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands if b.origin == "structured"
    ]
    assert structured == ([expected] if expected else [])
