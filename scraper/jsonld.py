"""schema.org JSON-LD in HTML pages: find `JobPosting`s and read them into plain fields.

Career sites, whatever ATS they run, publish a JSON-LD `JobPosting` for search
engines. What publishers get wrong, and what this module tolerates:

- the script tag: `type=application/ld+json` unquoted, upper case, with
  `; charset=...`, extra attributes (`nonce`), an empty body;
- the JSON: trailing commas, raw control characters in strings, `<!-- -->`
  or CDATA wrappers, `/* */` and `//` comments, HTML-escaped JSON
  (`{&quot;@type&quot;...`), several values in one block, a `;` at the end.
  Parsing never evaluates anything: it is `json` with text repairs;
- the shape: one object, a top-level list, an `@graph` array, a posting
  nested in an `ItemList` or a `WebPage`; `@type` as a string, a list, or
  a full IRI (`http://schema.org/JobPosting`);
- the fields: `identifier` as a PropertyValue, a string or a number;
  `jobLocation` as one Place or a list, `addressCountry` as a code, a name,
  or a Country whose `name` is a list, every Place carrying the same address
  while their names differ (Meta); `employmentType` string or list;
  `datePosted` as "2026-4-1"; a `description` that is HTML, entity-escaped
  HTML (or both mixed, mynavi) or has literal "\\n" sequences; `salaryCurrency` holding a whole pay
  statement ("USD $190,000.00 - USD $200,000.00 /Yr.", iCIMS);
- pay: `baseSalary` (posted pay) and `estimatedSalary` (the publisher's
  estimate: kept, flagged `is_estimate`). Where the posting states no pay, the
  text normalizer reads the description; where a page has no JobPosting at all
  (talentclue ships an empty JSON-LD script) the page text is read instead.

Each posting's raw payload is its JobPosting object as published, plus one
key, `paybands:pageUrl` (the page it was found on), so that `paybands
reparse` can re-derive it offline with the same id.

Hostile input (a 1000-deep nesting, a 10 MB block, a `</script>` inside a
string) yields fewer postings, never an exception: every walk is iterative and
bounded.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .models import PayBand, Remote
from .salary import schema_org_bands
from .salary.extract import text_bands
from .sources.base import dedupe_bands, first_text, parse_datetime, pay_guard, posting_country
from .text import clean_text, html_to_text

MAX_BLOCK_CHARS = 10_000_000  # one JSON-LD script; real ones are < 300 KB
MAX_WALK_NODES = 200_000  # JSON values visited per block while looking for postings
MAX_WALK_DEPTH = 64  # postings sit within a few levels of the top; deeper is junk or an attack
MAX_POSTINGS_PER_PAGE = 500
MAX_TEXT_CHARS = 200_000  # page text handed to the pay normalizer
# Added to each stored raw JobPosting: the page it came from. A posting with neither identifier
# nor url is known by that page's URL, and `paybands reparse` must find the same id again.
PAGE_URL_KEY = "paybands:pageUrl"

_LD_TYPE_RE = re.compile(r"^\s*application/ld\+json\s*(;.*)?$", re.IGNORECASE)
# String-aware repairs: a JSON string is matched first and kept; only what lies outside strings
# (comments, trailing commas) is rewritten. Each alternative is linear: no backtracking blowups.
_REPAIR_RE = re.compile(
    r'"(?:[^"\\]|\\.)*"'  # a string: keep
    r"|/\*.*?\*/"  # block comment: drop
    r"|//[^\n]*"  # line comment: drop
    r"|,(?=\s*[}\]])",  # trailing comma: drop
    re.DOTALL,
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WRAPPER_RE = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\b")
_CURRENCY_CODE_RE = re.compile(r"^[A-Za-z]{3}$")
_ESCAPED_TAG_RE = re.compile(r"&(?:amp;){0,2}lt;(/?[a-zA-Z][a-zA-Z0-9]*\s*/?)&(?:amp;){0,2}gt;")
_SCHEMA_PREFIX_RE = re.compile(r"^(?:https?://schema\.org/|schema:)", re.IGNORECASE)


# -- JSON-LD blocks -----------------------------------------------------------------------
def parse_html(markup: str | LexborHTMLParser) -> LexborHTMLParser:
    return markup if isinstance(markup, LexborHTMLParser) else LexborHTMLParser(markup or "")


def ld_json_blocks(markup: str | LexborHTMLParser) -> list[Any]:
    """Every JSON value in the page's `<script type="application/ld+json">` tags, in page order."""
    tree = parse_html(markup)
    out: list[Any] = []
    for script in tree.css("script"):
        kind = script.attributes.get("type")
        if not kind or not _LD_TYPE_RE.match(kind):
            continue
        out.extend(parse_lenient(script.text(deep=True) or ""))
    return out


def parse_lenient(text: str) -> list[Any]:
    """The JSON value(s) in a JSON-LD block, repairing what publishers commonly break. [] if hopeless."""
    text = text.strip()
    if not text or len(text) > MAX_BLOCK_CHARS:
        return []
    text = _WRAPPER_RE.sub("", text).strip().rstrip(";").strip()
    attempts = [text]
    repaired = _CONTROL_RE.sub("", _REPAIR_RE.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text))
    if repaired != text:
        attempts.append(repaired)
    if "&quot;" in text or "&#34;" in text:  # the whole block was HTML-escaped by a template engine
        attempts.append(htmllib.unescape(repaired))
    for candidate in attempts:
        values = _decode_all(candidate)
        if values:
            return values
    return []


def _decode_all(text: str) -> list[Any]:
    """One value, or several back to back (`{...}{...}` / `{...},{...}`); [] on any error."""
    try:
        return _decode_values(text, _DECODER)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            return []
    # A number longer than int() converts (4,300 digits) is one hostile value, not a broken block:
    # kept as its digits, which pay code refuses like any absurd amount (the posting is kept).
    try:
        return _decode_values(text, _LONG_INT_DECODER)
    except ValueError:
        return []


# strict=False: raw tabs/newlines inside strings are common
_DECODER = json.JSONDecoder(strict=False)


def _long_int(digits: str) -> int | str:
    limit = sys.get_int_max_str_digits()
    return digits if limit and len(digits.lstrip("-")) > limit else int(digits)


_LONG_INT_DECODER = json.JSONDecoder(strict=False, parse_int=_long_int)


def _decode_values(text: str, decoder: json.JSONDecoder) -> list[Any]:
    """_decode_all's loop; ValueError when `decoder` refuses, [] on nesting deeper than Python allows."""
    values: list[Any] = []
    pos, end = 0, len(text)
    try:
        while pos < end:
            value, pos = decoder.raw_decode(text, pos)
            values.append(value)
            while pos < end and text[pos] in " \t\r\n,;":
                pos += 1
    except RecursionError:  # nesting deeper than the interpreter allows
        return []
    return values


def _local_types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type", node.get("type"))
    kinds = kind if isinstance(kind, list) else [kind]
    return [_SCHEMA_PREFIX_RE.sub("", k).strip().lower() for k in kinds if isinstance(k, str)]


def has_type(node: Any, name: str) -> bool:
    return isinstance(node, dict) and name.lower() in _local_types(node)


def iter_typed(values: Any, name: str) -> Iterator[dict[str, Any]]:
    """Objects of schema.org type `name` anywhere in `values` (lists, @graph, nesting), document order.

    A match is not searched further: a JobPosting's own parts are never postings.
    """
    stack: list[tuple[Any, int]] = [(values, 0)]
    visited = 0
    while stack and visited < MAX_WALK_NODES:
        node, depth = stack.pop()
        visited += 1
        if isinstance(node, dict):
            if has_type(node, name):
                yield node
                continue
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth < MAX_WALK_DEPTH:
            stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, dict | list))


def job_posting_objects(markup: str | LexborHTMLParser) -> list[dict[str, Any]]:
    """The raw JobPosting objects of a page, deduplicated (some pages repeat the block)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for obj in iter_typed(ld_json_blocks(markup), "JobPosting"):
        key = _dump(obj)
        if key in seen:
            continue
        seen.add(key)
        out.append(obj)
        if len(out) >= MAX_POSTINGS_PER_PAGE:
            break
    return out


# -- one JobPosting -> fields ----------------------------------------------------------------
@dataclass(slots=True)
class JobPostingLD:
    """A posting as a page states it. `raw` is the JobPosting object (JSON text) as published."""

    raw: str
    title: str | None
    identifier: str | None
    url: str | None
    date_posted: datetime | None
    locations: list[str] = field(default_factory=list)
    remote: Remote | None = None
    employment_type: str | None = None
    organization: str | None = None
    description: str = ""
    bands: list[PayBand] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # pay values rejected (see models.Posting)

    @property
    def location(self) -> str | None:
        return "; ".join(self.locations) or None


def read_job_posting(obj: dict[str, Any], page_url: str | None = None) -> JobPostingLD:
    description = _description(obj.get("description"))
    remote: Remote | None = "remote" if _is_telecommute(obj.get("jobLocationType")) else None
    locations = _locations(obj.get("jobLocation"))
    if not locations and remote == "remote":
        # Remote jobs often carry only applicantLocationRequirements ("Anywhere", "USA").
        where = [n for n in _names(obj.get("applicantLocationRequirements")) if n]
        locations = [f"Remote ({', '.join(where)})" if where else "Remote"]
    url = _first_str(obj.get("url"))
    if url and page_url:
        url = urljoin(page_url, url)
    org = obj.get("hiringOrganization")
    warnings: list[str] = []
    bands = posting_bands(obj, description, country=posting_country("; ".join(locations)), warnings=warnings)
    return JobPostingLD(
        raw=_dump(_with_page_url(obj, page_url)),
        title=_title(obj.get("title")) or _title(obj.get("name")),
        identifier=_identifier(obj.get("identifier")),
        url=url or page_url,
        date_posted=parse_date(obj.get("datePosted")),
        locations=locations,
        remote=remote,
        employment_type=_employment_type(obj.get("employmentType")),
        organization=first_text(*_names(org)) if isinstance(org, dict | list) else first_text(org),
        description=description,
        bands=bands,
        warnings=warnings,
    )


def posting_bands(
    obj: dict[str, Any], description: str, *, country: str | None = None, warnings: list[str] | None = None
) -> list[PayBand]:
    """baseSalary first; the estimate is kept beside it; text only when nothing structured is posted.

    `country` (ISO 3166 alpha-2 of the posting's location) goes to the text normalizer; a pay
    value rejected (or an error from pay code, caught here: one posting never fails a page)
    adds a sentence to `warnings`.
    """
    warnings = [] if warnings is None else warnings
    currency = obj.get("salaryCurrency")
    hint = (
        currency.strip().upper()
        if isinstance(currency, str) and _CURRENCY_CODE_RE.match(currency.strip())
        else None
    )
    bands: list[PayBand] = []
    if obj.get("baseSalary") is not None:
        with pay_guard(warnings, "schema.org baseSalary"):
            bands.extend(
                schema_org_bands(obj["baseSalary"], currency_hint=hint, country=country, warnings=warnings)
            )
    posted = bool(bands)
    if obj.get("estimatedSalary") is not None:
        with pay_guard(warnings, "schema.org estimatedSalary"):
            bands.extend(
                schema_org_bands(
                    obj["estimatedSalary"],
                    estimate=True,
                    currency_hint=hint,
                    country=country,
                    warnings=warnings,
                )
            )
    if not posted:
        with pay_guard(warnings, "JobPosting text"):
            # iCIMS puts the whole pay statement in salaryCurrency; otherwise the description may state it.
            if isinstance(currency, str) and hint is None and any(ch.isdigit() for ch in currency):
                bands.extend(text_bands(clean_text(currency), country=country))
            # The description too: it may state what the structured value does not, or name its zone and
            # kind ("Minimum US Base Salary"); its restatements of a structured band are dropped.
            bands.extend(
                text_bands(description[:MAX_TEXT_CHARS], default_currency=hint or "USD", country=country)
            )
    return dedupe_bands(bands)


def parse_date(value: Any) -> datetime | None:
    """ISO dates and datetimes, plus the unpadded "2026-4-1" some ATSs write."""
    found = parse_datetime(value)
    if found is not None or not isinstance(value, str):
        return found
    m = _DATE_RE.match(value)
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
    except ValueError:
        return None


def _with_page_url(obj: dict[str, Any], page_url: str | None) -> dict[str, Any]:
    """The object as published plus the page it was found on (provenance, and the id of last resort)."""
    if not page_url or obj.get(PAGE_URL_KEY) == page_url:
        return obj
    return {**obj, PAGE_URL_KEY: page_url}


def _dump(obj: Any) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    except (RecursionError, ValueError, TypeError):
        return "{}"


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        return next((s for v in value if (s := _first_str(v))), None)
    if isinstance(value, dict):
        return _first_str(value.get("@id") or value.get("url"))
    return first_text(value) if isinstance(value, str) else None


def _title(value: Any) -> str | None:
    text = _first_str(value)
    if text and ("&" in text or "<" in text):
        text = html_to_text(text) or None
    return first_text(text)


def _identifier(value: Any) -> str | None:
    if isinstance(value, list):
        return next((s for v in value if (s := _identifier(v))), None)
    if isinstance(value, dict):
        return _identifier(value.get("value", value.get("@value")))
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return first_text(value) if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    """Display names of a Country / Organization / Place-ish value (string, object, list)."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [n for v in value[:50] for n in _names(v)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):  # Meta: {"@type": "Country", "name": ["USA", "USA", ...]}
            name = next((n for n in name if isinstance(n, str) and n.strip()), None)
        return [name.strip()] if isinstance(name, str) and name.strip() else []
    return []


def _locations(value: Any) -> list[str]:
    """One label per Place ("City, Region, Country"), in order, without repeats."""
    places = [p for p in (value if isinstance(value, list) else [value])[:500] if isinstance(p, dict | str)]
    labels = [first_text(p) if isinstance(p, str) else _place_label(p) for p in places]
    names = [first_text(*_names(p)) if isinstance(p, dict) else None for p in places]
    # Meta's markup gives every Place the first Place's address; the names are the real cities.
    if len(places) > 1 and all(names) and len(set(names)) > len(set(labels)):
        labels = names
    return list(dict.fromkeys(label for label in labels if label))


def _place_label(place: dict[str, Any]) -> str | None:
    address = place.get("address")
    if isinstance(address, list):
        address = next((a for a in address if isinstance(a, dict | str)), None)
    if isinstance(address, str):
        return first_text(address)
    if not isinstance(address, dict):
        return first_text(*_names(place))
    country = address.get("addressCountry")
    country_name = first_text(*_names(country)) if isinstance(country, dict | list) else first_text(country)
    parts: list[str] = []
    for part in (
        first_text(address.get("addressLocality")),
        first_text(address.get("addressRegion")),
        country_name,
    ):
        if part and part not in parts:  # "Singapore, Singapore" says it once
            parts.append(part)
    return ", ".join(parts) or first_text(*_names(place))


def _is_telecommute(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and v.strip().upper() == "TELECOMMUTE" for v in values)


def _employment_type(value: Any) -> str | None:
    values = value if isinstance(value, list) else [value]
    kinds = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    return ", ".join(dict.fromkeys(kinds)) or None


def _description(value: Any) -> str:
    text = _first_str(value) if not isinstance(value, str) else value
    if not text:
        return ""
    # JSON that was escaped twice leaves literal "\n" in the text (Neura Robotics' board).
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", " ")
    if "<" not in text and "&lt;" in text:
        # A fully entity-escaped description ("&lt;p class=&quot;x&quot;&gt;"): unescape, then parse.
        return html_to_text(text, unescape_first=True)
    # Simple tags escaped once or twice among real ones (mynavi: "&amp;lt;br&amp;gt;") become tags.
    return html_to_text(_ESCAPED_TAG_RE.sub(r"<\1>", text))


# -- pages ----------------------------------------------------------------------------------
def page_job_postings(markup: str | LexborHTMLParser, page_url: str | None = None) -> list[JobPostingLD]:
    """Every JobPosting a page publishes, read into fields."""
    return [read_job_posting(obj, page_url) for obj in job_posting_objects(markup)]


def page_text_posting(markup: str | LexborHTMLParser, page_url: str | None = None) -> JobPostingLD | None:
    """A posting from a page without JobPosting (title from og:title/h1/<title>, pay from the text).

    Only pages whose text states pay qualify: without structured data, a page that states no pay
    cannot be told apart from any other page on the site.
    """
    tree = parse_html(markup)
    title = _meta(tree, "og:title") or _node_text(tree, "h1") or _node_text(tree, "title")
    if not title:
        return None
    root = tree.css_first("main, [role=main], article")
    text = html_to_text(root.html if root is not None else tree.html)
    if not text_bands(text[:MAX_TEXT_CHARS]):
        return None
    url = _meta(tree, "og:url") or _canonical(tree)
    url = urljoin(page_url, url) if url and page_url else (url or page_url)
    # No JobPosting to keep as the raw payload: keep what the posting was read from instead.
    page = {"@type": "WebPage", "name": title, "url": url, "text": text[:MAX_TEXT_CHARS]}
    return read_text_page(page, page_url)


def read_text_page(page: dict[str, Any], page_url: str | None = None) -> JobPostingLD:
    """A posting from a stored {"@type": "WebPage", name, url, text} (see page_text_posting)."""
    text = page["text"] if isinstance(page.get("text"), str) else ""
    url = _first_str(page.get("url")) or page_url
    return JobPostingLD(
        raw=_dump(_with_page_url(page, page_url)),
        title=first_text(page.get("name")),
        identifier=None,
        url=url,
        date_posted=None,
        description=text,
        bands=dedupe_bands(text_bands(text[:MAX_TEXT_CHARS])),
    )


def read_job_page(markup: str | LexborHTMLParser, page_url: str | None = None) -> list[JobPostingLD]:
    """The postings of one page: its JobPostings, else a page-text posting if the text states pay."""
    tree = parse_html(markup)
    found = page_job_postings(tree, page_url)
    if found:
        return found
    fallback = page_text_posting(tree, page_url)
    return [fallback] if fallback is not None else []


def _meta(tree: LexborHTMLParser, prop: str) -> str | None:
    for node in tree.css("meta"):
        attrs = node.attributes
        if (attrs.get("property") or attrs.get("name") or "").strip().lower() == prop:
            return first_text(attrs.get("content"))  # lexbor already decoded the entities
    return None


def _node_text(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    return first_text(node.text(deep=True)) if node is not None else None


def _canonical(tree: LexborHTMLParser) -> str | None:
    for node in tree.css("link"):
        if "canonical" in (node.attributes.get("rel") or "").lower().split():
            href = first_text(node.attributes.get("href"))
            if href and urlsplit(href).scheme in ("", "http", "https"):
                return href
    return None
