"""Breezy HR against the replay server: the real 10-4 Truck Recruiting board (`GET /json`).

No recording has a pay band: the one recorded `salary` display string, "$1.40k - $1.80k", names
no period and is too small to be a yearly amount, so the text normalizer gives no band (asserted
below with its reason). How the salary string becomes a band is tested on generated strings in a
generated copy of the recorded posting (each test says so).
"""

from __future__ import annotations

import json

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.reparse import reparse
from scraper.replay import Fault, ReplayResponse
from scraper.salary.text import explain_pay_text
from scraper.sources import breezy, get_source
from tests.helpers import crawl, load_real, query
from tests.sources.replay_checks import assert_reparse_same, assert_routes_alone, registry_rows

RECORDING = "breezy/ergon_10-4-truck-recruiting_json_1job_trimmed.json"
BOARD = {"name": "10-4 Truck Recruiting", "source": "breezy", "board": "10-4-truck-recruiting"}


def _serve(replay, postings: list) -> None:
    replay.overrides[("GET", "/json")] = lambda req: ReplayResponse.json(postings)


def test_board_matches_recording(replay, tmp_db):
    recorded = load_real(RECORDING)
    assert crawl(tmp_db, replay.url, BOARD).status == "ok"
    rows = query(
        tmp_db,
        "SELECT external_id, title, url, location, department, employment_type, posted_at FROM postings",
    )
    (job,) = recorded
    loc = job["location"]
    assert len(rows) == len(recorded) == 1
    ext, title, url, location, department, employment_type, posted_at = rows[0]
    assert (ext, title, url, department, employment_type) == (
        job["id"],
        job["name"],
        job["url"],
        job["department"],
        job["type"]["name"],
    )
    assert location == f"{loc['name']}, {loc['country']['name']}"  # "Tacoma, WA" + its country
    assert posted_at.isoformat().startswith(job["published_date"][:19])
    assert replay.requests_to("/json") == 1  # the whole board in one answer: no paging, no details


def test_recorded_salary_string_gives_no_band(replay, tmp_db):
    (job,) = load_real(RECORDING)
    crawl(tmp_db, replay.url, BOARD)
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]
    # Why: the normalizer reads the recorded string and refuses it (no period, too small for a year).
    (reading,) = explain_pay_text(job["salary"])
    assert reading.band is None and "no period" in reading.verdict
    (desc,) = query(tmp_db, "SELECT description FROM postings")[0]
    assert job["salary"] in desc and "<p>" not in desc


@pytest.mark.parametrize(
    ("salary", "country", "band"),
    [
        # Generated salary strings in a generated copy of the recorded posting.
        ("$120k - $150k", "US", (120_000.0, 150_000.0, "USD", "year")),
        ("$1.40k - $1.80k / week", "US", (1_400.0, 1_800.0, "USD", "week")),
        ("$25 - $32 per hour", "US", (25.0, 32.0, "USD", "hour")),
        ("€55,000 - €70,000", "DE", (55_000.0, 70_000.0, "EUR", "year")),
    ],
)
def test_salary_string_goes_through_the_normalizer(replay, tmp_db, salary, country, band):
    (job,) = load_real(RECORDING)
    generated = {**job, "id": "gen000000001", "salary": salary}
    generated["location"] = {**job["location"], "country": {"id": country, "name": country}}
    _serve(replay, [generated])
    crawl(tmp_db, replay.url, BOARD)
    rows = query(
        tmp_db, "SELECT min_amount, max_amount, currency, period, origin, source_text FROM pay_bands"
    )
    assert [r[:5] for r in rows] == [(*band, "text")]
    assert salary in rows[0][5]


def test_a_404_board_is_not_found(replay, tmp_db):
    replay.faults["/json"] = Fault(status=404)
    result = crawl(tmp_db, replay.url, BOARD)
    assert result.status == "failed"
    assert result.outcomes[0].error_kind == "not_found"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"error": "not a list"}', "did not return a Breezy posting list"),
        (b'[{"id": "e63605aeb81c", "name": "trunc', "did not return valid JSON"),
        (b"<html><body>Breezy HR</body></html>", "did not return valid JSON"),
    ],
)
def test_a_malformed_answer_fails_the_board(replay, tmp_db, body, error):
    replay.faults["/json"] = Fault(status=200, body=body)
    result = crawl(tmp_db, replay.url, BOARD)
    assert result.status == "failed"
    assert error in result.outcomes[0].error


def test_postings_without_an_id_are_skipped_and_reported(replay, tmp_db):
    (job,) = load_real(RECORDING)
    _serve(replay, [job, {**job, "id": None}, "not a posting"])  # generated: two broken entries
    result = crawl(tmp_db, replay.url, BOARD)
    assert result.status == "attention" and result.outcomes[0].skipped == 2
    assert query(tmp_db, "SELECT external_id FROM postings") == [(job["id"],)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, BOARD)
    assert assert_reparse_same(tmp_db, BOARD) == 1
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (1, 0, [])


def test_routes_are_breezys_alone():
    assert_routes_alone("breezy")


REAL_URLS = {
    # careers_url of the registry's breezy rows (ai_companies.csv) and a jobseek board URL
    "https://archangelautonomy.breezy.hr": "archangelautonomy",
    "https://ascento-ag.breezy.hr": "ascento-ag",
    "https://reface.breezy.hr/": "reface",
    "https://verity-ag.breezy.hr/sitemap.xml": "verity-ag",
    "https://10-4-truck-recruiting.breezy.hr/p/e63605aeb81c-cdl-a-home-daily-truck-driving-position": (
        "10-4-truck-recruiting"
    ),
}


@pytest.mark.parametrize(("url", "board"), REAL_URLS.items())
def test_detects_real_careers_urls(url, board):
    assert breezy.Breezy.board_from_url(url) == board


def test_detects_every_registry_breezy_board():
    rows = registry_rows("breezy")
    assert rows
    for row in rows:
        assert breezy.Breezy.board_from_url(row["careers_url"]) == row["board"], row


@pytest.mark.parametrize("url", ["https://breezy.hr/pricing", "https://example.com/jobs.breezy.hr"])
def test_does_not_claim_other_urls(url):
    assert breezy.Breezy.board_from_url(url) is None


@pytest.mark.parametrize("board", ["acme.breezy.hr", "acme/jobs", "-acme", ""])
def test_a_board_that_is_no_subdomain_is_a_config_error(board):
    with pytest.raises(ConfigError, match="breezy board"):
        breezy.Breezy.validate_options({}, board)


def test_the_board_names_the_host_without_base_url():
    source_cls = get_source("breezy")
    assert source_cls is not None
    source = source_cls(CompanyConfig(name="Reface", source="breezy", board="reface"))
    assert source._origin() == "https://reface.breezy.hr"
    assert json.loads(source.parse_raw(load_real(RECORDING)[0]).raw)["id"] == "e63605aeb81c"
