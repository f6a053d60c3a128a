"""iCIMS career portals (careers-{company}.icims.com): server-rendered HTML.

Config: `board = "{host}"` (the portal's host, the registry's format); `query` (optional) is the
portal's keyword search (`searchKeyword`), empty for every job.

Quirks kept here:

- Pages are asked with `in_iframe=1`: without it the portal answers a frame around the same page.
- The listing is `GET /jobs/search?ss=1&pr={page}&in_iframe=1` (`pr` counts pages from 0). Each job
  links `/jobs/{id}/{slug}/job`; cards (`li.iCIMS_JobCardItem`) label their values with
  `.field-label` spans ("Location", "ID") and a `dl` of header fields ("Category", "Position Type",
  "Remote"), and hold a cut description. "Search Results Page 1 of 3" says how many pages there are;
  paging stops at the last one, an empty page, a page with nothing new, or MAX_PAGES.
- The list cuts descriptions: one `GET /jobs/{id}/{slug}/job?in_iframe=1` per posting. Job pages
  publish a schema.org JobPosting (JSON-LD), read by scraper/jsonld.py: there iCIMS puts the
  whole pay statement in `salaryCurrency` ("USD $190,000.00 - USD $200,000.00 /Yr.", the page's
  "Posted Salary Range" field), and the description restates it ("Minimum US Base Salary"). Both
  are text, not amounts, so both go through the text normalizer. A page without JSON-LD falls
  back to its header fields and `.iCIMS_JobContent` text.
- The posting id is the number in the job path (the card's "ID" 2025-1977 is the requisition).
- A failing job page keeps the posting's list data; when more than half fail the board fails
  (base.fetch_details). Plain HTTP: no browser.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import FetchError
from ..jsonld import job_posting_objects, read_job_posting
from ..models import PayBand, Posting, Remote
from ..salary.extract import text_bands
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from ._careersite import check_host_board, get_page, html_of, parse, rebase, site_url, take_new, text_of
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

MAX_PAGES = 500  # a guard against a portal that ignores `pr`
_JOB_PATH_RE = re.compile(r"^/jobs/(\d+)/[^/?#]+/job/?$")
_TITLE_PREFIX_RE = re.compile(r"^\d+\s*-\s*")  # the link's title attribute: "1977 - Senior Product Manager"
# "Page 1 of 3", in the portal's language ("Página 1 de 3"): the last number is the page count.
_PAGE_OF_RE = re.compile(r"\b\d{1,5}\s+\w{1,5}\s+(\d{1,5})\s*$")
# Header fields that state pay, as portals label them ("Posted Salary Range", "Pay Range").
_PAY_LABEL_RE = re.compile(r"salary|pay\b|compensation|wage", re.IGNORECASE)


@register
class Icims(Source):
    name = "icims"
    default_base_url = ""  # the board is the host: https://{board} unless base_url is set
    board_help = "the portal's host, e.g. careers-acme.icims.com"
    options: ClassVar[dict[str, tuple[type, ...]]] = {"query": (str,)}
    url_patterns = (r"^(?!www\.|api\.)(?P<board>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.icims\.com)(?:/|$)",)

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_host_board(board, cls.name, "careers-acme.icims.com")

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
        # Stored raw: the card's fields plus "detail" (the page's JobPosting and header fields; None
        # when the page failed).
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ValueError("not a stored iCIMS posting (no id)")
        return self.parse_job(raw)

    async def _list(self, ctx: CrawlContext) -> list[dict[str, Any]]:
        url = f"{self.site}/jobs/search"
        jobs: list[dict[str, Any]] = []
        seen: set[str] = set()
        pages: int | None = None
        for page in range(MAX_PAGES):
            params: dict[str, Any] = {"ss": 1, "pr": page, "in_iframe": 1}
            if self.query:
                params["searchKeyword"] = self.query
            try:
                tree = parse(await get_page(ctx, url, params))
                cards = self.list_cards(tree)
                if page == 0 and not cards and tree.css_first(".iCIMS_MainWrapper, .iCIMS_JobsTable") is None:
                    raise SourceError(f"{url} is not an iCIMS job search page")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return jobs
            if page == 0:
                pages = _page_count(tree)
            new = take_new(cards, seen, jobs)
            if pages is not None and page + 1 >= pages:
                break
            if not cards:
                if pages is not None:  # "Page 1 of N" promised more
                    self.paging_ended_early(f"page {page + 1} of the {pages} it counts was empty")
                break
            if not new:  # only postings already read: the portal ignores pr
                self.page_repeated(page, "pr")
                break
        else:
            self.cap_reached(len(jobs))
        return jobs

    def list_cards(self, tree: LexborHTMLParser) -> list[dict[str, Any]]:
        """The jobs a search page lists, in page order, once each: {"raw": card fields, "fetch": url}."""
        page_url = f"https://{self.company.board}/jobs/search"
        out: dict[str, dict[str, Any]] = {}
        for link in tree.css("a[href*='/jobs/']"):
            urls = rebase(link.attributes.get("href"), page_url, self.company.board, self.site)
            if urls is None:
                continue
            m = _JOB_PATH_RE.match(urlsplit(urls[0]).path)
            if m is None or m.group(1) in out:
                continue
            card = _card_of(link)
            fields = _labelled(card) if card is not None else {}
            title = text_of(link.css_first("h1, h2, h3, h4")) or _TITLE_PREFIX_RE.sub(
                "", first_text(link.attributes.get("title")) or ""
            )
            out[m.group(1)] = {
                "raw": {
                    "id": m.group(1),
                    "url": urls[0].split("?", 1)[0],  # the public page, not its iframe form
                    "title": title or text_of(link),
                    "fields": fields,
                    "snippet": text_of(card.css_first(".description")) if card is not None else None,
                },
                "fetch": urls[1] if "in_iframe=" in urls[1] else _with_iframe(urls[1]),
            }
        return list(out.values())

    def parse_job(self, raw: dict[str, Any]) -> Posting:
        detail = as_dict(raw.get("detail"))
        fields = {**as_dict(raw.get("fields")), **as_dict(detail.get("fields"))}
        location = first_text(fields.get("Location"), fields.get("Job Locations"))
        bands: list[PayBand] = []
        warnings: list[str] = []
        ld = detail.get("jobPosting")
        if isinstance(ld, dict):
            jp = read_job_posting(ld, first_text(raw.get("url")))
            title = first_text(jp.title, raw.get("title")) or ""
            description = jp.description
            location = jp.location or location
            bands.extend(jp.bands)
            warnings.extend(jp.warnings)
            posted_at, employment_type = jp.date_posted, jp.employment_type
        else:
            title = first_text(detail.get("title"), raw.get("title")) or ""
            description = html_to_text(detail.get("description_html")) or first_text(raw.get("snippet")) or ""
            posted_at, employment_type = None, None
            country = posting_country(location)
            with pay_guard(warnings, "icims pay field"):
                for label, value in fields.items():
                    if _PAY_LABEL_RE.search(label):
                        bands.extend(text_bands(value, country=country))
            with pay_guard(warnings, "icims description"):
                bands.extend(text_bands(description, country=country))
        return self.posting(
            raw["id"],
            title,
            raw,
            url=first_text(raw.get("url")),
            location=location,
            department=first_text(fields.get("Category")),
            employment_type=employment_type or first_text(fields.get("Position Type")),
            remote=_remote(fields.get("Remote")),
            posted_at=posted_at,
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def read_job_page(tree: LexborHTMLParser, url: str) -> dict[str, Any]:
    """The fields of one job page: its JobPosting (JSON-LD) and header fields, else its text."""
    objects = job_posting_objects(tree)
    content = tree.css_first(".iCIMS_JobContent")
    title = text_of(tree.css_first("h1.iCIMS_Header")) or text_of(tree.css_first("h1"))
    if not objects and content is None:
        raise SourceError(terminal_safe(f"{url} is not an iCIMS job page", limit=300))
    return {
        "jobPosting": objects[0] if objects else None,
        "title": title,
        "fields": _labelled(content) if content is not None else {},
        # Only without JSON-LD: the page text is then the description.
        "description_html": None if objects else html_of(content),
    }


def _page_count(tree: LexborHTMLParser) -> int | None:
    """N of "Search Results Page 1 of N" (the results heading; other headings share its class)."""
    for node in tree.css(".iCIMS_SubHeader_Jobs"):
        m = _PAGE_OF_RE.search(text_of(node) or "")
        if m:
            return int(m.group(1))
    return None


def _card_of(link: LexborNode) -> LexborNode | None:
    node = link.parent
    while node is not None and not (
        node.tag in ("li", "tr") or "iCIMS_JobCardItem" in (node.attributes.get("class") or "")
    ):
        node = node.parent
    return node


def _labelled(node: LexborNode) -> dict[str, str]:
    """Label -> value of a card or job header: `span.field-label` + the next span, and dt/dd pairs."""
    out: dict[str, str] = {}
    for label in node.css(".field-label"):
        key, value = text_of(label), label.next
        while value is not None and value.tag == "-text":
            value = value.next
        text = text_of(value) if value is not None and value.tag != "a" else None
        if key and text:
            out.setdefault(key, text)
    for dt in node.css("dt"):
        dd = dt.next
        while dd is not None and dd.tag != "dd":
            dd = dd.next
        key, text = text_of(dt), text_of(dd)
        if key and text:
            out.setdefault(key, text)
    return out


def _remote(value: Any) -> Remote | None:
    text = first_text(value)
    if text is None:
        return None
    # "No" says only that it is not remote: on site or hybrid, the field does not tell.
    answers: dict[str, Remote] = {"yes": "remote", "hybrid": "hybrid"}
    return answers.get(text.lower())


def _with_iframe(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}in_iframe=1"
