"""A database for analysis tests: real recorded boards crawled twice, plus known and hostile postings.

Built once per test module (module scope) into a tmp folder:
  1. crawl of the recorded boards from the replay server (run 1);
  2. a second crawl of Cartesia whose board changed: one band raised, one posting gone,
     one posting new (run 2), so history queries have real changes to find;
  3. the role taxonomy (scraper.enrich.refresh_taxonomy);
  4. "Zyzzyva Labs": hand-made postings with known bands, for exact answers;
  5. hostile postings: markup and quote-breaking text in every crawled text field.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from scraper.replay import ReplayServer
from scraper.replay.server import ReplayRequest, ReplayResponse
from scraper.store import sync_band_facts
from tests.helpers import FIXTURES, REAL, crawl

BOARDS = [
    ("Lambda", "ashby", "Lambda"),
    ("Cartesia", "ashby", "cartesia"),
    ("Decagon", "ashby", "decagon"),
    ("Sierra", "ashby", "sierra"),
    ("Ramp", "ashby", "ramp"),
    ("Zapier", "ashby", "zapier"),
    ("Ashby", "ashby", "ashby"),
    ("Browserbase", "ashby", "browserbase"),
    ("Weaviate", "ashby", "weaviate"),
    ("Anthropic", "greenhouse", "anthropic"),
    ("GitLab", "greenhouse", "gitlab"),
    ("Safari AI", "greenhouse", "safariai"),
    ("Match Group", "lever", "matchgroup"),
    ("Lever Demo", "lever", "leverdemo"),
]

# Crawled text that would run script if it reached the page unescaped.
HOSTILE_TITLE = "<script>window.__pwned=1</script>Staff ML Engineer"
HOSTILE_ATTR = '" onmouseover="window.__pwned=2" data-x="'
HOSTILE_COMPANY = '<img src=x onerror="window.__pwned=3">Evil Corp'
HOSTILE_URL = "javascript:window.__pwned=4"
INJECTION = "' OR 1=1; DROP TABLE postings; --"

# Known bands: (external id, title, [(min, max, currency, pay_type, is_estimate)], active, first_seen)
ZYZZYVA = "Zyzzyva Labs"
_Z_BANDS = [
    ("z1", "Zyzzyva Engineer I", [(90_000, 110_000, "USD", "base", False)], True, "2020-01-01"),
    ("z2", "Zyzzyva Engineer II", [(140_000, 160_000, "USD", "base", False)], True, "2020-01-01"),
    ("z3", "Zyzzyva Engineer III", [(180_000, 220_000, "USD", "base", False)], True, "2020-01-01"),
    ("z4", "Zyzzyva Engineer IV", [(200_000, 300_000, "USD", "base", False)], True, "2020-02-01"),
    ("z5", "Zyzzyva Research Scientist", [(500_000, 700_000, "USD", "total", False)], True, "2020-01-01"),
    ("z6", "Zyzzyva Engineer Estimate", [(900_000, 1_100_000, "USD", "base", True)], True, "2020-01-01"),
    ("z7", "Zyzzyva Engineer Gone", [(800_000, 1_000_000, "USD", "base", False)], False, "2020-01-01"),
]


def _changed_cartesia() -> tuple[dict, dict]:
    """Cartesia's board for run 2: first job's salary +10k both ends, second job gone, a new job."""
    board = json.loads((REAL / "ashby" / "stapply_cartesia_board_comp.json").read_text("utf-8"))
    changed = copy.deepcopy(board)
    jobs = changed["jobs"]
    first = jobs[0]
    for tier in first["compensation"]["compensationTiers"]:
        for part in tier["components"]:
            if part.get("compensationType") == "Salary":
                part["minValue"] += 10_000
                part["maxValue"] += 10_000
    gone = jobs.pop(1)
    new = copy.deepcopy(jobs[1])
    new["id"] = "00000000-0000-4000-8000-000000000001"
    new["title"] = "Machine Learning Engineer, Brand New Team"
    new["jobUrl"] = "https://jobs.ashbyhq.com/cartesia/00000000-0000-4000-8000-000000000001"
    jobs.append(new)
    return changed, {"changed": first["title"], "gone": gone["title"], "new": new["title"]}


def _insert_posting(
    con: duckdb.DuckDBPyConnection,
    *,
    company: str,
    ext: str,
    title: str,
    bands: list[tuple],
    active: bool = True,
    first_seen: str = "2020-01-01",
    role_family: str = "ml_engineer",
    seniority: str = "senior",
    country: str = "US",
    location: str = "San Francisco, CA",
    url: str | None = None,
    zone: str | None = None,
) -> None:
    from scraper.places import metro_of
    from scraper.taxonomy import TAXONOMY_VERSION

    seen = datetime.fromisoformat(first_seen).replace(tzinfo=UTC)
    pid = f"test:{company}:{ext}"
    con.execute(
        """INSERT INTO postings (posting_id, company, source, board, external_id, title, url, location, remote,
                                 first_seen, last_seen, is_active, removed_at, is_ai_ml, role_family, seniority,
                                 city, country, metro, taxonomy_version)
           VALUES (?, ?, 'test', ?, ?, ?, ?, ?, 'onsite', ?, ?, ?, ?, TRUE, ?, ?, 'San Francisco', ?, ?, ?)""",
        [
            pid, company, company, ext, title, url or f"https://example.com/{ext}", location, seen, seen, active,
            None if active else datetime(2020, 3, 1, tzinfo=UTC), role_family, seniority, country,
            metro_of("San Francisco", None, country), TAXONOMY_VERSION,
        ],
    )  # fmt: skip
    for no, (lo, hi, cur, pay_type, estimate) in enumerate(bands, 1):
        rate = {"USD": 1.0, "EUR": 1.172}[cur]
        con.execute(
            """INSERT INTO pay_band_versions (posting_id, posting_key, band_no, min_amount, max_amount, currency,
                   period, annual_min, annual_max, annual_min_usd, annual_max_usd, pay_type, zone, origin,
                   is_estimate, source_text, valid_from, valid_to, run_id)
               SELECT $1, posting_key, $2, $3, $4, $5, 'year', $3, $4, $6, $7, $8, $9, 'structured', $10, $11, $12,
                      NULL, NULL FROM postings WHERE posting_id = $1""",
            [pid, no, lo, hi, cur, lo * rate, hi * rate, pay_type, zone, estimate, title, seen],
        )


def build_db(db: Path) -> dict[str, str]:
    """Crawl, re-crawl, classify, add known and hostile postings; returns the Cartesia change titles."""
    from scraper.enrich import refresh_taxonomy

    companies = [{"name": n, "source": s, "board": b} for n, s, b in BOARDS]
    changed_board, titles = _changed_cartesia()
    with ReplayServer(FIXTURES) as server:
        first = crawl(db, server.url, *companies)
        assert first.status == "ok", first
        path = "/posting-api/job-board/cartesia"

        def changed(req: ReplayRequest) -> ReplayResponse:
            return ReplayResponse.json(changed_board)

        server.overrides[("GET", path)] = changed
        second = crawl(db, server.url, {"name": "Cartesia", "source": "ashby", "board": "cartesia"})
        assert second.status == "ok", second
    con = duckdb.connect(str(db))
    try:
        refresh_taxonomy(con)
        for ext, title, bands, active, first_seen in _Z_BANDS:
            _insert_posting(
                con, company=ZYZZYVA, ext=ext, title=title, bands=bands, active=active, first_seen=first_seen
            )
        _insert_posting(
            con,
            company=HOSTILE_COMPANY,
            ext="h1",
            title=HOSTILE_TITLE,
            bands=[(400_000, 650_000, "USD", "base", False)],
            location=HOSTILE_ATTR,
            url=HOSTILE_URL,
            zone=HOSTILE_ATTR,
            first_seen="2024-01-01",
        )
        _insert_posting(
            con,
            company=HOSTILE_COMPANY,
            ext="h2",
            title=HOSTILE_ATTR,
            bands=[(390_000, 640_000, "USD", "base", False)],
            location="<b>Remote</b>",
            country="<svg onload=window.__pwned=5>",
            first_seen="2024-01-01",
        )
        # Rows written with plain SQL, as an analyst would: band_facts is rebuilt after, as
        # `paybands sql --write` does.
        con.execute("BEGIN")
        sync_band_facts(con)
        con.execute("COMMIT")
    finally:
        con.close()
    return titles


@pytest.fixture(scope="module")
def analysis_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("analysis") / "paybands.duckdb"
    build_db(db)
    return db


@pytest.fixture(scope="module")
def cartesia_changes() -> dict[str, str]:
    return _changed_cartesia()[1]


@pytest.fixture
def ro(analysis_db: Path):
    """A read-only connection, as `paybands query` opens it."""
    con = duckdb.connect(str(analysis_db), read_only=True)
    yield con
    con.close()
