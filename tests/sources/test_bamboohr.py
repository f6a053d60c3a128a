"""BambooHR against its real recordings on the replay server (tests/fixtures/real/bamboohr).

Pay is free text (`compensation`), read by the text normalizer: one recording has it (Curtin
Maritime's 201, "$300 - $425/Day ($21.43 - $30.35 per hour)"); Giatec's recorded detail has
`compensation` null. The other openings' details are placeholders the replay generates (no pay;
scraper/replay/bamboohr.py). The replay serves a tenant's site under `/{tenant}.bamboohr.com`.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.replay import Fault, ReplayResponse
from scraper.sources import get_source
from tests.helpers import crawl, load_real, query
from tests.sources.replay_routes import routes_matching

REGISTRY = Path(__file__).resolve().parents[3] / "shared" / "registry"
LOCATION_TYPES = {"0": "onsite", "1": "remote", "2": "hybrid"}


def tenant(replay, board: str, name: str | None = None) -> dict:
    return {
        "name": name or board,
        "source": "bamboohr",
        "board": board,
        "base_url": f"{replay.url}/{board}.bamboohr.com",
    }


def _stated_ranges(text: str) -> list[tuple]:
    """Every "$A - $B/Day" or "$A - $B per hour" in a text, read by this test: (min, max, period)."""
    out = []
    for lo, hi, unit in re.findall(
        r"\$([\d,.]+)\s*-\s*\$([\d,.]+)\s*(?:/|per\s+)(day|hour|year|week|month)", text, re.I
    ):
        out.append((float(lo.replace(",", "")), float(hi.replace(",", "")), unit.lower()))
    return out


def test_curtin_maritime_matches_recording(replay, tmp_db):
    assert crawl(tmp_db, replay.url, tenant(replay, "curtinmaritime")).status == "ok"
    rows = load_real("bamboohr/curtinmaritime_careers_list.json")["result"]
    assert query(tmp_db, "SELECT external_id, title, remote FROM postings ORDER BY 1") == sorted(
        (r["id"], " ".join(r["jobOpeningName"].split()), LOCATION_TYPES[r["locationType"]]) for r in rows
    )
    detail = load_real("bamboohr/curtinmaritime_job_201_detail.json")["result"]["jobOpening"]
    stated = _stated_ranges(detail["compensation"])
    assert len(stated) == 2  # a day rate and the same pay per hour: two statements, two bands
    bands = query(
        tmp_db,
        "SELECT min_amount, max_amount, period, currency, origin FROM pay_bands WHERE posting_id = 'bamboohr:curtinmaritime:201'",
    )
    assert sorted(bands) == sorted((lo, hi, period, "USD", "text") for lo, hi, period in stated)
    assert query(
        tmp_db, "SELECT count(*) FROM pay_bands WHERE posting_id != 'bamboohr:curtinmaritime:201'"
    ) == [(0,)]
    (row,) = query(
        tmp_db,
        "SELECT location, department, employment_type, url, description FROM postings WHERE external_id = '201'",
    )
    assert row[:4] == (
        "Long Beach, California, United States",
        detail["departmentLabel"],
        detail["employmentStatusLabel"],
        detail["jobOpeningShareUrl"],
    )
    assert detail["compensation"] in row[4] and "<p" not in row[4]
    # Remote openings name their place in atsLocation only.
    (remote,) = query(tmp_db, "SELECT location FROM postings WHERE external_id = '339'")[0]
    assert remote == "Long Beach, California, United States"


def test_giatec_null_compensation_gives_no_band(replay, tmp_db):
    assert crawl(tmp_db, replay.url, tenant(replay, "giatecscientific")).status == "ok"
    rows = load_real("bamboohr/giatecscientific_careers_list.json")["result"]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(len(rows),)]
    detail = load_real("bamboohr/giatecscientific_job_167_detail_nulls.json")["result"]["jobOpening"]
    assert detail["compensation"] is None and query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]
    (row,) = query(tmp_db, "SELECT location, department, description FROM postings WHERE external_id = '167'")
    assert row[0] == "Ottawa, Ontario, Canada" and row[1] is None and row[2].startswith("Welcome!")


def test_a_tenant_without_openings_is_an_empty_board(replay, tmp_db):
    assert crawl(tmp_db, replay.url, tenant(replay, "zapier")).outcomes[0].status == "empty"


def test_unknown_tenant_redirect_is_not_found(replay, tmp_db):
    (outcome,) = crawl(tmp_db, replay.url, tenant(replay, "this-tenant-does-not-exist")).outcomes
    assert outcome.status == "failed" and outcome.error_kind == "not_found"
    assert "redirects" in outcome.error


def test_an_opening_whose_detail_fails_keeps_its_list_data(replay, tmp_db):
    replay.faults["/curtinmaritime.bamboohr.com/careers/201/detail"] = Fault(
        status=404, body=load_real_bytes("bamboohr/giatecscientific_job_999999_not_found_404.json")
    )
    assert crawl(tmp_db, replay.url, tenant(replay, "curtinmaritime")).status == "ok"
    assert query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = '201'") == [
        ("Vessel Chef", "Long Beach, California", None)
    ]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def load_real_bytes(relative: str) -> bytes:
    return json.dumps(load_real(relative)).encode()


def test_a_list_shorter_than_its_count_is_partial(replay, tmp_db):
    """Generated: the recorded Giatec list with `totalCount` raised by 3."""
    data = load_real("bamboohr/giatecscientific_careers_list.json")
    data["meta"]["totalCount"] += 3
    replay.overrides[("GET", "/giatecscientific.bamboohr.com/careers/list")] = lambda req: (
        ReplayResponse.json(data)
    )
    result = crawl(tmp_db, replay.url, tenant(replay, "giatecscientific"))
    assert result.status == "attention"
    assert any("5 of the 8 openings" in n for n in result.outcomes[0].notes)


@pytest.mark.parametrize("body", [b'{"result": {"id": "1"}}', b"<html></html>", b"[]"])
def test_malformed_list_fails_the_board(replay, tmp_db, body):
    replay.faults["/giatecscientific.bamboohr.com/careers/list"] = Fault(status=200, body=body)
    (outcome,) = crawl(tmp_db, replay.url, tenant(replay, "giatecscientific")).outcomes
    assert outcome.status == "failed"


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, tenant(replay, "curtinmaritime"))
    stored = query(
        tmp_db,
        "SELECT p.posting_id, p.title, p.location, p.description, p.url, r.payload FROM postings p "
        "JOIN posting_raw r USING (posting_id)",
    )
    assert len(stored) == 21
    source = get_source("bamboohr")(CompanyConfig(name="x", source="bamboohr", board="curtinmaritime"))
    sql = "SELECT min_amount, max_amount, currency, period FROM pay_bands WHERE posting_id = ?"
    for pid, title, location, description, url, payload in stored:
        posting = source.parse_raw(json.loads(payload))
        assert (posting.posting_id, posting.title, posting.location, posting.description, posting.url) == (
            pid,
            title,
            location,
            description,
            url,
        )
        got = [(b.min_amount, b.max_amount, b.currency, b.period) for b in posting.bands]
        assert sorted(got, key=str) == sorted(query(tmp_db, sql, [pid]), key=str)


def test_the_host_is_the_tenant_unless_base_url_stands_in_for_it():
    source = get_source("bamboohr")
    assert (
        source(CompanyConfig(name="x", source="bamboohr", board="Apexai")).base_url
        == "https://apexai.bamboohr.com"
    )
    mirror = CompanyConfig(
        name="x", source="bamboohr", board="apexai", base_url="http://127.0.0.1:1/apexai.bamboohr.com"
    )
    assert source(mirror).base_url == "http://127.0.0.1:1/apexai.bamboohr.com"


@pytest.mark.parametrize("board", ["evil.com/x", "a.b", "x_y", "-x", ""])
def test_a_board_that_is_no_subdomain_is_a_config_error(board):
    with pytest.raises(ConfigError, match="subdomain"):
        get_source("bamboohr").validate_options({}, board)


@pytest.mark.parametrize(
    ("url", "board"),
    [
        ("https://apexai.bamboohr.com/careers", "apexai"),
        ("https://beqom.bamboohr.com/careers/list", "beqom"),
        ("https://curtinmaritime.bamboohr.com/careers/201", "curtinmaritime"),
        ("https://lxt.bamboohr.com/jobs/", "lxt"),
    ],
)
def test_detects_careers_urls(url, board):
    assert get_source("bamboohr").board_from_url(url) == board


@pytest.mark.parametrize(
    "url", ["https://www.bamboohr.com/careers", "https://www.bamboohr.com", "https://x.bamboohr.com"]
)
def test_other_urls_are_not_bamboohr_boards(url):
    assert get_source("bamboohr").board_from_url(url) is None


def test_detects_every_bamboohr_board_of_the_registry():
    table = REGISTRY / "ai_companies.csv"
    if not table.is_file():
        pytest.skip("the shared registry is not next to this checkout")
    seen = 0
    with table.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["ats"] == "bamboohr" and row["careers_url"]:
                assert get_source("bamboohr").board_from_url(row["careers_url"]) == row["board"], row[
                    "careers_url"
                ]
                get_source("bamboohr").validate_options({}, row["board"])
                seen += 1
    assert seen >= 10


def test_replay_routes_do_not_overlap():
    for path in (
        "/curtinmaritime.bamboohr.com/careers/list",
        "/curtinmaritime.bamboohr.com/careers/201/detail",
        "/www.bamboohr.com/",
    ):
        assert len(routes_matching("GET", path)) == 1, path
