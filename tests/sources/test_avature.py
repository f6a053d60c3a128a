"""Avature (bloomberg.avature.net, koch.avature.net) against their recordings on the replay server.

No recording has pay: Bloomberg's search page lists titles and places, its recorded JobDetail
(Singapore) states none, and Koch's says only that "Any compensation range provided for a role is
an estimate", with no figures (no band must come of it). Pay is therefore tested on a generated
JobDetail page (built here, marked as generated) through the text normalizer, the only pay path
this source has. Paging is tested on generated search pages: only the first page was recorded.
"""

from __future__ import annotations

import html
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.config import ConfigError, parse_config
from scraper.reparse import reparse
from scraper.replay import ReplayResponse
from scraper.sources import avature, get_source
from scraper.sources._careersite import parse
from tests.helpers import REAL, crawl, query
from tests.sources.careersite import (
    GENERATED_NOTE,
    false_claims,
    serve_by_arg,
    serve_html,
    stored_vs_reparsed,
)

BLOOMBERG = {"name": "Bloomberg", "source": "avature", "board": "bloomberg.avature.net"}
SEARCH = REAL / "avature/bloomberg_SearchJobs.html"
DETAIL = REAL / "avature/bloomberg_JobDetail_20873.html"
KOCH = REAL / "avature/koch_JobDetail_161128.html"


def _recorded_entries() -> list[tuple[str, str, str, str]]:
    """(id, title, location, link) of each result of the recorded search page, read here with selectolax."""
    tree = LexborHTMLParser(SEARCH.read_text("utf-8"))
    out = []
    for article in tree.css("article.article--result"):
        link = article.css_first("h3 a")
        href = link.attributes["href"]
        out.append(
            (
                re.search(r"/(\d+)$", href).group(1),
                " ".join(link.text().split()),
                " ".join(article.css_first(".list-item-location").text().split()),
                href,
            )
        )
    return out


def _fields(path) -> dict[str, str]:
    """Label -> value of a recorded JobDetail page's labelled fields, read here with selectolax."""
    tree = LexborHTMLParser(path.read_text("utf-8"))
    out = {}
    for field in tree.css(".article__content__view__field"):
        label = field.css_first(".article__content__view__field__label")
        if label is not None:
            value = field.css_first(".article__content__view__field__value")
            out[" ".join(label.text().split())] = " ".join(value.text().split())
    return out


def test_search_page_matches_recording(replay, tmp_db):
    result = crawl(tmp_db, replay.url, BLOOMBERG)
    assert result.status == "ok", result.outcomes
    entries = _recorded_entries()
    assert len(entries) == 12
    recorded_detail = _fields(DETAIL)["Location"]  # the JobDetail page's own "Location" wins
    expected = [(i, t, recorded_detail if i == "20873" else loc, href) for i, t, loc, href in entries]
    assert query(tmp_db, "SELECT external_id, title, location, url FROM postings ORDER BY 1") == sorted(
        expected
    )
    # One search page (its legend "1-12 of 436" is served as the 12 the replay has), one JobDetail a
    # posting, asked as the portal's own paging links ask; no pay anywhere (module docstring).
    (search,) = [q for _, m, p, q, _ in replay.history if p == "/careers/SearchJobs/"]
    assert search == {"jobRecordsPerPage": ["12"], "jobOffset": ["0"]}
    assert replay.requests_to("/careers/JobDetail/") == 12
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_recorded_job_page_fields(replay, tmp_db):
    crawl(tmp_db, replay.url, BLOOMBERG)
    fields = _fields(DETAIL)
    tree = LexborHTMLParser(DETAIL.read_text("utf-8"))
    title = tree.css_first("meta[property='og:title']").attributes["content"]
    (row,) = query(
        tmp_db, "SELECT title, location, department, description FROM postings WHERE external_id = '20873'"
    )
    assert row[:3] == (title, fields["Location"], fields["Business Area"])
    assert row[3].startswith("Bloomberg is a global leader in business and financial information")
    assert title not in row[3]  # the title field is not part of the description


def test_koch_theme_and_its_compensation_sentence():
    """Koch's theme (portal en_US/careers, labels "Location(s)", "Career Field"), read by the job page
    parser; its "Any compensation range provided ... is an estimate" sentence is no band."""
    src = get_source("avature")(parse_config({"company": [{"name": "Koch", "source": "avature",
        "board": "koch.avature.net", "portal": "en_US/careers"}]}).companies[0])  # fmt: skip
    detail = avature.read_job_page(parse(KOCH.read_text("utf-8")), str(KOCH))
    posting = src.parse_job({"id": "161128", "url": None, "title": None, "location": None, "detail": detail})
    fields = _fields(KOCH)
    assert (posting.title, posting.location, posting.department) == (
        "Operational Technology (OT) Security Engineer",
        fields["Location(s)"],
        fields["Career Field"],
    )
    assert "Any compensation range provided for a role is an estimate" in posting.description
    assert posting.bands == []


def test_koch_job_page_through_the_replay(replay):
    # The portal path with its locale picks Koch's recorded page (no Koch search page was recorded).
    import httpx

    resp = httpx.get(
        f"{replay.url}/en_US/careers/JobDetail/Operational-Technology-OT-Security-Engineer/161128"
    )
    assert resp.status_code == 200 and resp.content == KOCH.read_bytes()


def _job_page(title: str, location: str, description: str) -> str:
    """A generated JobDetail page in the recorded Bloomberg theme."""

    def field(label: str, value: str) -> str:
        lab = f"<div class='article__content__view__field__label'>{label}</div>" if label else ""
        return (
            f"<div class='article__content__view__field'>{lab}"
            f"<div class='article__content__view__field__value'>{value}</div></div>"
        )

    return (
        f"<!doctype html><!-- {GENERATED_NOTE} --><meta property='og:title' content='{html.escape(title)}'>"
        f"<article class='article article--details'>{field('', html.escape(title))}</article>"
        f"<article class='article article--details'>{field('Location', html.escape(location))}</article>"
        f"<article class='article article--details'>{field('', description)}</article>"
    )


def test_pay_in_the_description_goes_through_the_normalizer(replay, tmp_db):
    # Generated: a recorded New York posting's page, stating pay as New York law asks Bloomberg to.
    entry = next(e for e in _recorded_entries() if e[0] == "20906")
    sentence = "<p>Salary range for this role is $160,000 - $240,000 USD annually + benefits + bonus.</p>"
    serve_html(
        replay,
        [entry[3].removeprefix("https://bloomberg.avature.net")],
        lambda _p: _job_page(entry[1], entry[2], sentence),
    )
    crawl(tmp_db, replay.url, BLOOMBERG)
    assert query(
        tmp_db, "SELECT posting_id, min_amount, max_amount, currency, period, origin FROM pay_bands"
    ) == [("avature:bloomberg.avature.net:20906", 160000.0, 240000.0, "USD", "year", "text")]


def _search_page(ids: list[int], total: int | None) -> str:
    """A generated search page in the recorded layout: result articles and the legend."""
    articles = "".join(
        f"<article class='article article--result'><h3><a class='link' "
        f"href='https://bloomberg.avature.net/careers/JobDetail/Generated-{i}/{i}'>Engineer {i}</a></h3>"
        f"<span class='list-item-location'>London</span></article>"
        for i in ids
    )
    legend = (
        f"<div class='list-controls__text__legend' aria-label='{total} results'>1-12 of {total} results</div>"
        if total
        else ""
    )
    return f"<!doctype html><!-- {GENERATED_NOTE} -->{legend}{articles}"


def _serve_paged(replay, sizes: list[int], total: int | None) -> list[int]:
    ids, pages, start = [], {}, 0
    for size in sizes:
        batch = list(range(90_000 + start, 90_000 + start + size))
        pages[str(start)] = _search_page(batch, total)
        ids += batch
        start += size
    pages[str(start)] = _search_page([], total)
    serve_by_arg(replay, "GET", "/careers/SearchJobs/", "jobOffset", pages)
    serve_html(
        replay, [f"/careers/JobDetail/Generated-{i}/{i}" for i in ids], lambda p: _job_page(p, "London", "-")
    )
    return ids


@pytest.mark.parametrize(
    ("sizes", "total", "calls", "status"),
    [
        ([12, 12, 5], 29, 3, "ok"),
        ([12, 12], 24, 2, "ok"),  # the total reached: no call past it
        ([12, 12], 40, 3, "attention"),  # an empty page before the total: partial
        ([12, 12], None, 3, "ok"),  # no legend: the empty page ends the listing
    ],
)
def test_paging_by_job_offset(replay, tmp_db, sizes, total, calls, status):
    ids = _serve_paged(replay, sizes, total)
    assert crawl(tmp_db, replay.url, BLOOMBERG).status == status
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(len(ids),)]
    offsets = [q["jobOffset"][0] for _, m, p, q, _ in replay.history if p == "/careers/SearchJobs/"]
    assert offsets == [str(sum(sizes[:n])) for n in range(calls)]


def test_a_portal_that_ignores_job_offset_is_partial(replay, tmp_db):
    page = _search_page(list(range(90_000, 90_012)), 50)
    replay.overrides[("GET", "/careers/SearchJobs/")] = lambda req: ReplayResponse.html(page)
    serve_html(
        replay,
        [f"/careers/JobDetail/Generated-{i}/{i}" for i in range(90_000, 90_012)],
        lambda p: _job_page(p, "x", "-"),
    )
    result = crawl(tmp_db, replay.url, BLOOMBERG)
    assert result.status == "attention" and "ignores jobOffset" in " ".join(result.outcomes[0].notes)
    assert replay.requests_to("/careers/SearchJobs/") == 2


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(avature, "MAX_PAGES", 2)
    _serve_paged(replay, [12, 12, 12], 36)
    assert crawl(tmp_db, replay.url, BLOOMBERG).status == "attention"
    assert replay.requests_to("/careers/SearchJobs/") == 2


def test_the_portal_option_names_the_path(replay, tmp_db):
    _serve_paged(replay, [3], 3)
    pages = replay.overrides.pop(("GET", "/careers/SearchJobs/"))
    replay.overrides[("GET", "/careersmarketplace/SearchJobs/")] = pages
    for i in range(90_000, 90_003):
        replay.overrides[("GET", f"/careersmarketplace/JobDetail/Generated-{i}/{i}")] = replay.overrides[
            ("GET", f"/careers/JobDetail/Generated-{i}/{i}")
        ]
    # the generated links name /careers/: the portal option decides where the list is asked, and
    # each job is fetched where its own link points
    result = crawl(tmp_db, replay.url, {**BLOOMBERG, "portal": "careersmarketplace"})
    assert result.status == "ok" and replay.requests_to("/careersmarketplace/SearchJobs/") == 1


def test_an_unknown_portal_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**BLOOMBERG, "base_url": f"{replay.url}/nosuch.avature.net"})
    assert (result.status, result.outcomes[0].error_kind) == ("failed", "not_found")


def test_a_page_that_is_no_search_page_fails_the_board(replay, tmp_db):
    replay.overrides[("GET", "/careers/SearchJobs/")] = lambda req: ReplayResponse.html(
        "<p>Service unavailable"
    )
    result = crawl(tmp_db, replay.url, BLOOMBERG)
    assert result.status == "failed"
    assert result.outcomes[0].error == f"{replay.url}/careers/SearchJobs/ is not an Avature job search page"


def test_a_broken_job_page_keeps_the_search_entry(replay, tmp_db):
    entry = next(e for e in _recorded_entries() if e[0] == "20901")
    serve_html(replay, [entry[3].removeprefix("https://bloomberg.avature.net")], lambda _p: "<p>Oops</p>")
    assert crawl(tmp_db, replay.url, BLOOMBERG).status == "ok"
    assert query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = '20901'") == [
        (entry[1], entry[2], None)
    ]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, BLOOMBERG)
    stored, again = stored_vs_reparsed(tmp_db, "avature", "bloomberg.avature.net")
    assert len(stored) == 12 and stored == again
    result = reparse(tmp_db)
    assert (result.postings, result.changed, result.skipped) == (12, 0, [])


@pytest.mark.parametrize(
    ("url", "board"),
    [
        # The registry's Bloomberg careers URL, the recorded requests, openings-mcp portals.
        ("https://bloomberg.avature.net/careers", "bloomberg.avature.net"),
        ("https://bloomberg.avature.net/careers/SearchJobs/", "bloomberg.avature.net"),
        ("https://koch.avature.net/en_US/careers/JobDetail/Operational-Technology-OT-Security-Engineer/161128",
         "koch.avature.net"),
        ("https://one800flowers.avature.net/careersmarketplace", "one800flowers.avature.net"),
        ("https://clinicianjobs.advocatehealth.org/careers/SearchJobs", "clinicianjobs.advocatehealth.org"),
        # A portal on the employer's domain whose URL does not name an Avature page.
        ("https://clinicianjobs.advocatehealth.org/careers", None),
        ("https://www.avature.net/", None),
    ],
)  # fmt: skip
def test_detection(url, board):
    assert get_source("avature").board_from_url(url) == board


def test_detection_claims_no_other_ats_board():
    assert false_claims("avature") == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"board": "https://bloomberg.avature.net/careers"}, "avature board is the careers site's host"),
        ({"board": "bloomberg.avature.net", "portal": "../etc"}, "portal must be the portal's path"),
        ({"board": "bloomberg.avature.net", "portal": "careers?x=1"}, "portal must be the portal's path"),
    ],
)
def test_config_is_checked(table, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config({"company": [{"name": "B", "source": "avature", **table}]})
