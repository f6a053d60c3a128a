"""The interface every source implements, and helpers they share."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import unquote, urlsplit

import orjson

from ..browser import BrowserPool  # cheap: Playwright itself is imported when a browser starts
from ..errors import FetchError, SourceError
from ..locations import normalize_location
from ..models import PayBand, Posting
from ..salary.numbers import describe
from ..sanitize import terminal_safe
from ..text import (
    clean_line,
    clean_text,
    has_markup,
    has_surrogates,
    html_to_text,
    is_final_text,
    safe_text,
)

if TYPE_CHECKING:
    from ..config import CompanyConfig, CrawlSettings
    from ..fetch import Fetcher

T = TypeVar("T")


@dataclass(slots=True)
class CrawlContext:
    fetcher: Fetcher
    settings: CrawlSettings
    browser: Any = None  # scraper.browser.BrowserPool, created on first use by a source that needs one
    # Two browser boards starting at once must share one browser, not launch two.
    _browser_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def get_browser(self) -> Any:
        async with self._browser_lock:
            if self.browser is None:
                self.browser = await BrowserPool.start(self.settings)
        return self.browser

    async def close(self) -> None:
        if self.browser is not None:
            await self.browser.close()
            self.browser = None


@dataclass(slots=True)
class BoardReport:
    """What a source learned about the board's listing as a whole, beside its postings.

    The crawl reads it after `crawl()`: an incomplete listing (paging that ended early, a cap that
    stopped it) or postings that could not be read must never be taken for removals.
    """

    complete: bool = True  # False: the listing is known to be partial; hold every removal
    skipped: int = 0  # postings seen but not stored (no id, a value that cannot be read)
    notes: list[str] = field(
        default_factory=list
    )  # one sentence each, e.g. "stopped at the 20,000-posting cap"
    # Complete or cut, the listing cannot tell (Lever: a full page, then an empty one): a drop is held
    # one run, not forever, so a board of exactly 200 postings still loses the ones that end.
    uncertain_end: bool = False

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.notes) < 20:  # one note per cause is enough to act on; the count says how many
            self.notes.append(reason)

    def partial(self, reason: str) -> None:
        self.complete = False
        self.notes.append(reason)

    def may_have_ended_early(self, reason: str) -> None:
        """The listing ended where a cut would also end it (an empty page after a full one, with no total
        to tell): postings missing from it are held once, and removed when the next listing agrees."""
        self.uncertain_end = True
        self.notes.append(reason)


class Source:
    """One ATS / site. Subclasses keep their quirks (paging, units, field names) inside."""

    name: ClassVar[str]
    default_base_url: ClassVar[str]
    board_help: ClassVar[str] = "the board token"
    # Extra config keys this source accepts: key -> allowed Python types.
    options: ClassVar[dict[str, tuple[type, ...]]] = {}
    board_optional: ClassVar[bool] = False
    needs_browser: ClassVar[bool] = False

    def __init__(self, company: CompanyConfig) -> None:
        self.company = company
        self.base_url = (company.base_url or self.default_base_url).rstrip("/")
        self.report = BoardReport()  # filled by crawl(); read by the orchestrator afterwards

    # Detection (`paybands detect`, scraper/detect.py): regular expressions matched against a careers
    # URL written as "host/path?query" (host lowercased, no scheme), each with a named group `board`
    # that is the board token this source takes in config (percent-escapes are decoded: "Flock%20Safety"
    # is the board "Flock Safety"); a source whose board is built from several parts of the URL
    # (Workday's tenant and site) overrides `board_from_url`. When two sources match one URL, the
    # pattern with more literal characters wins, and a tie is answered "unknown".
    url_patterns: ClassVar[tuple[str, ...]] = ()
    url_pattern_flags: ClassVar[int] = 0  # re.IGNORECASE where a path's case says nothing
    # Regular expressions over the text of a careers page's inline <script>s, with a named group `board`:
    # embeds that name their board in JavaScript options rather than in a URL (Lever's
    # `leverJobsOptions = {accountName: "acme"}`). Board URLs in scripts are found by `url_patterns`.
    page_patterns: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def board_from_options(cls, options: dict[str, Any]) -> str | None:
        return None

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        """Raise ConfigError with one sentence when this company's options cannot work (a page cap of
        0, a pattern that does not compile). Called for every company at config time, whatever else it
        sets; the option types are already checked against `options`."""

    @classmethod
    def request_host(cls, board: str) -> str | None:
        """The host this board's requests go to when no base_url is set (politeness and shards key on
        it): the default base URL's, with `{board}` filled in; a board that is a host (or starts with
        one, `{host}/{site}`) where the source has no default."""
        default = cls.default_base_url.replace("{board}", board)
        if default:
            return (urlsplit(default).hostname or "").lower() or None
        head = board.split("/", 1)[0].strip().lower()
        return head if "." in head and " " not in head else None

    @classmethod
    def board_from_url(cls, url: str) -> str | None:
        """The board token a careers URL names, from `url_patterns`; None when none matches."""
        target = _url_target(url)
        for pattern in cls.url_patterns:
            m = re.search(pattern, target, cls.url_pattern_flags)
            board = cls.board_from_match(m) if m else None
            if board:
                return board
        return None

    @classmethod
    def board_from_match(cls, m: re.Match[str]) -> str | None:
        """The board a matching careers URL names: its `board` group. A source whose board joins
        several parts of the URL ("{host}/{site}") overrides this, not `board_from_url`."""
        board = m.groupdict().get("board")
        return unquote(board) if board else None

    @classmethod
    def base_url_from_url(cls, url: str) -> str | None:
        """The `base_url` a company on this careers URL needs, when the board alone does not say where
        its API lives (Workday's wdN data center, an Eightfold tenant's host, Lever's EU instance);
        None when the source's default host serves it."""
        return None

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        """Every posting on the board, with bands. Raise FetchError/SourceError for board-level failure."""
        raise NotImplementedError

    def parse_raw(self, raw: Any) -> Posting:
        """Re-derive a posting (and its bands) from its stored raw payload, offline (`paybands reparse`)."""
        raise NotImplementedError(f"source {self.name} cannot re-parse stored payloads")

    # -- helpers shared by sources ------------------------------------------------
    def posting(self, external_id: Any, title: Any, raw: Any, **fields: Any) -> Posting:
        # The one door every posting goes through: whatever a board sent (bidi marks, NULs, lone
        # surrogates), stored text is clean and encodable, so one hostile posting cannot fail a write.
        # An id that is no id (a list, True, "") raises UnreadablePosting: parse_each skips that posting.
        external_id = posting_id(external_id)
        for key in ("url", "location", "department", "employment_type", "requisition_id"):
            if isinstance(fields.get(key), str):
                fields[key] = clean_line(fields[key]) or None
        if isinstance(fields.get("description"), str):
            # Markup even in a "plain" field (Ashby/Lever descriptionPlain): descriptions are text.
            fields["description"] = _text(fields["description"]) or None
        if fields.get("bands"):
            fields["bands"] = [_clean_band(b) for b in fields["bands"]]
        if not isinstance(raw, str):
            raw = _dump_raw(raw)
            if has_surrogates(raw):  # escaped, the payload still round-trips for `paybands reparse`
                raw = json.dumps(json.loads(raw), ensure_ascii=True, separators=(",", ":"))
            # either way free of lone surrogates now: no safe_text scan needed
        else:
            raw = safe_text(raw)
        return Posting(
            source=self.name,
            board=self.company.board,
            company=self.company.name,
            external_id=safe_text(external_id),
            title=clean_line(str(title or "")) or "(untitled)",
            raw=raw,
            **fields,
        )

    # -- per-posting isolation ----------------------------------------------------
    def listed_id(self, item: Any, key: str = "id") -> str | None:
        """The id of one listed posting, as text; None (and counted as skipped) when it has none.

        A board lists postings as objects with an id; one without a usable id (missing, empty,
        a list, an object, a bool) cannot be stored or compared with last week's, so it is
        skipped and reported, never dropped silently and never taken for a removal.
        """
        if not isinstance(item, dict):
            self.report.skip(f"{self.name} listed a {type(item).__name__}, not a posting object; skipped")
            return None
        try:
            return posting_id(item.get(key))
        except UnreadablePosting as exc:
            self.report.skip(f"{self.name} posting skipped: {terminal_safe(str(exc), limit=200)}")
            return None

    def parse_each(self, items: Iterable[T], parse: Callable[[T], Posting]) -> list[Posting]:
        """`parse` applied to each item, each in its own guard: one posting that cannot be read
        (an absurd number, a value of the wrong type, a bug it triggers) is skipped and reported
        in `self.report`, and the rest of the board is kept.

        When postings were skipped and none could be read, the board fails instead (SourceError):
        that is a changed format or a bug, not one bad posting, and an empty board must not be
        stored as if every posting ended.
        """
        out: list[Posting] = []
        for item in items:
            try:
                posting = parse(item)
            except Exception as exc:  # noqa: BLE001 - whatever one posting triggers costs that posting
                self.report.skip(f"{self.name} posting {_item_label(item)} skipped: {_reason(exc)}")
                continue
            out.append(posting)
        if not out and self.report.skipped:
            first = self.report.notes[0] if self.report.notes else "no reason recorded"
            raise SourceError(
                f"none of the {self.report.skipped} postings {self.name} listed could be read; first: {first}"
            )
        return out

    def cap_reached(self, postings: int) -> None:
        """Paging stopped at this source's own page cap: the listing may be longer than what was read."""
        self.report.partial(
            f"stopped at the {postings:,}-posting cap of {self.name}; the board may list more"
        )

    def paging_ended_early(self, reason: str) -> None:
        """A later page failed, or paging ended before the board's own total: the listing is partial."""
        self.report.partial(terminal_safe(f"{self.name} paging ended early: {reason}", limit=300))

    # The three ways paging ends early, worded once for every paged source (`page` counts from 0).
    def page_failed(self, page: int, exc: Exception) -> None:
        self.paging_ended_early(f"page {page + 1} failed ({exc}); the board may list more")

    def page_repeated(self, page: int, param: str, noun: str = "postings") -> None:
        """A page held only postings already read: the server ignores its paging parameter."""
        self.paging_ended_early(
            f"page {page + 1} repeated {noun} already read (the server ignores {param}); the board may list more"
        )

    def listed_short(self, read: int, total: int, page: int, empty: bool, noun: str = "postings") -> None:
        """Paging ended (an empty or short page) before the board's own total."""
        self.paging_ended_early(
            f"{read:,} of the {total:,} {noun} it counts were listed "
            f"(page {page + 1} was {'empty' if empty else 'short'})"
        )


# Longer than this an "id" is no id (a 5,001-digit number, an essay): it would be the key of a row.
MAX_ID_CHARS = 1000
_MAX_ID_BITS = MAX_ID_CHARS * 3  # an int of more bits has at least ~900 digits: no id either


class UnreadablePosting(ValueError):
    """One posting the board sent cannot be read (no id, a value of the wrong type); the message says why."""


def posting_id(value: Any) -> str:
    """A board's posting id as the text stored: a non-empty string or an integer.

    UnreadablePosting for anything else (None, "", a list, an object, a bool, a float, an id
    too long to be one), so the posting is skipped with a reason instead of stored under
    "[1, 2]" or "True", or failing the board where ids are compared.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        what = "no id" if value is None else f"id {describe(value)} is not a string or an integer"
        raise UnreadablePosting(what)
    if isinstance(value, int):
        if value.bit_length() > _MAX_ID_BITS:
            raise UnreadablePosting(f"id {describe(value)} is too long to be an id")
        return str(value)
    if not value.strip():
        raise UnreadablePosting("no id (empty)")
    if len(value) > MAX_ID_CHARS:
        raise UnreadablePosting(f"id of {len(value):,} characters is too long to be an id")
    return value


def _item_label(item: Any) -> str:
    """A short, terminal-safe name for a posting in a message: its id when it has a readable one."""
    if isinstance(item, tuple) and item:  # (list item, detail) pairs: the list item has the id
        item = item[0]
    if isinstance(item, dict):
        raw = item.get("id", item.get("externalPath"))
    else:
        raw = getattr(item, "identifier", None) or getattr(item, "url", None)
    try:
        return repr(terminal_safe(posting_id(raw), limit=60))
    except UnreadablePosting:
        return "(no readable id)"


def _reason(exc: BaseException) -> str:
    return terminal_safe(f"{type(exc).__name__}: {safe_str(exc)}", limit=200)


def _dump_raw(raw: Any) -> str:
    # orjson writes what json.dumps(ensure_ascii=False, separators=(",", ":")) writes (checked on
    # every farm payload by tests/sources/test_raw_dump.py), 3x faster, except for floats under
    # 1e-4 (0.00001, not 1e-05) and NaN (null): a payload holding one gets one new raw version.
    try:
        return orjson.dumps(raw).decode()
    except (orjson.JSONEncodeError, TypeError):
        pass  # ints past 64 bits, lone surrogates, keys that are not strings: the json module
    try:
        return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        # An int longer than Python prints (4,300 digits; json.loads refuses it too, so only a
        # payload built in Python has one): kept as a string, so the posting is still stored.
        return json.dumps(_printable(raw), ensure_ascii=False, separators=(",", ":"))


def _printable(value: Any, depth: int = 0) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        return describe(value)
    if depth > 200:
        return value
    if isinstance(value, dict):
        return {k: _printable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v, depth + 1) for v in value]
    return value


def _text(text: str) -> str:
    if is_final_text(text):  # already html_to_text's clean, markup-free output
        return text
    return html_to_text(text) if has_markup(text) else clean_text(text)


def _clean_band(band: PayBand) -> PayBand:
    zone = clean_line(band.zone) or None if band.zone else band.zone
    source_text = _text(band.source_text)
    if zone == band.zone and source_text == band.source_text:
        return band
    return replace(band, zone=zone, source_text=source_text)


def as_list(value: Any) -> list[Any]:
    """A board's list field, or [] when it sent something else (null, a number, an object)."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    """A board's object field, or {} when it sent something else (null, a string, a list)."""
    return value if isinstance(value, dict) else {}


_MAX_EPOCH_DIGITS = 20  # epoch milliseconds have 13; more is no date


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 strings, epoch seconds or milliseconds (numbers or digit strings) -> aware UTC datetime."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        if len(value.strip()) > _MAX_EPOCH_DIGITS:  # no date; int() of 5,000 digits would raise
            return None
        value = int(value.strip())
    if isinstance(value, int | float):
        try:  # inside: 10**400 / 1000 overflows a float
            seconds = value / 1000 if abs(value) > 1e11 else value
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return None


def requisition(*values: Any) -> str | None:
    """The first value that is a requisition number as text (a non-empty string, or an integer)."""
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        if isinstance(v, str) and v.strip() and len(v) <= 200:
            return " ".join(v.split())
    return None


def first_text(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return " ".join(v.split())
    return None


def posting_country(location: str | None) -> str | None:
    """ISO 3166 alpha-2 country of a posting's location string (its first place), or None.

    Sources compute it once per posting and pass it to the text normalizer, which decides
    an ambiguous "$" / "kr" / "¥" by it.
    """
    return normalize_location(location).country if location else None


# What pay code may raise on a hostile value despite its checks: caught per posting, never per board.
PAY_ERRORS = (ValueError, OverflowError, TypeError, ArithmeticError)


@contextmanager
def pay_guard(warnings: list[str], where: str) -> Iterator[None]:
    """Run one posting's pay extraction; an error from it costs that band, not the board.

    The posting keeps everything else; `warnings` gets one sentence ("{where}: ...; no band").
    """
    try:
        yield
    except PAY_ERRORS as exc:
        warnings.append(f"{where}: {type(exc).__name__}: {safe_str(exc)[:200]}; no band")


def safe_str(value: Any) -> str:
    """str(value), or a description when Python refuses to print it (an int over 4,300 digits)."""
    try:
        return str(value)
    except ValueError:
        return describe(value)


def dedupe_bands(bands: list[PayBand]) -> list[PayBand]:
    """Drop repeated statements of the same pay.

    Structured pay wins: a text band with the same numbers as a structured
    band is the description restating it, and lends it the zone or the kind
    of pay the structured field does not name. Two zones with equal ranges stay two.
    """
    out: list[PayBand] = []
    seen: set[tuple] = set()
    structured: dict[tuple, int] = {}  # numbers -> index in `out` of the structured band
    for b in sorted(bands, key=lambda b: b.origin != "structured"):
        numbers = (b.min_amount, b.max_amount, b.currency, b.period)
        if b.origin == "text" and numbers in structured:
            # The description restating a structured band may name its zone ("54,000 – 84,000 GBP
            # in the UK" for a tier titled "GBP"): the band takes the zone, once.
            i = structured[numbers]
            if out[i].zone is None and b.zone is not None and (*numbers, b.zone) not in seen:
                out[i] = replace(out[i], zone=b.zone)
                seen.add((*numbers, b.zone))
            if out[i].pay_type == "unknown" and b.pay_type != "unknown":
                out[i] = replace(out[i], pay_type=b.pay_type)  # "Minimum US Base Salary USD $190,000"
            continue
        if (*numbers, b.zone) in seen:
            continue
        seen.add((*numbers, b.zone))
        if b.origin == "structured":
            structured.setdefault(numbers, len(out))
        out.append(b)
    # The same numbers once without a zone and once with one: one statement, the zone's.
    zoned = {(b.min_amount, b.max_amount, b.currency, b.period): b for b in out if b.zone is not None}
    if zoned and len(zoned) < len(out):
        kept = []
        for b in out:
            z = zoned.get((b.min_amount, b.max_amount, b.currency, b.period))
            if b.zone is None and z is not None:
                continue
            kept.append(b)
        out = kept
    return out


def mark_list_only(posting: Posting, detail: object) -> Posting:
    """`posting`, marked `list_only` when its detail is missing (the call failed or was refused): the
    store then keeps what it holds for a posting it knows, instead of blanking description and pay."""
    posting.list_only = detail is None
    return posting


async def fetch_details(
    items: list[dict[str, Any]], fetch: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
) -> list[dict[str, Any] | None]:
    """One detail per item, concurrently (the fetcher's per-host politeness bounds them).

    None where a detail failed: the posting keeps its list data. When more than half fail the
    board fails instead, so a blocked or changed detail API cannot blank stored descriptions
    and bands. An exhausted request budget ends the board at once.
    """
    results = await asyncio.gather(*(fetch(item) for item in items), return_exceptions=True)
    failed: list[BaseException] = []
    out: list[dict[str, Any] | None] = []
    for result in results:
        if isinstance(result, FetchError) and result.kind == "budget":
            raise result  # out of requests for the whole run: nothing more will work
        if isinstance(result, FetchError | SourceError):
            failed.append(result)
            out.append(None)
        elif isinstance(result, BaseException):
            raise result  # a bug or a cancellation, not a detail failure
        else:
            out.append(result)
    if failed and len(failed) * 2 > len(items):
        raise SourceError(
            terminal_safe(
                f"detail calls failed for {len(failed)} of {len(items)} postings; first: {failed[0]}",
                limit=400,
            )
        )
    return out


def _url_target(url: str) -> str:
    """'host/path?query' of a URL (host lowercased, no scheme, no port, no fragment): what
    `Source.url_patterns` match. A URL without a scheme ('jobs.lever.co/acme') is read as https."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    return host + (parts.path or "") + (f"?{parts.query}" if parts.query else "")


url_target = _url_target  # public name, for scraper/detect.py; sources keep calling _url_target
