"""Eightfold (Netflix v2 and Morgan Stanley pcsx) against the replay server.

Lists are the real recordings; details are generated in the real v2 detail
shape (tests/fixtures/synth/README.md), with Netflix's real pay paragraphs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.config import parse_config
from scraper.crawl import run_crawl
from scraper.models import PayBand
from scraper.replay import Fault, ReplayRequest, ReplayResponse
from scraper.sources import eightfold
from tests.helpers import FIXTURES, crawl, load_real, query

NETFLIX = {"name": "Netflix", "source": "eightfold", "board": "netflix.com"}
MORGAN_STANLEY = {"name": "Morgan Stanley", "source": "eightfold", "board": "morganstanley.com"}
V2_LIST = "/api/apply/v2/jobs"
RECORDED_PAGES = [f"eightfold/netflix_v2_jobs_engineer_ucan_start{s}.json" for s in (0, 10, 20)]


def _netflix_positions() -> list[dict]:
    recorded = [p for rel in RECORDED_PAGES for p in load_real(rel)["positions"]]
    extra = json.loads((FIXTURES / "synth/eightfold/netflix_v2_jobs_extra_start30.json").read_text("utf-8"))
    return recorded + extra["positions"]


def _list_calls(replay, path: str) -> int:
    return sum(1 for method, p in replay.log if method == "GET" and p == path)


def test_netflix_board_pages_ten_at_a_time_and_matches_recordings(replay, tmp_db):
    result = crawl(tmp_db, replay.url, NETFLIX)
    assert result.status == "ok"
    expected = _netflix_positions()
    assert len(expected) == 32  # 30 recorded + 2 generated
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((str(p["id"]), " ".join(p["name"].split())) for p in expected)
    # start=0,10,20,30: the fourth page is short (2) and reaches count (32); no fifth call.
    assert _list_calls(replay, V2_LIST) == 4
    assert replay.requests_to(f"{V2_LIST}/") == 32  # one detail call per position


# (position id, min, max): the pay paragraph in its generated detail (see the synth README).
NETFLIX_PAY = [
    ("790313310792", 170_000, 720_000),  # newer wording, recorded for this id
    ("790313323421", 170_000, 720_000),  # newer wording without the second "$", recorded for this id
    ("790313345439", 100_000, 720_000),  # older "overall market range ... total compensation" wording
    ("790313277967", 170_000, 720_000),  # newer wording, the HTML capture
    ("790399990001", 300_000, 900_000),  # Product Manager - Machine Learning Platform (older wording)
    ("790399990002", 450_000, 650_000),  # Technical Director (newer wording)
]


@pytest.fixture
def netflix_db(replay, tmp_db) -> Path:
    # Spelled out (parse_config + run_crawl) as the pipeline runs it from a TOML file.
    config = parse_config(
        {
            "crawl": {"per_host_delay_s": 0.0, "timeout_s": 5, "max_retries": 1},
            "company": [{**NETFLIX, "base_url": replay.url, "api": "v2"}],
        }
    )
    assert run_crawl(config, str(tmp_db)).status == "ok"
    return tmp_db


@pytest.mark.parametrize(("pid", "low", "high"), NETFLIX_PAY)
def test_netflix_pay_paragraphs_land_as_total_compensation(netflix_db, pid, low, high):
    rows = query(
        netflix_db,
        "SELECT min_amount, max_amount, currency, period, pay_type, origin FROM pay_bands WHERE posting_id = ?",
        [f"eightfold:netflix.com:{pid}"],
    )
    assert rows == [(float(low), float(high), "USD", "year", "total", "text")]


@pytest.mark.parametrize(
    "pid",
    ["790313031426", "790313241540", "790313055767", "790313102199"],  # Vancouver, interns, new grad
)
def test_netflix_positions_without_pay_paragraph_have_no_band(netflix_db, pid):
    assert query(
        netflix_db, "SELECT count(*) FROM pay_bands WHERE posting_id = ?", [f"eightfold:netflix.com:{pid}"]
    ) == [(0,)]
    (description,) = query(netflix_db, "SELECT description FROM postings WHERE external_id = ?", [pid])[0]
    assert "no recorded detail response" in description


def test_netflix_every_band_is_total(netflix_db):
    assert query(netflix_db, "SELECT pay_type, count(*) FROM pay_bands GROUP BY ALL") == [("total", 28)]


def test_netflix_fields_and_raw_payload(netflix_db):
    row = query(
        netflix_db,
        "SELECT url, location, department, remote, posted_at, updated_at FROM postings WHERE external_id = '790313345439'",
    )[0]
    assert row == (
        "https://explore.jobs.netflix.net/careers/job/790313345439",
        "USA - Remote",
        "Data & Insights",
        "remote",  # work_location_option says "onsite"; the location says Remote
        datetime.fromtimestamp(1766102400, UTC),
        datetime.fromtimestamp(1766102400, UTC),
    )
    (payload,) = query(
        netflix_db, "SELECT payload FROM posting_raw WHERE posting_id = 'eightfold:netflix.com:790313345439'"
    )[0]
    raw = json.loads(payload)
    assert raw["ats_job_id"] == "JR37949" and "$100,000 - $720,000" in raw["job_description"]


def test_netflix_quirk_relabels_a_range_the_parser_calls_base(monkeypatch):
    """The Netflix wording is total compensation even if the normalizer says base."""
    base = PayBand(170_000.0, 720_000.0, "USD", "year", 170_000.0, 720_000.0, 170_000.0, 720_000.0, "base")
    monkeypatch.setattr(eightfold, "text_bands", lambda text, **_: [base])
    text = load_real_pay_text(1)
    assert [b.pay_type for b in eightfold._bands(text)] == ["total"]
    assert [b.pay_type for b in eightfold._bands("The base salary range is $170,000 - $720,000.")] == ["base"]


def load_real_pay_text(line: int) -> str:
    lines = (FIXTURES / "real/eightfold/netflix_pay_texts.jsonl").read_text("utf-8").splitlines()
    return json.loads(lines[line])["text"]


def _stringify(position: dict) -> dict:
    """A position as a server that stringifies scalars would send it."""
    return {
        **position,
        "id": str(position["id"]),
        "t_create": str(position["t_create"]),
        "t_update": str(position["t_update"]),
        "locations": repr(position["locations"]),
        "isPrivate": str(position["isPrivate"]),
        "hot": str(position["hot"]),
    }


@pytest.mark.parametrize("whole_list_as_repr", [False, True])
def test_stringified_values_are_read_back_typed(replay, tmp_db, whole_list_as_repr):
    # Not seen in the recordings (they are typed); the source must still cope.
    page = load_real(RECORDED_PAGES[0])
    positions = [_stringify(p) for p in page["positions"][:3]]
    body = {**page, "count": "3", "positions": repr(positions) if whole_list_as_repr else positions}
    replay.overrides[("GET", V2_LIST)] = lambda req: ReplayResponse.json(body)
    assert crawl(tmp_db, replay.url, NETFLIX).status == "ok"
    rows = query(tmp_db, "SELECT external_id, location, posted_at FROM postings ORDER BY external_id")
    assert rows == sorted(
        (str(p["id"]), p["location"], datetime.fromtimestamp(p["t_create"], UTC))
        for p in page["positions"][:3]
    )
    assert _list_calls(replay, V2_LIST) == 1  # count "3" reached on the first page


@pytest.mark.parametrize(
    ("value", "typed"),
    [
        ("790313345439", 790313345439),
        ("False", False),
        ("True", True),
        ("None", None),
        ("['USA - Remote']", ["USA - Remote"]),
        ("[1, 2", "[1, 2"),  # not a literal: kept as text
        ("__import__('os')", "__import__('os')"),  # never evaluated
        ("Data Engineer (L5)", "Data Engineer (L5)"),
        (1766102400, 1766102400),
    ],
)
def test_typed(value, typed):
    assert eightfold._typed(value) == typed


def test_a_server_ignoring_start_stops_after_a_page_with_nothing_new(replay, tmp_db):
    page = load_real(RECORDED_PAGES[0])
    replay.overrides[("GET", V2_LIST)] = lambda req: ReplayResponse.json(
        page
    )  # count 185, same 10 every time
    # Read once, and said: the listing is partial (its removals wait), so a person should look.
    assert crawl(tmp_db, replay.url, NETFLIX).status == "attention"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(10,)]
    assert _list_calls(replay, V2_LIST) == 2


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    page = load_real(RECORDED_PAGES[0])
    counter = iter(range(10**6))

    def endless(req: ReplayRequest) -> ReplayResponse:
        # Fresh ids on every page and a count that never ends.
        fresh = [{**p, "id": 10**12 + next(counter)} for p in page["positions"]]
        return ReplayResponse.json({**page, "count": 10**9, "positions": fresh})

    replay.overrides[("GET", V2_LIST)] = endless
    replay.faults[f"{V2_LIST}/"] = Fault(status=404)  # skip details: paging is the subject
    monkeypatch.setattr(eightfold, "MAX_PAGES", 5)
    result = crawl(tmp_db, replay.url, NETFLIX)
    assert _list_calls(replay, V2_LIST) == 5
    assert result.outcomes[0].status == "failed"  # then every detail 404s: the board fails


@pytest.mark.parametrize("api", [None, "pcsx"])
def test_morgan_stanley_pcsx_matches_recording(replay, tmp_db, api):
    company = {**MORGAN_STANLEY, **({"api": api} if api else {})}
    assert crawl(tmp_db, replay.url, company).status == "ok"
    recorded = load_real("eightfold/morganstanley_pcsx_search.json")["data"]["positions"]
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((str(p["id"]), p["name"]) for p in recorded)
    # Detected: one v2 call answered 404, then pcsx. Configured: no v2 call at all.
    assert _list_calls(replay, V2_LIST) == (1 if api is None else 0)
    assert _list_calls(replay, "/api/pcsx/search") == 1  # count (10) reached on the first page
    assert replay.requests_to("/api/pcsx/position_details") == 10


def test_morgan_stanley_recorded_detail_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, {**MORGAN_STANLEY, "api": "pcsx"})
    row = query(
        tmp_db,
        "SELECT title, url, location, department, employment_type, remote, posted_at, updated_at, description "
        "FROM postings WHERE external_id = '549798858854'",
    )[0]
    assert row[:8] == (
        "Vice President - Prin Software Eng",
        "https://morganstanley.eightfold.ai/careers/job/549798858854",
        "Bengaluru, Karnataka, India",
        "Software Engineering",
        "Full time",
        "hybrid",
        datetime.fromtimestamp(1783555200, UTC),
        datetime.fromtimestamp(1783900800, UTC),
    )
    assert "Java developer - Vice President - Software Engineering" in row[8]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]  # the recording states no pay


@pytest.mark.parametrize(
    ("company", "kind"),
    [
        (
            {"name": "Nobody", "source": "eightfold", "board": "nobody.example"},
            "not_found",
        ),  # v2 404, pcsx 404
        ({"name": "Nobody", "source": "eightfold", "board": "nobody.example", "api": "v2"}, "not_found"),
        ({"name": "Nobody", "source": "eightfold", "board": "nobody.example", "api": "pcsx"}, "not_found"),
        # An unknown `api` ("v3") is a config error now, before any fetch: tests/test_config.py.
    ],
)
def test_board_level_failures(replay, tmp_db, company, kind):
    result = crawl(tmp_db, replay.url, company)
    assert result.status == "failed"
    assert result.outcomes[0].error_kind == kind


def test_a_failing_detail_keeps_the_list_data(replay, tmp_db):
    replay.faults[f"{V2_LIST}/790313345439"] = Fault(status=500)
    assert crawl(tmp_db, replay.url, NETFLIX).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(32,)]
    row = query(
        tmp_db, "SELECT title, description, location FROM postings WHERE external_id = '790313345439'"
    )
    assert row == [("Data Engineer (L5)", None, "USA - Remote")]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(27,)]


def test_most_details_failing_fails_the_board(replay, tmp_db):
    replay.faults[f"{V2_LIST}/"] = Fault(status=404)
    result = crawl(tmp_db, replay.url, NETFLIX)
    assert result.status == "failed"
    assert result.outcomes[0].error == (
        "detail calls failed for 32 of 32 postings; first: "
        f"{replay.url}{V2_LIST}/790313345439 answered 404 (not found)"
    )
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(0,)]


def test_browser_headers_are_sent(replay, tmp_db):
    seen: list[dict[str, str]] = []

    def spy(req: ReplayRequest) -> None:
        seen.append(req.headers)  # then fall through to the recorded route

    replay.overrides[("GET", V2_LIST)] = spy
    crawl(tmp_db, replay.url, NETFLIX)
    assert seen and all(h["user-agent"].startswith("Mozilla/5.0") for h in seen)
    assert all(h["referer"] == f"{replay.url}/careers" for h in seen)
