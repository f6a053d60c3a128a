"""`paybands detect`: careers URL -> (source, board), offline from the URL, from the page, by probes.

The offline score runs over tests/fixtures/detect_urls.csv (real URLs from the registry and its
source lists; tests/build_detect_urls.py says how each row was taken, its `origin` column from where). Pages are the recorded ones
the replay server serves at /static-careers/job/{stem} (tests/fixtures/real/jsonld/), and pages
*generated* here (said so where they are) for embed shapes no recording has.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from paybands.cli import cli
from paybands.exit_codes import EXIT_UNKNOWN
from scraper import detect as detect_mod
from scraper.config import CrawlSettings
from scraper.detect import (
    Detection,
    _decide,
    _Match,
    detect,
    detect_many,
    detect_many_async,
    detect_offline,
    read_page,
)
from scraper.jsonld import job_posting_objects, parse_html
from scraper.replay import ReplayResponse
from scraper.sources import _REGISTRY, Source, get_source, source_names
from tests.helpers import REAL, load_real

TABLE = Path(__file__).parent / "fixtures" / "detect_urls.csv"
SETTINGS = CrawlSettings(per_host_delay_s=0.0, timeout_s=5.0, max_retries=0)


def _run(url: str, **kw) -> Detection:
    return detect(url, settings=SETTINGS, **kw)


# -- (a) offline, over the table of real careers URLs -------------------------------------------------
def _table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_offline_detection_scores_the_table_of_real_careers_urls():
    """At least 98% right on URLs served from the ATS's own hosts, and never a wrong answer anywhere
    (a company's own domain may be unknown offline: only its page can tell). Rows of ATSs with no
    source registered yet are skipped and counted; `other` rows (custom sites) must stay unknown
    unless a source claims them, which is printed."""
    rows = _table()
    assert len(rows) >= 300
    registered = set(source_names())
    score: Counter[str] = Counter()
    wrong: list[tuple] = []
    missed: list[tuple] = []
    claimed_other: list[tuple] = []
    for row in rows:
        got = detect_offline(row["url"])
        assert (got.source is None) == (got.board is None), row
        if row["source"] == "other":
            if got.known:
                claimed_other.append((row["url"], got.source, got.board))
            continue
        if row["source"] not in registered:
            score["skipped (source not registered)"] += 1
            continue
        expected = (row["source"], row["board"]) if row["board"] else None
        answer = (got.source, got.board) if got.known else None
        kind = row["host_kind"]
        if answer == expected:
            score[f"{kind}: right"] += 1
        elif answer is None:
            score[f"{kind}: unknown"] += 1
            if kind == "ats":
                missed.append((row["url"], expected, got.evidence))
        else:
            score[f"{kind}: WRONG"] += 1
            wrong.append((row["url"], expected, answer, row["origin"]))
    on_ats = score["ats: right"] + score["ats: unknown"]
    print(f"\ndetect offline over {TABLE.name}: {dict(sorted(score.items()))}")
    print(f"  ATS-host URLs right: {score['ats: right']}/{on_ats} = {score['ats: right'] / on_ats:.1%}")
    if claimed_other:
        print(f"  custom-site rows a source claims: {claimed_other}")
    assert not wrong, wrong
    assert on_ats >= 300
    assert score["ats: right"] >= 0.98 * on_ats, missed


def test_the_table_says_where_every_row_came_from_and_its_urls_are_verbatim():
    """Each row's URL is in the list its origin names, byte for byte (the lists are in ../shared)."""
    registry = Path(__file__).resolve().parents[2] / "shared" / "registry"
    if not registry.is_dir():
        pytest.skip("the registry (../shared/registry) is not beside this checkout")
    texts = {
        "ai_companies.csv": (registry / "ai_companies.csv").read_text("utf-8"),
        "jobseek/boards.csv": (registry / "sources/jobseek/boards.csv").read_text("utf-8"),
        "stapply workday_companies.csv": (
            registry / "sources/stapply-ats-scrapers/workday__workday_companies.csv"
        ).read_text("utf-8"),
    }
    for row in _table():
        origin = row["origin"].split(":", 1)[0]
        assert row["url"] in texts[origin], row


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # EU hosts, and the EU Lever instance's API as base_url
        ("https://job-boards.eu.greenhouse.io/gradyent", ("greenhouse", "gradyent", None)),
        ("https://jobs.eu.lever.co/diabolocom", ("lever", "diabolocom", "https://api.eu.lever.co")),
        # embeds name their board in `for=`; a job-application embed without it names none
        (
            "https://boards.greenhouse.io/embed/job_board?for=pindropsecurity",
            ("greenhouse", "pindropsecurity", None),
        ),
        ("https://boards.greenhouse.io/embed/job_board/js?for=acme", ("greenhouse", "acme", None)),
        ("https://boards.greenhouse.io/embed/job_app?token=4461450008", None),
        ("https://jobs.ashbyhq.com/acme/embed?version=2", ("ashby", "acme", None)),
        # percent-escapes and spaces are part of the name
        ("https://jobs.ashbyhq.com/Flock%20Safety", ("ashby", "Flock Safety", None)),
        # API URLs
        ("https://api.lever.co/v0/postings/neighbor?mode=json", ("lever", "neighbor", None)),
        ("https://boards-api.greenhouse.io/v1/boards/airbnb/jobs", ("greenhouse", "airbnb", None)),
        # SmartRecruiters job and one-click pages; ids keep their case
        (
            "https://jobs.smartrecruiters.com/oneclick-ui/company/WSHGroup/publication/394949ee",
            ("smartrecruiters", "WSHGroup", None),
        ),
        # Workday: locale before the site, job paths after it, myworkdaysite, the API; a URL ending at
        # its locale names the tenant only
        (
            "https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite/job/US-CA/x_JR1",
            ("workday", "nvidia/NVIDIAExternalCareerSite", "https://nvidia.wd5.myworkdayjobs.com"),
        ),
        (
            "https://wd1.myworkdaysite.com/en-US/recruiting/snapchat/snap?q=intern",
            ("workday", "snapchat/snap", "https://wd1.myworkdaysite.com"),
        ),
        ("https://3m.wd1.myworkdayjobs.com/en-us", None),
        ("https://3m.wd1.myworkdayjobs.com/wday/authgwy/signin", None),
        # Eightfold: the domain from the query, from the table of known sites, else unknown
        ("https://explore.jobs.netflix.net/careers", ("eightfold", "netflix.com", None)),
        (
            "https://qualcomm.eightfold.ai/careers?query=ml&domain=qualcomm.com",
            ("eightfold", "qualcomm.com", "https://qualcomm.eightfold.ai"),
        ),
        (
            "https://join.matchgroupcareers.com/careers",
            ("eightfold", "gotinder.com", "https://join.matchgroupcareers.com"),
        ),
        ("https://someone-new.eightfold.ai/careers", None),
        # a company's own site, a Greenhouse job id without its board, junk
        ("https://www.anthropic.com/jobs?gh_jid=4461450008", None),
        ("ftp://jobs.lever.co/acme", None),
        ("", None),
        ("http://[broken", None),
    ],
)
def test_offline_shapes(url, expected):
    got = detect_offline(url)
    assert ((got.source, got.board, got.base_url) if got.known else None) == expected, got
    assert got.evidence


def test_two_sources_on_one_url_the_more_specific_pattern_wins_and_a_tie_is_unknown(monkeypatch):
    """Generated sources: a broad "{host}/careers" pattern loses to Ashby's host pattern; two patterns
    with as many literal characters are a tie, answered unknown with both named."""

    class Broad(Source):
        name = "broad"
        url_patterns = (r"^(?P<board>[^/]+)/(?:careers|[^/]+/embed)",)

    class Twin(Source):
        name = "twin"
        url_patterns = (r"^jobs\.ashbyhq\.com/(?P<board>[^/?#]+)",)

    monkeypatch.setitem(_REGISTRY, "broad", Broad)
    got = detect_offline("https://jobs.ashbyhq.com/acme/embed")
    assert (got.source, got.board) == ("ashby", "acme")
    assert "broad" in got.evidence
    assert detect_offline("https://acme.example/careers").source == "broad"

    monkeypatch.setitem(_REGISTRY, "twin", Twin)
    tie = detect_offline("https://jobs.ashbyhq.com/acme")
    assert not tie.known and "ashby" in tie.evidence and "twin" in tie.evidence

    pick, _ = _decide([_Match("a", "x", 5, None), _Match("b", "y", 9, None)])
    assert pick is not None and pick.source == "b"
    assert _decide([_Match("a", "x", 9, None), _Match("b", "x", 9, None)])[0] is None


# -- (b) recorded career pages on the replay server ---------------------------------------------------
def _recorded(stem: str) -> str:
    return (REAL / "jsonld" / f"{stem}.html").read_text("utf-8")


def test_recorded_page_with_an_apply_link_names_its_ashby_board(replay):
    """nodesk's recorded job page applies on Ashby: the board is the first path segment of its
    apply URLs, read from the recording here."""
    stem = "nodesk_sticker-mule_software-engineer"
    applies = set(re.findall(r'data-apply-url="([^"]+)"', _recorded(stem)))
    boards = {urlsplit(u).path.split("/")[1] for u in applies if urlsplit(u).hostname == "jobs.ashbyhq.com"}
    assert len(boards) == 1
    got = _run(f"{replay.url}/static-careers/job/{stem}")
    assert (got.source, got.board, got.base_url) == ("ashby", boards.pop(), None)
    assert "apply link https://jobs.ashbyhq.com/" in got.evidence
    assert replay.requests_to("/static-careers/job/") == 1  # one page fetch, no probe, no guesswork


@pytest.mark.parametrize(
    ("stem", "ats_host_source"),
    [
        # Synopsys (TalentBrew) applies on Avature; the iCIMS job page links its own iCIMS site
        ("synopsys_staff-software-engineer_bengaluru_empty-baseSalary", "avature"),
        ("icims_buspatrol_1977_senior-product-manager", "icims"),
        ("hrmos_visional_0000381_jpy", None),
        ("mynavi_348855_jpy-string-values", None),
    ],
)
def test_recorded_job_pages(replay, stem, ats_host_source):
    """A page whose ATS has a source answers that source with the ATS host as board (the registry's
    board format for Avature and iCIMS); without one, its JobPosting makes it a `jsonld` page."""
    page_url = f"{replay.url}/static-careers/job/{stem}"
    got = _run(page_url)
    html = _recorded(stem)
    assert job_posting_objects(parse_html(html))  # every one of these pages publishes a JobPosting
    if ats_host_source and get_source(ats_host_source) is not None:
        # The board is the host the page applies on (its apply button or its "mode=apply" link), read
        # from the recording; iCIMS's JSON-LD also names buspatrol.icims.com as the employer's sameAs.
        ats = r"[\w.-]+\.(?:avature\.net|icims\.com)"
        applies = set(re.findall(rf'data-apply-url="https://({ats})/', html))
        applies |= set(re.findall(rf'href="https://({ats})/[^"]*mode=apply', html))
        assert len(applies) == 1, applies
        assert (got.source, got.board) == (ats_host_source, applies.pop()), got
    else:
        assert (got.source, got.board) == ("jsonld", page_url)
        assert "JobPosting" in got.evidence


def test_recorded_page_naming_nothing_is_unknown(replay):
    """talentclue ships an empty JSON-LD script and no ATS link: unknown, and the evidence says why."""
    got = _run(f"{replay.url}/static-careers/job/talentclue_barcelona-activa_admin_eur")
    assert not got.known and got.source is None and got.board is None
    assert "no embed, link or JSON-LD on it names a board" in got.evidence


# Generated pages (no recording has these embed shapes): each is the vendor's documented snippet
# around a made-up company.
GENERATED = {
    "/gen/greenhouse-embed": (
        '<div id="grnhse_app"></div>'
        '<script src="https://boards.greenhouse.io/embed/job_board/js?for=acmerobotics"></script>',
        ("greenhouse", "acmerobotics"),
    ),
    "/gen/greenhouse-iframe": (
        '<iframe src="https://job-boards.greenhouse.io/embed/job_board?for=acmerobotics&b=https%3A%2F%2Facme.example"></iframe>',
        ("greenhouse", "acmerobotics"),
    ),
    "/gen/lever-embed": (
        '<div id="lever-jobs-container"></div>'
        "<script>window.leverJobsOptions = {accountName: 'acme-robotics', includeCss: true};</script>"
        '<script src="https://andreasmb.github.io/lever-jobs-embed/index.js"></script>',
        ("lever", "acme-robotics"),
    ),
    "/gen/ashby-embed": (
        '<div id="ashby_embed"></div><script src="https://jobs.ashbyhq.com/acme.ai/embed?version=2"></script>'
        '<a href="https://www.linkedin.com/company/acme">LinkedIn</a>',
        ("ashby", "acme.ai"),
    ),
    "/gen/script-json": (
        '<script>window.__DATA__ = {"jobsUrl": "https:\\/\\/jobs.lever.co\\/acme-robotics\\/"};</script>',
        ("lever", "acme-robotics"),
    ),
    "/gen/jsonld-url": (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "JobPosting",'
        ' "title": "ML Engineer", "url": "https://jobs.ashbyhq.com/acme.ai/1b2c"}</script>',
        ("ashby", "acme.ai"),
    ),
    "/gen/embed-beats-link": (
        '<script src="https://boards.greenhouse.io/embed/job_board/js?for=acmerobotics"></script>'
        '<a href="https://jobs.lever.co/partner-co">Our partner is hiring</a>',
        ("greenhouse", "acmerobotics"),
    ),
    "/gen/aggregator": (
        '<a href="https://jobs.lever.co/one-co/1">A</a><a href="https://jobs.ashbyhq.com/two-co/2">B</a>'
        '<a href="https://job-boards.greenhouse.io/three-co/jobs/3">C</a>',
        None,
    ),
    "/gen/assets-only": (
        '<script src="https://cdn.example/jobs.lever.co/acme/bundle.js"></script>'
        '<link rel="stylesheet" href="https://jobs.ashbyhq.com/acme/theme.css">',
        None,
    ),
}


@pytest.mark.parametrize("path", sorted(GENERATED))
def test_generated_career_pages(replay, path):
    body, expected = GENERATED[path]
    replay.overrides[("GET", path)] = lambda req, b=body: ReplayResponse.html(
        f"<!doctype html><html><body>{b}</body></html>"
    )
    got = _run(replay.url + path)
    assert ((got.source, got.board) if got.known else None) == expected, got
    if expected is None and path == "/gen/aggregator":
        assert "several boards" in got.evidence and "one-co" in got.evidence


def test_a_redirect_to_a_board_url_answers_from_the_final_url(replay, monkeypatch):
    """The fetcher follows the redirect (hop by hop); the URL it lands on is read offline. The board
    host here is a generated source's pattern over the replay server, so nothing leaves 127.0.0.1."""

    class Local(Source):
        name = "localboard"
        url_patterns = (r"^127\.0\.0\.1/boards/(?P<board>\w+)",)

    monkeypatch.setitem(_REGISTRY, "localboard", Local)
    replay.overrides[("GET", "/old-careers")] = lambda req: ReplayResponse(
        302, b"", {"Location": "/boards/acme"}
    )
    replay.overrides[("GET", "/boards/acme")] = lambda req: ReplayResponse.html("<p>jobs</p>")
    got = _run(replay.url + "/old-careers")
    assert (got.source, got.board) == ("localboard", "acme")
    assert "redirects to" in got.evidence


def test_the_page_is_fetched_under_robots_txt(replay):
    """The page goes through the crawl's fetcher: a robots.txt that disallows it means no fetch."""
    replay.overrides[("GET", "/robots.txt")] = lambda req: ReplayResponse(
        200, b"User-agent: *\nDisallow: /static-careers/\n", {"Content-Type": "text/plain"}
    )
    got = _run(f"{replay.url}/static-careers/job/nodesk_sticker-mule_software-engineer")
    assert not got.known and "robots.txt" in got.evidence
    assert replay.requests_to("/static-careers/") == 0


def test_offline_answers_never_touch_the_network(replay):
    got = detect_many(["https://jobs.ashbyhq.com/zapier", replay.url + "/x"], fetch=False)
    assert [d.known for d in got] == [True, False]
    assert replay.log == []


def test_read_page_bounds_and_orders_clues():
    """Generated page: relative links resolve against the page; mailto/javascript links and assets are
    no clues; the strongest kind (an embed) comes first in the decision."""
    html = (
        '<a href="mailto:jobs@acme.example">mail</a><a href="javascript:void(0)">x</a>'
        '<a href="/careers">careers</a><iframe src="//jobs.ashbyhq.com/acme"></iframe>'
    )
    clues = read_page(html, "https://acme.example/about")
    assert [(c.rank, c.source, c.board) for c in clues] == [(detect_mod.EMBED, "ashby", "acme")]


# -- (c) probes against the replay server's API routes ------------------------------------------------
def _base_urls(replay) -> dict[str, str]:
    return {s: replay.url for s in detect_mod.PROBED}


def test_probe_confirms_a_board_and_counts_its_postings(replay):
    jobs = load_real("ashby/stapply_zapier_board_comp.json")["jobs"]
    listed = [j for j in jobs if j.get("isListed", True) is not False]
    got = _run("https://jobs.ashbyhq.com/zapier", fetch=False, probe=True, base_urls=_base_urls(replay))
    assert (got.source, got.board) == ("ashby", "zapier")
    assert f"lists {len(listed)} postings" in got.evidence
    assert replay.requests_to("/posting-api/job-board/zapier") == 1


def test_probe_of_a_board_the_api_does_not_have_is_unknown(replay):
    got = _run("https://jobs.lever.co/no-such-site", fetch=False, probe=True, base_urls=_base_urls(replay))
    assert not got.known and "no board 'no-such-site' (404)" in got.evidence


@pytest.mark.parametrize(
    ("url", "recording", "expected"),
    [
        ("https://zapier.com/jobs", "ashby/stapply_zapier_board_comp.json", ("ashby", "zapier")),
        (
            "https://about.gitlab.com/jobs/",
            "greenhouse/gitlab_jobs_content_2jobs.json",
            ("greenhouse", "gitlab"),
        ),
    ],
)
def test_probe_finds_a_board_whose_postings_name_the_site(replay, url, recording, expected):
    """The slug the domain suggests exists on one ATS, and the board's own text names the domain (checked
    in the recording here): taken, with the tie in the evidence."""
    domain = detect_mod.registrable_domain(urlsplit(url).hostname or "")
    assert domain and domain in json.dumps(load_real(recording))
    got = _run(url, fetch=False, probe=True, base_urls=_base_urls(replay))
    assert (got.source, got.board) == expected, got
    assert f"names {domain}" in got.evidence


def test_probe_does_not_take_a_board_that_only_shares_the_slug(replay):
    """Cartesia's recorded Ashby board exists under "cartesia" but never names cartesia.ai (checked in
    the recording): two companies can share a slug, so it is reported, not taken."""
    assert "cartesia.ai" not in json.dumps(load_real("ashby/stapply_cartesia_board_comp.json"))
    got = _run("https://cartesia.ai/careers", fetch=False, probe=True, base_urls=_base_urls(replay))
    assert not got.known
    assert "ashby 'cartesia'" in got.evidence and "share a slug: not taken" in got.evidence


def test_probe_with_nothing_to_find(replay):
    got = _run(
        "https://no-board-anywhere.example/careers", fetch=False, probe=True, base_urls=_base_urls(replay)
    )
    assert not got.known and "no greenhouse/lever/ashby board named" in got.evidence
    assert _run("http://127.0.0.1:9/x", fetch=False, probe=True).evidence.endswith("no domain to probe by")


# -- (d) the CLI --------------------------------------------------------------------------------------
KEYS = ["url", "source", "board", "evidence", "base_url"]


def test_cli_json_keeps_order_and_gives_nulls_for_unknown():
    urls = [
        "https://jobs.eu.lever.co/diabolocom",
        "https://www.anthropic.com/careers",
        "https://job-boards.greenhouse.io/anthropic",
    ]
    res = CliRunner().invoke(cli, ["detect", "--offline", "--format", "json", *urls])
    assert res.exit_code == EXIT_UNKNOWN == 8
    out = json.loads(res.stdout)
    assert [o["url"] for o in out] == urls
    assert all(list(o) == KEYS for o in out)
    assert [(o["source"], o["board"]) for o in out] == [
        ("lever", "diabolocom"),
        (None, None),
        ("greenhouse", "anthropic"),
    ]
    assert out[0]["base_url"] == "https://api.eu.lever.co" and out[1]["evidence"]
    assert "2 of 3 URLs detected; 1 unknown" in res.stderr


def test_cli_jsonl_from_stdin_one_object_per_line_and_exit_0_when_all_known():
    lines = "https://jobs.ashbyhq.com/zapier\nhttps://careers.smartrecruiters.com/AIPalette\n"
    res = CliRunner().invoke(cli, ["detect", "--offline", "--format", "jsonl", "-q", "-"], input=lines)
    assert res.exit_code == 0, res.output
    objs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(o["source"], o["board"]) for o in objs] == [
        ("ashby", "zapier"),
        ("smartrecruiters", "AIPalette"),
    ]
    assert res.stderr == ""
    blank = CliRunner().invoke(cli, ["detect", "--offline", "--format", "jsonl", "-"], input="\nx.example\n")
    assert blank.exit_code == EXIT_UNKNOWN and len(blank.stdout.splitlines()) == 2


def test_cli_table_csv_and_a_fetched_page(replay):
    url = f"{replay.url}/static-careers/job/nodesk_sticker-mule_software-engineer"
    res = CliRunner().invoke(cli, ["detect", "--format", "csv", url])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert list(rows[0]) == KEYS and (rows[0]["source"], rows[0]["board"]) == ("ashby", "stickermule")
    table = CliRunner().invoke(cli, ["detect", "--offline", "https://jobs.ashbyhq.com/zapier"])
    assert table.exit_code == 0 and "| ashby" in table.stdout


def test_cli_probe_uses_base_url_and_checks_it(replay):
    res = CliRunner().invoke(
        cli,
        [
            "detect",
            "--format",
            "jsonl",
            "--probe",
            "--base-url",
            f"ashby={replay.url}",
            "https://jobs.ashbyhq.com/zapier",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "probe: the ashby API lists" in json.loads(res.stdout)["evidence"]
    bad = CliRunner().invoke(cli, ["detect", "--base-url", "nosuch=http://x", "https://jobs.ashbyhq.com/a"])
    assert bad.exit_code == 2 and "SOURCE=URL" in bad.output
    both = CliRunner().invoke(cli, ["detect", "--offline", "--probe", "https://jobs.ashbyhq.com/a"])
    assert both.exit_code == 2 and "--offline" in both.output


def test_detect_many_async_runs_in_a_running_loop(replay):
    """From async code (a crawl, a notebook), the coroutine is awaited directly."""
    url = f"{replay.url}/static-careers/job/nodesk_sticker-mule_software-engineer"

    async def main():
        return await detect_many_async([url, url], settings=SETTINGS)

    got = asyncio.run(main())
    assert [(d.source, d.board) for d in got] == [("ashby", "stickermule")] * 2
