"""Oracle Recruiting Cloud against the replay server: Mayo Clinic's recorded requisition list (site
number CX_1), its one recorded detail and the recorded not-found answer.

No recording has pay: the origin asked for a restricted `fields` list without pay fields, and the
recorded texts state no amount (the one recorded description asks for "salary expectations").
The details of the three listed requisitions were not recorded: the replay serves generated
placeholders (tests/fixtures/synth/README.md). That the description goes through the text
normalizer is tested on a generated detail (the test says so).
"""

from __future__ import annotations

import re

import pytest

from scraper.errors import ConfigError
from scraper.reparse import reparse
from scraper.replay import Fault, ReplayResponse
from scraper.sources import oracle
from tests.helpers import crawl, load_real, query
from tests.sources.replay_checks import assert_reparse_same, assert_routes_alone, roster

HOST = "fa-euwp-saasfaprod1.fa.ocs.oraclecloud.com"
MAYO = {"name": "Mayo Clinic", "source": "oracle", "board": f"{HOST}/Mayo-US", "site_number": "CX_1"}
LIST_PATH = "/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
DETAIL_PATH = "/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails"
_MONEY_RE = re.compile(r"[$€£]\s?\d|\d[\d,.]*\s?(?:USD|EUR|GBP)\b")


def _finders(replay, path: str) -> list[str]:
    return [q["finder"][0] for _, method, p, q, _ in replay.history if p == path]


def _rows() -> list[dict]:
    return load_real("oracle/cx1_requisitions_limit3.json")["items"][0]["requisitionList"]


def _serve_list(replay, rows: list[dict]) -> None:
    """Generated: a one-page list of `rows` in the recorded list's envelope."""

    def answer(req):
        data = load_real("oracle/cx1_requisitions_limit3.json")
        data["items"][0].update(TotalJobsCount=len(rows), requisitionList=rows)
        return ReplayResponse.json(data)

    replay.overrides[("GET", LIST_PATH)] = answer


def test_site_matches_recording(replay, tmp_db):
    rows = _rows()
    assert crawl(tmp_db, replay.url, MAYO).status == "ok"
    got = query(tmp_db, "SELECT external_id, title, location, url, posted_at FROM postings ORDER BY 1")
    assert [g[:3] for g in got] == sorted((r["Id"], r["Title"], r["PrimaryLocation"]) for r in rows)
    for ext, _, _, url, posted in got:
        assert url == f"https://{HOST}/hcmUI/CandidateExperience/en/sites/Mayo-US/job/{ext}"
        row = next(r for r in rows if r["Id"] == ext)
        assert posted.date().isoformat() == row["PostedDate"]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]
    # One list page (3 < 25), one detail per requisition, each by its id on the configured site number.
    assert _finders(replay, LIST_PATH) == [
        "findReqs;siteNumber=CX_1,facetsList=NONE,limit=25,offset=0,sortBy=POSTING_DATES_DESC"
    ]
    assert sorted(_finders(replay, DETAIL_PATH)) == sorted(
        f'ById;Id="{r["Id"]}",siteNumber=CX_1' for r in rows
    )
    headers = next(h for _, _, p, _, h in replay.history if p == LIST_PATH)
    assert headers["accept"] == "application/json" and headers["ora-irc-language"] == "en"


def test_recorded_detail_sections_and_no_pay(replay, tmp_db):
    detail = load_real("oracle/cx1_requisition_details_386920.json")["items"][0]
    # Generated: a list row naming the recorded detail's requisition, from the detail's own fields.
    row = {k: detail[k] for k in ("Id", "Title", "PrimaryLocation", "WorkplaceType", "secondaryLocations")}
    _serve_list(
        replay, [{**row, "PostedDate": detail["ExternalPostedStartDate"][:10], "WorkplaceTypeCode": None}]
    )
    assert crawl(tmp_db, replay.url, MAYO).status == "ok"
    ((title, location, posted, desc),) = query(
        tmp_db, "SELECT title, location, posted_at, description FROM postings"
    )
    assert (title, location) == (detail["Title"], detail["PrimaryLocation"])
    assert posted.isoformat() == detail["ExternalPostedStartDate"]
    assert "salary expectations" in desc and "Why Mayo Clinic" in desc and "<p>" not in desc
    # Description first, qualifications, then the corporate text (the site's order).
    assert desc.index("cover letter") < desc.index("Bachelor's degree") < desc.index("Why Mayo Clinic")
    recorded_text = " ".join(detail[k] for k in oracle.SECTIONS)
    assert _MONEY_RE.search(recorded_text) is None  # no amount recorded: no band is right
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_description_goes_through_the_normalizer(replay, tmp_db):
    # Generated detail: the recorded one with a pay sentence added to its description.
    answer = load_real("oracle/cx1_requisition_details_386920.json")
    item = answer["items"][0]
    item["ExternalDescriptionStr"] += "<p>Pay range: $85,000 - $110,000 per year.</p>"
    row = {k: item[k] for k in ("Id", "Title", "PrimaryLocation", "WorkplaceType", "secondaryLocations")}
    _serve_list(replay, [{**row, "PostedDate": "2026-07-14", "WorkplaceTypeCode": "ORA_HYBRID"}])
    replay.overrides[("GET", DETAIL_PATH)] = lambda req: ReplayResponse.json(answer)
    crawl(tmp_db, replay.url, MAYO)
    assert query(tmp_db, "SELECT min_amount, max_amount, currency, period, origin FROM pay_bands") == [
        (85_000.0, 110_000.0, "USD", "year", "text")
    ]
    assert query(tmp_db, "SELECT remote FROM postings") == [("hybrid",)]


@pytest.mark.parametrize(("page_size", "calls"), [(1, 3), (2, 2), (3, 1)])
def test_paging_by_offset_until_the_total(replay, tmp_db, monkeypatch, page_size, calls):
    monkeypatch.setattr(oracle, "PAGE_SIZE", page_size)
    assert crawl(tmp_db, replay.url, MAYO).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(3,)]
    offsets = [re.search(r"offset=(\d+)", f).group(1) for f in _finders(replay, LIST_PATH)]
    assert offsets == [str(i * page_size) for i in range(calls)]


def test_paging_is_bounded_and_reported(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(oracle, "PAGE_SIZE", 1)
    monkeypatch.setattr(oracle, "MAX_PAGES", 2)
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "attention" and "cap" in result.outcomes[0].notes[0]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(2,)]


def test_a_failing_later_page_keeps_what_was_read(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(oracle, "PAGE_SIZE", 1)
    calls = []

    def second_page_fails(req):
        calls.append(req)
        return ReplayResponse.json({"error": "boom"}, 500) if len(calls) > 1 else None

    replay.overrides[("GET", LIST_PATH)] = second_page_fails
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "attention" and "page 2 failed" in result.outcomes[0].notes[0]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(1,)]


def test_a_404_site_is_not_found(replay, tmp_db):
    replay.faults[LIST_PATH] = Fault(status=404)
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "failed" and result.outcomes[0].error_kind == "not_found"


def test_the_site_name_is_the_number_when_none_is_set(replay, tmp_db):
    # "CX_1" as the site: its number is its name. "Mayo-US" without site_number: the finder gets
    # "Mayo-US", for which the replay has no recording (404).
    result = crawl(
        tmp_db,
        replay.url,
        {"name": "By name", "source": "oracle", "board": f"{HOST}/CX_1"},
        {"name": "Unnumbered", "source": "oracle", "board": f"{HOST}/Mayo-US"},
    )
    by_name, unnumbered = sorted(result.outcomes, key=lambda o: o.company)
    assert by_name.status == "ok" and by_name.counts.postings == 3
    assert unnumbered.status == "failed" and unnumbered.error_kind == "not_found"
    assert "siteNumber=Mayo-US," in _finders(replay, LIST_PATH)[-1]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"items": [], "count": 0}', "did not return an Oracle requisition list"),
        (b'{"items": [{"TotalJobsCount": 3}]}', "did not return an Oracle requisition list"),
        (b'{"items": [{"TotalJobsCount": 1330, "requisitionList": [', "did not return valid JSON"),
    ],
)
def test_a_malformed_list_fails_the_board(replay, tmp_db, body, error):
    replay.faults[LIST_PATH] = Fault(status=200, body=body)
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "failed" and error in result.outcomes[0].error


def test_an_empty_first_page_is_a_failed_board(replay, tmp_db):
    _serve_list(replay, [])  # generated: the recorded envelope with no requisitions
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "failed"
    assert result.outcomes[0].error.startswith("no postings: Oracle site number 'CX_1'")
    assert "set site_number" in result.outcomes[0].error


def test_details_not_found_fail_the_board_when_most_fail(replay, tmp_db):
    not_found = (load_real("oracle/cx1_requisition_details_not_found.json"),)
    replay.overrides[("GET", DETAIL_PATH)] = lambda req: ReplayResponse.json(not_found[0])
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "failed"
    assert result.outcomes[0].error.startswith("detail calls failed for 3 of 3 postings; first: ")
    assert "has no detail (count 0)" in result.outcomes[0].error


def test_one_missing_detail_keeps_the_list_data(replay, tmp_db):
    not_found = load_real("oracle/cx1_requisition_details_not_found.json")
    replay.overrides[("GET", DETAIL_PATH)] = lambda req: (
        ReplayResponse.json(not_found) if '"373209"' in req.arg("finder") else None
    )
    assert crawl(tmp_db, replay.url, MAYO).status == "ok"
    row = query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = '373209'")
    assert row == [("Registered Nurse - Med/Onc/BMT, Nights - RN", "Jacksonville, FL, United States", None)]


def test_an_id_that_cannot_be_looked_up_is_skipped(replay, tmp_db):
    rows = _rows()
    _serve_list(replay, [*rows, {**rows[0], "Id": '1",siteNumber=X'}])  # generated: a hostile id
    result = crawl(tmp_db, replay.url, MAYO)
    assert result.status == "attention" and result.outcomes[0].skipped == 1
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(3,)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, MAYO)
    assert assert_reparse_same(tmp_db, MAYO) == 3
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (3, 0, [])


def test_routes_are_oracles_alone():
    assert_routes_alone("oracle")


REAL_URLS = {
    # jobseek boards.csv / career-ops portals / openings-mcp's oracle roster (host + site)
    "https://eibd.fa.em2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_1/jobs": "eibd.fa.em2.oraclecloud.com/CX_1",
    "https://eibd.fa.em2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_2009/requisitions": (
        "eibd.fa.em2.oraclecloud.com/CX_2009"
    ),
    "https://ehzq.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/GrantThorntonPhilippines": (
        "ehzq.fa.us2.oraclecloud.com/GrantThorntonPhilippines"
    ),
    "https://iaadtu.fa.ocs.oraclecloud.eu/hcmUI/CandidateExperience/en/sites/CX_1/jobs?mode=location": (
        "iaadtu.fa.ocs.oraclecloud.eu/CX_1"
    ),
    "https://iaayey.fa.ocs.oraclecloud26.com/hcmUI/CandidateExperience/en/sites/CX_1": (
        "iaayey.fa.ocs.oraclecloud26.com/CX_1"
    ),
    "https://jpmc.fa.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_1002/jobs": "jpmc.fa.oraclecloud.com/CX_1002",
    f"https://{HOST}/hcmUI/CandidateExperience/en/sites/Mayo-US": f"{HOST}/Mayo-US",
}


@pytest.mark.parametrize(("url", "board"), REAL_URLS.items())
def test_detects_real_careers_urls(url, board):
    assert oracle.Oracle.board_from_url(url) == board


@pytest.mark.parametrize(
    "url",
    ["https://careers.honeywell.com/en/sites/Honeywell", "https://example.com/hcmUI/CandidateExperience"],
)
def test_does_not_claim_other_urls(url):
    assert oracle.Oracle.board_from_url(url) is None


@pytest.mark.parametrize(
    ("board", "options", "message"),
    [
        ("CX_1", {}, "must be"),
        (f"{HOST}", {}, "must be"),
        (f"{HOST}/a/b", {}, "must be"),
        (f"{HOST}/Mayo-US", {"site_number": 'CX_1",x'}, "site_number"),
        (f"{HOST}/Mayo US", {}, "site (used as the site number)"),
    ],
)
def test_bad_boards_and_site_numbers_are_config_errors(board, options, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        oracle.Oracle.validate_options(options, board)


def test_every_roster_site_is_detected_and_valid():
    """openings-mcp's Oracle roster (1,078 sites): each careers URL names its `{host}/{site}` board,
    and that board with the roster's site_number passes the config check."""
    sites = roster("oracle", "host", "site", "site_number")
    assert len(sites) > 1000
    for e in sites:
        url = f"https://{e['host']}/hcmUI/CandidateExperience/en/sites/{e['site']}/jobs"
        board = oracle.Oracle.board_from_url(url)
        assert board == f"{e['host'].lower()}/{e['site']}", e
        oracle.Oracle.validate_options({"site_number": e["site_number"]}, board)
