"""Eightfold career sites (Netflix's explore.jobs.netflix.net, {tenant}.eightfold.ai).

Two APIs live behind one source, chosen by the `api` option:

- "v2" (Netflix "SmartApply"): `GET /api/apply/v2/jobs?domain=&start=&num=`,
  no envelope, top-level `count` (the total) and `positions`; then one
  `GET /api/apply/v2/jobs/{id}?domain=` per position for `job_description`.
- "pcsx" (Morgan Stanley and newer tenants): `GET /api/pcsx/search` with an
  envelope `{status, error, data: {count, positions}}`; then
  `GET /api/pcsx/position_details?position_id=&domain=&hl=en` for
  `data.jobDescription`.
- No `api` option: try v2 and fall back to pcsx when v2 answers 404 (what a
  pcsx-only tenant is expected to do; no recording shows it, so set `api`
  explicitly where it is known).

Quirks kept here:

- Pages hold at most 10 positions whatever `num` asks for; `count` is the
  total, so paging stops at `count`, at an empty page or a page with nothing
  new (a server that ignores `start`), and after MAX_PAGES in any case.
- List responses carry `job_description: ""`: text and pay come only from the
  detail call.
- Scalars may arrive stringified (ids, epoch seconds, "False", even lists as
  Python reprs like "['USA - Remote']"); `_typed` reads them back without eval.
  (The recorded Netflix pages are typed; this is defensive.)
- The v2 host wants a browser User-Agent and a Referer from the careers site.
- Netflix pay paragraphs ("The overall market range ... is based on total
  compensation" and "Our compensation structure consists solely of an annual
  salary ... salary versus stock options. ... The range for this role is
  $170,000-720,000.") state total compensation: bands from them are "total".
- Netflix's `work_location_option` says "onsite" for "USA - Remote"
  positions, so a location naming Remote wins over it.
- Detail calls run concurrently (the fetcher's per-host politeness bounds
  them). A failing detail keeps the position's list data; when more than half
  fail the board fails instead, so a blocked or changed detail API cannot
  overwrite stored descriptions and bands with empty ones.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from ..errors import ConfigError
from ..fetch import BROWSER_USER_AGENT, FetchError
from ..models import PayBand, Posting, Remote
from ..salary.extract import text_bands
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from ._eightfold_hosts import TENANT_DOMAINS
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    dedupe_bands,
    fetch_details,
    first_text,
    mark_list_only,
    parse_datetime,
    pay_guard,
    posting_country,
    requisition,
    url_target,
)

PAGE_SIZE = 10  # Eightfold's own cap per page, whatever `num` says
MAX_PAGES = 300  # 3,000 positions: a guard against a server whose paging never ends
APIS = ("v2", "pcsx")

# The sentences that make a Netflix range total compensation (see the module docstring).
_TOTAL_COMP_RE = re.compile(
    r"market range is based on total compensation"
    r"|compensation structure consists solely of an annual salary"
    r"|how much of your compensation you want in salary versus stock",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"-?\d+")
_MAX_DIGITS = 30
_REMOTE_OPTIONS: dict[str, Remote] = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}


def _typed(value: Any) -> Any:
    """A value Eightfold may have stringified, read back as the type it stands for.

    Python reprs are read with ast.literal_eval (literals only, never code).
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    if text in ("None", "null"):
        return None
    if _DIGITS_RE.fullmatch(text):
        # Longer than any id or epoch, digits stay text: int() refuses 4,300+ digits.
        return int(text) if len(text) <= _MAX_DIGITS else value
    if text[:1] in "[{(":
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return value
    return value


def _as_int(value: Any) -> int | None:
    value = _typed(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _as_list(value: Any) -> list[Any]:
    value = _typed(value)
    if isinstance(value, list | tuple):
        return list(value)
    return [value] if isinstance(value, str) and value.strip() else []


def _remote(locations: list[str], option: Any) -> Remote | None:
    if any("remote" in loc.lower() for loc in locations):
        return "remote"
    return _REMOTE_OPTIONS.get(str(_typed(option) or "").strip().lower())


class _NoV2(Exception):
    """The v2 list answered 404 on its first page: the tenant serves pcsx only."""


@register
class Eightfold(Source):
    name = "eightfold"
    default_base_url = "https://explore.jobs.netflix.net"
    board_help = 'the Eightfold domain, e.g. "netflix.com" (set base_url for tenants other than Netflix)'
    options = {"api": (str,)}
    # The board is the tenant *domain*, which the host need not show (explore.jobs.netflix.net serves
    # netflix.com): read from a `domain=` query on an eightfold.ai site or on the API paths, else from
    # the table of known sites (_eightfold_hosts.py). Any other {tenant}.eightfold.ai: no board, since
    # the domain is not always {tenant}.com (Match Group's is gotinder.com).
    url_patterns = (
        r"^[\w.-]+\.eightfold\.ai/[^#]*?[?&]domain=(?P<board>[\w.-]+\.[a-z]{2,})",
        r"^[^/]+/api/(?:apply/v2/jobs|pcsx/(?:search|position_details))/?\?(?:[^#]*&)?domain=(?P<board>[\w.-]+\.[a-z]{2,})",
    )

    @classmethod
    def board_from_url(cls, url: str) -> str | None:
        return super().board_from_url(url) or TENANT_DOMAINS.get(url_target(url).split("/", 1)[0])

    @classmethod
    def base_url_from_url(cls, url: str) -> str | None:
        if cls.board_from_url(url) is None:
            return None
        base = "https://" + url_target(url).split("/", 1)[0]
        return None if base == cls.default_base_url else base

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        # A misspelled api ("V2", "pcs") would otherwise fail the board at crawl time, after the
        # rest of the run had started; at config time nothing is fetched.
        api = options.get("api")
        if api is not None and api not in APIS:
            raise ConfigError(
                f"eightfold api must be one of {', '.join(APIS)} (or left out to detect it), not {api!r}"
            )

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        api = self.company.options.get("api")
        if api is not None and api not in APIS:
            raise SourceError(f"eightfold api must be one of {', '.join(APIS)}, not {api!r}")
        if api == "pcsx":
            return await self._crawl_pcsx(ctx)
        try:
            return await self._crawl_v2(ctx, detect=api is None)
        except _NoV2:
            return await self._crawl_pcsx(ctx)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the position merged with its detail. Which API sent it: the config's
        # `api` when reparse has it, else the payload's own field names (v2 is snake_case).
        if not isinstance(raw, dict) or _typed(raw.get("id")) in (None, ""):
            raise ValueError("not a stored Eightfold position (no id)")
        api = self.company.options.get("api")
        if api is None:
            v2_keys = ("job_description", "t_create", "t_update", "work_location_option", "posting_name")
            api = "v2" if any(k in raw for k in v2_keys) else "pcsx"
        return self.parse_v2(raw, None) if api == "v2" else self.parse_pcsx(raw, None)

    @property
    def _headers(self) -> dict[str, str]:
        # The careers site's own front end makes these calls; look like it.
        return {"User-Agent": BROWSER_USER_AGENT, "Referer": f"{self.base_url}/careers"}

    # -- v2 (Netflix) -------------------------------------------------------------
    async def _crawl_v2(self, ctx: CrawlContext, *, detect: bool = False) -> list[Posting]:
        url = f"{self.base_url}/api/apply/v2/jobs"

        async def page(start: int) -> tuple[Any, Any]:
            try:
                data = await ctx.fetcher.get_json(
                    url,
                    params={"domain": self.company.board, "start": start, "num": PAGE_SIZE},
                    headers=self._headers,
                )
            except FetchError as exc:
                # Only a 404 on the very first page says "this tenant has no v2 API".
                if detect and start == 0 and exc.kind == "not_found":
                    raise _NoV2 from exc
                raise
            if not isinstance(data, dict) or "positions" not in data:
                raise SourceError(f"{url} did not return an Eightfold position list")
            return data.get("count"), data["positions"]

        async def detail(pos: dict[str, Any]) -> dict[str, Any]:
            data = await ctx.fetcher.get_json(
                f"{url}/{pos['id']}", params={"domain": self.company.board}, headers=self._headers
            )
            if isinstance(data, dict) and isinstance(data.get("positions"), list) and data["positions"]:
                data = data["positions"][0]  # tolerate a list-shaped answer
            if not isinstance(data, dict):
                raise SourceError(
                    terminal_safe(f"{url}/{pos['id']} did not return an Eightfold position", limit=300)
                )
            return data

        positions = await self._list(page)
        details = await fetch_details(positions, detail)
        pairs = list(zip(positions, details, strict=True))
        return self.parse_each(pairs, lambda pair: mark_list_only(self.parse_v2(*pair), pair[1]))

    def parse_v2(self, pos: dict[str, Any], det: dict[str, Any] | None) -> Posting:
        merged = {**pos, **(det or {})}
        pid = _typed(merged.get("id"))
        locations = [str(x) for x in _as_list(merged.get("locations")) if x] or _as_list(
            merged.get("location")
        )
        description = html_to_text(first_text(merged.get("job_description")) and merged["job_description"])
        location = "; ".join(locations) or None
        warnings: list[str] = []
        return self.posting(
            pid,
            first_text(merged.get("name"), merged.get("posting_name")),
            merged,
            url=first_text(merged.get("canonicalPositionUrl")) or f"{self.base_url}/careers/job/{pid}",
            location=location,
            department=first_text(merged.get("department")),
            remote=_remote(locations, merged.get("work_location_option")),
            posted_at=parse_datetime(_typed(merged.get("t_create"))),
            updated_at=parse_datetime(_typed(merged.get("t_update"))),
            description=description or None,
            bands=_bands(description, posting_country(location), warnings),
            warnings=warnings,
            requisition_id=requisition(
                _typed(merged.get("ats_job_id")), _typed(merged.get("display_job_id"))
            ),
        )

    # -- pcsx (Morgan Stanley and newer tenants) ---------------------------------------
    async def _crawl_pcsx(self, ctx: CrawlContext) -> list[Posting]:
        search = f"{self.base_url}/api/pcsx/search"
        details_url = f"{self.base_url}/api/pcsx/position_details"

        def unwrap(url: str, data: Any) -> dict[str, Any]:
            if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
                raise SourceError(f"{url} did not return an Eightfold pcsx envelope")
            status = _as_int(data.get("status"))
            if status is not None and status != 200:
                error = as_dict(data.get("error"))
                message = terminal_safe(error.get("message") or "error", limit=200)
                raise SourceError(f"Eightfold says {status}: {message}")
            return data["data"]

        async def page(start: int) -> tuple[Any, Any]:
            params = {"domain": self.company.board, "query": "", "location": "", "start": start}
            body = unwrap(search, await ctx.fetcher.get_json(search, params=params, headers=self._headers))
            if "positions" not in body:
                raise SourceError(f"{search} did not return an Eightfold position list")
            return body.get("count"), body["positions"]

        async def detail(pos: dict[str, Any]) -> dict[str, Any]:
            params = {"position_id": pos["id"], "domain": self.company.board, "hl": "en"}
            data = await ctx.fetcher.get_json(details_url, params=params, headers=self._headers)
            return unwrap(details_url, data)

        positions = await self._list(page)
        details = await fetch_details(positions, detail)
        pairs = list(zip(positions, details, strict=True))
        return self.parse_each(pairs, lambda pair: mark_list_only(self.parse_pcsx(*pair), pair[1]))

    def parse_pcsx(self, pos: dict[str, Any], det: dict[str, Any] | None) -> Posting:
        merged = {**pos, **(det or {})}
        pid = _typed(merged.get("id"))
        locations = [str(x) for x in _as_list(merged.get("locations")) if x] or _as_list(
            merged.get("location")
        )
        description = html_to_text(first_text(merged.get("jobDescription")) and merged["jobDescription"])
        path = first_text(merged.get("positionUrl")) or f"/careers/job/{pid}"
        location = "; ".join(locations) or None
        warnings: list[str] = []
        return self.posting(
            pid,
            merged.get("name"),
            merged,
            url=first_text(merged.get("publicUrl")) or f"{self.base_url}{path}",
            location=location,
            department=first_text(merged.get("department")),
            employment_type=first_text(*_as_list(merged.get("efcustomTextTextTimeType"))),
            remote=_remote(locations, merged.get("workLocationOption")),
            # creationTs is when the position was created; postedTs moves when it is re-posted.
            posted_at=parse_datetime(_typed(merged.get("creationTs"))),
            updated_at=parse_datetime(_typed(merged.get("postedTs"))),
            description=description or None,
            bands=_bands(description, posting_country(location), warnings),
            warnings=warnings,
            requisition_id=requisition(_typed(merged.get("atsJobId")), _typed(merged.get("displayJobId"))),
        )

    # -- shared ---------------------------------------------------------------------
    async def _list(self, page: Callable[[int], Awaitable[tuple[Any, Any]]]) -> list[dict[str, Any]]:
        """Every position of the board, typed ids, in board order."""
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        start = 0
        for number in range(MAX_PAGES):
            try:
                raw_count, raw_positions = await page(start)
                positions = _typed(raw_positions)
                if not isinstance(positions, list):
                    raise SourceError(f"Eightfold sent positions as {type(positions).__name__}, not a list")
            except (FetchError, SourceError) as exc:
                if number == 0:
                    raise
                self.page_failed(number, exc)
                return out
            count = _as_int(raw_count)
            repeated = new = 0
            for pos in positions:
                if isinstance(pos, dict):
                    pos = {**pos, "id": _typed(pos.get("id"))}  # ids may arrive stringified
                pid = self.listed_id(pos)
                if pid is None:
                    continue
                if pid in seen:
                    repeated += 1
                    continue
                seen.add(pid)
                out.append(pos)
                new += 1
            start += len(positions)
            if count is not None and start >= count:
                break
            if repeated and not new:  # only postings already read: the server ignores paging
                self.page_repeated(number, "start", "positions")
                break
            if not positions or (count is None and len(positions) < PAGE_SIZE):
                if count is not None:  # the board's own count says there is more
                    self.listed_short(start, count, number, empty=not positions, noun="positions")
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return out


def _bands(description: str, country: str | None = None, warnings: list[str] | None = None) -> list[PayBand]:
    """Eightfold states pay only in text (no structured pay field in either API)."""
    bands: list[PayBand] = []
    with pay_guard([] if warnings is None else warnings, "eightfold description"):
        bands = text_bands(description, country=country)
    if bands and _TOTAL_COMP_RE.search(description):
        # Netflix: the range is total compensation whatever the word "salary" suggests.
        bands = [b if b.pay_type == "total" else replace(b, pay_type="total") for b in bands]
    return dedupe_bands(bands)
