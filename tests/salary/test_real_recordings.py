"""Every real recording, read through the program, against hand-written expected bands (issue 12).

For each board recording in tests/fixtures/real/ and ../shared/fixtures/real/ (the shared part is
skipped when that directory is absent; a shared file byte-identical to the local one of the same
name is the same recording and is checked once), tests/salary/expected/<source>/<stem>.json names
every posting's bands as a careful recruiter reads them in the posting (docs/SALARY.md; structured
pay fields count too). They were written by reading the recordings, not from the program's output:

    {"recording": "<path from the repo root>", "level": "crawl" | "text", "reading": "how it was read",
     "postings": {"<external id>": [{"min", "max", "currency", "period", "pay_type", "zone"}, ...]},
     "notes": {"<external id>": "why", ...}}

- crawl level (ATSs paybands has a source for): the recording is served by the replay server at the
  source's real API path and crawled into DuckDB (Ashby, Greenhouse and Lever boards, jsonld pages;
  Recruitee, Pinpoint and Teamtailor boards as the board of a host named after the file),
  or, where the recording is one half of a list + detail API whose other half was never recorded
  (Eightfold, SmartRecruiters, Workday, Workable, JOIN, Oracle, UltiPro, a single Lever posting, the
  career-site pages of Avature, iCIMS and SuccessFactors, Phenom's list pages) or one recording of a
  board the replay cannot tell from another (Breezy's /json), read by the source's own parse
  functions, as tests/sources/ and `paybands reparse` do.
- text level (ATSs whose crawl-level check lives in tests/sources, and recordings of an API their
  source does not call, TEXT_LEVEL_ONLY): `_text_postings` below, a small
  generic extractor, takes each posting's pay-bearing text fields and country from the payload and
  runs parse_pay_text on them. A band a posting states only in structured fields has
  "stated": "structured": it is truth, but no text parse can find it, so it does not count as
  missing (it is reported as waiting for a source).

A band the program produces that is not in the posting's expected list (wrong amount, currency or
period, or any band on a posting that states none) is FALSE and fails the test. An expected band the
program does not produce is MISSING: counted and printed, failing only when more than
MAX_MISSING_SHARE of all checkable expected bands are missing. Every matched band must carry the
expected zone and pay_type; all mismatches are listed in the assertion message. Figures per board
and in total are printed with capture suspended (like test_corpus.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scraper.config import CompanyConfig, parse_config
from scraper.crawl import run_crawl
from scraper.jsonld import PAGE_URL_KEY
from scraper.models import PayBand, Posting
from scraper.replay import ReplayServer
from scraper.salary import parse_pay_text
from scraper.sources import avature, get_source, icims, successfactors
from scraper.sources._careersite import parse
from scraper.text import html_to_text
from tests.helpers import query

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "tests" / "fixtures" / "real"
SHARED = REPO.parent / "shared" / "fixtures" / "real"
EXPECTED = Path(__file__).with_name("expected")

MAX_MISSING_SHARE = 0.05  # of all checkable expected bands, crawl and text level together
SOURCES = (
    "ashby", "avature", "breezy", "eightfold", "greenhouse", "icims", "join", "jsonld", "lever", "oracle",
    "phenom", "pinpoint", "recruitee", "smartrecruiters", "successfactors", "teamtailor", "ultipro",
    "workable", "workday",
)  # fmt: skip
NO_SOURCE_YET = (  # read at text level here; their sources are checked on these recordings in tests/sources
    "adp_wfn", "bamboohr", "dayforce", "rippling",
)  # fmt: skip
TEXT_LEVEL_LABEL = "text-level: no paybands source for this ATS yet"
# Recordings of an API their ATS's source does not call: read at text level, with this label.
TEXT_LEVEL_ONLY = {
    "workable/ergon_zego_v1_widget.json": "text-level: the v1 widget API, which the workable source does not call",
}
# The ATSs whose board is a host (scraper/sources/_hosted.py): the domain a board name without a dot is on.
HOSTED = {"pinpoint": "pinpointhq.com", "recruitee": "recruitee.com", "teamtailor": "teamtailor.com"}

# Recordings that hold no board: error bodies, filter and facet catalogues ("<dir>/<file name>").
NOT_BOARDS = {
    "eightfold/morganstanley_pcsx_position_details_not_found_404.json": "HTTP 404 body",
    "smartrecruiters/equinox_posting_not_found_404.json": "HTTP 404 body",
    "adp_wfn/metlifelegal_job_99999999_not_found.json": "not-found skeleton without itemID",
    "adp_wfn/novae_getSearchFilters.json": "search filter catalogue",
    "adp_wfn/unknown_tenant_list_404.html": "HTTP 404 page",
    "bamboohr/giatecscientific_job_999999_not_found_404.json": "HTTP 404 body",
    "dayforce/pca_posting_99999999_not_found_404.json": "HTTP 404 body",
    "dayforce/unknown_tenant_search_404.json": "HTTP 404 body",
    "dayforce/pca_postingattributes_paytypes.json": "pay type catalogue",
    "oracle/cx1_requisition_details_not_found.json": "not-found answer (count 0, no items)",
    "rippling/pythian_job_not_found_404.json": "HTTP 404 body",
    "rippling/unknown_board_jobs_404.json": "HTTP 404 body",
    "successfactors/sap_facetValues_engineer.json": "facet catalogue",
    "ultipro/tec1006teser_GetFilters.json": "filter catalogue",
    "workable/blueground_v3_jobs_filters.json": "facet catalogue",
    "workable/blueground_v2_job_not_found_404.txt": "HTTP 404 body",
    "workable/unknown_account_v3_jobs_404.txt": "HTTP 404 body",
}
# HTML recordings of ATSs without a source that are result lists: one posting per job link.
LISTING_PAGES = {}
BAND_KEYS = ("min", "max", "currency", "period", "pay_type", "zone")
PERIODS = {"year", "month", "week", "day", "hour"}
PAY_TYPES = {"base", "total", "ote", "unknown"}


# -- recordings and their expected files --------------------------------------------------------
@dataclass(frozen=True)
class Recording:
    path: Path
    rel: str  # "<dir>/<file name>"
    shown: str  # the path as the expected file names it (from the repo root)

    @property
    def source(self) -> str:
        return self.rel.split("/", 1)[0]

    @property
    def expected_path(self) -> Path:
        return EXPECTED / self.source / f"{self.path.stem}.json"


def recordings() -> list[Recording]:
    """Local recordings, then shared ones that are not byte-identical copies of a local one."""
    out: list[Recording] = []
    for base, shown in ((LOCAL, "tests/fixtures/real"), (SHARED, "../shared/fixtures/real")):
        if not base.is_dir():
            continue
        for path in sorted(base.glob("*/*")):
            rel = f"{path.parent.name}/{path.name}"
            if path.name == "PROVENANCE.md" or not path.is_file():
                continue
            local = LOCAL / rel
            if base == SHARED and local.is_file() and local.read_bytes() == path.read_bytes():
                continue
            out.append(Recording(path, rel, f"{shown}/{rel}"))
    return out


def boards() -> list[Recording]:
    return [r for r in recordings() if r.rel not in NOT_BOARDS]


def load_expected(rec: Recording) -> dict[str, Any]:
    return json.loads(rec.expected_path.read_text("utf-8"))


# -- bands --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    min: float | None
    max: float | None
    currency: str
    period: str
    pay_type: str
    zone: str | None
    text: str = ""  # the program's evidence (source_text), or the expected band's "stated"

    def amounts(self) -> tuple:
        return (_amount(self.min), _amount(self.max), self.currency, self.period)

    def show(self) -> str:
        lo = "…" if self.min is None else f"{self.min:g}"
        hi = "…" if self.max is None else f"{self.max:g}"
        return f"{lo}-{hi} {self.currency}/{self.period} {self.pay_type} zone={self.zone!r}"


def _amount(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _from_pay_band(b: PayBand) -> Band:
    return Band(b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.zone, b.source_text)


def _from_expected(d: dict[str, Any]) -> Band:
    return Band(d["min"], d["max"], d["currency"], d["period"], d["pay_type"], d["zone"], d.get("stated", ""))


def _same_zone(a: str | None, b: str | None) -> bool:
    norm = lambda z: " ".join(z.split()).casefold() if isinstance(z, str) and z.strip() else None  # noqa: E731
    return norm(a) == norm(b)


# -- crawl level: the sources paybands has --------------------------------------------------------
def _source(name: str, board: str = "recorded", base_url: str | None = None, **options: Any) -> Any:
    return get_source(name)(
        CompanyConfig(name=board, source=name, board=board, base_url=base_url, options=options)
    )


def _bands_of(postings: list[Posting]) -> dict[str, list[Band]]:
    return {p.external_id: [_from_pay_band(b) for b in p.bands] for p in postings}


def _crawl(tmp: Path, root: Path, company: dict[str, Any]) -> tuple[str, list[tuple[str, str, Band | None]]]:
    """Crawl one company from a replay server serving `root` into DuckDB.

    Returns the server's base URL and (external id, raw payload, band or None) rows from the database.
    """
    db = tmp / f"crawl{len(list(tmp.glob('*.duckdb')))}.duckdb"
    with ReplayServer(root) as server:
        key = "url" if company["source"] == "jsonld" else "base_url"
        value = f"{server.url}/static-careers/" if key == "url" else server.url
        settings = {"per_host_delay_s": 0.0, "timeout_s": 30, "max_retries": 0}
        result = run_crawl(parse_config({"crawl": settings, "company": [{**company, key: value}]}), str(db))
        base = server.url
    assert result.status == "ok", f"crawl of {company} failed: {[o.error for o in result.outcomes]}"
    rows = query(
        db,
        """SELECT p.external_id, r.payload, b.min_amount, b.max_amount, b.currency, b.period, b.pay_type,
                  b.zone, b.source_text
           FROM postings p
           LEFT JOIN (SELECT posting_id, any_value(payload) AS payload FROM posting_raw GROUP BY 1) r
             USING (posting_id)
           LEFT JOIN pay_bands b USING (posting_id)
           ORDER BY p.external_id, b.band_no""",
    )
    out = []
    for external_id, payload, *band in rows:
        out.append((external_id, payload, Band(*band) if band[2] is not None else None))
    return base, out


def _by_posting(rows: list[tuple[str, str, Band | None]]) -> dict[str, list[Band]]:
    out: dict[str, list[Band]] = {}
    for external_id, _, band in rows:
        out.setdefault(external_id, []).extend([band] if band else [])
    return out


def _served_root(tmp: Path, rec: Recording, board: str) -> Path:
    """A recordings root where the replay route finds `rec` under the board name `board`."""
    root = tmp / "served" / board
    target = root / "synth" / rec.source / f"{board}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(rec.path.read_bytes())
    return root


def _board_name(rec: Recording) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", rec.path.stem)


_JSONLD_CACHE: dict[Path, dict[str, dict[str, list[Band]]]] = {}


def _jsonld_pages(tmp: Path, fixtures: Path) -> dict[str, dict[str, list[Band]]]:
    """Crawl a fixtures root's /static-careers/ (every real/jsonld page) once: page stem -> {id: bands}.

    Ids that contain the replay server's address (a page's own URL) name it '{replay}'.
    """
    if fixtures not in _JSONLD_CACHE:
        base, rows = _crawl(tmp, fixtures, {"name": f"pages {fixtures.parent.name}", "source": "jsonld"})
        by_page: dict[str, dict[str, list[Band]]] = {}
        for external_id, payload, band in rows:
            stem = (json.loads(payload).get(PAGE_URL_KEY) or "").rstrip("/").rsplit("/", 1)[-1]
            bands = by_page.setdefault(stem, {}).setdefault(external_id.replace(base, "{replay}"), [])
            bands.extend([band] if band else [])
        _JSONLD_CACHE[fixtures] = by_page
    return _JSONLD_CACHE[fixtures]


def _siblings(rec: Recording, pattern: str) -> Iterator[Any]:
    for path in sorted(rec.path.parent.glob(pattern)):
        try:
            yield json.loads(path.read_text("utf-8"))
        except ValueError:
            continue


def run_crawl_level(rec: Recording, tmp: Path) -> tuple[str, dict[str, list[Band]]]:
    """(how the recording was read, bands per external id) through the source's own code."""
    data: Any = None
    if rec.path.suffix == ".json":
        data = json.loads(rec.path.read_text("utf-8"))
    if rec.source in ("ashby", "greenhouse") or (rec.source == "lever" and isinstance(data, list)):
        board = _board_name(rec)
        _, rows = _crawl(
            tmp, _served_root(tmp, rec, board), {"name": board, "source": rec.source, "board": board}
        )
        got = _by_posting(rows)
        path = {
            "ashby": "/posting-api/job-board/{b}",
            "greenhouse": "/v1/boards/{b}/jobs",
            "lever": "/v0/postings/{b}",
        }
        return f"replay crawl of {path[rec.source].format(b=board)}", got
    if rec.source in HOSTED:
        # The board is a host: the recording is served as that host's board (its one answer).
        board = _board_name(rec).lower().replace("_", "-")
        host = f"{board}.{HOSTED[rec.source]}"
        root = tmp / "served" / board
        target = root / "synth" / rec.source / f"{host}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rec.path.read_bytes())
        _, rows = _crawl(tmp, root, {"name": board, "source": rec.source, "board": board})
        return f"replay crawl of {host}", _by_posting(rows)
    if rec.source == "workable":
        src = _source("workable", "blueground")
        if "results" in data:
            return "Workable.parse_job (list rows, no detail)", _bands_of(
                [src.parse_job(row, None) for row in data["results"]]
            )
        row = next(
            (r for d in _siblings(rec, "*_v3_jobs_*.json") for r in d.get("results", [])
             if r.get("shortcode") == data.get("shortcode")),
            {"shortcode": data.get("shortcode")},
        )  # fmt: skip
        return "Workable.parse_job (list row + recorded detail)", _bands_of([src.parse_job(row, data)])
    if rec.source == "lever":
        return "Lever.parse_raw (a single posting)", _bands_of([_source("lever").parse_raw(data)])
    if rec.source == "jsonld":
        pages = _jsonld_pages(tmp, rec.path.parents[2])
        return "replay crawl of /static-careers/ (jsonld source)", pages.get(rec.path.stem, {})
    if rec.source == "eightfold":
        return _eightfold(rec, data)
    if rec.source == "smartrecruiters":
        src = _source("smartrecruiters", "equinox")
        if "content" in data:
            items = [{**item, "id": str(item["id"])} for item in data["content"]]
            return "SmartRecruiters.parse_posting (list rows, no detail)", _bands_of(
                [src.parse_posting(item, None) for item in items]
            )
        item = next(
            (
                i
                for d in _siblings(rec, "*postings*.json")
                for i in d.get("content", [])
                if i.get("id") == data.get("id")
            ),
            {},
        )
        return "SmartRecruiters.parse_posting (list row + recorded detail)", _bands_of(
            [src.parse_posting({**item, "id": str(data["id"])}, data)]
        )
    if rec.source == "workday":
        src = _source("workday", "recorded/External", "https://recorded.example")
        if "jobPostings" in data:
            return "Workday.parse_job (list rows, no detail)", _bands_of(
                [src.parse_job(item, None, "External") for item in data["jobPostings"]]
            )
        url = data["jobPostingInfo"]["externalUrl"]
        item = next(
            (
                i
                for d in _siblings(rec, "*jobs*.json")
                for i in d.get("jobPostings", [])
                if url.endswith(i["externalPath"])
            ),
            {"externalPath": "/job/" + url.split("/job/", 1)[1]},
        )
        return "Workday.parse_job (list row + recorded detail)", _bands_of(
            [src.parse_job(item, data, "External")]
        )
    if rec.source == "phenom":  # list pages carry whole descriptions: every job, as the crawl reads it
        src = _source("phenom", "careers.mcdonalds.ca")
        return "Phenom.parse_job (list rows)", _bands_of([src.parse_job(job) for job in data["jobs"]])
    if rec.source in ("avature", "icims", "successfactors"):
        return _career_site(rec)
    if rec.source in _PAGE_READERS:
        return _PAGE_READERS[rec.source](rec, data)
    raise AssertionError(f"no crawl-level reader for {rec.rel}")


CAREER_SITE_HOSTS = {
    "bloomberg": "bloomberg.avature.net",
    "koch": "koch.avature.net",
    "buspatrol": "careers-buspatrol.icims.com",
    "sap": "jobs.sap.com",
}


def _career_site(rec: Recording) -> tuple[str, dict[str, list[Band]]]:
    """A result page's rows (no job page), or a recorded job page with its row from a sibling result page."""
    module = {"avature": avature, "icims": icims, "successfactors": successfactors}[rec.source]
    # The board is the host the page was recorded on (PROVENANCE.md): its job links name it.
    src = _source(rec.source, CAREER_SITE_HOSTS[rec.path.stem.split("_", 1)[0]])
    rows_of = {"avature": "list_entries", "icims": "list_cards", "successfactors": "list_rows"}[rec.source]
    rows = getattr(src, rows_of)(parse(rec.path.read_text("utf-8")))
    name = type(src).__name__
    if "search" in rec.path.stem.lower():
        assert rows, f"no job rows read from the result page {rec.rel}"
        return f"{name}.parse_job (result rows, no job page)", _bands_of(
            [src.parse_job({**row["raw"], "detail": None}) for row in rows]
        )
    job_id = rec.path.stem.rsplit("_", 1)[-1]  # the request was /…/{id}/ (PROVENANCE.md)
    row = next(
        (
            r["raw"]
            for sibling in sorted(rec.path.parent.glob("*.html"))
            for r in getattr(src, rows_of)(parse(sibling.read_text("utf-8")))
            if r["raw"]["id"] == job_id
        ),
        {"id": job_id},
    )
    detail = module.read_job_page(parse(rec.path.read_text("utf-8")), rec.shown)
    return f"{name}.parse_job (result row + recorded job page)", _bands_of(
        [src.parse_job({**row, "detail": detail})]
    )


def _eightfold(rec: Recording, data: Any) -> tuple[str, dict[str, list[Band]]]:
    if rec.path.suffix == ".jsonl":  # recorded Netflix pay paragraphs: each is a v2 job_description
        src = _source("eightfold", "netflix.com", api="v2")
        lines = [json.loads(x) for x in rec.path.read_text("utf-8").splitlines() if x.strip()]
        postings = [
            src.parse_v2(
                {"id": f"line-{n}", "name": "Netflix position", "job_description": line["text"]}, None
            )
            for n, line in enumerate(lines, 1)
        ]
        return "Eightfold.parse_v2 (each paragraph as a position's job_description)", _bands_of(postings)
    if "positions" in data and "data" not in data:  # Netflix v2 list page
        src = _source("eightfold", "netflix.com", api="v2")
        return "Eightfold.parse_v2 (list rows, no detail)", _bands_of(
            [src.parse_v2(p, None) for p in data["positions"]]
        )
    src = _source("eightfold", "morganstanley.com", api="pcsx")
    if "positions" in data.get("data", {}):
        return "Eightfold.parse_pcsx (search rows, no detail)", _bands_of(
            [src.parse_pcsx(p, None) for p in data["data"]["positions"]]
        )
    det = data["data"]
    item = next(
        (
            p
            for d in _siblings(rec, "*_search*.json")
            for p in d.get("data", {}).get("positions", [])
            if p.get("id") == det.get("id")
        ),
        {},
    )
    return "Eightfold.parse_pcsx (search row + recorded detail)", _bands_of([src.parse_pcsx(item, det)])


def _breezy(rec: Recording, data: Any) -> tuple[str, dict[str, list[Band]]]:
    src = _source("breezy")
    return "Breezy.parse_posting (the /json list)", _bands_of([src.parse_posting(item) for item in data])


def _join(rec: Recording, data: Any) -> tuple[str, dict[str, list[Band]]]:
    from scraper.sources.join import initial_state

    src = _source("join", "routinelabs")
    if data is not None:  # a publicJobs answer: list rows, no job page
        items = data["data"]["publicJobs"]["items"]
        return "Join.parse_posting (publicJobs rows, no job page)", _bands_of(
            [src.parse_posting(item, None) for item in items]
        )
    state = initial_state(rec.path.read_text("utf-8"), rec.rel)
    if state.get("job"):
        return "Join.parse_posting (the job page's job)", _bands_of([src.parse_posting(state["job"], None)])
    return "Join.parse_posting (the company page's job rows, no job page)", _bands_of(
        [src.parse_posting(item, None) for item in state["jobs"]["items"]]
    )


def _oracle(rec: Recording, data: Any) -> tuple[str, dict[str, list[Band]]]:
    src = _source("oracle", "recorded.example.com/CX_1")
    if "TotalJobsCount" in data["items"][0]:
        return "Oracle.parse_posting (requisition rows, no detail)", _bands_of(
            [src.parse_posting(row, None) for row in data["items"][0]["requisitionList"]]
        )
    det = data["items"][0]
    row = next(
        (
            r
            for d in _siblings(rec, "*requisitions*.json")
            for r in d["items"][0].get("requisitionList", [])
            if r.get("Id") == det.get("Id")
        ),
        {"Id": det["Id"]},
    )
    return "Oracle.parse_posting (list row + recorded detail)", _bands_of([src.parse_posting(row, det)])


def _ultipro(rec: Recording, data: Any) -> tuple[str, dict[str, list[Band]]]:
    from scraper.sources.ultipro import opportunity_of_page

    src = _source("ultipro", "RECORDED/00000000-0000-0000-0000-000000000000")
    if data is not None:  # a LoadSearchResults answer: search rows, no detail
        return "UltiPro.parse_posting (search rows, no detail)", _bands_of(
            [src.parse_posting(item, None) for item in data["opportunities"]]
        )
    detail = opportunity_of_page(rec.path.read_text("utf-8"))
    assert detail is not None
    return "UltiPro.parse_posting (the detail page's opportunity)", _bands_of(
        [src.parse_posting(detail, None)]
    )


_PAGE_READERS = {"breezy": _breezy, "join": _join, "oracle": _oracle, "ultipro": _ultipro}


# -- text level: ATSs without a source ---------------------------------------------------------
ID_KEYS = ("id", "itemID", "jobPostingId", "uuid", "Id", "uniqueID", "shortcode", "jobOpeningShareUrl")
TITLE_KEYS = ("title", "name", "jobTitle", "requisitionTitle", "jobOpeningName", "Title")
# Keys whose text a recruiter reads for pay: descriptions, content, salary / compensation strings.
TEXT_KEY_RE = re.compile(
    r"desc|content|salary|compensation|\bpay|pay[A-Z_]|remunerat|wage|requirement|responsib|qualification"
    r"|benefit|summary|additional|brief",
    re.IGNORECASE,
)
PAY_KEY_RE = re.compile(r"salary|compensation|pay|remunerat|wage", re.IGNORECASE)
COUNTRY_KEYS = ("country_code", "countryCode", "isoCountryCode", "countryAbbr", "addressCountry", "country")
COUNTRY_NAMES = {
    "united states": "US", "united states of america": "US", "usa": "US", "canada": "CA",
    "netherlands": "NL", "belgium": "BE", "france": "FR", "germany": "DE", "sweden": "SE",
    "australia": "AU", "united kingdom": "GB", "greece": "GR", "spain": "ES", "italy": "IT",
    "portugal": "PT", "ireland": "IE", "benin": "BJ", "india": "IN", "singapore": "SG",
}  # fmt: skip
SCRIPT_JSON_RE = re.compile(r"<script\b[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


@dataclass
class TextPosting:
    id: str
    texts: list[str] = field(default_factory=list)
    country: str | None = None

    def text(self) -> str:
        seen: dict[str, None] = {}
        for t in self.texts:
            seen.setdefault(t.strip(), None)
        return "\n\n".join(t for t in seen if t)


def _is_posting(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    has_id = any(
        isinstance(node.get(k), str | int) and not isinstance(node.get(k), bool) and node.get(k) != ""
        for k in ID_KEYS
    )
    return has_id and any(isinstance(node.get(k), str) and node[k].strip() for k in TITLE_KEYS)


def _postings_in(node: Any) -> Iterator[dict[str, Any]]:
    """The outermost posting objects in a JSON document."""
    if _is_posting(node):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _postings_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from _postings_in(v)


def _pay_texts(node: Any, key: str | None, out: list[str]) -> None:
    """Strings under pay-bearing keys (inherited by nested values), as text a recruiter reads."""
    if isinstance(node, dict):
        for k, v in node.items():
            _pay_texts(v, k if TEXT_KEY_RE.search(str(k)) else key, out)
    elif isinstance(node, list):
        for v in node:
            _pay_texts(v, key, out)
    elif isinstance(node, str) and key and re.search(r"\s", node.strip()):
        text = html_to_text(node, unescape_first="&lt;" in node) if "<" in node or "&lt;" in node else node
        if PAY_KEY_RE.search(key) and "\n" not in text.strip() and len(text) < 300:
            text = f"{key}: {text.strip()}"  # a short salary string: its field name is its label
        out.append(text)


def _country(node: Any) -> str | None:
    if isinstance(node, dict):
        for k in COUNTRY_KEYS:
            v = node.get(k)
            if isinstance(v, dict):
                v = v.get("id") or v.get("code") or v.get("iso3166") or v.get("name")
            if isinstance(v, str) and v.strip():
                v = v.strip()
                if re.fullmatch(r"[A-Za-z]{2}", v):
                    return v.upper()
                if v.casefold() in COUNTRY_NAMES:
                    return COUNTRY_NAMES[v.casefold()]
        for v in node.values():
            if (c := _country(v)) is not None:
                return c
    elif isinstance(node, list):
        for v in node:
            if (c := _country(v)) is not None:
                return c
    return None


def _posting_id(node: dict[str, Any]) -> str:
    return str(next(node[k] for k in ID_KEYS if isinstance(node.get(k), str | int) and node.get(k) != ""))


def _embedded_json(markup: str) -> list[Any]:
    """JSON documents inside a page's scripts: whole-script JSON, or objects passed to a call/assigned."""
    found: list[Any] = []
    decoder = json.JSONDecoder()
    for body in SCRIPT_JSON_RE.findall(markup):
        body = body.strip()
        try:
            found.append(json.loads(body))
            continue
        except ValueError:
            pass
        for m in re.finditer(r"[(=]\s*(?=\{)", body):
            try:
                found.append(decoder.raw_decode(body, m.end())[0])
            except ValueError:
                continue
    return found


def _text_postings(rec: Recording) -> list[TextPosting]:
    raw = rec.path.read_text("utf-8", errors="replace")
    if rec.path.suffix != ".html":
        out = []
        for node in _postings_in(json.loads(raw)):
            posting = TextPosting(_posting_id(node), country=_country(node))
            _pay_texts(node, None, posting.texts)
            out.append(posting)
        return out
    if rec.rel in LISTING_PAGES:  # one posting per job link, its text the link's text
        out_by_id: dict[str, TextPosting] = {}
        for m in re.finditer(
            r"<a\b[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", raw, re.IGNORECASE | re.DOTALL
        ):
            job = re.search(LISTING_PAGES[rec.rel], m.group(1))
            if job:
                out_by_id.setdefault(job.group(1), TextPosting(job.group(1))).texts.append(
                    html_to_text(m.group(2))
                )
        return list(out_by_id.values())
    page = TextPosting(rec.path.stem, [html_to_text(raw)])
    for doc in _embedded_json(raw):
        _pay_texts(doc, None, page.texts)
        page.country = page.country or _country(doc)
    return [page]


def run_text_level(rec: Recording) -> dict[str, list[Band]]:
    return {
        p.id: [_from_pay_band(b) for b in parse_pay_text(p.text(), country=p.country)]
        for p in _text_postings(rec)
    }


# -- comparison ---------------------------------------------------------------------------------
@dataclass
class Score:
    rec: Recording
    level: str
    via: str = ""
    postings: int = 0
    expected: int = 0  # checkable expected bands
    waiting: int = 0  # structured-only bands at text level (no source yet)
    found: int = 0
    matched: int = 0
    false: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    zone: list[str] = field(default_factory=list)
    pay_type: list[str] = field(default_factory=list)
    error: str = ""


def compare(rec: Recording, exp: dict[str, Any], got: dict[str, list[Band]], via: str) -> Score:
    score = Score(rec, exp["level"], via, postings=len(exp["postings"]))
    where = f"{rec.source}/{rec.path.name}"
    for pid in sorted(set(exp["postings"]) | set(got), key=str):
        expected = [_from_expected(b) for b in exp["postings"].get(pid, [])]
        bands = got.get(pid, [])
        checkable = [e for e in expected if not (score.level == "text" and e.text == "structured")]
        score.expected += len(checkable)
        score.waiting += len(expected) - len(checkable)
        score.found += len(bands)
        open_ = list(expected)
        for g in bands:
            same = [e for e in open_ if e.amounts() == g.amounts()]
            if not same:
                why = "posting states no pay" if not expected else "no expected band with these amounts"
                if pid not in exp["postings"]:
                    why = "posting not in the expected file"
                score.false.append(f"{where} {pid}: {g.show()} [{why}] <- {g.text[:160]!r}")
                continue
            e = next(
                (e for e in same if _same_zone(e.zone, g.zone) and e.pay_type == g.pay_type),
                next((e for e in same if _same_zone(e.zone, g.zone)), same[0]),
            )
            open_.remove(e)
            score.matched += 1
            if not _same_zone(e.zone, g.zone):
                score.zone.append(
                    f"{where} {pid}: got zone {g.zone!r}, expected {e.zone!r} on {g.show()} <- {g.text[:160]!r}"
                )
            if e.pay_type != g.pay_type:
                score.pay_type.append(
                    f"{where} {pid}: got pay_type {g.pay_type}, expected {e.pay_type} on {g.show()} <- {g.text[:160]!r}"
                )
        for e in open_:
            if not (score.level == "text" and e.text == "structured"):
                score.missing.append(f"{where} {pid}: {e.show()}")
    return score


def check(rec: Recording, tmp: Path) -> Score:
    exp = load_expected(rec)
    if exp["recording"] != rec.shown:  # e.g. a shared file that now differs from the local one
        return Score(rec, exp["level"], error=f"{rec.expected_path.name} describes {exp['recording']}")
    try:
        if exp["level"] == "crawl":
            via, got = run_crawl_level(rec, tmp)
        else:
            via, got = "generic extractor + parse_pay_text", run_text_level(rec)
    except Exception as exc:  # one broken board is reported with the others, not alone
        score = Score(rec, exp["level"], error=f"{type(exc).__name__}: {exc}")
        score.expected = sum(len(b) for b in exp["postings"].values())
        return score
    return compare(rec, exp, got, via)


# -- the tests ----------------------------------------------------------------------------------
def test_every_board_recording_has_an_expected_file() -> None:
    recs = recordings()
    assert recs, "no recordings found"
    missing = [r.shown for r in boards() if not r.expected_path.is_file()]
    assert not missing, f"board recordings without tests/salary/expected/<source>/<stem>.json: {missing}"
    unknown = sorted({r.source for r in recs} - set(SOURCES) - set(NO_SOURCE_YET))
    assert not unknown, f"recordings of ATSs this test does not know: {unknown}"
    stale = [
        k for k in NOT_BOARDS if not (LOCAL / k).is_file() and not (SHARED / k).is_file() and SHARED.is_dir()
    ]
    assert not stale, f"NOT_BOARDS names recordings that do not exist: {stale}"


@pytest.mark.parametrize("path", sorted(EXPECTED.glob("*/*.json")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_expected_file_is_well_formed(path: Path) -> None:
    exp = json.loads(path.read_text("utf-8"))
    assert set(exp) <= {"recording", "level", "label", "reading", "postings", "notes"}, sorted(exp)
    src = path.parent.name
    rel = f"{src}/{Path(exp['recording']).name}"
    assert exp["level"] == ("crawl" if src in SOURCES and rel not in TEXT_LEVEL_ONLY else "text")
    if exp["level"] == "text":
        assert exp["label"] == TEXT_LEVEL_ONLY.get(rel, TEXT_LEVEL_LABEL)
    assert exp["recording"].endswith(f"/{src}/{path.stem}{Path(exp['recording']).suffix}")
    if exp["recording"].startswith("../shared/") and not SHARED.is_dir():
        pytest.skip("../shared/fixtures/real is absent")
    assert (REPO / exp["recording"]).resolve().is_file(), exp["recording"]
    for pid, bands in exp["postings"].items():
        for b in bands:
            assert set(BAND_KEYS) <= set(b) <= {*BAND_KEYS, "stated"}, (pid, b)
            assert re.fullmatch(r"[A-Z]{3}", b["currency"]) and b["period"] in PERIODS, (pid, b)
            assert b["pay_type"] in PAY_TYPES, (pid, b)
            assert b["min"] is not None or b["max"] is not None, (pid, b)
            assert b["min"] is None or b["max"] is None or b["min"] <= b["max"], (pid, b)
            assert b.get("stated", "text") in ("text", "structured", "both"), (pid, b)
    assert set(exp.get("notes", {})) <= set(exp["postings"]), "notes name postings not in the file"


def _row(s: Score) -> str:
    name = s.rec.shown.replace("tests/fixtures/real/", "").replace("../shared/fixtures/real/", "shared:")
    cells = (s.postings, s.expected, s.found, len(s.false), len(s.missing), len(s.zone), len(s.pay_type))
    extra = f"  +{s.waiting} structured-only" if s.waiting else ""
    extra += f"  ERROR {s.error}" if s.error else ""
    how = "text" if s.level == "text" else ("replay" if s.via.startswith("replay") else "parse")
    how = "" if s.rec.shown.startswith("TOTAL") else how
    return f"{name[:60]:<60} {how:<6} " + " ".join(f"{c:>5}" for c in cells) + extra


def test_real_recordings_bands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scores = [check(rec, tmp_path) for rec in boards() if rec.expected_path.is_file()]
    header = f"{'recording':<60} {'how':<6} " + " ".join(
        f"{c:>5}" for c in ("posts", "exp", "found", "false", "miss", "zone", "type")
    )
    lines = [header, "-" * len(header)]
    lines += [_row(s) for s in scores]
    totals = {}
    for level in ("crawl", "text", "all"):
        part = [s for s in scores if level in ("all", s.level)]
        t = Score(Recording(Path(level), level, f"TOTAL {level}"), level if level != "all" else "")
        for s in part:
            t.postings += s.postings
            t.expected += s.expected
            t.waiting += s.waiting
            t.found += s.found
            t.false += s.false
            t.missing += s.missing
            t.zone += s.zone
            t.pay_type += s.pay_type
        totals[level] = t
        lines.append(_row(t))
    all_ = totals["all"]
    share = len(all_.missing) / all_.expected if all_.expected else 0.0
    lines.append(
        f"missing {len(all_.missing)}/{all_.expected} = {share:.1%} (max {MAX_MISSING_SHARE:.0%}); "
        f"false {len(all_.false)}; zone mismatches {len(all_.zone)}; pay_type mismatches {len(all_.pay_type)}"
        + ("" if SHARED.is_dir() else "; ../shared/fixtures/real absent: shared recordings skipped")
    )
    report = "\n".join(lines)
    with capsys.disabled():  # shown with or without -s
        print(
            "\nreal recordings, bands per board (how: replay = crawled from the replay server, parse = the"
            " source's parse functions, text = generic extractor + parse_pay_text; exp = checkable expected"
            f" bands)\n{report}"
        )
    errors = [f"{s.rec.shown}: {s.error}" for s in scores if s.error]
    problems = []
    if errors:
        problems.append("BOARDS THAT COULD NOT BE READ:\n  " + "\n  ".join(errors))
    if all_.false:
        problems.append(f"FALSE BANDS ({len(all_.false)}):\n  " + "\n  ".join(all_.false))
    if all_.zone:
        problems.append(f"ZONE MISMATCHES ({len(all_.zone)}):\n  " + "\n  ".join(all_.zone))
    if all_.pay_type:
        problems.append(f"PAY_TYPE MISMATCHES ({len(all_.pay_type)}):\n  " + "\n  ".join(all_.pay_type))
    if share > MAX_MISSING_SHARE:
        problems.append(f"MISSING BANDS ({len(all_.missing)}, {share:.1%}):\n  " + "\n  ".join(all_.missing))
    assert not problems, report + "\n\n" + "\n\n".join(problems)
