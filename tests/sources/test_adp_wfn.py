"""ADP Workforce Now against its real recordings on the replay server (tests/fixtures/real/adp_wfn).

Pay is in the recorded list rows (`payGradeRange` + the `SalaryType` custom field): MetLife Legal
(USD yearly), Bingemans (CAD hourly, most with a minimum of 0.0 rendered "Up to ..."), Novae
(USD, some labelled "Annually" with hourly-sized amounts). Only one detail was recorded (MetLife's
584587); where a test needs the details of other rows, it serves each row as its own detail and
says so (generated in the test: the replay answers the recorded not-found record for them).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.replay import Fault, ReplayResponse
from scraper.replay.adp_wfn import job_requisitions
from scraper.sources import get_source
from tests.helpers import REAL, crawl, load_real, query
from tests.sources.replay_routes import routes_matching

API = "/mascsr/default/careercenter/public/events/staffing/v1/job-requisitions"
METLIFE = "269ead05-4042-4cc5-b325-75a73a6e0439"
BINGEMANS = "5a312740-8c7b-44b7-80ad-50a35fbb25d3"
NOVAE = "d16ba13d-474e-4326-b628-74c87f0b289a"
REGISTRY = Path(__file__).resolve().parents[3] / "shared" / "registry"


def _custom(row: dict, kind: str, code: str) -> dict:
    for f in row.get("customFieldGroup", {}).get(kind, []):
        if (f.get("nameCode") or {}).get("codeValue") == code:
            return f
    return {}


def _ext_id(row: dict) -> str:
    return _custom(row, "stringFields", "ExternalJobID").get("stringValue") or row["itemID"]


def expected_band(row: dict) -> tuple | None:
    """The band a row states, read from the raw row: (min, max, currency, period) or None."""
    pay = row.get("payGradeRange")
    if not pay:
        return None
    lo, hi = pay["minimumRate"]["amountValue"], pay["maximumRate"]["amountValue"]
    currency = pay["minimumRate"]["currencyCode"]
    assert pay["maximumRate"]["currencyCode"] == currency
    period = {"Annually": "year", "Hourly": "hour"}[_custom(row, "codeFields", "SalaryType")["shortName"]]
    if lo == 0.0:  # ADP's own rendering of such a range says "Up to"
        assert _custom(row, "stringFields", "SalaryRange")["stringValue"].strip().startswith("Up to")
        lo = None
    # A yearly salary under 1,000 is not one (Novae's "Annually" 22-25 and "Up to 20").
    if period == "year" and min(a for a in (lo, hi) if a is not None) < 1000:
        return None
    return (lo, hi, currency, period)


def serve_rows_as_details(replay, rows: list[dict]) -> None:
    """Generated for the test: no detail of these rows was recorded, so each is served its own row
    (a detail repeats the row's fields and adds requisitionDescription, which these then lack)."""
    for row in rows:
        replay.overrides[("GET", f"{API}/{_ext_id(row)}")] = lambda req, row=row: ReplayResponse.json(row)


def _bands(db, posting_id: str) -> list[tuple]:
    return query(
        db,
        "SELECT min_amount, max_amount, currency, period FROM pay_bands WHERE posting_id = ? AND origin = 'structured'",
        [posting_id],
    )


def test_metlife_matches_recording(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {"name": "MetLife Legal", "source": "adp_wfn", "board": METLIFE})
    assert result.status == "ok"
    rows = load_real("adp_wfn/metlifelegal_list_skip1_top20.json")["jobRequisitions"]
    assert query(tmp_db, "SELECT external_id, title FROM postings ORDER BY 1") == sorted(
        (r["itemID"], r["requisitionTitle"]) for r in rows
    )
    for row in rows:
        want = expected_band(row)
        assert _bands(tmp_db, f"adp_wfn:{METLIFE}:{row['itemID']}") == ([want] if want else [])
    detail = load_real("adp_wfn/metlifelegal_job_584587_detail.json")
    described = query(tmp_db, "SELECT external_id, url, description, location, employment_type FROM postings")
    by_id = {r[0]: r for r in described}
    # The recorded detail adds its description; the other row's detail is the recorded not-found
    # answer, so that posting keeps its list data (no description).
    _, url, text, location, kind = by_id[detail["itemID"]]
    assert "jobId=584587" in url and f"cid={METLIFE}" in url
    assert text and "<p" not in text and len(text) > 1000
    assert location == "Cleveland, OH, US" and kind == "Full Time"
    (other,) = [r for r in rows if r["itemID"] != detail["itemID"]]
    assert by_id[other["itemID"]][2] is None
    assert replay.requests_to(f"{API}/") == 2


def test_bingemans_hourly_and_one_ended_bands(replay, tmp_db):
    rows = load_real("adp_wfn/bingemans_list_en_CA.json")["jobRequisitions"]
    serve_rows_as_details(replay, rows)
    company = {"name": "Bingemans", "source": "adp_wfn", "board": BINGEMANS, "locale": "en_CA"}
    assert crawl(tmp_db, replay.url, company).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(len(rows),)]
    one_ended = 0
    for row in rows:
        want = expected_band(row)
        assert want is not None  # every Bingemans row states pay the test reads as a band
        one_ended += want[0] is None
        assert _bands(tmp_db, f"adp_wfn:{BINGEMANS}:{row['itemID']}") == [want]
    assert one_ended == 10  # "Up to 17.60 (CAD) Hourly" and the like: no minimum, not a minimum of 0
    assert query(tmp_db, "SELECT count(*) FROM pay_bands WHERE min_amount = 0") == [(0,)]


def test_novae_refuses_yearly_labels_on_hourly_amounts(replay, tmp_db):
    rows = load_real("adp_wfn/novae_list_unpaired_location_whole_board.json")["jobRequisitions"]
    serve_rows_as_details(replay, rows)
    assert crawl(tmp_db, replay.url, {"name": "Novae", "source": "adp_wfn", "board": NOVAE}).status == "ok"
    refused = 0
    for row in rows:
        want = expected_band(row)
        refused += bool(row.get("payGradeRange")) and want is None
        assert _bands(tmp_db, f"adp_wfn:{NOVAE}:{row['itemID']}") == ([want] if want else [])
    assert refused == 3  # 22-25 "Annually" twice, "Up to 20.00 (USD) Annually"
    (warnings,) = query(tmp_db, "SELECT warnings FROM crawl_run_companies")[0]
    assert warnings == refused


def test_locale_without_postings_is_an_empty_listing_with_a_note(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {"name": "Bingemans US", "source": "adp_wfn", "board": BINGEMANS})
    assert result.status == "ok"
    (outcome,) = result.outcomes
    assert outcome.status == "empty"
    assert any("locale en_US" in n for n in outcome.notes)
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(0,)]


def test_paging_is_one_based_in_pages_of_20(replay, tmp_db, tmp_path):
    """A generated board of 37 rows (the three recorded lists together), served by the replay's own
    paging in place of Novae's list; the rows are served as their own details (generated)."""
    rows = [
        *load_real("adp_wfn/novae_list_unpaired_location_whole_board.json")["jobRequisitions"],
        *load_real("adp_wfn/bingemans_list_en_CA.json")["jobRequisitions"],
        *load_real("adp_wfn/metlifelegal_list_skip1_top20.json")["jobRequisitions"],
    ]
    board = {"jobRequisitions": rows, "meta": {"startSequence": 1, "totalNumber": len(rows)}}
    rec = tmp_path / "rec" / "real" / "adp_wfn"
    rec.mkdir(parents=True)
    (rec / "novae_list_unpaired_location_whole_board.json").write_text(json.dumps(board))
    replay.recordings = tmp_path / "rec"
    serve_rows_as_details(replay, rows)
    assert crawl(tmp_db, replay.url, {"name": "Novae", "source": "adp_wfn", "board": NOVAE}).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(37,)]
    pages = [(q["$skip"], q["$top"]) for _, m, p, q, _ in replay.history if m == "GET" and p == API]
    assert pages == [(["1"], ["20"]), (["21"], ["20"])]


def test_replay_skip_zero_drops_a_row_as_recorded(replay):
    """The replay's paging checked against the recorded `$skip=0&$top=5` answer (4 rows)."""
    import httpx

    got = httpx.get(
        f"{replay.url}{API}", params={"cid": NOVAE, "locale": "en_US", "$skip": 0, "$top": 5}
    ).json()
    recorded = load_real("adp_wfn/novae_list_skip0_top5.json")["jobRequisitions"]
    assert [r["itemID"] for r in got["jobRequisitions"]] == [r["itemID"] for r in recorded]


def test_a_failed_later_page_makes_the_listing_partial(replay, tmp_db, tmp_path):
    rows = load_real("adp_wfn/novae_list_unpaired_location_whole_board.json")["jobRequisitions"]
    rows = rows + load_real("adp_wfn/bingemans_list_en_CA.json")["jobRequisitions"]  # 35 rows: two pages
    rec = tmp_path / "rec" / "real" / "adp_wfn"
    rec.mkdir(parents=True)
    (rec / "novae_list_unpaired_location_whole_board.json").write_text(
        json.dumps({"jobRequisitions": rows, "meta": {"totalNumber": len(rows)}})
    )
    replay.recordings = tmp_path / "rec"
    serve_rows_as_details(replay, rows)

    def second_page_fails(req):
        if req.arg("$skip") != "1":
            return ReplayResponse.json({"error": "injected"}, 500)
        return job_requisitions(req)

    replay.overrides[("GET", API)] = second_page_fails
    result = crawl(tmp_db, replay.url, {"name": "Novae", "source": "adp_wfn", "board": NOVAE})
    assert result.status == "attention"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(20,)]
    assert any("page 2 failed" in n for n in result.outcomes[0].notes)


def test_unknown_career_center_is_not_found(replay, tmp_db):
    gone = "00000000-0000-0000-0000-000000000000"
    result = crawl(tmp_db, replay.url, {"name": "Gone", "source": "adp_wfn", "board": gone})
    (outcome,) = result.outcomes
    assert outcome.status == "failed" and outcome.error_kind == "not_found"


@pytest.mark.parametrize(
    "body", [b'{"jobRequisitions": {"itemID": "x"}}', b"<html><body>maintenance</body></html>", b"[]"]
)
def test_malformed_list_fails_the_board(replay, tmp_db, body):
    replay.faults[API] = Fault(status=200, body=body, times=None)
    result = crawl(tmp_db, replay.url, {"name": "MetLife Legal", "source": "adp_wfn", "board": METLIFE})
    (outcome,) = result.outcomes
    assert outcome.status == "failed"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(0,)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    rows = load_real("adp_wfn/bingemans_list_en_CA.json")["jobRequisitions"]
    serve_rows_as_details(replay, rows)
    crawl(
        tmp_db, replay.url, {"name": "Bingemans", "source": "adp_wfn", "board": BINGEMANS, "locale": "en_CA"}
    )
    crawl(tmp_db, replay.url, {"name": "MetLife Legal", "source": "adp_wfn", "board": METLIFE})
    stored = query(
        tmp_db,
        "SELECT p.posting_id, p.board, p.title, p.location, p.url, r.payload FROM postings p "
        "JOIN posting_raw r USING (posting_id)",
    )
    assert len(stored) == len(rows) + 2
    for pid, board, title, location, url, payload in stored:
        # As `paybands reparse` builds it: no options (the locale) and no base_url.
        source = get_source("adp_wfn")(CompanyConfig(name="x", source="adp_wfn", board=board))
        posting = source.parse_raw(json.loads(payload))
        assert (posting.posting_id, posting.title, posting.location, posting.url) == (
            pid,
            title,
            location,
            url,
        )
        want = sorted(_bands(tmp_db, pid))
        assert sorted((b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands) == want


# Careers URLs of ADP Workforce Now career centers in colophon-group/jobseek's boards.csv
# (../shared/registry/sources/jobseek/boards.csv), with the cid jobseek's own API config uses.
CAREERS_URLS = [
    (
        "https://workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html?ccId=19000101_000001"
        "&cid=ce0d2e5f-bd66-4169-9ced-c1e807d3dc7e&lang=en_US",
        "ce0d2e5f-bd66-4169-9ced-c1e807d3dc7e",
    ),
    (
        "https://workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html?cid=396cddfd-04da-433c-a478-"
        "c8c05c48c766&selectedMenuKey=CareerCenter",
        "396cddfd-04da-433c-a478-c8c05c48c766",
    ),
    ("workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html?cid=" + METLIFE, METLIFE),
]


@pytest.mark.parametrize(("url", "board"), CAREERS_URLS)
def test_detects_career_center_urls(url, board):
    assert get_source("adp_wfn").board_from_url(url) == board


@pytest.mark.parametrize(
    "url",
    [
        "https://myjobs.adp.com/acme/cx",  # ADP's other career site (registry ats "adp"), not Workforce Now
        "https://workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html?cid=not-a-uuid",
        "https://jobs.lever.co/acme",
    ],
)
def test_other_urls_are_not_adp_wfn(url):
    assert get_source("adp_wfn").board_from_url(url) is None


def test_detects_every_workforcenow_board_of_the_registry_lists():
    boards = REGISTRY / "sources" / "jobseek" / "boards.csv"
    if not boards.is_file():
        pytest.skip("the shared registry is not next to this checkout")
    seen = 0
    with boards.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if "workforcenow.adp.com" not in row["board_url"]:
                continue
            # The cid jobseek's API config calls, not the one in the URL itself.
            cids = set(re.findall(r'cid["=:\s]+"?([0-9a-f-]{36})', row["monitor_config"]))
            assert get_source("adp_wfn").board_from_url(row["board_url"]) in cids, row["board_url"]
            assert cids == set(parse_qs(urlsplit(row["board_url"]).query)["cid"])
            seen += 1
    assert seen >= 7


@pytest.mark.parametrize(
    ("board", "options", "message"),
    [
        ("metlifelegal", {}, "cid"),
        (METLIFE, {"locale": "en-US"}, "locale"),
        (METLIFE + "/x", {}, "cid"),
    ],
)
def test_bad_board_or_locale_is_a_config_error(board, options, message):
    with pytest.raises(ConfigError, match=message):
        get_source("adp_wfn").validate_options(options, board)


def test_replay_routes_do_not_overlap():
    for method, path in [("GET", API), ("GET", f"{API}/584587"), ("GET", f"{API}/getSearchFilters")]:
        assert len(routes_matching(method, path)) == 1, path


def test_recordings_are_the_shared_ones():
    shared = REGISTRY.parent / "fixtures" / "real" / "adp_wfn"
    if not shared.is_dir():
        pytest.skip("the shared fixtures are not next to this checkout")
    for path in sorted((REAL / "adp_wfn").iterdir()):
        assert path.read_bytes() == (shared / path.name).read_bytes(), path.name
