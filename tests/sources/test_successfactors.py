"""SuccessFactors (jobs.sap.com) against its recordings on the replay server.

No recording has pay: the recorded results page lists titles and places only, and the one recorded
job page (a Bangalore student role) states none. Pay is therefore tested on generated job pages
(built here and marked as generated) through the text normalizer, the only pay path this source has.
Paging is tested on generated results pages too: only the first results page was recorded.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.config import ConfigError, parse_config
from scraper.reparse import reparse
from scraper.replay import Fault, ReplayResponse
from scraper.sources import get_source, successfactors
from tests.helpers import REAL, crawl, query
from tests.sources.careersite import (
    GENERATED_NOTE,
    false_claims,
    serve_by_arg,
    serve_html,
    stored_vs_reparsed,
)

SAP = {"name": "SAP", "source": "successfactors", "board": "jobs.sap.com", "query": "engineer"}
SEARCH = REAL / "successfactors/sap_search_engineer.html"
JOB = REAL / "successfactors/sap_job_1414343333.html"


def _recorded_rows() -> list[tuple[str, str, str, str]]:
    """(id, title, location, href) of each row of the recorded results page, read here with selectolax."""
    tree = LexborHTMLParser(SEARCH.read_text("utf-8"))
    out = {}
    for row in tree.css("tr.data-row"):
        link = row.css_first("a.jobTitle-link")
        href = link.attributes["href"]
        job_id = re.search(r"/(\d+)/$", href).group(1)
        out.setdefault(
            job_id,
            (
                job_id,
                " ".join(link.text().split()),
                " ".join(row.css_first(".jobLocation").text().split()),
                href,
            ),
        )
    return list(out.values())


def test_results_page_matches_recording(replay, tmp_db):
    result = crawl(tmp_db, replay.url, SAP)
    assert result.status == "ok", result.outcomes
    rows = _recorded_rows()
    assert len(rows) == 25
    assert query(tmp_db, "SELECT external_id, title, location, url FROM postings ORDER BY 1") == sorted(
        (i, t, loc, f"https://jobs.sap.com{href}") for i, t, loc, href in rows
    )
    # One results page (the recorded label "1 – 25 of 633" is served as the 25 the replay has), one
    # job page per posting, and no pay anywhere (see the module docstring).
    assert [p for m, p in replay.log if p == "/search/"] == ["/search/"]
    assert replay.requests_to("/job/") == 25
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_recorded_job_page_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, SAP)
    tree = LexborHTMLParser(JOB.read_text("utf-8"))
    fields = {
        " ".join(t.css_first(".joblayouttoken-label").text().split()).rstrip(":"): " ".join(
            t.css_first("[data-careersite-propertyid]").text().split()
        )
        for t in tree.css(".joblayouttoken")
        if t.css_first(".joblayouttoken-label") is not None
    }
    posted = tree.css_first("meta[itemprop=datePosted]").attributes[
        "content"
    ]  # "Mon Jul 13 00:00:00 UTC 2026"
    first_paragraph = " ".join(tree.css_first(".jobdescription p").text().split())
    (row,) = query(
        tmp_db,
        "SELECT title, department, employment_type, posted_at, description FROM postings "
        "WHERE external_id = '1414343333'",
    )
    assert row[:3] == (
        " ".join(tree.css_first("[itemprop=title]").text().split()),
        fields["Work Area"],
        fields["Employment Type"],
    )
    assert row[3] == datetime.strptime(posted, "%a %b %d %H:%M:%S %Z %Y").replace(tzinfo=UTC)
    assert row[4].startswith(first_paragraph)


def _job_page(title: str, location: str, description: str) -> str:
    """A generated job page in the recorded page's microdata layout."""
    return (
        f"<!doctype html><!-- {GENERATED_NOTE} --><div class='jobDisplayShell' itemscope "
        "itemtype='http://schema.org/JobPosting'><span itemprop='jobLocation' itemscope><span itemprop="
        f"'address' itemscope><meta itemprop='streetAddress' content='{html.escape(location)}'></span></span>"
        f"<h1><span itemprop='title'>{html.escape(title)}</span></h1>"
        f"<span itemprop='description'><span class='jobdescription'><p>{description}</p></span></span></div>"
    )


def test_pay_in_the_description_goes_through_the_normalizer(replay, tmp_db):
    # Generated: the recorded Reston posting's page, as SAP writes US pay ranges in descriptions.
    reston = next(r for r in _recorded_rows() if r[0] == "1408906233")
    sentence = "The base pay range for this position is $140,300 - $272,200 USD annually."
    serve_html(replay, [reston[3]], lambda _p: _job_page(reston[1], reston[2], sentence))
    crawl(tmp_db, replay.url, SAP)
    assert query(
        tmp_db, "SELECT posting_id, min_amount, max_amount, currency, period, origin FROM pay_bands"
    ) == [("successfactors:jobs.sap.com:1408906233", 140300.0, 272200.0, "USD", "year", "text")]


def _results_page(ids: list[int], total: int | None) -> str:
    """A generated results page in the recorded layout: `tr.data-row` rows and the paginationLabel."""
    rows = "".join(
        f"<tr class='data-row'><td class='colTitle'><a href='/job/Generated-{i}/{i}/' class='jobTitle-link'>"
        f"Engineer {i}</a></td><td class='colLocation'><span class='jobLocation'>Berlin, DE</span></td></tr>"
        for i in ids
    )
    label = f"<span class='paginationLabel'>Results <b>1 – 25</b> of <b>{total}</b></span>" if total else ""
    return f"<!doctype html><!-- {GENERATED_NOTE} -->{label}<table id='searchresults'><tbody>{rows}</tbody></table>"


def _serve_paged(replay, sizes: list[int], total: int | None) -> list[int]:
    ids, pages, start = [], {}, 0
    for size in sizes:
        batch = list(range(9_000_000_000 + start, 9_000_000_000 + start + size))
        pages[str(start)] = _results_page(batch, total)
        ids += batch
        start += size
    pages[str(start)] = _results_page([], total)  # past the end: a results page without rows
    serve_by_arg(replay, "GET", "/search/", "startrow", pages)
    serve_html(replay, [f"/job/Generated-{i}/{i}/" for i in ids], lambda p: _job_page(p, "Berlin, DE", "-"))
    return ids


@pytest.mark.parametrize(
    ("sizes", "total", "calls", "status"),
    [
        ([25, 25, 10], 60, 3, "ok"),  # a short last page reaches the total
        ([25, 25], 50, 2, "ok"),  # the total reached: no call past it
        ([25, 25], 80, 3, "attention"),  # an empty page before the total: a partial listing
        ([25, 25], None, 3, "ok"),  # no label: the empty page ends the listing
    ],
)
def test_paging_by_startrow(replay, tmp_db, sizes, total, calls, status):
    ids = _serve_paged(replay, sizes, total)
    assert crawl(tmp_db, replay.url, SAP).status == status
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(len(ids),)]
    starts = [q["startrow"][0] for _, m, p, q, _ in replay.history if p == "/search/"]
    assert starts == [str(sum(sizes[:n])) for n in range(calls)]


def test_a_site_that_ignores_startrow_is_partial(replay, tmp_db):
    page = _results_page(list(range(9_000_000_000, 9_000_000_025)), 100)
    replay.overrides[("GET", "/search/")] = lambda req: ReplayResponse.html(page)
    serve_html(
        replay,
        [f"/job/Generated-{i}/{i}/" for i in range(9_000_000_000, 9_000_000_025)],
        lambda p: _job_page(p, "x", "-"),
    )
    result = crawl(tmp_db, replay.url, SAP)
    assert result.status == "attention"
    assert "ignores startrow" in " ".join(result.outcomes[0].notes)
    assert replay.requests_to("/search/") == 2


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(successfactors, "MAX_PAGES", 2)
    _serve_paged(replay, [25, 25, 25], 75)
    assert crawl(tmp_db, replay.url, SAP).status == "attention"
    assert replay.requests_to("/search/") == 2


def test_a_later_page_failing_keeps_what_was_read(replay, tmp_db):
    _serve_paged(replay, [25, 25], 50)
    pages = replay.overrides[("GET", "/search/")]
    replay.overrides[("GET", "/search/")] = lambda req: (
        ReplayResponse.html("busy", 503) if req.arg("startrow") == "25" else pages(req)
    )
    result = crawl(tmp_db, replay.url, SAP)
    assert result.status == "attention"
    assert "page 2 failed" in " ".join(result.outcomes[0].notes)
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(25,)]


def test_an_unknown_site_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**SAP, "base_url": f"{replay.url}/jobs.nosuch.example"})
    assert (result.status, result.outcomes[0].error_kind) == ("failed", "not_found")


def test_a_page_that_is_no_results_page_fails_the_board(replay, tmp_db):
    replay.overrides[("GET", "/search/")] = lambda req: ReplayResponse.html(
        "<html><body>Down for maintenance"
    )
    result = crawl(tmp_db, replay.url, SAP)
    assert result.status == "failed"
    assert result.outcomes[0].error == f"{replay.url}/search/ is not a SuccessFactors search page"


def test_a_broken_job_page_keeps_the_list_row(replay, tmp_db):
    reston = next(r for r in _recorded_rows() if r[0] == "1408906233")
    serve_html(replay, [reston[3]], lambda _p: "<html><body><p>Something went wrong</p></body></html>")
    replay.faults["/job/Berlin-Senior-Platform-Engineer-%28mfd%29-10557/1408882033/"] = Fault(status=500)
    assert crawl(tmp_db, replay.url, SAP).status == "ok"
    rows = query(
        tmp_db,
        "SELECT external_id, title, location, description FROM postings "
        "WHERE external_id IN ('1408906233', '1408882033') ORDER BY 1",
    )
    by_id = {r[0]: r for r in _recorded_rows()}
    assert rows == [(i, by_id[i][1], by_id[i][2], None) for i in ("1408882033", "1408906233")]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, SAP)
    stored, again = stored_vs_reparsed(tmp_db, "successfactors", "jobs.sap.com")
    assert len(stored) == 25 and stored == again
    result = reparse(tmp_db)
    assert (result.postings, result.changed, result.skipped) == (25, 0, [])


@pytest.mark.parametrize(
    ("url", "board"),
    [
        # The recorded requests, the registry's SAP careers URL and a host from openings-mcp's list.
        ("https://jobs.sap.com/search/?q=engineer&locationsearch=&startrow=0", "jobs.sap.com"),
        ("https://jobs.sap.com/job/1414343333/1414343333/", "jobs.sap.com"),
        ("https://jobs.sap.com/search/", "jobs.sap.com"),
        ("https://mindray.jobs.hr.cloud.sap/", "mindray.jobs.hr.cloud.sap"),
        ("https://careers.sappi.com/job/Johannesburg-Engineer/1234567890/", "careers.sappi.com"),
        ("https://careers.sappi.com/search/?q=&locationsearch=", "careers.sappi.com"),
        # Only the host: nothing in it says SuccessFactors.
        ("https://careers.sappi.com/", None),
        ("https://example.com/search/?q=engineer", None),
    ],
)
def test_detection(url, board):
    assert get_source("successfactors").board_from_url(url) == board


def test_detection_claims_no_other_ats_board():
    assert false_claims("successfactors") == []


@pytest.mark.parametrize("board", ["https://jobs.sap.com", "jobs.sap.com/search/", "jobs"])
def test_the_board_is_a_host(board):
    with pytest.raises(ConfigError, match="successfactors board is the careers site's host"):
        parse_config({"company": [{"name": "SAP", "source": "successfactors", "board": board}]})
