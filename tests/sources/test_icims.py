"""iCIMS (careers-buspatrol.icims.com) against its recordings on the replay server.

Pay: the recorded job page of 1977 states it twice, as text in fields, not as amounts: the
JobPosting's `salaryCurrency` (= the page's "Posted Salary Range" field) "USD $190,000.00 - USD
$200,000.00 /Yr." and the description's "Minimum US Base Salary USD $190,000.00/Yr. Maximum US Base
Salary USD $200,000.00/Yr.". Both go through the text normalizer; the band is checked against the
numbers read from the recording here. The search pages state no pay. The other two jobs' pages were
not recorded: the replay serves generated placeholders without pay (tests/fixtures/synth/).
"""

from __future__ import annotations

import html
import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.config import ConfigError, parse_config
from scraper.jsonld import job_posting_objects
from scraper.reparse import reparse
from scraper.replay import ReplayResponse
from scraper.sources import get_source, icims
from tests.helpers import REAL, crawl, query
from tests.sources.careersite import (
    GENERATED_NOTE,
    false_claims,
    serve_by_arg,
    serve_html,
    stored_vs_reparsed,
)

BUSPATROL = {"name": "BusPatrol", "source": "icims", "board": "careers-buspatrol.icims.com"}
SEARCH = REAL / "icims/buspatrol_search.html"
SEARCH_PRODUCT = REAL / "icims/buspatrol_search_keyword_product.html"
JOB_1977 = REAL / "jsonld/icims_buspatrol_1977_senior-product-manager.html"
DETAIL = "/jobs/1977/senior-product-manager/job"


def _recorded_cards(path) -> list[tuple[str, str, str]]:
    """(id, title, location) of each card of a recorded search page, read here with selectolax."""
    tree = LexborHTMLParser(path.read_text("utf-8"))
    out = []
    for card in tree.css("li.iCIMS_JobCardItem"):
        href = card.css_first("a.iCIMS_Anchor").attributes["href"]
        location = card.css_first(".header.left span:not(.field-label)")
        out.append(
            (
                re.search(r"/jobs/(\d+)/", href).group(1),
                " ".join(card.css_first("h3").text().split()),
                " ".join(location.text().split()),
            )
        )
    return out


def _money(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+\.\d\d)", text)]


@pytest.mark.parametrize(("query_option", "recording"), [(None, SEARCH), ("Product", SEARCH_PRODUCT)])
def test_search_matches_recording(replay, tmp_db, query_option, recording):
    company = {**BUSPATROL, **({"query": query_option} if query_option else {})}
    assert crawl(tmp_db, replay.url, company).status == "ok"
    cards = _recorded_cards(recording)
    assert query(tmp_db, "SELECT external_id, title FROM postings ORDER BY 1") == sorted(
        (i, t) for i, t, _ in cards
    )
    (search,) = [q for _, m, p, q, _ in replay.history if p == "/jobs/search"]
    assert search == {
        "ss": ["1"],
        "pr": ["0"],
        "in_iframe": ["1"],
        **({"searchKeyword": [query_option]} if query_option else {}),
    }
    assert replay.requests_to("/jobs/") == 1 + len(cards)  # "Page 1 of 1": one search, one page a job


def test_pay_of_the_recorded_job_page(replay, tmp_db):
    crawl(tmp_db, replay.url, BUSPATROL)
    ld = job_posting_objects(JOB_1977.read_text("utf-8"))[0]
    low, high = _money(ld["salaryCurrency"])  # "USD $190,000.00 - USD $200,000.00 /Yr."
    assert _money(ld["description"].split("Minimum US Base Salary", 1)[1]) == [low, high]
    assert "/Yr." in ld["salaryCurrency"]
    rows = query(
        tmp_db, "SELECT posting_id, min_amount, max_amount, currency, period, pay_type, origin FROM pay_bands"
    )
    # One band: the description's "Minimum/Maximum US Base Salary" restates the field and says base.
    assert rows == [("icims:careers-buspatrol.icims.com:1977", low, high, "USD", "year", "base", "text")]


def test_recorded_job_page_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, BUSPATROL)
    ld = job_posting_objects(JOB_1977.read_text("utf-8"))[0]
    address = ld["jobLocation"][0]["address"]
    (row,) = query(
        tmp_db,
        "SELECT title, url, location, department, employment_type, strftime(posted_at, '%Y-%m-%d') "
        "FROM postings WHERE external_id = '1977'",
    )
    assert (
        row
        == (
            ld["title"],
            ld["url"],
            f"{address['addressLocality']}, {address['addressRegion']}, {address['addressCountry']}",
            ld["occupationalCategory"],  # the card's "Category" says the same
            ld["employmentType"],
            ld["datePosted"][:10],
        )
    )


def test_placeholder_pages_take_the_path_without_json_ld(replay, tmp_db):
    """The generated pages of 1925 and 1922 have no JSON-LD: header fields and page text are read."""
    crawl(tmp_db, replay.url, BUSPATROL)
    cards = {i: (t, loc) for i, t, loc in _recorded_cards(SEARCH)}
    rows = query(
        tmp_db,
        "SELECT external_id, title, location, department, employment_type, remote, description FROM postings "
        "WHERE external_id IN ('1925', '1922') ORDER BY 1",
    )
    assert [r[:3] for r in rows] == [(i, *cards[i]) for i in ("1922", "1925")]
    assert [r[3:6] for r in rows] == [("Sales & Communication - Sales", "Full-Time", "remote")] * 2
    assert all("generated by paybands for the replay server" in r[6] for r in rows)


def _job_page(title: str, salary: str | None, text: str) -> str:
    """A generated job page without JSON-LD, in the recorded page's header layout."""
    pay = (
        f"<div class='iCIMS_JobHeaderTag'><dt class='iCIMS_JobHeaderField'>Posted Salary Range</dt>"
        f"<dd class='iCIMS_JobHeaderData'><span>{html.escape(salary)}</span></dd></div>"
        if salary
        else ""
    )
    return (
        f"<!doctype html><!-- {GENERATED_NOTE} --><div class='iCIMS_JobContent'><h1 class='iCIMS_Header'>"
        f"{html.escape(title)}</h1><div class='header left'><span class='sr-only field-label'>Location</span>"
        f"<span>US-NY-New York</span></div><dl class='iCIMS_JobHeaderGroup'>{pay}</dl>"
        f"<div class='iCIMS_InfoMsg_Job'><p>{text}</p></div></div>"
    )


def test_a_salary_field_without_json_ld_goes_through_the_normalizer(replay, tmp_db):
    # Generated: 1922's page with a "Posted Salary Range" header field, as 1977's page has, but no JSON-LD.
    serve_html(
        replay,
        ["/jobs/1922/director-of-public-policy/job"],
        lambda _p: _job_page(
            "Director of Public Policy", "USD $150,000.00 - USD $180,000.00 /Yr.", "Lead policy."
        ),
    )
    crawl(tmp_db, replay.url, BUSPATROL)
    rows = query(
        tmp_db, "SELECT posting_id, min_amount, max_amount, currency, period FROM pay_bands ORDER BY 1"
    )
    assert rows == [
        ("icims:careers-buspatrol.icims.com:1922", 150000.0, 180000.0, "USD", "year"),
        ("icims:careers-buspatrol.icims.com:1977", 190000.0, 200000.0, "USD", "year"),
    ]


def _search_page(ids: list[int], page: int, pages: int | None) -> str:
    """A generated search page: job cards and the "Search Results Page N of M" heading."""
    cards = "".join(
        f"<li class='iCIMS_JobCardItem'><div class='header left'><span class='sr-only field-label'>Location"
        f"</span><span>US-TX-Austin</span></div><a class='iCIMS_Anchor' href='https://careers-buspatrol.icims.com"
        f"/jobs/{i}/engineer-{i}/job?in_iframe=1'><h3>Engineer {i}</h3></a></li>"
        for i in ids
    )
    heading = f"<h2 class='iCIMS_SubHeader iCIMS_SubHeader_Jobs'>Search Results Page {page} of {pages}</h2>"
    return f"<!doctype html><!-- {GENERATED_NOTE} -->{heading if pages else ''}<ul class='iCIMS_JobsTable'>{cards}</ul>"


def _serve_paged(replay, sizes: list[int], pages: int | None) -> list[int]:
    ids, served = [], {}
    for n, size in enumerate([*sizes, 0]):
        batch = list(range(5000 + 20 * n, 5000 + 20 * n + size))
        served[str(n)] = _search_page(batch, n + 1, pages)
        ids += batch
    serve_by_arg(replay, "GET", "/jobs/search", "pr", served)
    serve_html(replay, [f"/jobs/{i}/engineer-{i}/job" for i in ids], lambda p: _job_page(p, None, "-"))
    return ids


@pytest.mark.parametrize(
    ("sizes", "pages", "calls", "status"),
    [
        ([20, 20, 3], 3, 3, "ok"),  # stops at the last page the heading counts
        ([20, 20], None, 3, "ok"),  # no heading: the empty page ends it
        ([20, 20], 4, 3, "attention"),  # page 3 of 4 empty: partial
    ],
)
def test_paging_by_pr(replay, tmp_db, sizes, pages, calls, status):
    ids = _serve_paged(replay, sizes, pages)
    assert crawl(tmp_db, replay.url, BUSPATROL).status == status
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(len(ids),)]
    prs = [q["pr"][0] for _, m, p, q, _ in replay.history if p == "/jobs/search"]
    assert prs == [str(n) for n in range(calls)]


def test_a_portal_that_ignores_pr_is_partial_and_paging_is_bounded(replay, tmp_db, monkeypatch):
    page = _search_page(list(range(5000, 5020)), 1, None)
    replay.overrides[("GET", "/jobs/search")] = lambda req: ReplayResponse.html(page)
    serve_html(
        replay, [f"/jobs/{i}/engineer-{i}/job" for i in range(5000, 5020)], lambda p: _job_page(p, None, "-")
    )
    result = crawl(tmp_db, replay.url, BUSPATROL)
    assert result.status == "attention" and "ignores pr" in " ".join(result.outcomes[0].notes)
    assert replay.requests_to("/jobs/search") == 2
    monkeypatch.setattr(icims, "MAX_PAGES", 2)
    _serve_paged(replay, [20, 20, 20], 3)
    assert crawl(tmp_db, replay.url, BUSPATROL).status == "attention"


def test_an_unknown_portal_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**BUSPATROL, "base_url": f"{replay.url}/careers-nosuch.icims.com"})
    assert (result.status, result.outcomes[0].error_kind) == ("failed", "not_found")


def test_a_page_that_is_no_search_page_fails_the_board(replay, tmp_db):
    replay.overrides[("GET", "/jobs/search")] = lambda req: ReplayResponse.html(
        "<html><frameset></frameset></html>"
    )
    result = crawl(tmp_db, replay.url, BUSPATROL)
    assert result.status == "failed"
    assert result.outcomes[0].error == f"{replay.url}/jobs/search is not an iCIMS job search page"


def test_a_broken_job_page_keeps_the_card(replay, tmp_db):
    serve_html(replay, [DETAIL], lambda _p: "<p>An error occurred</p>")
    assert crawl(tmp_db, replay.url, BUSPATROL).status == "ok"
    (row,) = query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = '1977'")
    card = next(c for c in _recorded_cards(SEARCH) if c[0] == "1977")
    assert row[:2] == card[1:]
    assert row[2].startswith("Job Title: Senior Product Manager")  # the card's cut description
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, BUSPATROL)
    stored, again = stored_vs_reparsed(tmp_db, "icims", "careers-buspatrol.icims.com")
    assert len(stored) == 3 and stored == again
    result = reparse(tmp_db)
    assert (result.postings, result.changed, result.skipped) == (3, 0, [])
    (payload,) = query(tmp_db, "SELECT payload FROM posting_raw WHERE posting_id LIKE '%:1977'")[0]
    assert json.loads(payload)["detail"]["jobPosting"] == job_posting_objects(JOB_1977.read_text("utf-8"))[0]


@pytest.mark.parametrize(
    ("url", "board"),
    [
        # The registry's D. E. Shaw careers URL and conflict boards, the recorded requests.
        ("https://careers-desis.icims.com", "careers-desis.icims.com"),
        ("careers-rws.icims.com", "careers-rws.icims.com"),
        ("https://university-uber.icims.com/jobs/search", "university-uber.icims.com"),
        (
            "https://careers-buspatrol.icims.com/jobs/search?ss=1&pr=0&in_iframe=1",
            "careers-buspatrol.icims.com",
        ),
        (
            "https://careers-buspatrol.icims.com/jobs/1977/senior-product-manager/job",
            "careers-buspatrol.icims.com",
        ),
        ("https://www.icims.com/", None),  # the vendor's own site
        ("https://jobs.lever.co/icims", None),
    ],
)
def test_detection(url, board):
    assert get_source("icims").board_from_url(url) == board


def test_detection_claims_no_other_ats_board():
    assert false_claims("icims") == []


def test_the_board_is_a_host():
    with pytest.raises(ConfigError, match="icims board is the careers site's host"):
        parse_config(
            {"company": [{"name": "B", "source": "icims", "board": "https://careers-x.icims.com/jobs"}]}
        )
