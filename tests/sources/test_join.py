"""JOIN against the replay server: Routine Labs' recorded company page, `publicJobs` list and job
page, hey contact heroes' recorded remote job page, and the recorded empty list.

No recording has pay amounts: the job pages carry `salaryFrequency` "PER_YEAR" and
`settings.showSalary` but no amount field, and their texts state no amount. Two of Routine Labs'
three job pages were not recorded: the replay serves generated placeholders
(tests/fixtures/synth/README.md). That the description goes through the text normalizer is tested
on a generated copy of the recorded job (the test says so).
"""

from __future__ import annotations

import json
import re

import pytest

from scraper.config import CompanyConfig
from scraper.errors import ConfigError
from scraper.reparse import reparse
from scraper.replay import Fault, ReplayResponse
from scraper.replay.join import job_page
from scraper.sources import join
from tests.helpers import REAL, crawl, load_real, query
from tests.sources.replay_checks import assert_reparse_same, assert_routes_alone, registry_rows, roster

ROUTINE = {"name": "Routine Labs", "source": "join", "board": "routinelabs"}
GRAPHQL = "/candidate-api/graphql"
RECORDED_PAGE = "/companies/routinelabs/16397229-senior-software-engineer-backend-llm-infrastructure"
_MONEY_RE = re.compile(r"[$€£]\s?\d|\d[\d.,]*\s?(?:€|EUR|USD)")


def _items() -> list[dict]:
    return load_real("join/routinelabs_graphql_publicJobs.json")["data"]["publicJobs"]["items"]


def _page_job(name: str) -> dict:
    page = (REAL / "join" / name).read_text("utf-8")
    m = re.search(r'<script id="__NEXT_DATA__"[^>]*>(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))["props"]["pageProps"]["initialState"]["job"]


def _spy_graphql(replay) -> list[str]:
    """The GraphQL queries the crawl sends (answered by the replay's route)."""
    sent: list[str] = []

    def spy(req):
        sent.append(req.json_body()["query"])
        return None

    replay.overrides[("POST", GRAPHQL)] = spy
    return sent


def _serve_list(replay, items: list[dict]) -> None:
    """Generated: a one-page `publicJobs` answer of `items` in the recorded envelope."""

    def answer(req):
        data = load_real("join/routinelabs_graphql_publicJobs.json")
        data["data"]["publicJobs"].update(
            items=items, pageInfo={"page": 1, "pageCount": 1, "pageSize": len(items), "rowCount": len(items)}
        )
        return ReplayResponse.json(data)

    replay.overrides[("POST", GRAPHQL)] = answer


def test_board_matches_recording(replay, tmp_db):
    items = _items()
    sent = _spy_graphql(replay)
    assert crawl(tmp_db, replay.url, ROUTINE).status == "ok"
    rows = query(
        tmp_db,
        "SELECT external_id, title, url, location, department, employment_type, remote, posted_at, updated_at "
        "FROM postings ORDER BY 1",
    )
    assert [r[:3] for r in rows] == sorted(
        (str(i["id"]), i["title"], f"https://join.com/companies/routinelabs/{i['idParam']}") for i in items
    )
    for row in rows:
        item = next(i for i in items if str(i["id"]) == row[0])
        assert row[3:7] == (
            f"{item['city']['cityName']}, {item['country']['name']}",
            item["category"]["name"],
            item["employmentType"]["name"],
            "onsite",  # workplaceType ONSITE
        )
        assert (
            row[7].isoformat()[:23] == item["createdAt"][:23]
            and row[8].isoformat()[:23] == item["updatedAt"][:23]
        )
    # The company page gives the number the list takes; one list page; one page per job.
    assert replay.requests_to("/companies/routinelabs") == 4
    assert len(sent) == 1 and "companyId: 172617, paginationPage: {page: 1, pageSize: 100}" in sent[0]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_recorded_job_page(replay, tmp_db):
    job = _page_job("routinelabs_job_16397229.html")
    assert job["salaryFrequency"] == "PER_YEAR" and job["settings"]["showSalary"] is True
    assert not {k for k in job if "amount" in k.lower() or k.lower().startswith("salary")} - {
        "salaryFrequency"
    }
    crawl(tmp_db, replay.url, ROUTINE)
    ((desc,),) = query(tmp_db, "SELECT description FROM postings WHERE external_id = ?", [str(job["id"])])
    # schemaDescription (HTML) as text: every section, no Markdown or tags.
    for part in ("At Routine Labs", "Build and maintain Python/FastAPI services", "Virtual Share Options"):
        assert part in desc
    assert "**" not in desc and "<p>" not in desc and "&#39;" not in desc
    assert _MONEY_RE.search(job["schemaDescription"]) is None  # no amount recorded: no band is right
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_remote_job_page(replay, tmp_db):
    job = _page_job("heycontactheroes_job_16433808_remote.html")
    # Generated: a list entry for the recorded remote job (its list was not recorded), from the page.
    entry = {
        k: job[k] for k in ("id", "idParam", "title", "status", "workplaceType", "remoteType", "createdAt")
    }
    entry.update(
        updatedAt=job["updatedAt"], city=job["city"], country=job["country"], category=job["category"]
    )
    entry["employmentType"] = job["employmentType"]
    _serve_list(replay, [entry])
    company = {
        "name": "hey contact heroes",
        "source": "join",
        "board": "hey-contact-heroes",
        "company_id": 26562,
    }
    assert crawl(tmp_db, replay.url, company).status == "ok"
    row = query(tmp_db, "SELECT external_id, location, remote, employment_type, description FROM postings")
    ((ext, location, remote, employment_type, desc),) = row
    assert (ext, remote, employment_type) == (str(job["id"]), "remote", "Freelance")
    assert location == "Remote"  # remoteType ANYWHERE: not the employer's Berlin
    assert job["city"]["cityName"] == "Berlin" and "Berlin" not in location
    assert "Werde Partner der hey contact heroes" in desc
    assert replay.requests_to("/companies/hey-contact-heroes") == 1  # company_id set: no company page
    assert query(tmp_db, "SELECT count(*) FROM pay_bands") == [(0,)]


def test_a_remote_job_within_a_country():
    job = {**_page_job("heycontactheroes_job_16433808_remote.html"), "remoteType": "COUNTRY"}  # generated
    source = join.Join(_config("hey-contact-heroes"))
    assert source.parse_posting(job, None).location == "Remote, Deutschland"


def test_description_goes_through_the_normalizer(replay, tmp_db):
    # Generated: the recorded job with a pay sentence added to its description.
    job = _page_job("routinelabs_job_16397229.html")
    job["schemaDescription"] += "<p>Salary: €60,000 – €75,000 per year.</p>"
    replay.overrides[("GET", RECORDED_PAGE)] = lambda req: ReplayResponse.html(job_page(job))
    crawl(tmp_db, replay.url, ROUTINE)
    assert query(
        tmp_db, "SELECT posting_id, min_amount, max_amount, currency, period, origin FROM pay_bands"
    ) == [(f"join:routinelabs:{job['id']}", 60_000.0, 75_000.0, "EUR", "year", "text")]


def test_markdown_when_there_is_no_html():
    job = {**_page_job("routinelabs_job_16397229.html"), "schemaDescription": None}  # generated
    text = join.Join(_config("routinelabs")).parse_posting(job, None).description or ""
    # unifiedDescription false: intro, tasks, requirements, benefits, outro, in that order, no emphasis marks.
    assert text.startswith("At Routine Labs, we are building") and "**" not in text
    phrases = {
        "tasks": "Build and maintain Python/FastAPI services",
        "requirements": "years of backend or full-stack engineering",
        "benefits": "Direct collaboration with the CTO",
        "outro": "Join the team shaping",
    }
    assert all(phrase in job[key] for key, phrase in phrases.items())  # each from its own section
    order = [text.index(phrase) for phrase in phrases.values()]
    assert order == sorted(order)


@pytest.mark.parametrize(("page_size", "pages"), [(1, [1, 2, 3]), (2, [1, 2]), (3, [1])])
def test_paging_by_page_until_the_page_count(replay, tmp_db, monkeypatch, page_size, pages):
    monkeypatch.setattr(join, "PAGE_SIZE", page_size)
    sent = _spy_graphql(replay)
    assert crawl(tmp_db, replay.url, ROUTINE).status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(3,)]
    assert [int(re.search(r"page: (\d+), pageSize: (\d+)", q).group(1)) for q in sent] == pages


def test_paging_is_bounded(replay, tmp_db, monkeypatch):
    monkeypatch.setattr(join, "PAGE_SIZE", 1)
    monkeypatch.setattr(join, "MAX_PAGES", 2)
    result = crawl(tmp_db, replay.url, ROUTINE)
    assert result.status == "attention" and "cap" in result.outcomes[0].notes[0]
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(2,)]


def test_a_row_count_beyond_the_pages_is_a_partial_listing(replay, tmp_db):
    items = _items()

    def answer(req):  # generated: the recorded list claiming 5 rows on its one page
        data = load_real("join/routinelabs_graphql_publicJobs.json")
        data["data"]["publicJobs"]["pageInfo"]["rowCount"] = 5
        return ReplayResponse.json(data)

    replay.overrides[("POST", GRAPHQL)] = answer
    result = crawl(tmp_db, replay.url, ROUTINE)
    assert result.status == "attention"
    assert f"{len(items)} of the 5 jobs it counts were listed" in result.outcomes[0].notes[0]


def test_an_unknown_company_slug_is_not_found(replay, tmp_db):
    result = crawl(tmp_db, replay.url, {**ROUTINE, "board": "no-such-company-xyz"})
    assert result.status == "failed" and result.outcomes[0].error_kind == "not_found"


def test_an_empty_list_for_a_configured_id_is_a_failed_board(replay, tmp_db):
    # The recorded empty answer (bsventure's id; an unknown id answers the same).
    result = crawl(
        tmp_db, replay.url, {"name": "BS", "source": "join", "board": "bsventure", "company_id": 154838}
    )
    assert result.status == "failed"
    assert result.outcomes[0].error == "no postings: JOIN company id 154838 is unknown or has no open jobs"


def test_an_empty_list_of_a_company_page_is_an_empty_board(replay, tmp_db):
    empty = load_real("join/bsventure_graphql_publicJobs_empty.json")
    replay.overrides[("POST", GRAPHQL)] = lambda req: ReplayResponse.json(empty)
    result = crawl(tmp_db, replay.url, ROUTINE)
    assert result.status == "ok" and result.outcomes[0].counts.postings == 0


@pytest.mark.parametrize(
    ("path", "body", "content_type", "error"),
    [
        (GRAPHQL, b'{"errors": [{"message": "Cannot query field"}]}', "application/json", "GraphQL error"),
        (GRAPHQL, b'{"data": {"publicJobs": null}}', "application/json", "did not return a JOIN job list"),
        ("/companies/routinelabs", b"<html><body>JOIN</body></html>", "text/html", "is not a JOIN page"),
        (
            "/companies/routinelabs",
            b'<script id="__NEXT_DATA__">{"props": {"pageProps": {"initialState": {"company": null}}}}</script>',
            "text/html",
            "names no JOIN company id",
        ),
    ],
)
def test_a_malformed_answer_fails_the_board(replay, tmp_db, path, body, content_type, error):
    replay.faults[path] = Fault(status=200, body=body, content_type=content_type, times=1)
    result = crawl(tmp_db, replay.url, ROUTINE)
    assert result.status == "failed" and error in result.outcomes[0].error


def test_job_pages_that_fail_fail_the_board_when_most_fail(replay, tmp_db):
    replay.faults["/companies/routinelabs/"] = Fault(status=404)
    result = crawl(tmp_db, replay.url, ROUTINE)
    assert result.status == "failed"
    assert result.outcomes[0].error.startswith("detail calls failed for 3 of 3 postings; first: ")


def test_a_missing_job_page_keeps_the_list_data(replay, tmp_db):
    replay.faults[RECORDED_PAGE] = Fault(status=404)
    assert crawl(tmp_db, replay.url, ROUTINE).status == "ok"
    row = query(tmp_db, "SELECT title, location, description FROM postings WHERE external_id = '15393396'")
    assert row == [("Senior Software Engineer (Backend/LLM Infrastructure)", "Berlin, Germany", None)]


def test_a_job_without_an_id_param_is_skipped(replay, tmp_db):
    items = _items()
    _serve_list(replay, [*items, {**items[0], "id": 1, "idParam": None}])  # generated: a broken entry
    result = crawl(tmp_db, replay.url, ROUTINE)
    assert result.status == "attention" and result.outcomes[0].skipped == 1
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(3,)]


def test_parse_raw_gives_the_same_postings(replay, tmp_db):
    crawl(tmp_db, replay.url, ROUTINE)
    assert assert_reparse_same(tmp_db, ROUTINE) == 3
    again = reparse(tmp_db)
    assert (again.postings, again.changed, again.skipped) == (3, 0, [])


def test_routes_are_joins_alone():
    assert_routes_alone("join")


def _config(board: str) -> CompanyConfig:
    return CompanyConfig(name=board, source="join", board=board)


REAL_URLS = {
    "https://join.com/companies/routinelabs": "routinelabs",
    "https://join.com/companies/1komma5grad": "1komma5grad",
    "https://join.com/companies/hey-contact-heroes/16433808-freelancer-m-w-d-gesucht-inbound-home-office-in-der-eu": (
        "hey-contact-heroes"
    ),
    "join.com/companies/opus-techai": "opus-techai",
}


@pytest.mark.parametrize(("url", "board"), REAL_URLS.items())
def test_detects_real_careers_urls(url, board):
    assert join.Join.board_from_url(url) == board


def test_detects_every_registry_join_board():
    rows = registry_rows("join")
    assert len(rows) >= 18
    for row in rows:
        assert join.Join.board_from_url(row["careers_url"]) == row["board"], row


@pytest.mark.parametrize(
    "url", ["https://join.com/", "https://join.com/companies", "https://example.com/companies/x"]
)
def test_does_not_claim_other_urls(url):
    assert join.Join.board_from_url(url) is None


@pytest.mark.parametrize(
    ("board", "options", "message"),
    [
        ("routinelabs/jobs", {}, "not a company slug"),
        ("-x", {}, "not a company slug"),
        ("ok", {"company_id": 0}, "positive"),
    ],
)
def test_bad_boards_and_ids_are_config_errors(board, options, message):
    with pytest.raises(ConfigError, match=message):
        join.Join.validate_options(options, board)


def test_every_roster_company_is_detected_and_valid():
    """openings-mcp's JOIN roster (1,000 companies): each company URL names its slug, which passes
    the config check with the roster's company id."""
    companies = roster("join", "slug", "company_id")
    assert len(companies) >= 1000
    for e in companies:
        assert join.Join.board_from_url(f"https://join.com/companies/{e['slug']}") == e["slug"], e
        join.Join.validate_options({"company_id": int(e["company_id"])}, e["slug"])
