"""ADP Workforce Now career centers (workforcenow.adp.com).

Config: `board` is the career center's `cid` (a UUID), the one value that names a tenant in the
public API and in its careers URLs (`recruitment.html?cid=...`); `locale` (default "en_US") is the
locale the career center publishes under.

Quirks kept here:

- The list is `GET {API}/job-requisitions?cid=&locale=&$skip=&$top=`. `$skip` is 1-based (0
  silently drops a row) and `$top` is capped at 20, so pages are 20 rows from `$skip` 1, 21, 41 ...
  `meta.totalNumber` counts the rows of an unfiltered board (no filter is ever sent here).
- A career center publishes under one locale: asked under another it recognizes it answers
  `{"jobRequisitions": []}` (no `meta`), which looks like a board with nothing open. That is kept
  as an empty listing (it never removes anything) with a note naming the locale.
- An unknown `cid` is an HTTP 404 with an HTML page.
- Pay is in the list rows: `payGradeRange.minimumRate/maximumRate` (`amountValue`, `currencyCode`).
  The period is not there but in the custom code field `SalaryType` (codeValue "AN" / shortName
  "Annually", "HR" / "Hourly"); without it there is no band. ADP writes a missing minimum as 0.0
  and renders such a range "Up to 25.10 (CAD) Hourly" (the `SalaryRange` string field): a minimum of
  0.0 is read as no minimum only when that rendering says "Up to"; otherwise the band is dropped.
  Amounts that are not pay for their period (22-25 "Annually" on an hourly job) are refused by the
  one plausibility rule (`salary.pay.band_problem`), never re-read as another period.
- The list has no description: one `GET {API}/job-requisitions/{id}?cid=&locale=` per row adds
  `requisitionDescription` (HTML). The id is the row's `ExternalJobID` custom string field (the
  id of the public posting URL; the row's `itemID` when it has none). An id the career center
  does not know answers HTTP 200 with a record that has no `itemID`: that detail failed.
- Detail calls run concurrently (bounded by the fetcher's per-host politeness). A failing detail
  keeps the row's list data; when more than half fail the board fails (`fetch_details`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting
from ..salary import structured_band
from ..salary.extract import pay_type_from_context, text_bands
from ..salary.numbers import AmountError, amount_of, describe
from ..salary.periods import normalize_interval
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

API_PATH = "/mascsr/default/careercenter/public/events/staffing/v1/job-requisitions"
PUBLIC_PAGE = "https://workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html"
PAGE_SIZE = 20  # ADP caps $top at 20
MAX_PAGES = 250  # 5,000 requisitions: a guard against a server that ignores $skip
DEFAULT_LOCALE = "en_US"

_CID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LOCALE_RE = re.compile(r"^[a-z]{2}_[A-Z]{2}$")
# SalaryType code values seen in recordings; the shortName ("Annually", "Hourly", "Monthly" ...)
# decides any other through the shared interval spellings.
_SALARY_TYPE_CODES = {"AN": "Annually", "HR": "Hourly"}
_RANGE_TYPES = ("RANGE",)  # the only SalaryRangeType recorded; another may mean "exact" or "from"
_UP_TO_RE = re.compile(r"^\s*up\s+to\b", re.IGNORECASE)


@register
class AdpWorkforceNow(Source):
    name = "adp_wfn"
    default_base_url = "https://workforcenow.adp.com"
    board_help = "the career center's cid (a UUID) in workforcenow.adp.com/...recruitment.html?cid={cid}"
    options = {"locale": (str,)}
    url_patterns = (
        r"^workforcenow\.adp\.com/mascsr/.*[?&]cid=(?P<board>[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        if not _CID_RE.match(board):
            raise ConfigError(
                f"adp_wfn board must be the career center's cid, a UUID such as "
                f"269ead05-4042-4cc5-b325-75a73a6e0439, not {terminal_safe(board, limit=80)!r}"
            )
        locale = options.get("locale")
        if locale is not None and not _LOCALE_RE.match(locale):
            raise ConfigError(
                f'adp_wfn locale must look like "en_US" or "fr_CA", not {terminal_safe(locale, limit=40)!r}'
            )

    @property
    def locale(self) -> str:
        return self.company.options.get("locale") or DEFAULT_LOCALE

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}{API_PATH}"
        rows = await self._list(ctx, url)

        async def detail(row: dict[str, Any]) -> dict[str, Any]:
            job_id = _external_job_id(row) or row["itemID"]
            data = await ctx.fetcher.get_json(
                f"{url}/{quote(job_id, safe='')}", params={"cid": self.company.board, "locale": self.locale}
            )
            # An id it does not know is answered 200 with a record without itemID.
            if not isinstance(data, dict) or data.get("itemID") != row["itemID"]:
                raise SourceError(
                    terminal_safe(f"{url}/{job_id} did not return job requisition {row['itemID']}", limit=300)
                )
            return data

        details = await fetch_details(rows, detail)
        merged = [{**row, **d} if d is not None else row for row, d in zip(rows, details, strict=True)]
        return self.parse_each(merged, self.parse_requisition)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list row merged with its detail (the detail repeats the row's keys).
        if not isinstance(raw, dict) or not raw.get("itemID"):
            raise ValueError("not a stored ADP job requisition (no itemID)")
        return self.parse_requisition(raw)

    async def _list(self, ctx: CrawlContext, url: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        read = 0
        for page in range(MAX_PAGES):
            params = {
                "cid": self.company.board,
                "locale": self.locale,
                "$skip": page * PAGE_SIZE + 1,  # 1-based
                "$top": PAGE_SIZE,
            }
            try:
                data = await ctx.fetcher.get_json(url, params=params)
                if not isinstance(data, dict) or not isinstance(data.get("jobRequisitions"), list):
                    raise SourceError(f"{url} did not return an ADP job requisition list")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return rows
            batch = data["jobRequisitions"]
            found = as_dict(data.get("meta")).get("totalNumber")
            total = found if isinstance(found, int) and not isinstance(found, bool) else None
            if page == 0 and not batch and "meta" not in data:
                self.report.notes.append(
                    f"adp_wfn career center {self.company.board} lists nothing under locale {self.locale}; "
                    'one that publishes under another locale (en_CA, fr_CA ...) needs locale = "..." set'
                )
            repeated = new = 0
            for row in batch:
                item_id = self.listed_id(row, "itemID")
                if item_id is None:
                    continue
                if item_id in seen:
                    repeated += 1
                    continue
                seen.add(item_id)
                rows.append({**row, "itemID": item_id})
                new += 1
            read += len(batch)
            if total is not None and read >= total:
                break
            if repeated and not new:  # only rows already read: the server ignores $skip
                self.page_repeated(page, "$skip")
                break
            if len(batch) < PAGE_SIZE:
                if total is not None and read < total:
                    self.listed_short(read, total, page, empty=not batch)
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return rows

    def parse_requisition(self, req: dict[str, Any]) -> Posting:
        title = first_text(req.get("requisitionTitle")) or ""
        location = _location(req)
        country = posting_country(location)
        description = html_to_text(req.get("requisitionDescription"))
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "adp_wfn payGradeRange"):
            band = _pay_band(req, title, warnings)
            if band is not None:
                bands.append(band)
        with pay_guard(warnings, "adp_wfn description"):
            bands.extend(text_bands(description, country=country))
        job_id = _external_job_id(req) or req["itemID"]
        # No `lang`: the locale is config, and a stored posting re-parsed offline has no config.
        page_query = urlencode({"cid": self.company.board, "jobId": job_id})
        return self.posting(
            req["itemID"],
            title,
            req,
            url=f"{PUBLIC_PAGE}?{page_query}",
            location=location,
            department=first_text(_custom(req, "stringFields", "HomeDepartment").get("stringValue")),
            employment_type=first_text(as_dict(req.get("workLevelCode")).get("shortName")),
            remote="remote" if location and "remote" in location.lower() else None,
            posted_at=parse_datetime(req.get("postDate")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _custom(req: dict[str, Any], kind: str, code: str) -> dict[str, Any]:
    """One field of the row's `customFieldGroup` (codeFields, stringFields ...) by its code, or {}."""
    for field in as_list(as_dict(req.get("customFieldGroup")).get(kind)):
        if isinstance(field, dict) and as_dict(field.get("nameCode")).get("codeValue") == code:
            return field
    return {}


def _external_job_id(req: dict[str, Any]) -> str | None:
    return first_text(_custom(req, "stringFields", "ExternalJobID").get("stringValue"))


def _location(req: dict[str, Any]) -> str | None:
    places: list[str] = []
    for loc in as_list(req.get("requisitionLocations")):
        if not isinstance(loc, dict):
            continue
        address = as_dict(loc.get("address"))
        # shortName is ADP's own label (" Cleveland, OH, US", "Admin Minnesota, Avon, MN, US").
        label = first_text(as_dict(loc.get("nameCode")).get("shortName")) or ", ".join(
            x
            for x in (
                first_text(address.get("cityName")),
                first_text(as_dict(address.get("countrySubdivisionLevel1")).get("codeValue")),
            )
            if x
        )
        if label and label not in places:  # a row may list one place twice
            places.append(label)
    return "; ".join(places) or None


def _pay_band(req: dict[str, Any], title: str, warnings: list[str]) -> PayBand | None:
    pay = req.get("payGradeRange")
    if not isinstance(pay, dict):
        return None
    low, high = as_dict(pay.get("minimumRate")), as_dict(pay.get("maximumRate"))
    lo, hi = low.get("amountValue"), high.get("amountValue")
    if lo is None and hi is None:
        return None
    where = "adp_wfn payGradeRange"
    codes = {c for c in (low.get("currencyCode"), high.get("currencyCode")) if c}
    if len(codes) > 1:
        warnings.append(f"{where}: two currencies ({', '.join(sorted(map(str, codes)))}); no band")
        return None
    salary_type = _custom(req, "codeFields", "SalaryType")
    type_name = first_text(salary_type.get("shortName")) or _SALARY_TYPE_CODES.get(
        str(salary_type.get("codeValue"))
    )
    range_type = first_text(_custom(req, "codeFields", "SalaryRangeType").get("codeValue"))
    shown = first_text(_custom(req, "stringFields", "SalaryRange").get("stringValue")) or ""
    if type_name is None:
        warnings.append(f"{where}: no SalaryType says the period; no band")
        return None
    if normalize_interval(type_name) is None:
        warnings.append(f"{where}: SalaryType {describe(type_name)} is not a pay period; no band")
        return None
    if range_type is not None and range_type.upper() not in _RANGE_TYPES:
        warnings.append(f"{where}: SalaryRangeType {describe(range_type)} is not a range; no band")
        return None
    try:
        lo_f, hi_f = amount_of(lo), amount_of(hi)
    except AmountError:
        lo_f = hi_f = None  # structured_band says why below
    else:
        if lo_f == 0 and hi_f == 0:
            return None  # nothing stated
        if lo_f == 0:
            # ADP's placeholder for "no minimum"; trusted only when ADP itself renders "Up to ...".
            if not _UP_TO_RE.match(shown):
                warnings.append(f"{where}: minimum 0 without an 'Up to' rendering ({shown!r}); no band")
                return None
            lo = None
        if hi_f == 0:
            warnings.append(f"{where}: maximum 0; no band")
            return None
    currency = next(iter(codes), None)
    return structured_band(
        lo,
        hi,
        currency,
        type_name,
        pay_type=pay_type_from_context("base pay grade", title),
        source_text=shown or f"payGradeRange {describe(lo)}-{describe(hi)} {currency} {type_name}",
        rule="structured:adp_wfn",
        warnings=warnings,
        label=where,
    )
