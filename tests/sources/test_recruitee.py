"""Recruitee against the replay server: the real bunq and Channable recordings at /api/offers/.

Channable's offers carry the structured `salary` (strings, a monthly EUR range); bunq's `salary`
objects are all null and two of its descriptions state pay in text. Recruitee has no paging: one
request answers the whole board.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from scraper.errors import ConfigError
from scraper.replay import Fault, ReplayResponse
from scraper.sources.recruitee import Recruitee
from tests.helpers import REAL, crawl, load_real, query
from tests.sources.source_helpers import (
    REGISTRY,
    crawl_postings,
    jobseek_boards,
    openings_mcp,
    registry_rows,
    reparsed,
)

BOARDS = [
    ("bunq", "recruitee/bunq_offers.json"),
    ("channable", "recruitee/ergon_channable_offers_trimmed.json"),
]
# Pay bunq's descriptions state in words, as a reader finds it: (offer id, the statement as it stands in
# the recorded HTML without tags, min, max, currency, period, pay type). The test checks each statement is in the raw.
BUNQ_TEXT_PAY = [
    ("2422949", "A competitive base annual salary range €108,000-€119,700", 108000, 119700, "EUR", "year", "base"),
    ("2356299", "A competitive base monthly salary between $22,883 - $29,528", 22883, 29528, "USD", "month", "base"),
]  # fmt: skip
BAND_SQL = """SELECT p.external_id, b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.origin
              FROM pay_bands b JOIN postings p USING (posting_id) ORDER BY 1, 2"""


def _structured(offer: dict) -> list[tuple]:
    """The band an offer's `salary` states, read straight from the raw JSON."""
    s = offer.get("salary") or {}
    if (
        s.get("period") is None
        or s.get("currency") is None
        or (s.get("min") is None and s.get("max") is None)
    ):
        return []
    lo, hi = (float(s[k]) if s.get(k) is not None else None for k in ("min", "max"))
    return [(str(offer["id"]), lo, hi, s["currency"], s["period"], "unknown", "structured")]


@pytest.mark.parametrize(("board", "recording"), BOARDS)
def test_board_matches_recording(replay, tmp_db, board, recording):
    offers = load_real(recording)["offers"]
    result = crawl(tmp_db, replay.url, {"name": board, "source": "recruitee", "board": board})
    assert result.status == "ok", result.outcomes
    rows = query(tmp_db, "SELECT external_id, title, url FROM postings ORDER BY external_id")
    assert rows == sorted((str(o["id"]), o["title"], o["careers_url"]) for o in offers)
    expected = [band for o in offers for band in _structured(o)]
    if board == "bunq":
        # The recorded HTML with its tags taken out (a statement may span two <span>s).
        raw = {str(o["id"]): re.sub(r"<[^>]+>", "", f"{o['description']}{o['requirements']}") for o in offers}
        for pid, statement, *_ in BUNQ_TEXT_PAY:
            assert statement in raw[pid]
        expected += [
            (pid, float(lo), float(hi), cur, per, kind, "text")
            for pid, _, lo, hi, cur, per, kind in BUNQ_TEXT_PAY
        ]
    assert query(tmp_db, BAND_SQL) == sorted(expected)
    assert replay.requests_to("/api/offers") == 1  # no paging: one answer is the whole board


def test_channable_salary_strings_are_monthly_euro_bands(replay, tmp_db):
    crawl(tmp_db, replay.url, {"name": "Channable", "source": "recruitee", "board": "channable"})
    offers = load_real("recruitee/ergon_channable_offers_trimmed.json")["offers"]
    assert all(isinstance(o["salary"]["min"], str) for o in offers)  # the quirk this reads
    rows = query(tmp_db, "SELECT annual_min, annual_max, source_text FROM pay_bands ORDER BY 1")
    assert rows == sorted(
        (float(o["salary"]["min"]) * 12, float(o["salary"]["max"]) * 12, f"salary {o['salary']['min']} "
         f"{o['salary']['max']} EUR month") for o in offers
    )  # fmt: skip


def test_recorded_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, {"name": "bunq", "source": "recruitee", "board": "bunq"})
    offer = next(o for o in load_real("recruitee/bunq_offers.json")["offers"] if o["id"] == 2675345)
    row = query(
        tmp_db,
        "SELECT location, department, employment_type, remote, strftime(posted_at, '%Y-%m-%d %H:%M:%S'),"
        " description FROM postings WHERE external_id = '2675345'",
    )[0]
    # Each office as "City, State, Country", a part said once ("İstanbul, İstanbul" is one).
    places = "; ".join(
        ", ".join(dict.fromkeys((x["city"], x["state"], x["country"]))) for x in offer["locations"]
    )
    assert row[:5] == (
        places,
        offer["department"],
        offer["employment_type_code"],
        "hybrid",
        offer["published_at"][:19],
    )
    assert "<p" not in row[5] and "Requirements" in row[5]  # description and requirements, as text


def test_custom_domain_board_is_the_host(replay, tmp_db, tmp_path):
    """A board on the company's own domain: the bunq recording served under careers.bunq.com (the host
    its careers_url names) by a test-only recordings folder."""
    synth = tmp_path / "rec" / "synth" / "recruitee"
    synth.mkdir(parents=True)
    shutil.copy(REAL / "recruitee/bunq_offers.json", synth / "careers.bunq.com.json")
    replay.recordings = tmp_path / "rec"
    result = crawl(tmp_db, replay.url, {"name": "bunq", "source": "recruitee", "board": "careers.bunq.com"})
    assert result.status == "ok", result.outcomes
    assert query(tmp_db, "SELECT DISTINCT board FROM postings") == [("careers.bunq.com",)]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(17,)]
    (sent,) = [h for _, method, path, _, h in replay.history if path.startswith("/api/offers")]
    assert sent["x-forwarded-host"] == "careers.bunq.com"


def test_board_target_on_the_real_host_and_behind_a_mirror():
    from scraper.sources._hosted import board_target

    own = board_target("bunq", "recruitee.com", None)
    assert (own.url("/api/offers/"), own.headers) == ("https://bunq.recruitee.com/api/offers/", {})
    custom = board_target("Careers.Bunq.com", "recruitee.com", None)
    assert custom.url("/api/offers/") == "https://careers.bunq.com/api/offers/"
    mirror = board_target("bunq", "recruitee.com", "http://127.0.0.1:8765/")
    assert mirror.url("/api/offers/") == "http://127.0.0.1:8765/api/offers/"
    assert mirror.headers == {"X-Forwarded-Host": "bunq.recruitee.com"}


def test_unknown_board_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {"name": "Nobody", "source": "recruitee", "board": "no-such-company"})
    assert result.outcomes[0].error_kind == "not_found"


@pytest.mark.parametrize(
    ("body", "kind", "words"),
    [
        (b'{"offers": [{"id": 1, "title": "trunc', "bad_json", "did not return valid JSON"),
        (b'{"jobs": []}', "source", "did not return a Recruitee offer list"),
        (b'{"offers": {"id": 1}}', "source", "did not return a Recruitee offer list"),
        (b"[]", "source", "did not return a Recruitee offer list"),
    ],
)
def test_malformed_answer_fails_the_board(replay, tmp_db, body, kind, words):
    replay.faults["/api/offers"] = Fault(body=body)
    result = crawl(tmp_db, replay.url, {"name": "bunq", "source": "recruitee", "board": "bunq"})
    outcome = result.outcomes[0]
    assert (outcome.status, outcome.error_kind) == ("failed", kind) and words in outcome.error


def test_an_offer_without_id_is_skipped_and_reported(replay, tmp_db):
    offers = load_real("recruitee/ergon_channable_offers_trimmed.json")["offers"]
    broken = [{**offers[0], "id": None}, offers[1]]  # generated here: one recorded offer without its id
    replay.overrides[("GET", "/api/offers/")] = lambda req: ReplayResponse.json({"offers": broken})
    result = crawl(tmp_db, replay.url, {"name": "Channable", "source": "recruitee", "board": "channable"})
    assert result.outcomes[0].status == "attention"
    assert query(tmp_db, "SELECT external_id FROM postings") == [(str(offers[1]["id"]),)]


@pytest.mark.parametrize(
    ("salary", "band", "warned"),
    [
        # Generated salary objects (no recording has these shapes): what gives no band, and why.
        ({"min": "4000", "max": None, "period": "month", "currency": "EUR"}, (4000.0, None, "EUR", "month"), False),
        ({"min": "4000", "max": "5000", "period": None, "currency": "EUR"}, None, False),  # no period
        ({"min": "4000", "max": "5000", "period": "month", "currency": None}, None, True),  # no currency
        ({"min": "lots", "max": "5000", "period": "year", "currency": "EUR"}, None, True),
        ({"min": "60000", "max": "80000", "period": "year", "currency": "GBP"}, (60000.0, 80000.0, "GBP", "year"), False),
    ],
)  # fmt: skip
def test_salary_shapes(salary, band, warned):
    offer = {**load_real("recruitee/ergon_channable_offers_trimmed.json")["offers"][1], "salary": salary}
    posting = Recruitee(_company("channable")).parse_offer(offer)
    got = [
        (b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands if b.origin == "structured"
    ]
    assert got == ([band] if band else [])
    assert bool(posting.warnings) == warned


@pytest.mark.parametrize(("board", "recording"), BOARDS)
def test_parse_raw_gives_the_same_postings(replay, board, recording):
    postings, report = crawl_postings("recruitee", board, replay.url)
    assert isinstance(postings, list) and len(postings) == len(load_real(recording)["offers"])
    assert reparsed("recruitee", board, postings) == postings
    assert report.complete and not report.skipped


def test_reparse_of_the_database_changes_nothing(replay, tmp_db):
    from scraper.reparse import reparse

    crawl(tmp_db, replay.url, {"name": "bunq", "source": "recruitee", "board": "bunq"})
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (17, 0, [])


# -- config and detection ---------------------------------------------------------------------
def _company(board: str):
    from scraper.config import CompanyConfig

    return CompanyConfig(name=board, source="recruitee", board=board)


@pytest.mark.parametrize("board", ["bunq", "careers.bunq.com", "jobs.dexterenergy.ai", "BUNQ"])
def test_valid_boards(board):
    Recruitee.validate_options({}, board)


@pytest.mark.parametrize(
    "board", ["https://bunq.recruitee.com", "bunq.recruitee.com/api/offers", "bu nq", "a:80"]
)
def test_a_url_is_no_board(board):
    with pytest.raises(ConfigError, match="not a host name"):
        Recruitee.validate_options({}, board)


@pytest.mark.skipif(not REGISTRY.is_dir(), reason="../shared/registry is absent")
def test_detects_the_registry_boards():
    rows = registry_rows("recruitee")
    assert rows
    for row in rows:  # e.g. https://1x.recruitee.com -> 1x; jobs.dexterenergy.ai.recruitee.com -> that domain
        assert Recruitee.board_from_url(row["careers_url"]) == row["board"], row
    for slug in openings_mcp("recruitee", "slug"):
        assert Recruitee.board_from_url(f"https://{slug}.recruitee.com/") == slug
    on_recruitee = [(u, c) for u, c in jobseek_boards("recruitee") if ".recruitee.com" in u]
    assert on_recruitee
    for url, config in on_recruitee:
        assert Recruitee.board_from_url(url) == url.split("//")[1].split(".recruitee.com")[0], url
        token = config.get("slug") or config.get("token") or config.get("company_slug")
        assert token is None or Recruitee.board_from_url(url) == token, (url, config)


@pytest.mark.skipif(not REGISTRY.is_dir(), reason="../shared/registry is absent")
def test_detects_nothing_on_other_boards():
    others = [r["careers_url"] for r in registry_rows() if r["ats"] != "recruitee"]
    assert [u for u in others if Recruitee.board_from_url(u)] == []
    for url in (
        "https://www.recruitee.com/",
        "https://recruitee.com/careers",
        "https://app.recruitee.com/#/",
    ):
        assert Recruitee.board_from_url(url) is None
    # A custom domain cannot be told from its URL: it is configured by hand.
    assert Recruitee.board_from_url("https://careers.bunq.com/o/fraud-ops-expert") is None


def test_raw_payload_is_the_recorded_offer(replay):
    postings, _ = crawl_postings("recruitee", "channable", replay.url)
    assert isinstance(postings, list)
    recorded = {str(o["id"]): o for o in load_real("recruitee/ergon_channable_offers_trimmed.json")["offers"]}
    assert {p.external_id: json.loads(p.raw) for p in postings} == recorded
