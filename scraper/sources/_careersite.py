"""What the career-site sources whose board is a host share (iCIMS, Avature, SuccessFactors, Phenom).

Their board is the careers site's host, as the registry writes it (`careers-acme.icims.com`,
`acme.avature.net`, `jobs.sap.com`): requests go to `https://{host}` unless `base_url` is set (the
replay server, a mirror). The pages link their jobs absolutely on the real host or by path; every
link is read against the real host, kept only when it stays on that host, and fetched at the same
path on the configured site. A link to another host is never followed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..config import ConfigError
from ..sanitize import terminal_safe
from ..text import html_to_text
from .base import CrawlContext, first_text
from .jsonld import HTML_ACCEPT, decode_html

if TYPE_CHECKING:
    from ..config import CompanyConfig

# A DNS name of at least two labels, lower or upper case, no scheme, port, path or trailing dot.
_HOST_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
_INT_RE = re.compile(r"\d[\d,.\u00a0\u202f ]*")


def check_host_board(board: str, source: str, example: str) -> None:
    """ConfigError unless `board` is a bare host (the registry's board format for these ATSs)."""
    if not _HOST_RE.match(board):
        raise ConfigError(
            f"a {source} board is the careers site's host, like {example!r}, "
            f"not {terminal_safe(board, limit=120)!r} (no https://, no path)"
        )


def site_url(company: CompanyConfig) -> str:
    """Where requests go: base_url when set, else https://{board}."""
    return (company.base_url or f"https://{company.board}").rstrip("/")


def _bare(host: str) -> str:
    return host.lower().removeprefix("www.")


def rebase(href: str | None, page_url: str, board: str, site: str) -> tuple[str, str] | None:
    """(public URL on the real host, URL to fetch on the configured site) of a link on a page.

    `page_url` is the page's public URL (on https://{board}); None when the link leaves the host
    or is not http(s).
    """
    if not href or not href.strip():
        return None
    public = urljoin(page_url, href.strip())
    parts = urlsplit(public)
    if parts.scheme not in ("http", "https") or _bare(parts.hostname or "") != _bare(board):
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"https://{board}{path}", f"{site}{path}"


async def get_page(ctx: CrawlContext, url: str, params: dict[str, Any] | None = None) -> str:
    """A page as text (by its declared charset). FetchError as the fetcher raises it."""
    resp = await ctx.fetcher.request("GET", url, params=params, headers={"Accept": HTML_ACCEPT})
    return decode_html(resp)


def take_new(entries: list[dict[str, Any]], seen: set[str], jobs: list[dict[str, Any]]) -> int:
    """Append to `jobs` the page's entries whose `raw["id"]` was not listed on an earlier page; returns
    how many were new (0 on a page that repeats what was read: the site ignored its offset)."""
    new = 0
    for entry in entries:
        if entry["raw"]["id"] in seen:
            continue
        seen.add(entry["raw"]["id"])
        jobs.append(entry)
        new += 1
    return new


def parse(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def text_of(node: LexborNode | None) -> str | None:
    """A node's visible text on one line (no <style>/<script> content), or None."""
    return first_text(html_to_text(node.html)) if node is not None else None


def html_of(node: LexborNode | None) -> str | None:
    """A node's inner markup (what a description is stored as), or None."""
    if node is None:
        return None
    inner = node.inner_html
    return inner.strip() or None if isinstance(inner, str) else None


def last_int(text: str | None) -> int | None:
    """The last whole number in a text ("Results 1 – 25 of 633" -> 633, "1-12 of 1,436" -> 1436)."""
    if not text:
        return None
    found = _INT_RE.findall(text)
    if not found:
        return None
    digits = re.sub(r"\D", "", found[-1])
    return int(digits) if digits and len(digits) < 10 else None


def utc_date(value: str | None, *formats: str) -> datetime | None:
    """The first of `formats` that reads `value`, as an aware UTC datetime; None when none does."""
    if not value:
        return None
    text = " ".join(value.split())
    for fmt in formats:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return None
