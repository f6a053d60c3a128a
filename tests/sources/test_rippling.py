"""Rippling against its real recordings on the replay server (tests/fixtures/real/rippling).

No Rippling recording has pay: the one recorded detail has `payRangeDetails: []`, and no public
recording with a non-empty list was found. The pay tests generate `payRangeDetails` entries in
the shape public client code reads, on the recorded detail, and say so. Pythian's 11 other
details are placeholders the replay generates (scraper/replay/rippling.py).
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest

from scraper.config import CompanyConfig
from scraper.replay import Fault, ReplayResponse
from scraper.sources import get_source
from tests.helpers import crawl, load_real, query
from tests.sources.replay_routes import routes_matching

PYTHIAN = {"name": "Pythian", "source": "rippling", "board": "pythian"}
API = "/platform/api/ats/v1/board/pythian/jobs"
DETAILED = "144f31c4-38a4-4666-97b4-2c88a3f123da"
REGISTRY = Path(__file__).resolve().parents[3] / "shared" / "registry"


def _list_locations() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for entry in load_real("rippling/pythian_board_jobs.json"):
        places = out.setdefault(entry["uuid"], [])
        if entry["workLocation"]["label"] not in places:
            places.append(entry["workLocation"]["label"])
    return out


def test_pythian_matches_recording(replay, tmp_db):
    assert crawl(tmp_db, replay.url, PYTHIAN).status == "ok"
    entries = load_real("rippling/pythian_board_jobs.json")
    titles = {e["uuid"]: e["name"] for e in entries}
    assert query(tmp_db, "SELECT external_id, title FROM postings ORDER BY 1") == sorted(titles.items())
    assert len(titles) == 12 < len(entries)  # one list entry per (job, location): 33 entries, 12 jobs
    assert replay.requests_to(f"{API}/") == 12
    detail = load_real("rippling/pythian_job_144f31c4_detail.json")
    row = query(
        tmp_db,
        "SELECT location, department, employment_type, url, posted_at, description FROM postings WHERE external_id = ?",
        [DETAILED],
    )[0]
    assert row[:4] == (
        "; ".join(detail["workLocations"]),
        detail["department"]["name"],
        detail["employmentType"]["id"],  # the human label; `label` holds the enum
        detail["url"],
    )
    assert row[4].isoformat().startswith("2026-06-25T16:07:41")
    assert "Why Pythian" in row[5] and "<p" not in row[5]
    # The placeholder details carry the work locations of all of a job's list entries.
    locations = dict(
        query(tmp_db, "SELECT external_id, location FROM postings WHERE external_id != ?", [DETAILED])
    )
    assert locations == {u: "; ".join(p) for u, p in _list_locations().items() if u != DETAILED}
    assert detail["payRangeDetails"] == [] and query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


# Generated for the test (no recording has them), in the shape public client code reads.
PAY_RANGES = [
    {
        "location": "United Kingdom",
        "currency": "GBP",
        "frequency": "YEAR",
        "rangeStart": 70000,
        "rangeEnd": 90000,
    },
    {"location": "Poland", "currency": "PLN", "frequency": "YEAR", "rangeStart": 240000, "rangeEnd": 300000},
    {"location": "Spain", "currency": "EUR", "frequency": "YEAR", "rangeStart": 70000, "rangeEnd": 90000},
    {"location": "India", "currency": "INR", "frequency": "MONTH", "rangeStart": 250000, "rangeEnd": 350000},
    {
        "location": "Romania",
        "currency": "RON",
        "frequency": "HOUR",
        "rangeStart": 90,
        "rangeEnd": 130,
        "isRemote": True,
    },
]
BAD_RANGES = [
    {
        "location": "Nowhere",
        "currency": "USD",
        "frequency": None,
        "rangeStart": 1,
        "rangeEnd": 2,
    },  # no period
    {"location": "Mars", "currency": "ZZZ", "frequency": "YEAR", "rangeStart": 100000, "rangeEnd": 120000},
    {
        "location": "Cents",
        "currency": "USD",
        "frequency": "YEAR",
        "rangeStart": 12000000,
        "rangeEnd": 15000000,
    },
]


def _serve_with_pay(replay, ranges: list[dict]) -> dict:
    detail = copy.deepcopy(load_real("rippling/pythian_job_144f31c4_detail.json"))
    detail["payRangeDetails"] = ranges
    replay.overrides[("GET", f"{API}/{DETAILED}")] = lambda req: ReplayResponse.json(detail)
    return detail


def test_one_band_per_pay_range_with_its_location_as_zone(replay, tmp_db):
    """Generated: the recorded detail with five payRangeDetails entries (two with equal numbers)."""
    _serve_with_pay(replay, PAY_RANGES)
    assert crawl(tmp_db, replay.url, PYTHIAN).status == "ok"
    got = query(
        tmp_db,
        "SELECT zone, min_amount, max_amount, currency, period, origin FROM pay_bands WHERE posting_id = ?",
        [f"rippling:pythian:{DETAILED}"],
    )
    periods = {"YEAR": "year", "MONTH": "month", "HOUR": "hour"}
    expected = [
        (
            r["location"],
            float(r["rangeStart"]),
            float(r["rangeEnd"]),
            r["currency"],
            periods[r["frequency"]],
            "structured",
        )
        for r in PAY_RANGES
    ]
    assert sorted(got) == sorted(expected)  # the UK and Spain bands share numbers: still two zones


def test_unusable_pay_ranges_give_no_band_and_say_why(replay, tmp_db):
    """Generated: entries with no period, a currency that is none, and amounts 100x a salary."""
    _serve_with_pay(replay, BAD_RANGES + PAY_RANGES[:1])
    crawl(tmp_db, replay.url, PYTHIAN)
    assert query(tmp_db, "SELECT zone FROM pay_bands") == [("United Kingdom",)]
    (warnings,) = query(tmp_db, "SELECT warnings FROM crawl_run_companies")[0]
    assert warnings == 2  # the currency and the size; a missing period is no pay stated


def test_a_job_whose_detail_fails_keeps_its_list_data(replay, tmp_db):
    replay.faults[f"{API}/{DETAILED}"] = Fault(status=404, body=b'{"ok": false, "error": "gone"}')
    assert crawl(tmp_db, replay.url, PYTHIAN).status == "ok"
    (row,) = query(
        tmp_db, "SELECT title, location, description FROM postings WHERE external_id = ?", [DETAILED]
    )
    assert row == ("DevOps Engineer", "; ".join(_list_locations()[DETAILED]), None)


def test_unknown_board_is_not_found(replay, tmp_db):
    result = crawl(
        tmp_db, replay.url, {"name": "X", "source": "rippling", "board": "this-board-does-not-exist-xyz"}
    )
    (outcome,) = result.outcomes
    assert outcome.status == "failed" and outcome.error_kind == "not_found"


@pytest.mark.parametrize("body", [b'{"jobs": []}', b"<html></html>", b'[{"name": "no uuid"}]'])
def test_malformed_list_fails_the_board(replay, tmp_db, body):
    replay.faults[API] = Fault(status=200, body=body)
    (outcome,) = crawl(tmp_db, replay.url, PYTHIAN).outcomes
    assert outcome.status == "failed"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(0,)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    _serve_with_pay(replay, PAY_RANGES)
    crawl(tmp_db, replay.url, PYTHIAN)
    stored = query(
        tmp_db,
        "SELECT p.posting_id, p.title, p.location, p.description, r.payload FROM postings p JOIN posting_raw r USING (posting_id)",
    )
    assert len(stored) == 12
    source = get_source("rippling")(CompanyConfig(name="x", source="rippling", board="pythian"))
    sql = "SELECT zone, min_amount, max_amount, currency, period FROM pay_bands WHERE posting_id = ?"
    for pid, title, location, description, payload in stored:
        posting = source.parse_raw(json.loads(payload))
        assert (posting.posting_id, posting.title, posting.location, posting.description) == (
            pid,
            title,
            location,
            description,
        )
        got = [(b.zone, b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands]
        assert sorted(got, key=str) == sorted(query(tmp_db, sql, [pid]), key=str)


@pytest.mark.parametrize(
    ("url", "board"),
    [
        ("https://ats.rippling.com/pythian/jobs", "pythian"),
        ("https://ats.rippling.com/en-GB/skyportsdeliveries-limited/jobs", "skyportsdeliveries-limited"),
        ("https://ats.rippling.com/pythian/jobs/144f31c4-38a4-4666-97b4-2c88a3f123da", "pythian"),
        ("ats.rippling.com/sanas", "sanas"),
        ("https://api.rippling.com/platform/api/ats/v1/board/pythian/jobs", "pythian"),
    ],
)
def test_detects_board_urls(url, board):
    assert get_source("rippling").board_from_url(url) == board


@pytest.mark.parametrize(
    "url", ["https://www.rippling.com", "https://www.rippling.com/careers", "https://jobs.lever.co/x"]
)
def test_other_urls_are_not_rippling_boards(url):
    assert get_source("rippling").board_from_url(url) is None


def test_detects_every_rippling_board_of_the_registry():
    table = REGISTRY / "ai_companies.csv"
    if not table.is_file():
        pytest.skip("the shared registry is not next to this checkout")
    seen = 0
    with table.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["ats"] == "rippling" and row["careers_url"]:
                assert get_source("rippling").board_from_url(row["careers_url"]) == row["board"], row[
                    "careers_url"
                ]
                seen += 1
    assert seen >= 20


def test_replay_routes_do_not_overlap():
    for path in (API, f"{API}/{DETAILED}"):
        assert len(routes_matching("GET", path)) == 1, path
