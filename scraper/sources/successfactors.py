"""SAP SuccessFactors career sites (Recruiting Marketing, e.g. jobs.sap.com): server-rendered HTML.

Config: `board = "{host}"` (the careers site's host, the registry's format); `query` (optional)
is the site's own keyword search, empty for every job.

Quirks kept here:

- The listing is `GET /search/?q={query}&startrow={n}`: 25 rows a page (`tr.data-row`, each with an
  `a.jobTitle-link` to `/job/{slug}/{id}/` and a `.jobLocation`); the label "Results 1 – 25 of 633"
  (`.paginationLabel`) is the total. Paging steps `startrow` by the rows a page held and stops at
  the total, an empty page, a page with nothing new, or MAX_PAGES.
- The list has no description: one `GET /job/{slug}/{id}/` per posting. The job page carries
  schema.org microdata, not JSON-LD: `itemprop="title"` / `"description"`, `<meta itemprop=
  "datePosted" content="Mon Jul 13 00:00:00 UTC 2026">`, and label/value rows
  (`.joblayouttoken-label`, `[data-careersite-propertyid]`: "Employment Type:", "Location:").
- No structured pay: the description goes through the text normalizer (US postings on jobs.sap.com
  state their range there). No recording has pay.
- The posting id is the number at the end of the job path; the slug before it changes with the
  title and does not name the posting.
- A failing job page keeps the posting's list data; when more than half fail the board fails
  (base.fetch_details). Plain HTTP: no browser.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..errors import FetchError
from ..models import PayBand, Posting
from ..salary.extract import text_bands
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from ._careersite import (
    check_host_board,
    get_page,
    html_of,
    last_int,
    parse,
    rebase,
    site_url,
    take_new,
    text_of,
    utc_date,
)
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    dedupe_bands,
    fetch_details,
    first_text,
    pay_guard,
    posting_country,
)

MAX_PAGES = 400  # 10,000 postings at 25 a page: a guard against a site that ignores `startrow`
_JOB_PATH_RE = re.compile(r"^/job/[^/?#]+/(\d+)/?$")
_DATE_FORMATS = ("%a %b %d %H:%M:%S %Z %Y", "%b %d, %Y", "%Y-%m-%d", "%d %b %Y")


@register
class SuccessFactors(Source):
    name = "successfactors"
    default_base_url = ""  # the board is the host: https://{board} unless base_url is set
    board_help = "the careers site's host, e.g. jobs.sap.com (the site serves /search/ and /job/…)"
    options: ClassVar[dict[str, tuple[type, ...]]] = {"query": (str,)}
    url_patterns = (
        r"^(?P<board>jobs\.sap\.com)(?:/|$)",  # SAP's own careers site runs on SuccessFactors
        r"^(?P<board>[a-z0-9.-]+\.jobs\.hr\.cloud\.sap)(?:/|$)",  # career sites SAP hosts
        # On the employer's own domain only the paths say SuccessFactors: a job page /job/{slug}/{id}/
        # (a long number and the trailing slash) or a search with its own parameters.
        r"^(?P<board>[a-z0-9.-]+)/job/[^/?]+/\d{6,}/$",
        r"^(?P<board>[a-z0-9.-]+)/search/\?(?:[^#]*&)?(?:locationsearch|startrow|optionsFacetsDD_\w+)=",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_host_board(board, cls.name, "jobs.sap.com")

    def __init__(self, company: Any) -> None:
        super().__init__(company)
        self.site = site_url(company)
        self.query: str = company.options.get("query", "")

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        listed = await self._list(ctx)

        async def detail(job: dict[str, Any]) -> dict[str, Any]:
            return read_job_page(parse(await get_page(ctx, job["fetch"])), job["fetch"])

        details = await fetch_details(listed, detail)
        raws = [{**job["raw"], "detail": d} for job, d in zip(listed, details, strict=True)]
        return self.parse_each(raws, self.parse_job)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw: the list row's fields plus "detail", the job page's fields (None when it failed).
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ValueError("not a stored SuccessFactors posting (no id)")
        return self.parse_job(raw)

    async def _list(self, ctx: CrawlContext) -> list[dict[str, Any]]:
        jobs: list[dict[str, Any]] = []
        seen: set[str] = set()
        startrow = 0
        total: int | None = None
        for page in range(MAX_PAGES):
            params = {"q": self.query, "startrow": startrow}
            try:
                tree = parse(await get_page(ctx, f"{self.site}/search/", params))
                rows = self.list_rows(tree)
                if page == 0 and not rows and not _is_results_page(tree):
                    raise SourceError(f"{self.site}/search/ is not a SuccessFactors search page")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return jobs
            if page == 0:
                total = _total(tree)
            new = take_new(rows, seen, jobs)
            startrow += len(rows)
            if total is not None and startrow >= total:
                break
            if rows and not new:  # only postings already read: the site ignores startrow
                self.page_repeated(page, "startrow")
                break
            if not rows:
                if total is not None and startrow < total:
                    self.listed_short(len(jobs), total, page, empty=True)
                break
        else:
            self.cap_reached(len(jobs))
        return jobs

    def list_rows(self, tree: LexborHTMLParser) -> list[dict[str, Any]]:
        """The jobs a results page lists, in page order, once each: {"raw": list fields, "fetch": url}."""
        page_url = f"https://{self.company.board}/search/"
        out: dict[str, dict[str, Any]] = {}
        for link in tree.css("a.jobTitle-link, a[href*='/job/']"):
            urls = rebase(link.attributes.get("href"), page_url, self.company.board, self.site)
            if urls is None:
                continue
            public, fetch = urls
            m = _JOB_PATH_RE.match(urlsplit(public).path)
            if m is None:
                continue
            job_id = m.group(1)
            row = _row_of(link)
            entry = out.setdefault(
                job_id,
                {
                    "raw": {
                        "id": job_id,
                        "url": public,
                        "title": None,
                        "location": text_of(row.css_first(".jobLocation")) if row else None,
                        "date": text_of(row.css_first(".jobDate")) if row else None,
                    },
                    "fetch": fetch,
                },
            )
            entry["raw"]["title"] = entry["raw"]["title"] or text_of(link)
        return list(out.values())

    def parse_job(self, raw: dict[str, Any]) -> Posting:
        detail = as_dict(raw.get("detail"))
        fields = as_dict(detail.get("fields"))
        title = first_text(detail.get("title"), raw.get("title")) or ""
        description = html_to_text(detail.get("description_html"))
        location = first_text(detail.get("location"), fields.get("Location"), raw.get("location"))
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "successfactors description"):
            bands.extend(text_bands(description, country=posting_country(location)))
        return self.posting(
            raw["id"],
            title,
            raw,
            url=first_text(raw.get("url")),
            location=location,
            department=first_text(detail.get("department"), fields.get("Work Area")),
            employment_type=first_text(fields.get("Employment Type")),
            posted_at=utc_date(first_text(detail.get("date_posted")), *_DATE_FORMATS)
            or utc_date(first_text(raw.get("date")), *_DATE_FORMATS),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def read_job_page(tree: LexborHTMLParser, url: str) -> dict[str, Any]:
    """The fields of one job page; SourceError when it is no job page (an ended job's redirect)."""
    desc = tree.css_first("[itemprop=description]") or tree.css_first(".jobdescription")
    title = text_of(tree.css_first("[itemprop=title]")) or text_of(tree.css_first("h1"))
    if desc is None and title is None:
        raise SourceError(terminal_safe(f"{url} is not a SuccessFactors job page", limit=300))
    fields: dict[str, str] = {}
    for token in tree.css(".joblayouttoken"):
        label = text_of(token.css_first(".joblayouttoken-label"))
        value = text_of(token.css_first("[data-careersite-propertyid]"))
        if label and value:
            fields.setdefault(label.rstrip(":").strip(), value)
    date = tree.css_first("meta[itemprop=datePosted]")
    address = tree.css_first("[itemprop=jobLocation] meta[itemprop=streetAddress]")
    return {
        "title": title,
        "description_html": html_of(desc),
        "date_posted": first_text(date.attributes.get("content")) if date is not None else None,
        "location": first_text(address.attributes.get("content")) if address is not None else None,
        "department": text_of(tree.css_first("[data-careersite-propertyid=department]")),
        "fields": fields,
    }


def _row_of(link: Any) -> Any:
    """The results row (`tr`, or a tile's `li`) a job link sits in."""
    node = link.parent
    while node is not None and node.tag not in ("tr", "li", "article"):
        node = node.parent
    return node


def _total(tree: LexborHTMLParser) -> int | None:
    # "Results <b>1 – 25</b> of <b>633</b>": the last number. Other locales word it differently
    # ("Ergebnisse 1 – 25 von 633"): still the last number.
    return last_int(text_of(tree.css_first(".paginationLabel")))


def _is_results_page(tree: LexborHTMLParser) -> bool:
    """A results page with no rows (a search with no hits) still has its results table or label."""
    return tree.css_first("#searchresults, .searchResults, .paginationLabel") is not None
