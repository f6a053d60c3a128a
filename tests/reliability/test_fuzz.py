"""Parsers fuzzed with mutated real recordings: every source's `parse_raw`, the salary normalizer,
schema.org salaries and JSON-LD page extraction. No crash but the expected exceptions, and every
band they produce keeps the invariants.

The payloads are what the crawl stores (posting_raw) after crawling every recorded board through
the replay server; hypothesis mutates 1-4 nodes of one (a value replaced by another type, a key
deleted, salary or hostile text spliced into a string, numbers made negative, huge, NaN).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.config import CompanyConfig
from scraper.jsonld import page_job_postings, read_job_posting
from scraper.models import ORIGINS, PAY_TYPES, PERIODS, PayBand, Posting
from scraper.replay import ReplayServer
from scraper.salary import parse_pay_text, schema_org_bands
from scraper.salary.pay import ANNUAL_FACTOR, MAX_PLAUSIBLE_ANNUAL_USD, annual_floor_usd, fx_table
from scraper.sources import Source, SourceError, get_source
from tests.helpers import FIXTURES, REAL, crawl
from tests.reliability.support import rows

EXAMPLES = 150
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a CI failure reproduces locally
    database=None,  # ... and no replay of examples saved by other runs
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RECORDED = [
    {"name": "Lambda", "source": "ashby", "board": "Lambda"},
    {"name": "Weaviate", "source": "ashby", "board": "weaviate"},
    {"name": "GitLab", "source": "greenhouse", "board": "gitlab"},
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
    {"name": "Lever Demo", "source": "lever", "board": "leverdemo"},
    {"name": "Netflix", "source": "eightfold", "board": "netflix.com"},
    {"name": "Morgan Stanley", "source": "eightfold", "board": "morganstanley.com", "api": "pcsx"},
    {"name": "Equinox", "source": "smartrecruiters", "board": "equinox"},
    {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"},
    {"name": "Trend Micro", "source": "workday", "board": "trendmicro/External"},
    # generated in the real shapes (fixtures/synth): the recorded Workday/SmartRecruiters boards state no pay
    {"name": "SynthLabs WD", "source": "workday", "board": "synthlabs/SynthLabs_Careers"},
    {"name": "SynthLabs SR", "source": "smartrecruiters", "board": "SynthLabs"},
    {"name": "Recorded Pages", "source": "jsonld", "board": "recorded"},  # url added with the server
    {"name": "10-4 Truck Recruiting", "source": "breezy", "board": "10-4-truck-recruiting"},
    {"name": "Routine Labs", "source": "join", "board": "routinelabs"},
    {
        "name": "Mayo Clinic",
        "source": "oracle",
        "board": "fa-euwp-saasfaprod1.fa.ocs.oraclecloud.com/Mayo-US",
        "site_number": "CX_1",
    },
    {
        "name": "TechnoServe",
        "source": "ultipro",
        "board": "TEC1006TESER/18180d88-ced0-4361-bd09-d5eef66dab24",
    },
]
# What a parser may raise on a payload it cannot read: a clear, expected refusal.
EXPECTED_ERRORS = (ValueError, SourceError)

SALARY_SNIPPETS = [
    "$120,000 - $180,000 per year", "€50k–€70k", "USD 45/hour", "up to $5,000,000,000", "$0 - $0",
    "$180,000 - $120,000", "¥3,600,000〜", "CHF 120'000", "$ 1.000.000,00", "100000-90000 USD", "£-5",
    "1e309 USD", "$NaN", "$∞", "between $1 and $2 an hour", "$200K–$300K OTE", "₹ 12,00,000 p.a.",
    "$9" * 40, "0x1F4 USD", "$１２０,０００", "\u202e$120,000\u202c", "$120,000<script>alert(1)</script>",
]  # fmt: skip
HOSTILE_SNIPPETS = [
    "<script>alert(1)</script>",
    "\x00",
    "\ud800",
    "\u200b\u202e",
    "<" * 100,
    "&amp;" * 50,
    "]]>",
]
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(SALARY_SNIPPETS + HOSTILE_SNIPPETS),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=6), st.text(max_size=12), max_size=3),
)


@pytest.fixture(scope="module")
def recorded_payloads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[CompanyConfig, Any]]]:
    """source -> [(company, payload)] for every posting of every recorded board, as stored."""
    db = tmp_path_factory.mktemp("fuzz") / "paybands.duckdb"
    with ReplayServer(FIXTURES) as server:
        companies = [
            c if c["source"] != "jsonld" else {**c, "url": f"{server.url}/static-careers/"} for c in RECORDED
        ]
        result = crawl(db, server.url, *companies, timeout_s=20)
    assert all(o.status == "ok" for o in result.outcomes), [(o.company, o.error) for o in result.outcomes]
    configs = {o.company: o for o in result.outcomes}
    out: dict[str, list[tuple[CompanyConfig, Any]]] = {}
    for company, source, board, payload in rows(
        db,
        "SELECT p.company, p.source, p.board, r.payload FROM posting_raw r JOIN postings p USING (posting_id) "
        "ORDER BY p.posting_id",
    ):
        spec = next(c for c in companies if c["name"] == company)
        options = {k: v for k, v in spec.items() if k not in ("name", "source", "board", "base_url")}
        out.setdefault(source, []).append(
            (CompanyConfig(company, source, board, options=options), json.loads(payload))
        )
    assert set(out) == {c["source"] for c in RECORDED} and configs
    return out


def check_band(band: PayBand) -> None:
    """The invariants every stored band keeps, whatever text or fields it came from."""
    lo, hi = band.min_amount, band.max_amount
    assert lo is not None or hi is not None, band
    for v in (lo, hi):
        assert v is None or (math.isfinite(v) and v > 0), band
    assert lo is None or hi is None or lo <= hi, band
    assert re.fullmatch(r"[A-Z]{3}", band.currency), band
    assert band.period in PERIODS and band.pay_type in PAY_TYPES and band.origin in ORIGINS, band
    factor = ANNUAL_FACTOR[band.period]
    for amount, annual in ((lo, band.annual_min), (hi, band.annual_max)):
        assert (amount is None) == (annual is None), band
        if amount is not None:
            assert math.isclose(annual, amount * factor, rel_tol=1e-9, abs_tol=0.01), band
    rate = fx_table().usd_per_unit.get(band.currency)
    for annual, usd in ((band.annual_min, band.annual_min_usd), (band.annual_max, band.annual_max_usd)):
        if annual is None or rate is None:
            assert usd is None, band
            continue
        assert math.isclose(usd, annual * rate, rel_tol=1e-6, abs_tol=0.01), band
        assert annual_floor_usd(band.currency) <= usd <= MAX_PLAUSIBLE_ANNUAL_USD, band


INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]"
)


def check_posting(p: Posting) -> None:
    for b in p.bands:
        check_band(b)
    for text in (p.title, p.description, p.location, p.department):
        assert not text or not INVISIBLE.search(text), text[:80] if text else text
    p.raw.encode("utf-8")  # storable
    p.posting_id.encode("utf-8")


# -- mutations -----------------------------------------------------------------------------------
def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:20]):
            out += paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, payload: Any) -> Any:
    obj = copy.deepcopy(payload)
    candidates = paths(obj)[1:] or [()]
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(candidates))
        if not path:
            break
        parent = obj
        try:
            for key in path[:-1]:
                parent = parent[key]
            current = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this branch
        if not isinstance(parent, dict | list):
            continue  # ... with a string, which indexing walked into
        action = draw(st.sampled_from(["replace", "delete", "splice", "number"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "splice" and isinstance(current, str):
            at = draw(st.integers(0, len(current)))
            piece = draw(st.sampled_from(SALARY_SNIPPETS + HOSTILE_SNIPPETS) | st.text(max_size=20))
            parent[path[-1]] = current[:at] + piece + current[at:]
        elif action == "number" and isinstance(current, int | float) and not isinstance(current, bool):
            parent[path[-1]] = draw(
                st.sampled_from([-current, 0, current * 10**9, float("nan"), float("inf"), str(current)])
            )
        else:
            parent[path[-1]] = draw(JSON_LEAVES)
    return obj


SOURCES = [c["source"] for c in RECORDED]


def run_recorded(
    run: Callable[[], None],
    rel: Any,
    what: str,
    *,
    tries: Callable[[], int],
    outcome: Callable[[BaseException | None], str],
) -> None:
    """Run a hypothesis test, record what it tried in the reliability report, then re-raise its
    failure (with hypothesis's minimal example). `tries`/`outcome` read the counts after the run."""
    error: BaseException | None = None
    try:
        run()
    except BaseException as exc:
        error = exc
    rel.record("Fuzzing", what, tries=tries(), outcome=outcome(error), lost="-")
    if error is not None:
        raise error


def parser(source: str, company: CompanyConfig) -> tuple[str, Any]:
    """(what is fuzzed, a function payload -> Posting): every source's `parse_raw`, the function
    `paybands reparse` feeds stored payloads (the list item merged with its detail)."""
    src = get_source(source)(company)
    assert type(src).parse_raw is not Source.parse_raw, f"{source} has no parse_raw"
    return "parse_raw", src.parse_raw


@pytest.mark.parametrize("source", sorted(set(SOURCES)))
def test_parse_raw_on_mutated_recordings(source: str, recorded_payloads, rel) -> None:
    items = recorded_payloads[source]
    what = parser(source, items[0][0])[0]
    stats = {"parsed": 0, "refused": 0, "bands": 0}
    crashes: list[str] = []

    @PROFILE
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        company, payload = data.draw(st.sampled_from(items))
        raw = data.draw(mutated(payload))
        try:
            posting = parser(source, company)[1](raw)
        except EXPECTED_ERRORS:
            stats["refused"] += 1
            return
        except Exception as exc:
            crashes.append(f"{type(exc).__name__}: {exc}"[:200])
            raise
        if posting is None:  # dropped by the crawl's own filter before parsing
            stats["refused"] += 1
            return
        check_posting(posting)
        stats["parsed"] += 1
        stats["bands"] += len(posting.bands)

    run_recorded(
        run,
        rel,
        f"`{source}` {what} on mutated recorded payloads ({len(items)} recorded postings)",
        tries=lambda: sum(stats.values()) - stats["bands"] + len(crashes),
        outcome=lambda error: (
            f"{stats['parsed']} parsed ({stats['bands']} bands, all within the invariants), "
            f"{stats['refused']} refused (ValueError/SourceError, or dropped by the crawl's item filter), "
            + (f"{len(crashes)} crashes: {crashes[0]}" if crashes else "0 crashes")
            + ("" if error is None or crashes else f"; invariant broken: {str(error)[:200]}")
        ),
    )


def recorded_texts() -> list[str]:
    texts = []
    for path in sorted((REAL / "ashby").glob("*.json"))[:4]:
        texts += [j.get("descriptionPlain") or "" for j in json.loads(path.read_text())["jobs"][:10]]
    for line in (REAL / "eightfold" / "netflix_pay_texts.jsonl").read_text().splitlines()[:20]:
        texts += [v for v in json.loads(line).values() if isinstance(v, str)]
    return [t for t in texts if t]


@st.composite
def mutated_text(draw: st.DrawFn, texts: list[str]) -> str:
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "cut", "digits"]))
        if op == "insert":
            text = (
                text[:at]
                + draw(st.sampled_from(SALARY_SNIPPETS + HOSTILE_SNIPPETS) | st.text(max_size=30))
                + text[at:]
            )
        elif op == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 50)) :]
        else:
            text = re.sub(r"\d", lambda _m: str(draw(st.integers(0, 9))), text[at : at + 200], count=5).join(
                (text[:at], text[at + 200 :])
            )
    return text


def test_parse_pay_text_on_mutated_descriptions(rel) -> None:
    texts = recorded_texts()
    stats = {"texts": 0, "bands": 0}

    @PROFILE
    @given(mutated_text(texts), st.sampled_from(["USD", "EUR", "GBP", "JPY", "INR", "XYZ", "usd", ""]))
    def run(text: str, currency: str) -> None:
        bands = parse_pay_text(text, default_currency=currency)
        for band in bands:
            check_band(band)
        stats["texts"] += 1
        stats["bands"] += len(bands)

    run_recorded(
        run,
        rel,
        f"parse_pay_text on mutated recorded descriptions ({len(texts)} recorded texts)",
        tries=lambda: stats["texts"],
        outcome=lambda error: (
            f"{stats['bands']} bands, "
            + ("all within the invariants" if error is None else f"FAILED: {str(error)[:200]}")
        ),
    )


def recorded_salaries() -> list[Any]:
    out = []
    for path in sorted((REAL / "jsonld").glob("*.html")):
        for jp in page_job_postings(path.read_text("utf-8", errors="replace")):
            raw = json.loads(jp.raw) if isinstance(jp.raw, str) else jp.raw
            for key in ("baseSalary", "estimatedSalary"):
                if raw.get(key) not in (None, "", [], {}):
                    out.append(raw[key])
    return out


def test_schema_org_bands_on_mutated_salaries(rel) -> None:
    salaries = recorded_salaries()
    stats = {"values": 0, "bands": 0}

    @PROFILE
    @given(st.data(), st.booleans(), st.sampled_from([None, "USD", "JPY", "EUR", "XYZ", ""]))
    def run(data: st.DataObject, estimate: bool, hint: str | None) -> None:
        value = data.draw(mutated(data.draw(st.sampled_from(salaries))))
        bands = schema_org_bands(value, estimate=estimate, currency_hint=hint)
        for band in bands:
            check_band(band)
        stats["values"] += 1
        stats["bands"] += len(bands)

    run_recorded(
        run,
        rel,
        f"schema_org_bands on mutated recorded baseSalary/estimatedSalary values ({len(salaries)} recorded)",
        tries=lambda: stats["values"],
        outcome=lambda error: (
            f"{stats['bands']} bands, "
            + ("all within the invariants" if error is None else f"FAILED: {str(error)[:200]}")
        ),
    )


def test_jsonld_extraction_on_mutated_pages(rel) -> None:
    pages = [p.read_text("utf-8", errors="replace") for p in sorted((REAL / "jsonld").glob("*.html"))]
    stats = {"pages": 0, "postings": 0, "crashes": 0}

    @st.composite
    def mutated_page(draw: st.DrawFn) -> str:
        page = draw(st.sampled_from(pages))
        blocks = [
            m.span(1) for m in re.finditer(r"<script[^>]*ld\+json[^>]*>(.*?)</script>", page, re.S | re.I)
        ]
        if blocks and draw(st.booleans()):
            start, end = draw(st.sampled_from(blocks))
            try:
                data = json.loads(page[start:end])
                text = json.dumps(draw(mutated(data)), allow_nan=True)
            except ValueError:
                text = page[start:end]
            page = page[:start] + text + page[end:]
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(page)))
            piece = draw(st.sampled_from(
                ['<script type="application/ld+json">{"@type":"JobPosting","title":', "</script>", "{", "]]",
                 "\x00", "<div>" * 50, '"baseSalary": {"value": -1}', *HOSTILE_SNIPPETS]
            ) | st.text(max_size=30))  # fmt: skip
            page = page[:at] + piece + page[at:]
        if draw(st.booleans()):
            page = page[: draw(st.integers(0, len(page)))]  # truncated download
        return page

    @PROFILE
    @given(mutated_page())
    def run(page: str) -> None:
        found = page_job_postings(page, "https://jobs.example/page")
        for jp in found:
            for band in jp.bands:
                check_band(band)
            # and back through the stored-payload path
            raw = json.loads(jp.raw) if isinstance(jp.raw, str) else jp.raw
            try:
                again = read_job_posting(raw, "https://jobs.example/page")
            except EXPECTED_ERRORS:
                continue
            for band in again.bands:
                check_band(band)
        stats["pages"] += 1
        stats["postings"] += len(found)

    run_recorded(
        run,
        rel,
        f"JSON-LD extraction on mutated recorded career pages ({len(pages)} pages: JSON-LD blocks mutated, "
        "junk spliced in, truncated)",
        tries=lambda: stats["pages"],
        outcome=lambda error: (
            f"{stats['postings']} JobPostings read, "
            + (
                "all bands within the invariants, no crash"
                if error is None
                else f"FAILED: {str(error)[:200]}"
            )
        ),
    )
