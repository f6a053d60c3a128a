"""Structured pay values that are not pay, on every source's structured path (issue 12).

Each case takes real recorded payloads (tests/fixtures/real/, PROVENANCE.md), mutates a copy of
one posting's structured amount and parses the whole board with the source's own parse
functions: the mutated posting is still a posting, with no structured band (never an open one)
and one warning sentence; every other posting parses exactly as from the untouched recording.
Eightfold has no structured pay field (its pay is text only), so it has no case here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import scraper.salary.extract as extract
from scraper.config import CompanyConfig
from scraper.jsonld import job_posting_objects, read_job_posting
from scraper.models import Posting
from scraper.salary import pay
from scraper.sources.ashby import Ashby
from scraper.sources.greenhouse import Greenhouse
from scraper.sources.jsonld import JsonLd
from scraper.sources.lever import Lever
from scraper.sources.smartrecruiters import SmartRecruiters
from scraper.sources.workday import Workday
from tests.helpers import REAL, crawl, load_real, query


def _cfg(source: str, board: str, **options: Any) -> CompanyConfig:
    return CompanyConfig(name=board, source=source, board=board, options=options)


@dataclass
class Case:
    """A board of real payloads; `target` is the posting whose structured amount is mutated."""

    name: str
    items: list[Any]
    target: int
    parse: Callable[[Any], Posting]
    set_amount: Callable[[Any, str, Any], None]  # (item, "min" | "max", value)
    label: str  # how the warning names the field


def _greenhouse() -> Case:
    jobs = [*load_real("greenhouse/gitlab_jobs_content_2jobs.json")["jobs"]]
    jobs.append(load_real("greenhouse/anthropic_job_4461450008_pay_transparency.json"))
    src = Greenhouse(_cfg("greenhouse", "anthropic"))

    def set_amount(job: dict, side: str, value: Any) -> None:
        job["pay_input_ranges"][0][f"{side}_cents"] = value

    return Case("greenhouse", jobs, 2, src.parse_job, set_amount, "greenhouse pay range 'Annual Salary'")


def _lever() -> Case:
    items = [
        *load_real("lever/matchgroup_postings_2jobs.json"),
        *load_real("lever/leverdemo_postings_limit3.json"),
    ]
    src = Lever(_cfg("lever", "matchgroup"))

    def set_amount(item: dict, side: str, value: Any) -> None:
        item["salaryRange"][side] = value

    return Case("lever", items, 0, src.parse_posting, set_amount, "lever salaryRange")


def _ashby() -> Case:
    jobs = load_real("ashby/stapply_sierra_board_comp.json")["jobs"]

    def salary_parts(job: dict) -> list[dict]:
        tiers = (job.get("compensation") or {}).get("compensationTiers") or []
        return [c for t in tiers for c in t["components"] if c["compensationType"] == "Salary"]

    target = next(
        i for i, j in enumerate(jobs) if len(salary_parts(j)) == 1 and salary_parts(j)[0]["minValue"]
    )
    src = Ashby(_cfg("ashby", "sierra"))

    def set_amount(job: dict, side: str, value: Any) -> None:
        salary_parts(job)[0][f"{side}Value"] = value

    return Case("ashby", jobs, target, src.parse_job, set_amount, "ashby pay tier")


def _smartrecruiters() -> Case:
    listed = load_real("smartrecruiters/equinox_postings_limit5.json")["content"]
    detail = load_real("smartrecruiters/equinox_posting_744000137225639.json")
    # No recording shows `compensation`; the source reads min/max/currency and a period.
    detail["compensation"] = {"min": 52000, "max": 68000, "currency": "USD", "period": "year"}
    items = [(item, detail if item["id"] == detail["id"] else None) for item in listed]
    target = next(i for i, (item, _) in enumerate(items) if item["id"] == detail["id"])
    src = SmartRecruiters(_cfg("smartrecruiters", "equinox"))

    def set_amount(pair: tuple, side: str, value: Any) -> None:
        pair[1]["compensation"][side] = value

    return Case(
        "smartrecruiters", items, target, lambda p: src.parse_posting(*p), set_amount, "smartrecruiters"
    )


def _workday() -> Case:
    listed = load_real("workday/nvidia_jobs_search_golang.json")["jobPostings"]
    detail = load_real("workday/nvidia_job_detail_JR2015916.json")
    # No recording shows jobPostingInfo.payRange; the source reads it leniently.
    detail["jobPostingInfo"]["payRange"] = {
        "min": 148000,
        "max": 235750,
        "currency": "USD",
        "frequency": "Annual",
    }
    item = {"title": detail["jobPostingInfo"]["title"], "externalPath": "/job/US-CA-Santa-Clara/x_JR2015916"}
    items = [(i, None) for i in listed] + [(item, detail)]
    src = Workday(_cfg("workday", "nvidia/NVIDIAExternalCareerSite"))

    def set_amount(pair: tuple, side: str, value: Any) -> None:
        pair[1]["jobPostingInfo"]["payRange"][side] = value

    parse = lambda p: src.parse_job(p[0], p[1], "NVIDIAExternalCareerSite")  # noqa: E731
    return Case("workday", items, len(items) - 1, parse, set_amount, "workday payRange")


def _jsonld() -> Case:
    pages = [
        "nodesk_sticker-mule_software-engineer.html",
        "hrmos_visional_0000381_jpy.html",
        "mynavi_348855_jpy-string-values.html",
    ]
    objs = [obj for p in pages for obj in job_posting_objects((REAL / "jsonld" / p).read_text("utf-8"))]
    src = JsonLd(_cfg("jsonld", "example.org/careers", url="https://example.org/careers"))

    def set_amount(obj: dict, side: str, value: Any) -> None:
        obj["baseSalary"]["value"][f"{side}Value"] = value

    def parse(obj: dict) -> Posting:
        return src.to_posting(read_job_posting(obj, "https://example.org/job"), "https://example.org/job")

    return Case("jsonld", objs, 0, parse, set_amount, "schema.org baseSalary")


CASES = [_greenhouse, _lever, _ashby, _smartrecruiters, _workday, _jsonld]

BAD = [
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("inf"), id="inf"),
    pytest.param(True, id="bool"),
    pytest.param([150000], id="list"),
    pytest.param({"value": 150000}, id="dict"),
    pytest.param("NaN", id="str-NaN"),
    pytest.param(10**400, id="10**400"),
    pytest.param(10**5000, id="5001-digit"),
    pytest.param("1" * 400, id="400-digit-str"),
]


def _bands(p: Posting) -> list[tuple]:
    return [
        (b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.zone, b.origin, b.rule)
        for b in p.bands
    ]


def _structured(p: Posting) -> list:
    return [b for b in p.bands if b.origin == "structured"]


@pytest.mark.parametrize("side", ["min", "max"])
@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__.strip("_"))
def test_bad_structured_amount_costs_that_band_only(make, bad, side) -> None:
    case = make()
    if case.name == "jsonld" and isinstance(bad, list | dict):
        pytest.skip("a list / an object is a valid shape of a schema.org value (tested in tests/salary)")
    before = [case.parse(item) for item in case.items]
    assert _structured(before[case.target]), "the untouched recording has a structured band"
    items = copy.deepcopy(case.items)
    case.set_amount(items[case.target], side, bad)
    after = [case.parse(item) for item in items]  # never raises
    assert [p.posting_id for p in after] == [p.posting_id for p in before]
    hit = after[case.target]
    assert _structured(hit) == []  # no band: not an open one either
    assert len(hit.warnings) == 1, hit.warnings
    assert hit.warnings[0].startswith(case.label) and hit.warnings[0].endswith("; no band")
    assert "amount" in hit.warnings[0]
    json.loads(hit.raw)  # the stored payload still serializes (a 5001-digit int is kept as its size)
    for i, (a, b) in enumerate(zip(before, after, strict=True)):
        if i != case.target:
            assert (_bands(b), b.warnings, b.description) == (_bands(a), [], a.description)


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__.strip("_"))
def test_an_exception_from_pay_code_costs_the_band_not_the_board(make, monkeypatch) -> None:
    """Whatever pay code raises (ValueError, OverflowError, TypeError), the posting is kept."""
    case = make()

    def boom(*_a: Any, **_k: Any) -> None:
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(pay, "band_problem", boom)  # inside structured_band and make_band
    import scraper.salary.structured as structured

    monkeypatch.setattr(structured, "band_problem", boom)
    postings = [case.parse(item) for item in case.items]
    assert len(postings) == len(case.items)
    assert _structured(postings[case.target]) == []
    assert any("OverflowError" in w for w in postings[case.target].warnings)


# --- the cents mistake on the sources' structured paths -------------------------------------
@pytest.mark.parametrize(
    ("make", "lo", "hi", "ok"),
    [
        (_greenhouse, 22_280_000, 29_000_000, True),  # cents: $222,800 - $290,000
        (_greenhouse, 222_800, 290_000, False),  # dollars sent as cents: $2,228 - $2,900 a year
        (_lever, 180_000, 240_000, True),  # Lever amounts are dollars
        (_lever, 1_800, 2_400, False),  # $180,000 sent in hundreds
        (_smartrecruiters, 180_000, 240_000, True),
        (_smartrecruiters, 1_800, 2_400, False),
        (_workday, 1_480, 2_357, False),
        (_ashby, 1_250, 1_450, False),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else str(v),
)
def test_cents_mistake_is_rejected_with_a_warning(make, lo, hi, ok) -> None:
    case = make()
    items = copy.deepcopy(case.items)
    case.set_amount(items[case.target], "min", lo)
    case.set_amount(items[case.target], "max", hi)
    hit = case.parse(items[case.target])
    assert bool(_structured(hit)) == ok, hit.warnings
    if not ok:
        assert len(hit.warnings) == 1 and "USD floor" in hit.warnings[0], hit.warnings


# --- a currency missing from the FX table keeps its amounts, USD null ---------------------------
@pytest.mark.parametrize(
    ("make", "code", "lo", "hi", "field"),
    [
        (_greenhouse, "KZT", 1_200_000_000, 1_800_000_000, "currency_type"),  # cents: 12M-18M tenge a year
        (_lever, "UZS", 180_000_000, 240_000_000, "currency"),
        (_ashby, "KZT", 12_000_000, 18_000_000, "currencyCode"),
    ],
    ids=["greenhouse", "lever", "ashby"],
)
def test_rateless_currency_keeps_amounts_with_null_usd(monkeypatch, make, code, lo, hi, field) -> None:
    table = pay.fx_table()
    rates = {k: v for k, v in table.usd_per_unit.items() if k != code}
    monkeypatch.setattr(pay, "fx_table", lambda: pay.FxTable(table.as_of, rates))
    case = make()
    item = copy.deepcopy(case.items[case.target])
    case.set_amount(item, "min", lo)
    case.set_amount(item, "max", hi)
    if case.name == "greenhouse":
        item["pay_input_ranges"][0][field] = code
    elif case.name == "lever":
        item["salaryRange"][field] = code
    else:
        tiers = item["compensation"]["compensationTiers"]
        for c in (c for t in tiers for c in t["components"] if c["compensationType"] == "Salary"):
            c[field] = code
    hit = case.parse(item)
    (band,) = _structured(hit)
    div = 100 if case.name == "greenhouse" else 1
    assert (band.currency, band.min_amount, band.max_amount) == (code, lo / div, hi / div)
    assert (band.annual_min_usd, band.annual_max_usd) == (None, None)
    assert band.rule == f"structured:{case.name}" and hit.warnings == []


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__.strip("_"))
def test_structured_bands_name_their_rule(make) -> None:
    case = make()
    bands = _structured(case.parse(case.items[case.target]))
    expected = "schema_org" if case.name == "jsonld" else f"structured:{case.name}"
    assert bands and {b.rule for b in bands} == {expected}


# --- the posting's country goes to the text normalizer -----------------------------------------
TORONTO_TEXT = "<p>The salary range for this role is $120,000 - $150,000.</p>"


def _toronto(case_name: str) -> tuple[Callable[[], Posting], str]:
    if case_name == "greenhouse":
        job = copy.deepcopy(load_real("greenhouse/gitlab_jobs_content_2jobs.json")["jobs"][0])
        job["location"] = {"name": "Toronto, ON"}
        job["content"] = TORONTO_TEXT.replace("<", "&lt;").replace(">", "&gt;")
        return (lambda: Greenhouse(_cfg("greenhouse", "gitlab")).parse_job(job)), "CA"
    item = copy.deepcopy(load_real("lever/leverdemo_postings_limit3.json")[0])
    item["categories"]["location"] = "Toronto"
    item["salaryRange"] = None
    item["lists"], item["additional"], item["additionalPlain"] = [], "", ""
    item["descriptionPlain"] = "The salary range for this role is $120,000 - $150,000."
    return (lambda: Lever(_cfg("lever", "leverdemo")).parse_posting(item)), "CA"


@pytest.mark.parametrize("source", ["greenhouse", "lever"])
def test_country_of_the_location_reaches_the_text_normalizer(monkeypatch, source) -> None:
    parse, country = _toronto(source)
    seen: list[str | None] = []
    real = extract.parse_pay_text

    def spy(text: str, **kw: Any):
        seen.append(kw.get("country"))
        return real(text, **kw)

    monkeypatch.setattr(extract, "parse_pay_text", spy)
    posting = parse()
    assert seen and set(seen) == {country}
    assert [(b.min_amount, b.max_amount, b.currency) for b in posting.bands] == [(120000.0, 150000.0, "CAD")]


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ("San Francisco, CA | New York City, NY", "US"),
        ("Remote, Italy", "IT"),
        ("Remote - North America", None),
        ("London, UK", "GB"),
        ("Bengaluru, Karnataka, India", "IN"),
        (None, None),
    ],
)
def test_greenhouse_country_per_location(monkeypatch, location, country) -> None:
    seen: list[str | None] = []
    monkeypatch.setattr(extract, "parse_pay_text", lambda text, **kw: seen.append(kw.get("country")) or [])
    job = copy.deepcopy(load_real("greenhouse/gitlab_jobs_content_2jobs.json")["jobs"][0])
    job["location"] = {"name": location} if location else None
    Greenhouse(_cfg("greenhouse", "gitlab")).parse_job(job)
    assert seen == [country]


# --- crawl level: the board is stored, the warning counted and shown ---------------------------
def test_crawl_stores_the_board_and_counts_the_warning(replay, tmp_db, tmp_path) -> None:
    from paybands.commands.crawl import summary_lines

    board = load_real("greenhouse/gitlab_jobs_content_2jobs.json")
    job = load_real("greenhouse/anthropic_job_4461450008_pay_transparency.json")
    job["pay_input_ranges"][0]["min_cents"] = "NaN"
    board["jobs"].append(job)
    (tmp_path / "synth" / "greenhouse").mkdir(parents=True)
    (tmp_path / "synth" / "greenhouse" / "mixed.json").write_text(json.dumps(board))
    replay.recordings = tmp_path
    result = crawl(tmp_db, replay.url, {"name": "Mixed", "source": "greenhouse", "board": "mixed"})
    assert result.status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(3,)]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands WHERE origin = 'structured'") == [(0,)]
    assert result.warnings == [
        "Mixed: greenhouse pay range 'Annual Salary': amount 'NaN' is not a finite number; no band"
    ]
    lines = summary_lines(result)
    assert "1 pay value rejected (see warnings)" in lines
    assert "  warning: " + result.warnings[0] in lines
    stored = query(tmp_db, "SELECT * FROM crawl_run_companies")
    cols = [r[0] for r in query(tmp_db, "SELECT column_name FROM (DESCRIBE crawl_run_companies)")]
    if "warnings" in cols and hasattr(result.outcomes[0].counts, "warnings"):
        assert stored[0][cols.index("warnings")] == 1


def test_a_5001_digit_number_in_a_board_response_costs_one_band() -> None:
    """json.loads refuses ints over 4,300 digits: the fetcher keeps such a number as its digits,
    so the board still parses and only that band is lost (the replay server itself cannot serve
    such a recording: it parses recordings with json.loads, so the response is built here)."""
    import httpx

    from scraper.fetch import Response

    board = load_real("greenhouse/gitlab_jobs_content_2jobs.json")
    job = load_real("greenhouse/anthropic_job_4461450008_pay_transparency.json")
    job["pay_input_ranges"][0]["max_cents"] = 424242  # replaced by 5,001 digits in the JSON text
    board["jobs"].append(job)
    body = json.dumps(board).replace("424242", "9" * 5001).encode()
    data = Response("https://boards-api.greenhouse.io/v1/boards/x/jobs", 200, httpx.Headers(), body).json()
    src = Greenhouse(_cfg("greenhouse", "huge"))
    postings = [src.parse_job(j) for j in data["jobs"]]
    assert len(postings) == 3 and _structured(postings[2]) == []
    (warning,) = postings[2].warnings
    assert warning.startswith("greenhouse pay range 'Annual Salary': amount '9999") and "too large" in warning
    json.loads(postings[2].raw)
