"""UKG Pro Recruiting (UltiPro) against the replay server: TechnoServe's recorded search page
(TEC1006TESER, 20 of 90 opportunities) and its one recorded OpportunityDetail page.

No recording has pay: the recorded detail's `CompensationAnnual*`/`CompensationHourly*` and
`CompensationCurrencyCode` are null and its `PayRange` is hidden (`PayRangeVisible` false, amounts
null), and its description states no amount. The details of the 20 listed opportunities were not
recorded: the replay serves generated placeholders (tests/fixtures/synth/README.md). How the
compensation fields and the description become bands is tested on generated detail objects, the
recorded one with values filled in (each test says so).
"""

from __future__ import annotations

import re

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.reparse import reparse
from scraper.replay import Fault, ReplayResponse
from scraper.replay.ultipro import detail_page
from scraper.sources import ultipro
from tests.helpers import REAL, crawl, load_real, query
from tests.sources.replay_checks import assert_reparse_same, assert_routes_alone, registry_rows, roster

CODE, BOARD_ID = "TEC1006TESER", "18180d88-ced0-4361-bd09-d5eef66dab24"
TECHNOSERVE = {"name": "TechnoServe", "source": "ultipro", "board": f"{CODE}/{BOARD_ID}"}
BASE = f"/{CODE}/JobBoard/{BOARD_ID}"
SEARCH = f"{BASE}/JobBoardView/LoadSearchResults"
DETAIL = f"{BASE}/OpportunityDetail"
RECORDED_ID = "0b81b2f5-ffe3-4604-93b8-19d912c2424f"
_MONEY_RE = re.compile(r"[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:USD|EUR|XOF|FCFA)\b")


def _opportunities() -> list[dict]:
    return load_real("ultipro/tec1006teser_LoadSearchResults.json")["opportunities"]


def _recorded_detail() -> dict:
    page = (REAL / "ultipro/tec1006teser_OpportunityDetail_0b81b2f5.html").read_text("utf-8")
    found = ultipro.opportunity_of_page(page)
    assert found is not None
    return found


def _serve_one(replay, detail: dict) -> None:
    """Generated: a search answer listing `detail`'s opportunity, and `detail` as its page."""
    entry = {
        k: detail[k] for k in ("Id", "Title", "RequisitionNumber", "FullTime", "JobCategoryName", "Locations")
    }
    entry.update(PostedDate=detail["PostedDate"], BriefDescription="")

    def search(req):
        data = load_real("ultipro/tec1006teser_LoadSearchResults.json")
        data.update(opportunities=[entry], totalCount=1)
        return ReplayResponse.json(data)

    replay.overrides[("POST", SEARCH)] = search
    replay.overrides[("GET", DETAIL)] = lambda req: ReplayResponse.html(detail_page(detail))


def test_board_matches_recording(replay, tmp_db):
    listed = _opportunities()
    assert crawl(tmp_db, replay.url, TECHNOSERVE).status == "ok"
    rows = query(tmp_db, "SELECT external_id, title, department, employment_type, posted_at FROM postings")
    assert len(rows) == len(listed) == 20
    assert sorted(r[:4] for r in rows) == sorted(
        (o["Id"], o["Title"], o["JobCategoryName"], "Full-time" if o["FullTime"] else "Part-time")
        for o in listed
    )
    assert replay.requests_to(SEARCH) == 1  # 20 listed, and the replay's total is 20
    assert replay.requests_to(DETAIL) == 20
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]
    # The list's brief texts (which the generated details repeat) name one amount, a programme's
    # budget ("the anticipated €54 million Green Value for Growth (GV4G) programme"): no pay.
    amounts = {o["Id"]: _MONEY_RE.findall(o["BriefDescription"] or "") for o in listed}
    assert {k: v for k, v in amounts.items() if v} == {"895a1988-503a-4b58-89d0-166dd523bd0b": ["€54"]}
    assert "€54 million Green Value for Growth" in next(
        o["BriefDescription"] for o in listed if o["Id"] == "895a1988-503a-4b58-89d0-166dd523bd0b"
    )


def test_locations_from_the_address(replay, tmp_db):
    crawl(tmp_db, replay.url, TECHNOSERVE)
    got = dict(query(tmp_db, "SELECT external_id, location FROM postings"))
    for o in _opportunities():
        address = o["Locations"][0]["Address"]
        parts = [address["City"], (address["State"] or {}).get("Name"), address["Country"]["Name"]]
        expected = []
        for p in parts:  # a state named as its city ("Aleta Wondo, Aleta Wondo") is said once
            if p and (not expected or p.lower() != expected[-1].lower()):
                expected.append(p)
        assert got[o["Id"]].split("; ")[0] == ", ".join(expected)


def test_recorded_detail_page(replay, tmp_db):
    detail = _recorded_detail()
    assert all(
        detail[k] is None
        for k in (
            "CompensationAnnualMinimum",
            "CompensationAnnualMaximum",
            "CompensationHourlyMinimum",
            "CompensationHourlyMaximum",
            "CompensationCurrencyCode",
        )
    )
    assert detail["PayRangeVisible"] is False and detail["PayRangeCurrencyCode"] == "XOF"
    # Generated: a search entry for the recorded opportunity; its page is served as recorded.
    entry = {
        k: detail[k] for k in ("Id", "Title", "RequisitionNumber", "FullTime", "JobCategoryName", "Locations")
    }
    entry.update(PostedDate=detail["PostedDate"], BriefDescription="")

    def search(req):
        data = load_real("ultipro/tec1006teser_LoadSearchResults.json")
        data.update(opportunities=[entry], totalCount=1)
        return ReplayResponse.json(data)

    replay.overrides[("POST", SEARCH)] = search
    assert crawl(tmp_db, replay.url, TECHNOSERVE).status == "ok"
    ((title, location, updated, desc, url),) = query(
        tmp_db, "SELECT title, location, updated_at, description, url FROM postings"
    )
    assert (title, location) == (detail["Title"], "Cotonou, Littoral, Benin")
    assert updated.isoformat().startswith(detail["UpdatedDate"][:19])
    assert "Conseiller Senior en Partenariat" in desc and "&eacute;" not in desc and "<p>" not in desc
    assert url == f"{replay.url}{DETAIL}?opportunityId={RECORDED_ID}"
    assert _MONEY_RE.search(desc) is None
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


PAY = [
    # Generated values in the recorded detail's compensation fields.
    (
        {
            "CompensationAnnualMinimum": 90000.0,
            "CompensationAnnualMaximum": 120000.0,
            "CompensationCurrencyCode": "USD",
        },
        [(90_000.0, 120_000.0, "USD", "year")],
        [],
    ),
    (
        {
            "CompensationHourlyMinimum": 25.5,
            "CompensationHourlyMaximum": 32.0,
            "CompensationCurrencyCode": "CAD",
            "Salaried": False,
        },
        [(25.5, 32.0, "CAD", "hour")],
        [],
    ),
    (  # both stated: the kind of pay Salaried names
        {
            "CompensationAnnualMinimum": 52000,
            "CompensationAnnualMaximum": 62400,
            "CompensationHourlyMinimum": 25,
            "CompensationHourlyMaximum": 30,
            "CompensationCurrencyCode": "USD",
            "Salaried": False,
        },
        [(25.0, 30.0, "USD", "hour")],
        [],
    ),
    (
        {
            "CompensationAnnualMinimum": 52000,
            "CompensationAnnualMaximum": 62400,
            "CompensationHourlyMinimum": 25,
            "CompensationHourlyMaximum": 30,
            "CompensationCurrencyCode": "USD",
            "Salaried": None,
        },
        [],
        ["yearly and hourly amounts, Salaried not stated"],
    ),
    (  # no currency code: no band
        {"CompensationAnnualMinimum": 90000, "CompensationAnnualMaximum": 120000},
        [],
        ["amounts without CompensationCurrencyCode"],
    ),
    (  # a visible PayRange states no period: not read
        {"PayRangeVisible": True, "PayRange": {"PayRangeMinimum": 70000, "PayRangeMaximum": 80000}},
        [],
        [],
    ),
]


@pytest.mark.parametrize(("fields", "bands", "warnings"), PAY)
def test_compensation_fields(replay, tmp_db, fields, bands, warnings):
    _serve_one(replay, {**_recorded_detail(), **fields})
    crawl(tmp_db, replay.url, TECHNOSERVE)
    got = query(tmp_db, "SELECT min_amount, max_amount, currency, period, origin, pay_type FROM pay_bands")
    assert got == [(*b, "structured", "unknown") for b in bands]
    (stored,) = query(tmp_db, "SELECT warnings FROM crawl_run_companies")[0]
    assert stored == len(warnings)


def test_compensation_warnings_are_worded():
    source = ultipro.UltiPro(_config())
    detail = {**_recorded_detail(), "CompensationAnnualMinimum": 1, "CompensationAnnualMaximum": 2}
    posting = source.parse_posting({"Id": RECORDED_ID}, detail)
    assert posting.warnings == ["ultipro compensation: amounts without CompensationCurrencyCode; no band"]


def test_description_goes_through_the_normalizer(replay, tmp_db):
    # Generated: the recorded detail with a pay sentence in its description, and the same range in
    # its compensation fields (one band: the structured one).
    detail = _recorded_detail()
    detail["Description"] += (
        "<p>Salary range: $60,000 - $75,000 per year. Hourly roles: $28 - $35 per hour.</p>"
    )
    detail.update(
        CompensationAnnualMinimum=60000, CompensationAnnualMaximum=75000, CompensationCurrencyCode="USD"
    )
    _serve_one(replay, detail)
    crawl(tmp_db, replay.url, TECHNOSERVE)
    got = query(
        tmp_db, "SELECT min_amount, max_amount, currency, period, origin FROM pay_bands ORDER BY band_no"
    )
    assert sorted(got) == [
        (28.0, 35.0, "USD", "hour", "text"),
        (60_000.0, 75_000.0, "USD", "year", "structured"),
    ]


@pytest.mark.parametrize(("page_size", "skips"), [(20, [0]), (10, [0, 10]), (7, [0, 7, 14])])
def test_paging_by_skip_until_the_total(replay, tmp_db, monkeypatch, page_size, skips):
    monkeypatch.setattr(ultipro, "PAGE_SIZE", page_size)
    sent: list[dict] = []

    def spy(req):
        sent.append(req.json_body()["opportunitySearch"])
        return None  # answered by the replay's route

    replay.overrides[("POST", SEARCH)] = spy
    assert crawl(tmp_db, replay.url, TECHNOSERVE).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(20,)]
    assert [s["Skip"] for s in sent] == skips and {s["Top"] for s in sent} == {page_size}
    assert sent[0]["OrderBy"] == [
        {"Value": "postedDateDesc", "PropertyName": "PostedDate", "Ascending": False}
    ]


def test_a_total_beyond_what_is_listed_is_a_partial_listing(replay, tmp_db):
    # The recorded answer as recorded (totalCount 90) for the first page, then an empty page.
    recorded = (REAL / "ultipro/tec1006teser_LoadSearchResults.json").read_bytes()

    def search(req):
        skip = req.json_body()["opportunitySearch"]["Skip"]
        return ReplayResponse.json(recorded if skip == 0 else {"opportunities": [], "totalCount": 90})

    replay.overrides[("POST", SEARCH)] = search
    result = crawl(tmp_db, replay.url, TECHNOSERVE)
    assert result.status == "attention"
    assert "20 of the 90 postings it counts were listed (page 2 was empty)" in result.outcomes[0].notes[0]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(20,)]


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(ultipro, "PAGE_SIZE", 5)
    monkeypatch.setattr(ultipro, "MAX_PAGES", 2)
    result = crawl(tmp_db, replay.url, TECHNOSERVE)
    assert result.status == "attention" and "cap" in result.outcomes[0].notes[0]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(10,)]


def test_an_unknown_board_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**TECHNOSERVE, "board": f"NOSUCHCOMPANYXYZ/{BOARD_ID}"})
    assert result.status == "failed" and result.outcomes[0].error_kind == "not_found"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"totalCount": 3}', "did not return an UltiPro opportunity list"),
        (b"<html><body>Sign in</body></html>", "did not return valid JSON"),
    ],
)
def test_a_malformed_list_fails_the_board(replay, tmp_db, body, error):
    replay.faults[SEARCH] = Fault(status=200, body=body)
    result = crawl(tmp_db, replay.url, TECHNOSERVE)
    assert result.status == "failed" and error in result.outcomes[0].error


@pytest.mark.parametrize(
    ("page", "error"),
    [
        ("<html><body>app shell</body></html>", "has no detail (the page holds none)"),
        ('<script>new US.Opportunity.CandidateOpportunityDetail({"Id": </script>', "cannot be read"),
    ],
)
def test_unreadable_detail_pages_fail_the_board_when_most_fail(replay, tmp_db, page, error):
    replay.overrides[("GET", DETAIL)] = lambda req: ReplayResponse.html(page)
    result = crawl(tmp_db, replay.url, TECHNOSERVE)
    assert result.status == "failed"
    assert result.outcomes[0].error.startswith("detail calls failed for 20 of 20 postings; first: ")
    assert error in result.outcomes[0].error


def test_a_missing_detail_keeps_the_list_data(replay, tmp_db):
    first = _opportunities()[0]
    replay.overrides[("GET", DETAIL)] = lambda req: (
        ReplayResponse.html("<html></html>") if req.arg("opportunityId") == first["Id"] else None
    )
    assert crawl(tmp_db, replay.url, TECHNOSERVE).status == "ok"
    ((title, desc),) = query(
        tmp_db, "SELECT title, description FROM postings WHERE external_id = ?", [first["Id"]]
    )
    assert title == first["Title"] and desc.split() == first["BriefDescription"].split()  # the brief text


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, TECHNOSERVE)
    assert assert_reparse_same(tmp_db, {**TECHNOSERVE, "base_url": replay.url}) == 20
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (20, 0, [])


def test_routes_are_ultipros_alone():
    assert_routes_alone("ultipro")


def _config() -> CompanyConfig:
    return CompanyConfig(name="TechnoServe", source="ultipro", board=f"{CODE}/{BOARD_ID}")


REAL_URLS = {
    # jobseek boards.csv (recruiting2, the .ca host) and openings-mcp's roster
    "https://recruiting2.ultipro.com/SUN1002SUN/JobBoard/313e5d08-5885-405c-8e7f-5f4c983403b7": (
        "SUN1002SUN/313e5d08-5885-405c-8e7f-5f4c983403b7"
    ),
    "https://recruiting.ultipro.ca/PRO5001PROA/JobBoard/4fbbaaba-d3de-4c8c-b7be-33c9ba238ae4": (
        "PRO5001PROA/4fbbaaba-d3de-4c8c-b7be-33c9ba238ae4"
    ),
    "https://recruiting.ultipro.com/BAN1018BINT/JobBoard/980e35bf-5bad-4e4f-843c-f4fa92966a79": (
        "BAN1018BINT/980e35bf-5bad-4e4f-843c-f4fa92966a79"
    ),
    f"https://recruiting.ultipro.com/{CODE}/JobBoard/{BOARD_ID}/OpportunityDetail?opportunityId={RECORDED_ID}": (
        f"{CODE}/{BOARD_ID}"
    ),
}


@pytest.mark.parametrize(("url", "board"), REAL_URLS.items())
def test_detects_real_careers_urls(url, board):
    assert ultipro.UltiPro.board_from_url(url) == board


def test_detects_the_registry_ukg_boards():
    rows = registry_rows("ukg")
    assert rows
    for row in rows:
        assert ultipro.UltiPro.board_from_url(row["careers_url"]) == row["board"], row


@pytest.mark.parametrize("board", [CODE, f"{CODE}/{BOARD_ID}/x", f"{CODE}/not a uuid", f"/{BOARD_ID}"])
def test_a_bad_board_is_a_config_error(board):
    with pytest.raises(ConfigError, match="ultipro board"):
        ultipro.UltiPro.validate_options({}, board)


def test_every_roster_board_is_detected_and_valid():
    """openings-mcp's UltiPro roster (1,000 boards on recruiting.ultipro.com and recruiting2): each
    careers URL names its `{company_code}/{board_id}` board, which passes the config check."""
    boards = roster("ultipro", "host", "company_code", "board_id")
    assert len(boards) >= 1000 and {e["host"] for e in boards} >= {"recruiting2.ultipro.com"}
    for e in boards:
        board = ultipro.UltiPro.board_from_url(
            f"https://{e['host']}/{e['company_code']}/JobBoard/{e['board_id']}"
        )
        assert board == f"{e['company_code']}/{e['board_id'].lower()}", e
        ultipro.UltiPro.validate_options({}, board)
