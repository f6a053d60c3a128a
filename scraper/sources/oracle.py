"""Oracle Recruiting Cloud (Oracle HCM Candidate Experience) career sites.

Config: `board = "{host}/{site}"` from https://{host}/hcmUI/CandidateExperience/en/sites/{site},
e.g. "fa-euwp-saasfaprod1.fa.ocs.oraclecloud.com/Mayo-US". The REST finder takes the site's
internal *number*, which is often not its public name (Mayo-US is CX_1; a site named CX_1 may
be number CX_1001): set `site_number` (openings-mcp's oracle roster lists it) when they differ.
Without it the site name is used, as Oracle's older themes do. `base_url`, when set (a mirror,
the replay server), stands for https://{host}.

Quirks kept here:

- The list is `GET /hcmRestApi/resources/latest/recruitingCEJobRequisitions` with the whole query
  in one `finder` parameter: `findReqs;siteNumber=…,facetsList=NONE,limit=…,offset=…,sortBy=…`.
  The answer is one item holding `TotalJobsCount` and a `requisitionList` page; paging stops at
  that total, a short or empty page, a page with nothing new, or MAX_PAGES.
- The list has no text: one `recruitingCEJobRequisitionDetails` call per requisition
  (`finder=ById;Id="…",siteNumber=…`) returns the HTML sections. An unknown id is HTTP 200
  with `count` 0 and no items, read as a failed detail.
- `fields` restricts both answers to what is read here (the recorded requests did the same).
  No pay field is requested or recorded: pay is what the description says, through the text
  normalizer.
- `WorkplaceTypeCode` (ORA_REMOTE / ORA_HYBRID / ORA_ON_SITE) is empty on every recorded row;
  it is read leniently.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting, Remote
from ..salary.extract import text_bands
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    as_list,
    dedupe_bands,
    fetch_details,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
)

API = "/hcmRestApi/resources/latest"
PAGE_SIZE = 25  # what Oracle's own Candidate Experience pages ask for
MAX_PAGES = 400  # 10,000 requisitions: a guard against a server that ignores `offset`
# The fields read below: the recorded requests' lists, without the facets (facetsList=NONE).
LIST_FIELDS = (
    "TotalJobsCount,Limit,Offset;"
    "requisitionList:Id,Title,PostedDate,PrimaryLocation,WorkplaceType,WorkplaceTypeCode;"
    "requisitionList.secondaryLocations:Name"
)
DETAIL_FIELDS = (
    "Id,Title,ExternalPostedStartDate,PrimaryLocation,WorkplaceType,ExternalDescriptionStr,"
    "CorporateDescriptionStr,ExternalResponsibilitiesStr,ExternalQualificationsStr;secondaryLocations:Name"
)
HEADERS = {"Accept-Language": "en", "Ora-Irc-Language": "en"}
# The detail's HTML sections, in the order the career site shows them.
SECTIONS = (
    "ExternalDescriptionStr",
    "ExternalResponsibilitiesStr",
    "ExternalQualificationsStr",
    "CorporateDescriptionStr",
)
# A value written into the finder string: no `,` `;` `"` `=` that would end or add an argument.
_FINDER_ATOM_RE = re.compile(r"[A-Za-z0-9_.-]+")
_HOST_RE = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_WORKPLACE: dict[str, Remote] = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}


@register
class Oracle(Source):
    name = "oracle"
    default_base_url = ""  # https://{host}: the board names the host
    board_help = '"{host}/{site}" from https://{host}/hcmUI/CandidateExperience/en/sites/{site}'
    options = {"site_number": (str,)}
    url_patterns = (
        # {pod}.fa.{dc}.oraclecloud.com, …fa.ocs.oraclecloud.eu / oraclecloud26.com. Career sites on
        # a company's own domain (careers.honeywell.com/en/sites/Honeywell) are not told apart here.
        r"^(?P<host>[a-z0-9.-]+\.oraclecloud\d*\.(?:com|eu))/hcmui/candidateexperience/[^/]+/sites/(?P<site>[^/?#]+)",
    )

    url_pattern_flags = re.IGNORECASE

    @classmethod
    def board_from_match(cls, m: re.Match[str]) -> str | None:
        # Host and site are apart in the URL; the site keeps its case (the finder is case-sensitive).
        return f"{m.group('host').lower()}/{m.group('site')}"

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        host, _, site = board.strip("/").partition("/")
        if not _HOST_RE.fullmatch(host) or not site or "/" in site:
            raise ConfigError(
                f'oracle board {board!r} must be "{{host}}/{{site}}", e.g. '
                '"fa-euwp-saasfaprod1.fa.ocs.oraclecloud.com/Mayo-US"'
            )
        number = options.get("site_number", site)
        if not _FINDER_ATOM_RE.fullmatch(number):
            what = "site_number" if "site_number" in options else "site (used as the site number)"
            raise ConfigError(
                f"oracle {what} {number!r} must be letters, digits, '_', '.' or '-' (e.g. CX_1)"
            )

    def _host_site(self) -> tuple[str, str]:
        host, _, site = self.company.board.strip("/").partition("/")
        return host.lower(), site

    def _site_number(self) -> str:
        number = self.company.options.get("site_number")
        return number if isinstance(number, str) and number else self._host_site()[1]

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        host, _ = self._host_site()
        api = f"{self.base_url or f'https://{host}'}{API}"
        number = self._site_number()
        items = await self._list(ctx, f"{api}/recruitingCEJobRequisitions", number)

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            url = f"{api}/recruitingCEJobRequisitionDetails"
            data = await ctx.fetcher.get_json(
                url,
                params={
                    "onlyData": "true",
                    "fields": DETAIL_FIELDS,
                    "finder": f'ById;Id="{item["Id"]}",siteNumber={number}',
                },
                headers=HEADERS,
            )
            found = as_list(data.get("items")) if isinstance(data, dict) else None
            if found is None:
                raise SourceError(f"{url} did not return an Oracle requisition for {item['Id']}")
            if not found or not isinstance(found[0], dict):
                raise SourceError(f"oracle requisition {item['Id']} has no detail (count 0)")
            return found[0]

        details = await fetch_details(items, detail)
        pairs = list(zip(items, details, strict=True))
        return self.parse_each(pairs, lambda pair: self.parse_posting(*pair))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list row merged with the detail: parsing it alone gives the same posting.
        if not isinstance(raw, dict) or not raw.get("Id"):
            raise ValueError("not a stored Oracle requisition (no Id)")
        return self.parse_posting(raw, None)

    async def _list(self, ctx: CrawlContext, url: str, number: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        offset = 0
        total: int | None = None
        for page in range(MAX_PAGES):
            finder = (
                f"findReqs;siteNumber={number},facetsList=NONE,limit={PAGE_SIZE},offset={offset},"
                "sortBy=POSTING_DATES_DESC"  # a stable order while paging
            )
            params = {"onlyData": "true", "fields": LIST_FIELDS, "finder": finder}
            try:
                data = await ctx.fetcher.get_json(url, params=params, headers=HEADERS)
                result = _search_result(data)
                if result is None:
                    raise SourceError(f"{url} did not return an Oracle requisition list")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            found = result.get("TotalJobsCount")
            total = found if isinstance(found, int) and not isinstance(found, bool) else total
            batch = result["requisitionList"]
            if page == 0 and not batch:
                raise SourceError(
                    terminal_safe(
                        f"no postings: Oracle site number {number!r} on {self._host_site()[0]} lists no "
                        "requisitions (when the site's number differs from its name, set site_number)",
                        limit=300,
                    )
                )
            repeated = new = 0
            for item in batch:
                rid = self.listed_id(item, "Id")
                if rid is None:
                    continue
                if not _FINDER_ATOM_RE.fullmatch(rid):  # it is written into the detail's finder
                    self.report.skip(f"oracle requisition skipped: id {rid[:60]!r} cannot be looked up")
                    continue
                if rid in seen:
                    repeated += 1
                    continue
                seen.add(rid)
                items.append({**item, "Id": rid})
                new += 1
            offset += len(batch)
            if total is not None and offset >= total:
                break
            if repeated and not new:  # only requisitions already read: the server ignores paging
                self.page_repeated(page, "offset", "requisitions")
                break
            if len(batch) < PAGE_SIZE:
                if total is not None:  # the site's own total says there is more
                    self.listed_short(offset, total, page, empty=not batch, noun="requisitions")
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_posting(self, item: dict[str, Any], detail: dict[str, Any] | None) -> Posting:
        merged = {**item, **(detail or {})}
        rid = merged["Id"]
        title = first_text(merged.get("Title")) or ""
        parts = [html_to_text(merged.get(key)) for key in SECTIONS]
        description = "\n\n".join(p for p in parts if p)
        secondary = [
            first_text(s.get("Name"))
            for s in as_list(merged.get("secondaryLocations"))
            if isinstance(s, dict)
        ]
        location = "; ".join(x for x in [first_text(merged.get("PrimaryLocation")), *secondary] if x) or None
        country = posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "oracle description"):
            bands.extend(text_bands(description, country=country))
        host, site = self._host_site()
        return self.posting(
            rid,
            title,
            merged,
            url=f"https://{host}/hcmUI/CandidateExperience/en/sites/{quote(site, safe='')}/job/{quote(str(rid))}",
            location=location,
            remote=_remote(merged),
            posted_at=parse_datetime(merged.get("ExternalPostedStartDate"))
            or parse_datetime(merged.get("PostedDate")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _search_result(data: Any) -> dict[str, Any] | None:
    """The one search-result item of a findReqs answer, when it has a requisition list."""
    items = as_list(data.get("items")) if isinstance(data, dict) else []
    result = as_dict(items[0]) if items else {}
    return result if isinstance(result.get("requisitionList"), list) else None


def _remote(row: dict[str, Any]) -> Remote | None:
    for key in ("WorkplaceTypeCode", "WorkplaceType"):
        value = first_text(row.get(key))
        if value:
            word = re.sub(r"[^a-z]", "", value.lower().removeprefix("ora_"))
            if word in _WORKPLACE:
                return _WORKPLACE[word]
    return None
