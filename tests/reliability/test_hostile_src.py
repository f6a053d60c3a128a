"""#13, sources: one bad posting costs one posting, and a listing read only in part says so.

Every case crawls a generated board on the hostile server (tests/reliability/hostile_modes_src.py):
once through the source class directly, to read its `report` (what the crawl's removal safety
consumes), and, for the bad postings, once through `paybands crawl`'s engine into DuckDB, to check
the rest of the board was stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper.config import CompanyConfig, CrawlSettings
from scraper.fetch import Fetcher
from scraper.models import Posting
from scraper.sources import get_source, lever
from scraper.sources.base import BoardReport, CrawlContext, SourceError
from tests.helpers import crawl, query
from tests.reliability.hostile_modes_src import BAD_INDEX, BAD_VALUES
from tests.reliability.hostile_server import HostileServer

N = 5  # postings on each generated board
BOARD = {
    "greenhouse": "acme",
    "ashby": "acme",
    "lever": "acme",
    "smartrecruiters": "acme",
    "workday": "acme/External",
    "eightfold": "acme.com",
    "jsonld": "/hostile-careers/",
}


def _ids(source: str) -> list[str]:
    """external_id of each generated posting, in board order."""
    if source == "greenhouse":
        return [str(1000 + i) for i in range(N)]
    if source == "eightfold":
        return [str(7000 + i) for i in range(N)]
    if source == "workday":
        return [f"JR{i}" for i in range(N)]
    return [f"p{i}" for i in range(N)]


def _company(source: str, base_url: str) -> dict[str, Any]:
    if source == "jsonld":
        return {
            "name": "Hostile",
            "source": "jsonld",
            "board": "hostile",
            "url": f"{base_url}{BOARD['jsonld']}",
        }
    return {"name": "Hostile", "source": source, "board": BOARD[source]}


def crawl_source(
    source: str, base_url: str, board: str | None = None
) -> tuple[list[Posting] | Exception, BoardReport]:
    """The source's own crawl of one board: its postings (or the exception it raised) and its report."""
    spec = _company(source, base_url)
    options = {k: v for k, v in spec.items() if k not in ("name", "source", "board")}
    company = CompanyConfig(
        name="Hostile", source=source, board=board or spec["board"], base_url=base_url, options=options
    )
    src = get_source(source)(company)  # type: ignore[misc]
    settings = CrawlSettings(per_host_delay_s=0.0, timeout_s=10.0, max_retries=0)

    async def run() -> list[Posting] | Exception:
        async with Fetcher(settings) as fetcher:
            ctx = CrawlContext(fetcher, settings)
            try:
                return await src.crawl(ctx)
            except Exception as exc:  # noqa: BLE001 - the test reports what the board failed with
                return exc
            finally:
                await ctx.close()

    return asyncio.run(run()), src.report


@pytest.fixture
def srv() -> Iterator[HostileServer]:
    server = HostileServer(max_requests=5_000, max_seconds=120).start()
    try:
        yield server
    finally:
        server.stop()


# -- item 4: one bad value costs one posting --------------------------------------------------------
CASES = [
    (source, bad)
    for source in BOARD
    for bad in BAD_VALUES
    # schema.org allows a list of identifiers: JSON-LD reads its first, so that posting is fine.
    if not (source == "jsonld" and bad == "list id")
]


@pytest.mark.parametrize(("source", "bad"), CASES, ids=[f"{s}-{b}" for s, b in CASES])
def test_one_hostile_posting_costs_at_most_itself(srv, tmp_path: Path, source: str, bad: str, rel) -> None:
    srv.arm("one-hostile-posting", source=source, board=BOARD[source], n=N, bad=bad)
    result, report = crawl_source(source, srv.url)
    db = tmp_path / "paybands.duckdb"
    run = crawl(db, srv.url, _company(source, srv.url), max_retries=0)
    stored = sorted(r[0] for r in query(db, "SELECT external_id FROM postings"))

    ids = _ids(source)
    skipped = bad == "list id"  # a posting without a usable id cannot be stored; any other value can
    expected = sorted(ids[:BAD_INDEX] + ids[BAD_INDEX + 1 :] if skipped else ids)
    got = sorted(p.external_id for p in result) if isinstance(result, list) else result
    outcome = run.outcomes[0]
    rel.record(
        "Hostile input",
        f"{source}: one posting of {N} carries a hostile value ({bad})",
        outcome=(
            f"board {outcome.status}; {len(stored)} of {N} postings stored; report skipped={report.skipped}"
            + (f" ({report.notes[0]})" if report.notes else "")
            if isinstance(result, list)
            else f"board failed: {type(result).__name__}: {result}"
        ),
        lost="nothing" if stored == expected else f"{N - len(stored)} of {N} postings",
    )
    assert got == expected, f"the source returned {got!r}"
    # A skipped posting holds the board's removals, and a person is told: status "attention".
    assert outcome.status == ("attention" if skipped else "ok") and stored == expected
    assert report.complete
    assert report.skipped == (1 if skipped else 0)
    if skipped:
        assert len(report.notes) == 1 and "not a string or an integer" in report.notes[0], report.notes
    else:
        assert report.notes == [] and isinstance(result, list)
        hostile = next(p for p in result if p.external_id == ids[BAD_INDEX])
        assert "\x00" not in hostile.title and all("\x00" not in (p.raw or "") for p in result)
        # The hostile amount is no band: at most the description's own statement of pay.
        assert all(b.min_amount is None or b.min_amount < 1e7 for b in hostile.bands)


def test_every_posting_unreadable_fails_the_board(srv, rel) -> None:
    """No readable posting at all is a changed format or a bug, not bad postings: the board fails
    (an empty board must never be stored as if every posting ended)."""
    body = b'{"jobs": [' + b",".join(b'{"id": [%d], "title": "x"}' % i for i in range(3)) + b"]}"
    srv.overrides[("GET", "/v1/boards/acme/jobs")] = lambda req: _json(body)
    result, report = crawl_source("greenhouse", srv.url)
    rel.record(
        "Hostile input",
        "greenhouse: every posting of 3 has a list as id",
        outcome=f"board failed: {result}" if isinstance(result, Exception) else f"{len(result)} postings",
    )
    assert isinstance(result, SourceError)
    assert "none of the 3 postings greenhouse listed could be read" in str(result)
    assert report.skipped == 3


def _json(body: bytes) -> Any:
    from scraper.replay import ReplayResponse

    return ReplayResponse(200, body, {"Content-Type": "application/json"})


# -- item 10: caps and paging that ends early are reported ------------------------------------------
def test_lever_board_that_never_ends_is_reported_at_the_cap(srv, monkeypatch, rel) -> None:
    monkeypatch.setattr(lever, "MAX_PAGES", 3)  # the real cap is 200 pages (20,000 postings)
    srv.arm("lever-endless", site="acme")
    result, report = crawl_source("lever", srv.url)
    assert isinstance(result, list)
    rel.record(
        "Faults",
        "Lever board that never ends (cap lowered to 3 pages)",
        outcome=f"{len(result)} postings read, listing complete={report.complete}: {'; '.join(report.notes)}",
    )
    assert len(result) == 300 and srv.requests_to("/v0/postings/acme") == 3
    assert not report.complete
    assert report.notes == ["stopped at the 300-posting cap of lever; the board may list more"]


# (source, board size, how the later pages break, postings read, words the partial note must hold)
EARLY = [
    ("lever", 150, {"fail": True}, 100, "page 2 failed"),
    ("lever", 150, {}, 100, "page 2 answered no postings after a full page of 100 (asked twice)"),
    ("smartrecruiters", 130, {}, 100, "100 of the 130 postings it counts were listed (page 2 was empty)"),
    ("smartrecruiters", 130, {"fail": True}, 100, "page 2 failed"),
    ("workday", 50, {}, 20, "20 of the 50 postings it counts were listed (page 2 was empty)"),
    ("workday", 50, {"fail": True}, 20, "page 2 failed"),
    ("eightfold", 30, {}, 10, "10 of the 30 positions it counts were listed (page 2 was empty)"),
    ("eightfold", 30, {"fail": True}, 10, "page 2 failed"),
]


@pytest.mark.parametrize(
    ("source", "n", "how", "read", "note"),
    EARLY,
    ids=[f"{e[0]}-{'503' if e[2] else 'empty'}" for e in EARLY],
)
def test_paging_that_ends_early_marks_the_listing_partial(
    srv, source: str, n: int, how: dict[str, Any], read: int, note: str, rel
) -> None:
    srv.arm("paging-ends-early", source=source, board=BOARD[source], n=n, **how)
    result, report = crawl_source(source, srv.url)
    what = "HTTP 503" if how else "[]"
    rel.record(
        "Faults",
        f"{source}: pages after the first answer {what} on a board of {n}",
        outcome=(
            f"{len(result)} postings read, listing complete={report.complete}: {'; '.join(report.notes)}"
            if isinstance(result, list)
            else f"board failed: {result}"
        ),
        # Partial (or, for Lever, maybe cut), the crawl holds this board's removals (it reads `report`).
        lost="nothing (listing reported partial)"
        if not report.complete or report.uncertain_end
        else f"{n - len(result)} postings as removals",
    )
    assert isinstance(result, list) and len(result) == read
    # Lever has no total: an empty page after a full one may be the end, so it is "maybe cut" (held one
    # run, confirmed by the next), not partial; the others' totals say the listing is short.
    assert (
        report.uncertain_end if source == "lever" and not how else not report.complete
    ) and report.skipped == 0
    assert len(report.notes) == 1 and note in report.notes[0], report.notes


@pytest.mark.parametrize("source", ["lever", "smartrecruiters", "workday", "eightfold"])
def test_a_page_that_glitches_once_is_read_whole(srv, source: str, rel) -> None:
    """A later page answering [] once: Lever asks again; the others' totals keep paging honest."""
    n = {"lever": 150, "smartrecruiters": 130, "workday": 50, "eightfold": 30}[source]
    srv.arm("paging-ends-early", source=source, board=BOARD[source], n=n, times=1)
    result, report = crawl_source(source, srv.url)
    assert isinstance(result, list)
    rel.record(
        "Faults",
        f"{source}: page 2 of a board of {n} answers [] once",
        outcome=f"{len(result)} postings read, listing complete={report.complete}: {'; '.join(report.notes)}",
        # Read whole, or read in part and said so: either way no posting is taken for a removal.
        lost="nothing"
        if len(result) == n or not report.complete
        else f"{n - len(result)} postings as removals",
    )
    if source == "lever":  # the glitch healed on the second ask
        assert len(result) == n and report.complete
    else:  # no second ask: the total says the listing is short, so it is partial (never removals)
        assert len(result) < n and not report.complete
