"""Pinpoint against the replay server: the real AAWDC recording at /postings.json.

Two of its three postings show a structured range (`compensation_minimum`/`maximum`, currency,
frequency, `compensation_visible` true); the third shows none (`compensation_visible` false, every
`compensation_*` null). Pinpoint has no paging: one request answers the whole board.
"""

from __future__ import annotations

import json

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.replay import Fault
from scraper.sources.pinpoint import Pinpoint
from tests.helpers import crawl, load_real, query
from tests.sources.source_helpers import (
    REGISTRY,
    crawl_postings,
    jobseek_boards,
    registry_rows,
    reparsed,
)

RECORDING = "pinpoint/ergon_aawdc_postings_trimmed.json"
AAWDC = {"name": "AAWDC", "source": "pinpoint", "board": "aawdc"}


def _visible_band(item: dict) -> list[tuple]:
    """The band a posting shows, read straight from the raw JSON: none unless compensation_visible."""
    if item["compensation_visible"] is not True or item["compensation_minimum"] is None:
        return []
    return [
        (
            item["id"],
            float(item["compensation_minimum"]),
            float(item["compensation_maximum"]),
            item["compensation_currency"],
            item["compensation_frequency"],
            "unknown",  # Pinpoint says no kind of pay (base, OTE)
            "structured",
            item["compensation"],  # the range as the site displays it is the band's evidence
        )
    ]


def test_board_matches_recording(replay, tmp_db):
    items = load_real(RECORDING)["data"]
    result = crawl(tmp_db, replay.url, AAWDC)
    assert result.status == "ok", result.outcomes
    rows = query(tmp_db, "SELECT external_id, title, url FROM postings ORDER BY external_id")
    assert rows == sorted((i["id"], i["title"], i["url"]) for i in items)
    bands = query(
        tmp_db,
        """SELECT p.external_id, b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.origin,
                  b.source_text FROM pay_bands b JOIN postings p USING (posting_id) ORDER BY 1""",
    )
    expected = sorted(band for i in items for band in _visible_band(i))
    assert len(expected) == 2 and bands == expected
    assert replay.requests_to("/postings.json") == 1  # no paging: one answer is the whole board


def test_recorded_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, AAWDC)
    item = load_real(RECORDING)["data"][0]
    row = query(
        tmp_db,
        "SELECT location, department, employment_type, remote, posted_at, description FROM postings"
        f" WHERE external_id = '{item['id']}'",
    )[0]
    assert row[:5] == (
        item["location"]["name"],  # city and province are blank on this one
        item["job"]["department"]["name"],
        item["employment_type_text"],
        item["workplace_type"],
        None,  # Pinpoint publishes no posting date
    )
    description = row[5]
    for header in (item["key_responsibilities_header"], item["skills_knowledge_expertise_header"]):
        assert f"{header}\n" in description
    assert description.endswith(f"Compensation\n{item['compensation']}")
    assert "<div" not in description and "<!--block-->" not in description


@pytest.mark.parametrize("visible", [False, None, "true"])
def test_a_range_not_shown_is_no_band(visible):
    """Generated from the recorded posting 515428 with compensation_visible changed (no recording shows
    a hidden range that has amounts): the employer's internal figure is never a band."""
    item = {**load_real(RECORDING)["data"][0], "compensation_visible": visible}
    posting = Pinpoint(CompanyConfig(name="AAWDC", source="pinpoint", board="aawdc")).parse_posting(item)
    assert posting.bands == [] and "Compensation" not in (posting.description or "")


@pytest.mark.parametrize(
    ("fields", "band"),
    [
        # Generated compensation fields (unrecorded shapes).
        ({"compensation_frequency": None}, None),  # no period: no band
        ({"compensation_currency": None}, None),  # no currency: no band, never a guessed one
        ({"compensation_frequency": "month", "compensation_minimum": 5000.0, "compensation_maximum": 6000.0,
          "compensation": "£5,000 - £6,000 / month", "compensation_currency": "GBP"}, (5000.0, 6000.0, "GBP", "month")),
        ({"compensation_maximum": None, "compensation": "$80,000 / year"}, (80000.0, None, "USD", "year")),
    ],
)  # fmt: skip
def test_compensation_shapes(fields, band):
    item = {**load_real(RECORDING)["data"][0], **fields}
    posting = Pinpoint(CompanyConfig(name="AAWDC", source="pinpoint", board="aawdc")).parse_posting(item)
    got = [
        (b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands if b.origin == "structured"
    ]
    assert got == ([band] if band else [])


def test_unknown_board_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {"name": "Nobody", "source": "pinpoint", "board": "no-such-company"})
    assert result.outcomes[0].error_kind == "not_found"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"data": [{"id": "1", "title": "tr', "bad_json"),
        (b'{"postings": []}', "source"),
        (b'{"data": {"id": "1"}}', "source"),
        (b"<html>maintenance</html>", "bad_json"),
    ],
)
def test_malformed_answer_fails_the_board(replay, tmp_db, body, kind):
    replay.faults["/postings.json"] = Fault(body=body)
    outcome = crawl(tmp_db, replay.url, AAWDC).outcomes[0]
    assert (outcome.status, outcome.error_kind) == ("failed", kind)
    if kind == "source":
        assert "did not return a Pinpoint posting list" in outcome.error


def test_parse_raw_gives_the_same_postings(replay):
    postings, report = crawl_postings("pinpoint", "aawdc", replay.url)
    assert isinstance(postings, list) and len(postings) == len(load_real(RECORDING)["data"])
    assert reparsed("pinpoint", "aawdc", postings) == postings
    assert report.complete and not report.skipped
    assert {p.external_id: json.loads(p.raw) for p in postings} == {
        i["id"]: i for i in load_real(RECORDING)["data"]
    }


def test_reparse_of_the_database_changes_nothing(replay, tmp_db):
    from scraper.reparse import reparse

    crawl(tmp_db, replay.url, AAWDC)
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (3, 0, [])


def test_sent_to_the_board_host(replay):
    crawl_postings("pinpoint", "aawdc", replay.url)
    (sent,) = [h for _, _, path, _, h in replay.history if path == "/postings.json"]
    assert sent["x-forwarded-host"] == "aawdc.pinpointhq.com"


# -- config and detection ---------------------------------------------------------------------
@pytest.mark.parametrize("board", ["https://arm.pinpointhq.com", "arm/postings.json", ""])
def test_a_url_is_no_board(board):
    with pytest.raises(ConfigError):
        Pinpoint.validate_options({}, board)


@pytest.mark.skipif(not REGISTRY.is_dir(), reason="../shared/registry is absent")
def test_detects_the_registry_boards():
    rows = registry_rows("pinpoint")
    assert rows
    for row in rows:
        assert Pinpoint.board_from_url(row["careers_url"]) == row["board"], row
    listed = [(u, c) for u, c in jobseek_boards("pinpoint") if "pinpointhq.com" in u]
    assert listed
    for url, config in listed:  # e.g. https://accelercomm.pinpointhq.com/en
        assert Pinpoint.board_from_url(url) == config["slug"], url
    others = [r["careers_url"] for r in registry_rows() if r["ats"] != "pinpoint"]
    assert [u for u in others if Pinpoint.board_from_url(u)] == []
    assert Pinpoint.board_from_url("https://www.pinpointhq.com/") is None
