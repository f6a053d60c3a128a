"""Avature career portals ({company}.avature.net, or the employer's own domain): server-rendered HTML.

Config: `board = "{host}"` (the registry's format, e.g. `bloomberg.avature.net`); `portal` (optional,
default "careers") is the portal's path on that host, with its locale when the site puts one first
("en_US/careers" on koch.avature.net; "careersmarketplace", "jobs" elsewhere).

Quirks kept here:

- The listing is `GET /{portal}/SearchJobs/?jobRecordsPerPage=12&jobOffset={n}` (12 is the portals'
  own page size; their paging links use exactly these parameters). Each job is an
  `article.article--result` holding links to `/{portal}/JobDetail/{slug}/{id}` (title and Apply) and
  a `.list-item-location`. The legend "1-12 of 436 results" is the total. Paging steps `jobOffset`
  by the jobs a page held and stops at the total, an empty page, a page with nothing new, or
  MAX_PAGES.
- The list has no description: one `GET /{portal}/JobDetail/{slug}/{id}` per posting. Job pages
  carry no JSON-LD and their themes differ (Bloomberg, Koch): every theme lays out
  `.article__content__view__field` blocks, labelled ("Location", "Business Area", "Ref #") or not
  (the title, the description). Unlabelled fields other than the title are the description.
- No structured pay: the description goes through the text normalizer. No recording has pay
  (Koch's pages say only that "Any compensation range provided for a role is an estimate").
- The posting id is the number at the end of the JobDetail path.
- A failing job page keeps the posting's list data; when more than half fail the board fails
  (base.fetch_details). Plain HTTP: no browser.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..config import ConfigError
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

PAGE_SIZE = 12  # the portals' own page size (their paging links ask jobRecordsPerPage=12)
MAX_PAGES = 500  # 6,000 postings: a guard against a portal that ignores jobOffset
DEFAULT_PORTAL = "careers"
_PORTAL_RE = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*$")
_DETAIL_PATH_RE = re.compile(r"/JobDetail/(?:[^/?#]+/)?(\d+)/?$")
# Labels that name the posting's place and its part of the company, as the themes word them.
_LOCATION_LABELS = ("location", "location(s)", "locations", "job location")
_DEPARTMENT_LABELS = ("business area", "career field", "department", "category", "function", "team")


@register
class Avature(Source):
    name = "avature"
    default_base_url = ""  # the board is the host: https://{board} unless base_url is set
    board_help = 'the portal\'s host, e.g. bloomberg.avature.net; portal = "careers" (default) is its path'
    options: ClassVar[dict[str, tuple[type, ...]]] = {"portal": (str,)}
    url_patterns = (
        r"^(?!www\.)(?P<board>[a-z0-9-]+\.avature\.net)(?:/|$)",  # www.avature.net is the vendor's site
        # The employer's own domain: the portal's pages name themselves.
        r"^(?P<board>[a-z0-9.-]+)/(?:[A-Za-z]{2}_[A-Za-z]{2}/)?[\w-]+/(?:SearchJobs|JobDetail)(?:/|\?|$)",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_host_board(board, cls.name, "bloomberg.avature.net")
        portal = options.get("portal")
        if portal is not None and not _PORTAL_RE.match(portal.strip("/")):
            raise ConfigError(
                f'portal must be the portal\'s path on the host, like "careers" or "en_US/careers", '
                f"not {terminal_safe(portal, limit=80)!r}"
            )

    def __init__(self, company: Any) -> None:
        super().__init__(company)
        self.site = site_url(company)
        self.portal = str(company.options.get("portal", DEFAULT_PORTAL)).strip("/")

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        listed = await self._list(ctx)

        async def detail(job: dict[str, Any]) -> dict[str, Any]:
            return read_job_page(parse(await get_page(ctx, job["fetch"])), job["fetch"])

        details = await fetch_details(listed, detail)
        raws = [{**job["raw"], "detail": d} for job, d in zip(listed, details, strict=True)]
        return self.parse_each(raws, self.parse_job)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw: the list entry's fields plus "detail", the job page's fields (None when it failed).
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ValueError("not a stored Avature posting (no id)")
        return self.parse_job(raw)

    async def _list(self, ctx: CrawlContext) -> list[dict[str, Any]]:
        url = f"{self.site}/{self.portal}/SearchJobs/"
        jobs: list[dict[str, Any]] = []
        seen: set[str] = set()
        offset = 0
        total: int | None = None
        for page in range(MAX_PAGES):
            params = {"jobRecordsPerPage": PAGE_SIZE, "jobOffset": offset}
            try:
                tree = parse(await get_page(ctx, url, params))
                entries = self.list_entries(tree)
                if page == 0 and not entries and tree.css_first(".list-controls__text__legend") is None:
                    raise SourceError(f"{url} is not an Avature job search page")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return jobs
            if page == 0:
                total = last_int(text_of(tree.css_first(".list-controls__text__legend")))
            new = take_new(entries, seen, jobs)
            offset += len(entries)
            if total is not None and offset >= total:
                break
            if entries and not new:  # only postings already read: the portal ignores jobOffset
                self.page_repeated(page, "jobOffset")
                break
            if not entries:
                if total is not None and offset < total:
                    self.listed_short(len(jobs), total, page, empty=True)
                break
        else:
            self.cap_reached(len(jobs))
        return jobs

    def list_entries(self, tree: LexborHTMLParser) -> list[dict[str, Any]]:
        """The jobs a search page lists, in page order, once each: {"raw": list fields, "fetch": url}."""
        page_url = f"https://{self.company.board}/{self.portal}/SearchJobs/"
        out: dict[str, dict[str, Any]] = {}
        for link in tree.css("a[href*='/JobDetail/']"):
            urls = rebase(link.attributes.get("href"), page_url, self.company.board, self.site)
            if urls is None:
                continue
            m = _DETAIL_PATH_RE.search(urlsplit(urls[0]).path)
            if m is None:
                continue
            article = _article_of(link)
            entry = out.setdefault(
                m.group(1),
                {
                    "raw": {
                        "id": m.group(1),
                        "url": urls[0],
                        "title": None,
                        "location": text_of(article.css_first(".list-item-location")) if article else None,
                    },
                    "fetch": urls[1],
                },
            )
            # The title link, not the Apply button: the one inside the article's heading.
            if entry["raw"]["title"] is None and _in_heading(link):
                entry["raw"]["title"] = text_of(link)
        return list(out.values())

    def parse_job(self, raw: dict[str, Any]) -> Posting:
        detail = as_dict(raw.get("detail"))
        fields = {str(k).lower(): v for k, v in as_dict(detail.get("fields")).items()}
        title = first_text(detail.get("title"), raw.get("title")) or ""
        description = html_to_text(detail.get("description_html"))
        location = first_text(*(fields.get(k) for k in _LOCATION_LABELS), raw.get("location"))
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "avature description"):
            bands.extend(text_bands(description, country=posting_country(location)))
        return self.posting(
            raw["id"],
            title,
            raw,
            url=first_text(raw.get("url")),
            location=location,
            department=first_text(*(fields.get(k) for k in _DEPARTMENT_LABELS)),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def read_job_page(tree: LexborHTMLParser, url: str) -> dict[str, Any]:
    """The fields of one JobDetail page; SourceError when it is no job page."""
    og = tree.css_first("meta[property='og:title']")
    title = first_text(og.attributes.get("content")) if og is not None else None
    fields: dict[str, str] = {}
    parts: list[str] = []
    for field in tree.css("article.article--details .article__content__view__field"):
        value = field.css_first(".article__content__view__field__value")
        label = text_of(field.css_first(".article__content__view__field__label"))
        if value is None:
            continue
        if label:
            text = text_of(value)
            if text:
                fields.setdefault(label.rstrip(":").strip(), text)
            continue
        text = text_of(value)
        if not text:
            continue
        if title is None:  # themes without og:title put the title first, unlabelled
            title = text
            continue
        if text == title:
            continue
        parts.append(html_of(value) or "")
    if title is None and not parts:
        raise SourceError(terminal_safe(f"{url} is not an Avature job page", limit=300))
    return {"title": title, "description_html": "\n".join(p for p in parts if p) or None, "fields": fields}


def _article_of(link: Any) -> Any:
    node = link.parent
    while node is not None and node.tag != "article":
        node = node.parent
    return node


def _in_heading(link: Any) -> bool:
    node = link.parent
    while node is not None and node.tag != "article":
        if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return True
        node = node.parent
    return False
