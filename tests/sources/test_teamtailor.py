"""Teamtailor against the replay server: the real Knauf, Tiptapp and Carr Talent feeds at /jobs.json.

Carr Talent's "Home Buying Specialist" carries `_jobposting.baseSalary` (a MonetaryAmount with
string values) and states On-Target Earnings in its description; Knauf's and Tiptapp's postings
state no pay. Teamtailor has no paging: one request answers the whole board.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from scraper.errors import ConfigError
from scraper.replay import Fault
from scraper.sources.teamtailor import Teamtailor
from tests.helpers import REAL, crawl, load_real, query
from tests.sources.source_helpers import REGISTRY, crawl_postings, openings_mcp, registry_rows, reparsed

BOARDS = [
    ("knaufsemea.teamtailor.com", "teamtailor/knaufsemea_jobs.json"),
    ("tiptapp.teamtailor.com", "teamtailor/tiptapp_jobs.json"),
    ("carrtalent.na.teamtailor.com", "teamtailor/carrtalent_na_jobs.json"),
]
# Pay Carr Talent's description states in words: (item id, the statement in the recorded HTML without
# tags, min, max, currency, period, pay type). The test checks each statement is in the raw.
CARR_TEXT_PAY = [
    ("091a38aa-eb4d-4fd3-bf52-32d3da50fc75", "On-Target Earnings: $120K-300K annually", 120000, 300000, "USD", "year", "ote"),
]  # fmt: skip
BAND_SQL = """SELECT p.external_id, b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.origin
              FROM pay_bands b JOIN postings p USING (posting_id) ORDER BY 1, 2, 3"""


def _base_salary(item: dict) -> list[tuple]:
    """The band `_jobposting.baseSalary` states, read straight from the raw JSON."""
    salary = item["_jobposting"].get("baseSalary")
    if not salary:
        return []
    value = salary["value"]
    assert value["unitText"] == "YEAR"  # the only unit recorded
    lo, hi = float(value["minValue"]), float(value["maxValue"])
    return [(item["id"], lo, hi, salary["currency"], "year", "base", "structured")]


@pytest.mark.parametrize(("board", "recording"), BOARDS)
def test_board_matches_recording(replay, tmp_db, board, recording):
    items = load_real(recording)["items"]
    result = crawl(tmp_db, replay.url, {"name": board, "source": "teamtailor", "board": board})
    assert result.status == "ok", result.outcomes
    rows = query(tmp_db, "SELECT external_id, title, url FROM postings ORDER BY external_id")
    assert rows == sorted((i["id"], i["title"], i["url"]) for i in items)
    expected = [band for i in items for band in _base_salary(i)]
    if board.startswith("carrtalent"):
        raw = {i["id"]: re.sub(r"<[^>]+>", "", i["content_html"]) for i in items}
        for pid, statement, *_ in CARR_TEXT_PAY:
            assert statement in raw[pid]
        expected += [
            (pid, float(lo), float(hi), c, per, kind, "text")
            for pid, _, lo, hi, c, per, kind in CARR_TEXT_PAY
        ]
        assert len(expected) == 2
    assert query(tmp_db, BAND_SQL) == sorted(expected)
    assert replay.requests_to("/jobs.json") == 1  # no paging: one answer is the whole board


def test_recorded_fields(replay, tmp_db):
    board = "carrtalent.na.teamtailor.com"
    crawl(tmp_db, replay.url, {"name": "Carr", "source": "teamtailor", "board": board})
    items = {i["id"]: i for i in load_real("teamtailor/carrtalent_na_jobs.json")["items"]}
    rows = dict(
        query(
            tmp_db,
            "SELECT external_id, [location, strftime(posted_at, '%Y-%m-%dT%H:%M:%S'), description]"
            " FROM postings",
        )
    )
    for pid, item in items.items():
        location, posted, description = rows[pid]
        places = item["_jobposting"].get("jobLocation") or []
        # "City, Country" from each Place (addressRegion is null on this board); none without jobLocation.
        assert location == (
            "; ".join(f"{p['address']['addressLocality']}, {p['address']['addressCountry']}" for p in places)
            or None
        )
        assert posted is not None and "<" not in description
    assert rows["f3d44a3f-d698-4f8f-b8f4-0e34874c90c9"][0] is None  # the item without jobLocation


def test_custom_domain_board_is_the_host(replay, tmp_db, tmp_path):
    """A career site on the company's own domain: the Tiptapp recording served under a custom host by
    a test-only recordings folder (no custom-domain feed was recorded)."""
    synth = tmp_path / "rec" / "synth" / "teamtailor"
    synth.mkdir(parents=True)
    shutil.copy(REAL / "teamtailor/tiptapp_jobs.json", synth / "careers.tiptapp.example.json")
    replay.recordings = tmp_path / "rec"
    company = {"name": "Tiptapp", "source": "teamtailor", "board": "careers.tiptapp.example"}
    assert crawl(tmp_db, replay.url, company).status == "ok"
    assert query(tmp_db, "SELECT board, count(*) FROM postings GROUP BY 1") == [
        ("careers.tiptapp.example", 1)
    ]
    (sent,) = [h for _, _, path, _, h in replay.history if path == "/jobs.json"]
    assert sent["x-forwarded-host"] == "careers.tiptapp.example"


def test_a_board_without_a_dot_is_on_teamtailor(replay, tmp_db):
    assert (
        crawl(tmp_db, replay.url, {"name": "Tiptapp", "source": "teamtailor", "board": "tiptapp"}).status
        == "ok"
    )
    (sent,) = [h for _, _, path, _, h in replay.history if path == "/jobs.json"]
    assert sent["x-forwarded-host"] == "tiptapp.teamtailor.com"


def test_unknown_site_is_not_found(replay, tmp_db):
    company = {"name": "Nobody", "source": "teamtailor", "board": "no-such-company.teamtailor.com"}
    assert crawl(tmp_db, replay.url, company).outcomes[0].error_kind == "not_found"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "x', "bad_json"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "source"),
        (b'{"items": "none"}', "source"),
        (b"[]", "source"),
    ],
)
def test_malformed_answer_fails_the_board(replay, tmp_db, body, kind):
    replay.faults["/jobs.json"] = Fault(body=body)
    company = {"name": "Tiptapp", "source": "teamtailor", "board": "tiptapp.teamtailor.com"}
    outcome = crawl(tmp_db, replay.url, company).outcomes[0]
    assert (outcome.status, outcome.error_kind) == ("failed", kind)
    if kind == "source":
        assert "did not return a Teamtailor job feed" in outcome.error


def test_an_item_without_jobposting_keeps_its_feed_fields():
    """Generated from the recorded Tiptapp item with `_jobposting` removed (no recording lacks it)."""
    item = {
        k: v for k, v in load_real("teamtailor/tiptapp_jobs.json")["items"][0].items() if k != "_jobposting"
    }
    posting = Teamtailor(_company("tiptapp.teamtailor.com")).parse_item(item)
    assert (posting.external_id, posting.title, posting.url) == (item["id"], item["title"], item["url"])
    assert posting.description and "Competitive salary" in posting.description and posting.bands == []


@pytest.mark.parametrize(("board", "recording"), BOARDS)
def test_parse_raw_gives_the_same_postings(replay, board, recording):
    postings, report = crawl_postings("teamtailor", board, replay.url)
    assert isinstance(postings, list) and len(postings) == len(load_real(recording)["items"])
    assert reparsed("teamtailor", board, postings) == postings
    assert report.complete and not report.skipped
    assert {p.external_id: json.loads(p.raw) for p in postings} == {
        i["id"]: i for i in load_real(recording)["items"]
    }


def test_reparse_of_the_database_changes_nothing(replay, tmp_db):
    from scraper.reparse import reparse

    crawl(
        tmp_db, replay.url, {"name": "Carr", "source": "teamtailor", "board": "carrtalent.na.teamtailor.com"}
    )
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (2, 0, [])


# -- config and detection ---------------------------------------------------------------------
def _company(board: str):
    from scraper.config import CompanyConfig

    return CompanyConfig(name=board, source="teamtailor", board=board)


@pytest.mark.parametrize(
    "board", ["https://dema.teamtailor.com", "dema.teamtailor.com/jobs", "dema teamtailor"]
)
def test_a_url_is_no_board(board):
    with pytest.raises(ConfigError, match="not a host name"):
        Teamtailor.validate_options({}, board)


@pytest.mark.skipif(not REGISTRY.is_dir(), reason="../shared/registry is absent")
def test_detects_the_registry_boards():
    rows = registry_rows("teamtailor")
    assert rows
    for row in rows:  # board = host, e.g. mendoai-1730204279.teamtailor.com
        assert Teamtailor.board_from_url(row["careers_url"]) == row["board"], row
    hosts = openings_mcp("teamtailor", "host")
    on_teamtailor = [h for h in hosts if h.endswith(".teamtailor.com")]
    assert len(on_teamtailor) > 1000 and any(".na." in h for h in on_teamtailor)
    for host in on_teamtailor:
        assert Teamtailor.board_from_url(f"https://{host}/jobs") == host
    others = [r["careers_url"] for r in registry_rows() if r["ats"] != "teamtailor"]
    assert [u for u in others if Teamtailor.board_from_url(u)] == []
    assert Teamtailor.board_from_url("https://www.teamtailor.com/en/") is None
