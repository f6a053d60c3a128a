"""Dayforce against its real recordings on the replay server (tests/fixtures/real/dayforce).

No Dayforce recording gives a structured band: the only recorded rates (PCA's co-op 62374:
HiringMinRate 25, HiringMaxRate 30 under PayType "Salary") are hourly-sized and refused as a
yearly salary (its description says "$25.00-$30.00 per hour", which the text normalizer reads).
The other recorded details state no rates. Tests that need rates the source accepts generate
them from the recorded detail and say so. PCA's 49 other details are placeholders the replay
generates (no pay attributes; scraper/replay/dayforce.py).
"""

from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import httpx
import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.replay import Fault, ReplayResponse
from scraper.replay.dayforce import search
from scraper.sources import get_source
from tests.helpers import crawl, load_real, query
from tests.sources.replay_routes import routes_matching

PCA = {"name": "PCA", "source": "dayforce", "board": "pca/CANDIDATEPORTAL"}
SEARCH = "/api/geo/pca/jobposting/search"
DETAIL_62374 = "/api/geo/pca/jobposting/pca/en-US/1/62374"
REGISTRY = Path(__file__).resolve().parents[3] / "shared" / "registry"


def _rows() -> list[dict]:
    return [
        *load_real("dayforce/pca_search_page1.json")["jobPostings"],
        *load_real("dayforce/pca_search_page2.json")["jobPostings"],
    ]


def _attributes(detail: dict) -> dict:
    return {a["name"]: a["value"] for a in detail["jobPostingAttributes"]}


def _structured(db) -> list[tuple]:
    return query(
        db,
        "SELECT posting_id, min_amount, max_amount, currency, period FROM pay_bands WHERE origin = 'structured'",
    )


def test_pca_matches_recording(replay, tmp_db):
    assert crawl(tmp_db, replay.url, PCA).status == "ok"
    rows = _rows()
    assert query(tmp_db, "SELECT external_id, title FROM postings ORDER BY 1") == sorted(
        (str(r["jobPostingId"]), " ".join(r["jobTitle"].split())) for r in rows
    )
    # Two search pages, each with the CSRF pair from one csrf call; one detail per posting.
    posts = [h for _, m, p, _, h in replay.history if m == "POST" and p == SEARCH]
    assert len(posts) == 2 and all(
        h["x-csrf-token"] and "__Host-next-auth.csrf-token=" in h["cookie"] for h in posts
    )
    assert replay.requests_to("/api/auth/csrf") == 1
    assert replay.requests_to("/api/geo/pca/jobposting/pca/en-US/1/") == len(rows)
    # The recorded rates are "Salary" 25-30: not a yearly salary, so no structured band.
    attrs = _attributes(load_real("dayforce/pca_posting_62374_detail.json"))
    assert (attrs["PayType"], attrs["HiringMinRate"], attrs["HiringMaxRate"]) == ("Salary", 25, 30)
    assert _structured(tmp_db) == []
    (warnings,) = query(tmp_db, "SELECT warnings FROM crawl_run_companies")[0]
    assert warnings == 1


def test_text_bands_are_in_the_recorded_descriptions(replay, tmp_db):
    crawl(tmp_db, replay.url, PCA)
    detail = load_real("dayforce/pca_posting_62374_detail.json")
    raw_text = {str(r["jobPostingId"]): r["jobDescription"] for r in _rows()}
    raw_text["62374"] = json.dumps(detail["jobPostingContent"])
    bands = query(
        tmp_db,
        "SELECT p.external_id, b.min_amount, b.max_amount, b.period FROM pay_bands b JOIN postings p USING (posting_id)",
    )
    assert bands
    for pid, lo, hi, _period in bands:
        for amount in (a for a in (lo, hi) if a is not None):
            shown = {f"{amount:,.2f}", f"{amount:,.0f}", f"{amount:.2f}"}
            assert any(s in raw_text[pid] for s in shown), (pid, amount)
    assert ("62374", 25.0, 30.0, "hour") in bands  # "Starting salary for position: $25.00-$30.00 per hour."


def _serve_detail(replay, detail: dict) -> None:
    replay.overrides[("GET", DETAIL_62374)] = lambda req: ReplayResponse.json(detail)


def test_hourly_pay_type_gives_a_structured_band(replay, tmp_db):
    """Generated: the recorded 62374 detail with PayType "Hourly" (a shape no recording has)."""
    detail = copy.deepcopy(load_real("dayforce/pca_posting_62374_detail.json"))
    for a in detail["jobPostingAttributes"]:
        if a["name"] == "PayType":
            a["value"] = "Hourly"
    _serve_detail(replay, detail)
    crawl(tmp_db, replay.url, PCA)
    attrs = _attributes(detail)
    assert _structured(tmp_db) == [
        (
            "dayforce:pca/candidateportal:62374",
            float(attrs["HiringMinRate"]),
            float(attrs["HiringMaxRate"]),
            "USD",
            "hour",
        )
    ]


def test_null_currency_is_the_country_s_only_when_every_location_agrees(replay, tmp_db, tmp_path):
    """Generated: the recorded 62374 detail, hourly, with isoCurrencyRegion null (as on most tenants)."""
    detail = copy.deepcopy(load_real("dayforce/pca_posting_62374_detail.json"))
    for a in detail["jobPostingAttributes"]:
        if a["name"] == "PayType":
            a["value"] = "Hourly"
    detail["isoCurrencyRegion"] = None
    assert {p["isoCountryCode"] for p in detail["postingLocations"]} == {"US"}
    _serve_detail(replay, detail)
    crawl(tmp_db, replay.url, PCA)
    assert [r[3] for r in _structured(tmp_db)] == ["USD"]
    detail["postingLocations"][0]["isoCountryCode"] = "CA"  # now two countries: whose dollars?
    other_db = tmp_path / "other.duckdb"
    crawl(other_db, replay.url, PCA)
    assert _structured(other_db) == []


@pytest.mark.parametrize(
    ("recording", "expected_location"),
    [
        ("dayforce/mymilacron_posting_2684_detail.json", "TN, US"),
        ("dayforce/jdemea_posting_35762_detail_null_currency.json", None),
    ],
)
def test_recorded_details_without_rates_give_no_band(recording, expected_location):
    """Milacron: PayType "Hourly" but no rates; JD Sports: no attributes, no locations. Parsed as stored
    (no search row was recorded for either tenant)."""
    detail = load_real(recording)
    ns = recording.split("/")[1].split("_")[0]
    source = get_source("dayforce")(CompanyConfig(name=ns, source="dayforce", board=f"{ns}/CANDIDATEPORTAL"))
    posting = source.parse_raw(detail)
    assert posting.external_id == str(detail["jobPostingId"]) and posting.title == detail["jobTitle"]
    assert [b for b in posting.bands if b.origin == "structured"] == [] and posting.warnings == []
    assert posting.location == expected_location
    assert posting.description and "<p" not in posting.description


def test_the_replay_refuses_a_search_without_the_csrf_pair(replay):
    body = {
        "clientNamespace": "pca",
        "jobBoardCode": "CANDIDATEPORTAL",
        "cultureCode": "en-US",
        "paginationStart": 0,
    }
    resp = httpx.post(f"{replay.url}{SEARCH}", json=body)
    assert (resp.status_code, resp.text) == (403, "Forbidden")


def test_a_refused_token_is_fetched_once_more(replay, tmp_db):
    replay.faults[SEARCH] = Fault(status=403, body=b"Forbidden", content_type="text/plain", times=1)
    assert crawl(tmp_db, replay.url, PCA).status == "ok"
    assert replay.requests_to("/api/auth/csrf") == 2
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(50,)]


def test_a_failed_second_page_makes_the_listing_partial(replay, tmp_db):
    def second_page_fails(req):
        body = req.json_body()
        if isinstance(body, dict) and body.get("paginationStart"):
            return ReplayResponse.json({"status": 500}, 500)
        return search(req, ns="pca")

    replay.overrides[("POST", SEARCH)] = second_page_fails
    result = crawl(tmp_db, replay.url, PCA)
    assert result.status == "attention"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(25,)]
    assert any("page 2 failed" in n for n in result.outcomes[0].notes)


def test_a_culture_the_portal_does_not_serve_is_an_empty_board(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**PCA, "culture": "fr-CA"})
    assert result.outcomes[0].status == "empty"


def test_unknown_tenant_is_not_found(replay, tmp_db):
    result = crawl(
        tmp_db, replay.url, {"name": "X", "source": "dayforce", "board": "nosuchtenantxyz/CANDIDATEPORTAL"}
    )
    (outcome,) = result.outcomes
    assert outcome.status == "failed" and outcome.error_kind == "not_found"


@pytest.mark.parametrize("body", [b'{"jobPostings": null, "maxCount": 3}', b"<html>sign in</html>", b'"ok"'])
def test_malformed_search_fails_the_board(replay, tmp_db, body):
    replay.faults[SEARCH] = Fault(status=200, body=body)
    (outcome,) = crawl(tmp_db, replay.url, PCA).outcomes
    assert outcome.status == "failed"


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, PCA)
    stored = query(
        tmp_db,
        "SELECT p.posting_id, p.title, p.location, p.description, r.payload FROM postings p JOIN posting_raw r USING (posting_id)",
    )
    assert len(stored) == 50
    source = get_source("dayforce")(CompanyConfig(name="x", source="dayforce", board="pca/CANDIDATEPORTAL"))
    for pid, title, location, description, payload in stored:
        posting = source.parse_raw(json.loads(payload))
        assert (posting.posting_id, posting.title, posting.location, posting.description) == (
            pid,
            title,
            location,
            description,
        )
        got = [(b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands]
        sql = "SELECT min_amount, max_amount, currency, period FROM pay_bands WHERE posting_id = ?"
        assert sorted(got, key=str) == sorted(query(tmp_db, sql, [pid]), key=str)


# Dayforce careers URLs in colophon-group/jobseek's boards.csv with the tenant/portal its config
# names, and the URL forms openings-mcp's tests use.
CAREERS_URLS = [
    ("https://jobs.dayforcehcm.com/en-US/dcrusa/Join-us", "dcrusa/Join-us"),
    ("https://jobs.dayforcehcm.com/en-US/gdv/CANDIDATEPORTAL", "gdv/CANDIDATEPORTAL"),
    ("https://jobs.dayforcehcm.com/mca/MICMCACombinedCareerSite", "mca/MICMCACombinedCareerSite"),
    ("https://globaleur242.dayforcehcm.com/CandidatePortal/en-US/bucherer", "bucherer/CANDIDATEPORTAL"),
    ("https://jobs.dayforcehcm.com/en-US/pca/CANDIDATEPORTAL/jobs/62374", "pca/CANDIDATEPORTAL"),
    ("jobs.dayforcehcm.com/pca/CANDIDATEPORTAL", "pca/CANDIDATEPORTAL"),
]


@pytest.mark.parametrize(("url", "board"), CAREERS_URLS)
def test_detects_careers_urls(url, board):
    assert get_source("dayforce").board_from_url(url) == board


@pytest.mark.parametrize(
    "url",
    [
        "https://jobs.dayforcehcm.com/en-US/pca",  # no board code in it: not guessed
        "https://jobs.dayforcehcm.com/api/geo/pca/jobposting/search",
        "https://www.dayforce.com/careers",
        "https://ats.rippling.com/pythian/jobs",
    ],
)
def test_other_urls_are_not_dayforce_boards(url):
    assert get_source("dayforce").board_from_url(url) is None


def test_detects_every_dayforce_board_of_the_registry_lists():
    boards = REGISTRY / "sources" / "jobseek" / "boards.csv"
    if not boards.is_file():
        pytest.skip("the shared registry is not next to this checkout")
    seen = 0
    with boards.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["monitor_type"] != "dayforce":
                continue
            config = json.loads(row["monitor_config"])
            assert (
                get_source("dayforce").board_from_url(row["board_url"])
                == f"{config['tenant']}/{config['portal']}"
            )
            seen += 1
    assert seen >= 3


def test_every_registry_board_is_a_valid_board():
    """openings-mcp's Dayforce list gives `namespace` and `job_board_code`: the registry's board format."""
    listing = REGISTRY / "sources" / "openings-mcp" / "dayforce__companies.yaml"
    if not listing.is_file():
        pytest.skip("the shared registry is not next to this checkout")
    text = listing.read_text("utf-8")
    namespaces = re.findall(r'^\s+namespace: "?([^"\n]+)"?$', text, re.MULTILINE)
    codes = re.findall(r'^\s+job_board_code: "?([^"\n]+)"?$', text, re.MULTILINE)
    assert len(namespaces) == len(codes) > 1000
    for ns, code in zip(namespaces, codes, strict=True):
        get_source("dayforce").validate_options({}, f"{ns}/{code}")


@pytest.mark.parametrize(
    ("board", "options", "message"),
    [
        ("pca", {}, "namespace"),
        ("pca/CANDIDATE PORTAL", {}, "namespace"),
        ("pca/X", {"culture": "en_US"}, "culture"),
    ],
)
def test_bad_board_or_culture_is_a_config_error(board, options, message):
    with pytest.raises(ConfigError, match=message):
        get_source("dayforce").validate_options(options, board)


def test_replay_routes_do_not_overlap():
    for method, path in [
        ("GET", "/api/auth/csrf"),
        ("POST", SEARCH),
        ("GET", DETAIL_62374),
        ("GET", "/api/geo/pca/postingattributes/paytypes/pca/1/en-US"),
    ]:
        assert len(routes_matching(method, path)) == 1, path
