"""The HTML report: self-contained, escaped, readable; rendered in headless Chromium with its charts."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from analysis.charts import IntervalRow, TrendPoint, esc, interval_chart, money, nice_ticks, trend_chart
from analysis.html_report import render_report, write_report
from paybands.cli import cli
from scraper.salary.pay import fx_table
from scraper.schema import ensure_schema
from tests.analysis.conftest import HOSTILE_ATTR, HOSTILE_COMPANY, HOSTILE_TITLE, HOSTILE_URL

CHARTS = ("company-bands", "seniority", "countries", "trend")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def report_dir(analysis_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    res = CliRunner().invoke(cli, ["report", "--db", str(analysis_db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(out / "index.html")
    return out


@pytest.fixture(scope="module")
def page_html(report_dir: Path) -> str:
    return (report_dir / "index.html").read_text("utf-8")


# -- the file ------------------------------------------------------------------------------------


def test_report_writes_index_and_svg_charts_that_are_valid_xml(report_dir, page_html):
    for name in CHARTS:
        svg = (report_dir / "charts" / f"{name}.svg").read_text("utf-8")
        root = ET.fromstring(svg)  # a standalone file must be well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert float(root.get("width")) > 0 and float(root.get("height")) > 0
        assert svg.strip() in page_html  # and the same chart is inlined in the page
    assert page_html.count("<svg") == len(CHARTS)


class _Tags(HTMLParser):
    """What a browser would see: every element and attribute (text content stays text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


def test_report_is_self_contained(page_html):
    tags = _tags(page_html)
    names = {t for t, _ in tags}
    assert not names & {"img", "iframe", "link", "object", "embed", "image", "use", "foreignobject"}
    # Two scripts, both the explorer's: its data (JSON, never run) and its code, which the CSP admits by hash.
    scripts = [a for t, a in tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "explore-data"}, {}]
    code = re.findall(r"<script>(.*?)</script>", page_html, re.S)
    assert len(code) == 1
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    assert "@import" not in page_html and "url(" not in page_html
    for tag, attrs in tags:
        assert "src" not in attrs, tag  # nothing to load
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)  # no event handlers at all
        if "href" in attrs:
            assert tag == "a" and re.match(r"https?://", attrs["href"] or ""), attrs
            assert "noopener" in (attrs.get("rel") or "")
    csp = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]  # and the browser is told to load nothing
    script_src = csp[0]["content"].split("script-src", 1)[1]
    assert script_src.strip() == f"'sha256-{digest}'"  # that one script, nothing inline besides


def test_crawled_text_is_escaped_everywhere(page_html):
    for raw in (
        HOSTILE_TITLE,
        HOSTILE_ATTR,
        HOSTILE_COMPANY,
        "<b>Remote</b>",
        "<svg onload=window.__pwned=5>",
    ):
        assert raw not in page_html
    assert esc(HOSTILE_TITLE) in page_html  # shown, as text
    assert esc(HOSTILE_COMPANY)[:30] in page_html  # the company chart label (clipped) and tables
    assert esc("<svg onload=window.__pwned=5>") in page_html  # a country from the taxonomy, too
    assert HOSTILE_URL not in page_html and "javascript:" not in page_html  # never made a link
    # Parsed as a browser would: the hostile strings produced no element or attribute.
    tags = _tags(page_html)
    assert sum(1 for t, _ in tags if t == "svg") == len(CHARTS)
    assert not [a for _, a in tags if "data-x" in a]


def test_report_says_what_a_recruiter_needs_to_know(page_html):
    text = re.sub(r"<[^>]+>", " ", page_html)
    text = re.sub(r"\s+", " ", text)
    assert f"exchange rates of {fx_table().as_of}" in text
    assert "not base pay" in text and "Total compensation" in text
    assert "few postings" in text  # small groups are flagged
    assert "Pay bands report" in text and "How to read this report" in text
    for heading in ("per company", "by seniority", "by country", "across crawls", "Highest posted"):
        assert heading in text, heading
    assert "United States (US)" in text  # countries by name, not only ISO codes


def test_report_for_a_role_family_and_for_an_empty_database(analysis_db, tmp_path):
    with duckdb.connect(str(analysis_db), read_only=True) as con:
        one = render_report(con, role_family="ml_engineer")
        assert "ML engineer" in one.html
        nothing = render_report(con, title="no title has these words qqq")
        assert "No pay bands to show" in nothing.html
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as con:
        ensure_schema(con)
        index = write_report(con, tmp_path / "empty-report")
    html_ = index.read_text("utf-8")
    assert "No pay bands to show" in html_ and "No crawls with pay bands yet" in html_
    assert "no crawl yet" in html_


def test_terminal_report_is_still_the_default(analysis_db):
    res = CliRunner().invoke(cli, ["report", "--db", str(analysis_db), "--limit", "5"])
    assert res.exit_code == 0, res.output
    assert "Coverage (open postings)" in res.stdout and "<html" not in res.stdout


# -- charts on their own ---------------------------------------------------------------------------


def test_chart_helpers():
    assert [money(v) for v in (950, 185_000, 1_250_000, 2_000_000)] == ["$950", "$185k", "$1.25M", "$2M"]
    assert money(185_000, short=False) == "$185,000" and money(None) == "–"
    ticks = nice_ticks(71_780, 495_000)
    assert ticks[0] <= 71_780 and ticks[-1] >= 495_000 and len(ticks) <= 8
    row = IntervalRow("<a>&\"'", 1, 2, 3, 4, 5, n=1, small=True)
    svg = interval_chart([row], chart_id="x", title="<t>", desc="d")
    ET.fromstring(svg)
    assert "<a>" not in svg and "&lt;a&gt;&amp;&quot;&#x27;" in svg and "few" in svg
    line = trend_chart(
        [TrendPoint(date(2025, 1, d), 1e5, 1.5e5 + d, 2e5, 10) for d in (1, 2, 9)],
        chart_id="t",
        title="t",
        desc="d",
    )
    ET.fromstring(line)
    assert "<polyline" in line and "<polygon" in line


# -- in a browser ----------------------------------------------------------------------------------


def _launch(p):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    return p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)


@pytest.mark.browser
def test_report_renders_in_chromium_with_charts_and_runs_no_crawled_script(report_dir, page_html):
    from playwright.sync_api import sync_playwright

    index = report_dir / "index.html"
    shot = report_dir / "screenshot.png"
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text))
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(index.as_uri())
            sizes = page.evaluate(
                """() => [...document.querySelectorAll('svg.chart')].map(s => {
                       const r = s.getBoundingClientRect();
                       return {id: s.id, w: r.width, h: r.height, shapes: s.querySelectorAll('rect,line,polyline,circle').length};
                   })"""
            )
            assert [s["id"] for s in sizes] == list(CHARTS)
            for s in sizes:
                assert s["w"] > 300 and s["h"] > 60 and s["shapes"] > 3, s
            # Hover everything: a broken-out onmouseover attribute would fire now.
            page.evaluate(
                """() => document.querySelectorAll('*').forEach(e => {
                       for (const t of ['mouseover', 'mouseenter', 'focus', 'click'])
                           if (t !== 'click' || e.tagName !== 'A') e.dispatchEvent(new Event(t, {bubbles: true}));
                   })"""
            )
            page.mouse.move(300, 300)
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
            # Only the explorer's two scripts (its JSON data and its code): none came from crawled text.
            assert page.evaluate("[...document.querySelectorAll('script')].map(s => s.id || 'code')") == [
                "explore-data",
                "code",
            ]
            assert (
                page.evaluate("document.querySelectorAll('[onmouseover], [onerror], [onload]').length") == 0
            )
            body = page.inner_text("body")
            assert HOSTILE_TITLE in body  # the title is there, as text
            assert not any("Content Security Policy" in c for c in console), console  # nothing even tried
            assert all(u.startswith("file://") for u in requests), requests
            page.screenshot(path=str(shot), full_page=True)
            # The same page without its CSP: escaping alone must keep crawled script inert.
            bare = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">', "", page_html)
            assert "Content-Security-Policy" not in bare
            page2 = browser.new_page()
            page2.set_content(bare)
            page2.evaluate(
                "() => document.querySelectorAll('*').forEach(e => e.dispatchEvent(new Event('mouseover', {bubbles: true})))"
            )
            assert page2.evaluate("typeof window.__pwned") == "undefined"
        finally:
            browser.close()
    assert shot.stat().st_size > 50_000
    print(f"report screenshot: {shot}")  # look at it (-s): tests can't judge a layout


def test_terminal_report_never_ranks_total_comp_among_base_salaries(ro):
    """Each pay type has its own table: Zyzzyva's $500k-700k total comp is not ranked above base bands."""
    from analysis.report import text_report

    text = text_report(ro, limit=200)
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line and not line.startswith(("|", " ")):
            current = line
        elif line.startswith("| ") and not line.startswith("| company"):
            sections.setdefault(current, []).append(line)
    base = next(rows for head, rows in sections.items() if head.startswith("Base-salary ranges"))
    total = next(rows for head, rows in sections.items() if head.startswith("Total-compensation ranges"))
    assert base and all(row.rstrip(" |").endswith("base") for row in base), base
    assert total and all(row.rstrip(" |").endswith("total") for row in total), total
    assert any("500,000-700,000" in row and "Zyzzyva" in row for row in total)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("title", "country", "offer"),
    [("engineer", "US", 200_000), ("machine learning", "", 150_000), ("scientist", "US", 400_000)],
)
def test_explorer_filters_and_places_an_offer_like_the_offer_percentile_query(
    report_dir, analysis_db, title, country, offer
):
    """A recruiter types a title, picks a place and types an offer in the page: the bands listed and the
    percentile are what `paybands query offer-percentile` answers on the same database."""
    from playwright.sync_api import sync_playwright

    from analysis.queries import run_query

    con = duckdb.connect(str(analysis_db), read_only=True)
    try:
        want = run_query(
            con, "offer-percentile", {"amount": offer, "title": title, "country": country, "ai_only": False}
        ).row(0, named=True)
    finally:
        con.close()
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto((report_dir / "index.html").as_uri())
            page.uncheck("#explore-ai")
            page.fill("#explore-title", title)
            if country:
                page.select_option("#explore-country", country)
            page.fill("#explore-offer", str(offer))
            count = page.inner_text("#explore-count")
            shown = page.locator("#explore-rows tr").count()
            percentile = page.get_attribute("#explore-percentile", "data-percentile")
            sentence = page.inner_text("#explore-percentile")
            page.locator("#explore").screenshot(
                path=str(report_dir / f"explorer-{title.replace(' ', '-')}.png")
            )
            titles = page.eval_on_selector_all(
                "#explore-rows tr td:nth-child(2)", "tds => tds.map(t => t.textContent)"
            )
        finally:
            browser.close()
    assert count.startswith(f"{want['compared_bands']:,} bands"), (count, want)
    assert shown == min(want["compared_bands"], 200)
    assert all(all(w in t.lower() for w in title.split()) for t in titles)
    if want["compared_bands"]:
        assert percentile is not None and float(percentile) == want["percentile"], (sentence, want)
    else:
        assert "No comparable" in sentence


def test_report_checks_its_role_family(analysis_db):
    res = CliRunner().invoke(cli, ["report", "--db", str(analysis_db), "--role-family", "nonsense"])
    assert res.exit_code == 2 and "--role-family" in res.output


def test_html_report_honours_limit_and_scopes_the_company_chart_to_a_title_search(analysis_db, tmp_path):
    out = tmp_path / "r"
    res = CliRunner().invoke(
        cli, ["report", "--db", str(analysis_db), "--out", str(out), "--title", "engineer", "--limit", "3"]
    )
    assert res.exit_code == 0, res.output
    page = (out / "index.html").read_text("utf-8")
    top = page.split('<section id="top-postings">', 1)[1].split("</section>", 1)[0]
    assert top.count("<tr>") - top.count("<thead>") == 3  # the header row is in <thead>
    companies = page.split('<section id="companies">', 1)[1].split("</section>", 1)[0]
    # The chart is of the postings matching the search, not of the largest role family among them.
    assert "engineer" in companies.split("</h2>", 1)[0].lower()


def test_coverage_counts_posted_pay_only(ro):
    """A site's salary estimate is no pay the employer stated: not in 'state their pay'."""
    from analysis.report import coverage

    z = coverage(ro).filter(pl.col("company") == "Zyzzyva Labs").row(0, named=True)
    estimate_only = ro.execute(
        "SELECT count(DISTINCT p.posting_key) FROM postings p JOIN pay_bands b USING (posting_key) "
        "WHERE p.company = 'Zyzzyva Labs' AND p.is_active AND b.is_estimate AND p.posting_key NOT IN "
        "(SELECT posting_key FROM pay_bands WHERE NOT is_estimate)"
    ).fetchone()[0]
    assert estimate_only == 1 and z["estimates"] == 1
    assert z["with_pay"] == z["postings"] - estimate_only
