"""Workday against the replay server: the real NVIDIA / Trend Micro first pages and a
generated 45-posting board (tests/fixtures/synth/README.md) for paging."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scraper.replay import Fault, ReplayRequest, ReplayResponse
from scraper.replay import workday as workday_replay
from scraper.sources import workday
from tests.helpers import FIXTURES, crawl, load_real, query

SYNTH = {"name": "SynthLabs", "source": "workday", "board": "synthlabs/SynthLabs_Careers"}
SYNTH_LIST = "/wday/cxs/synthlabs/SynthLabs_Careers/jobs"
SYNTH_DETAIL = "/wday/cxs/synthlabs/SynthLabs_Careers/job/"


def _synth_postings() -> list[dict]:
    return json.loads((FIXTURES / "synth/workday/synthlabs_jobs.json").read_text("utf-8"))["jobPostings"]


def _suffix(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit("_", 1)[-1]


def _list_calls(replay, path: str = SYNTH_LIST) -> int:
    return sum(1 for method, p in replay.log if method == "POST" and p == path)


def test_synth_board_pages_by_20_with_total_on_the_first_page_only(replay, tmp_db):
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "ok"
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((_suffix(p["externalPath"]), p["title"]) for p in _synth_postings())
    assert len(rows) == 45
    # offsets 0, 20, 40 (5 postings: short) -> done; the replay says total 0 on pages 2 and 3.
    assert _list_calls(replay) == 3
    assert replay.requests_to(SYNTH_DETAIL) == 45


def _serve(n: int, total: str):
    """An override of the synth list: only the first `n` postings, `total` as Workday may state it."""

    def handler(req: ReplayRequest) -> ReplayResponse:
        resp = workday_replay.jobs(req, "synthlabs", "SynthLabs_Careers")
        if resp.status != 200:
            return resp
        data = json.loads(resp.body)
        offset = req.json_body()["offset"]
        data["jobPostings"] = [p for p in data["jobPostings"] if _synth_postings().index(p) < n]
        first = offset == 0
        data["total"] = {"exact": n if first else 0, "capped": 2000 if first else 0, "zero": 0}[total]
        return ReplayResponse.json(data)

    return handler


@pytest.mark.parametrize(
    ("served", "total", "expected_calls"),
    [
        (45, "exact", 3),  # short third page
        (40, "exact", 2),  # offset 40 reaches the first page's total: no empty third call
        (40, "capped", 3),  # total 2000 means "at least": page on until an empty page
        (45, "capped", 3),
        (40, "zero", 3),  # a tenant that never fills total: page until an empty page
        (20, "exact", 1),
    ],
)
def test_paging_stops_at_total_or_a_short_page(replay, tmp_db, served, total, expected_calls):
    replay.overrides[("POST", SYNTH_LIST)] = _serve(served, total)
    # A capped total means "at least 2000": a listing that ends below it is partial (removals wait).
    assert crawl(tmp_db, replay.url, SYNTH).status == ("attention" if total == "capped" else "ok")
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(served,)]
    assert _list_calls(replay) == expected_calls


def test_limit_above_20_is_a_400(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(workday, "PAGE_SIZE", 21)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "failed"
    assert (result.outcomes[0].error_kind, result.outcomes[0].error) == (
        "http",
        f"{replay.url}{SYNTH_LIST} answered HTTP 400",
    )


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    page = {"total": 0, "jobPostings": _synth_postings()[:20], "facets": [], "userAuthenticated": False}
    counter = iter(range(10**6))

    def endless(req: ReplayRequest) -> ReplayResponse:
        fresh = [{**p, "externalPath": f"{p['externalPath']}-{next(counter)}"} for p in page["jobPostings"]]
        return ReplayResponse.json({**page, "jobPostings": fresh})

    replay.overrides[("POST", SYNTH_LIST)] = endless
    replay.faults[SYNTH_DETAIL] = Fault(status=404)
    monkeypatch.setattr(workday, "MAX_PAGES", 4)
    crawl(tmp_db, replay.url, SYNTH)
    assert _list_calls(replay) == 4


# externalPath suffix -> (min, max, currency, period, pay_type, zone) of every band, from the generated
# details. NVIDIA names the level after each range: "X USD - Y USD for Level 3, and X USD - Y USD for Level 4".
SYNTH_PAY = [
    ("JR9000000", {(148_000, 235_750, "USD", "year", "base", "Level 3"), (184_000, 287_500, "USD", "year", "base", "Level 4")}),
    ("JR9000002", {(224_000, 356_500, "USD", "year", "base", None)}),
    ("JR9000007", {(120_000, 189_750, "USD", "year", "base", "Level 2"), (148_000, 235_750, "USD", "year", "base", "Level 3")}),
    ("JR9000036", {(272_000, 431_250, "USD", "year", "base", None)}),
    ("JR9000044", {(40, 65, "USD", "hour", "unknown", None)}),  # the hourly internship
    ("JR9000003", set()),  # Germany: no pay text
    ("JR9000040-1", set()),  # India posting of a requisition posted twice
    ("JR9000040-2", {(224_000, 356_500, "USD", "year", "base", "Level 5"), (272_000, 431_250, "USD", "year", "base", "Level 6")}),
]  # fmt: skip


@pytest.fixture
def synth_db(replay, tmp_db):
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    return tmp_db


@pytest.mark.parametrize(("external_id", "bands"), SYNTH_PAY)
def test_synth_pay_text_as_nvidia_writes_it(synth_db, external_id, bands):
    rows = query(
        synth_db,
        "SELECT min_amount, max_amount, currency, period, pay_type, zone FROM pay_bands WHERE posting_id = ?",
        [f"workday:synthlabs/synthlabs_careers:{external_id}"],
    )
    assert set(rows) == {(float(a), float(b), c, p, t, z) for a, b, c, p, t, z in bands}
    assert len(rows) == len(bands)


def test_synth_totals(synth_db):
    # Every "N USD - M USD" in a generated detail is one band.
    details = json.loads((FIXTURES / "synth/workday/synthlabs_details.json").read_text("utf-8")).values()
    per_posting = [d["jobPostingInfo"]["jobDescription"].count(" USD - ") for d in details]
    expected = (sum(per_posting), sum(1 for n in per_posting if n))
    assert expected == (38, 26)
    assert query(synth_db, "SELECT count(*), count(DISTINCT posting_id) FROM pay_bands") == [expected]


def test_one_requisition_posted_twice_stays_two_postings(synth_db):
    rows = query(
        synth_db, "SELECT external_id, location FROM postings WHERE external_id LIKE 'JR9000040%' ORDER BY 1"
    )
    assert rows == [("JR9000040-1", "India, Bengaluru"), ("JR9000040-2", "US, TX, Austin")]


@pytest.mark.parametrize(
    ("company", "recording", "n"),
    [
        (
            {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"},
            "workday/nvidia_jobs_search_golang.json",
            20,
        ),
        (
            {"name": "Trend Micro", "source": "workday", "board": "trendmicro/External"},
            "workday/trendmicro_jobs_search.json",
            5,
        ),
    ],
)
def test_real_first_pages(replay, tmp_db, company, recording, n):
    assert crawl(tmp_db, replay.url, company).status == "ok"
    recorded = load_real(recording)["jobPostings"]
    assert len(recorded) == n
    rows = query(tmp_db, "SELECT external_id, title FROM postings ORDER BY external_id")
    assert rows == sorted((_suffix(p["externalPath"]), p["title"]) for p in recorded)
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]  # no pay in these recordings


def test_real_nvidia_detail_fields(replay, tmp_db):
    crawl(
        tmp_db,
        replay.url,
        {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"},
    )
    row = query(
        tmp_db,
        "SELECT title, url, location, employment_type, remote, posted_at, description FROM postings "
        "WHERE external_id = 'JR2015916'",
    )[0]
    assert row[:6] == (
        "Senior Software Golang Kubernetes Engineer",
        "https://nvidia.wd5.myworkdayjobs.com/NVIDIAExternalCareerSite/job/Israel-Yokneam/"
        "Senior-Software-Golang-Kubernetes-Engineer_JR2015916",
        "Israel, Yokneam; Israel, Raanana; Israel, Tel Aviv",
        "Full time",
        "onsite",  # the detail has no remote field: the crawl's enrichment reads the location
        datetime(2026, 4, 24, tzinfo=UTC),
    )
    assert row[6].startswith("NVIDIA Networking is looking for an excellent Software Developer")
    (payload,) = query(tmp_db, "SELECT payload FROM posting_raw WHERE posting_id LIKE '%:JR2015916'")[0]
    raw = json.loads(payload)
    assert raw["bulletFields"] == ["JR2015916"] and raw["jobPostingInfo"]["jobReqId"] == "JR2015916"


@pytest.mark.parametrize(
    ("company", "kind", "message"),
    [
        (
            {"name": "X", "source": "workday", "board": "nobody/External"},
            "not_found",
            "board not found (gone or misspelled): {url}/wday/cxs/nobody/External/jobs answered 404 (not found)",
        ),
        # A board of one part ("nvidia") is a config error, before any fetch: tests/test_config.py.
        (
            {"name": "X", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite", "base_url": None},
            "source",
            "workday board 'nvidia/NVIDIAExternalCareerSite' needs base_url = "
            '"https://{{tenant}}.wdN.myworkdayjobs.com" (the host of the careers site)',
        ),
    ],
)
def test_board_level_failures(replay, tmp_db, company, kind, message):
    result = crawl(tmp_db, replay.url, company)
    assert result.status == "failed"
    assert result.outcomes[0].error_kind == kind
    assert result.outcomes[0].error == message.format(url=replay.url)


def test_a_failing_detail_keeps_the_list_data(replay, tmp_db):
    replay.faults[f"{SYNTH_DETAIL}US-CA-Santa-Clara/Machine-Learning-Engineer_JR9000000"] = Fault(status=503)
    assert crawl(tmp_db, replay.url, SYNTH).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(45,)]
    row = query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = 'JR9000000'")
    assert row == [("Machine Learning Engineer", "US, CA, Santa Clara", None)]  # locationsText from the list
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(36,)]


def test_most_details_failing_fails_the_board(replay, tmp_db):
    replay.faults[SYNTH_DETAIL] = Fault(status=404, times=23)
    result = crawl(tmp_db, replay.url, SYNTH)
    assert result.status == "failed"
    assert result.outcomes[0].error.startswith("detail calls failed for 23 of 45 postings; first: ")


def test_pay_range_object_is_read_leniently():
    # No recording shows jobPostingInfo.payRange; these are assumed spellings.
    band = workday._pay_range_band(
        {"min": "150000", "max": "200000", "currency": "USD", "frequency": "Annual"}, ""
    )
    assert band is not None and (band.min_amount, band.max_amount, band.period) == (
        150_000.0,
        200_000.0,
        "year",
    )
    assert workday._pay_range_band({"min": 150000, "max": 200000, "currency": "USD"}, "") is None  # no period
