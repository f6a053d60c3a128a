"""Which source and board a careers URL is (`paybands detect`, issue 15).

Three steps, each taken only when the one before found no board:

1. **The URL** (offline): every registered source's `board_from_url` (its `url_patterns`). When
   two sources match, the pattern with more literal characters wins ("job-boards.greenhouse.io/…"
   is more specific than "{anything}/careers"); a tie is answered unknown, never picked.
2. **The page** (`fetch=True`): fetched through the project's one `Fetcher` (robots.txt,
   politeness, redirects hop by hop, network scope: exactly what a crawl's requests get). Read with
   selectolax, strongest clue first:
   - the URL it redirected to, a meta refresh, its canonical / og:url, `<script src>`,
     `<iframe src>` (embedded boards: boards.greenhouse.io/embed/job_board?for=X,
     jobs.ashbyhq.com/X/embed) and the sources' `page_patterns` in inline scripts (Lever's
     `leverJobsOptions = {accountName: …}`);
   - links (`<a href>`, `data-apply-url` …), URLs inside inline scripts, and URLs inside the
     page's JSON-LD JobPostings;
   - a page with a schema.org JobPosting and no ATS at all: the `jsonld` source, board = the page.
   A page whose strongest clues name two boards is unknown (an aggregator, a "partners are
   hiring" block): the evidence lists them.
3. **Probes** (`probe=True` only): the ATS APIs are asked. A board found in steps 1–2 is confirmed
   (an API that has no such board makes the answer unknown). With no board yet, the slugs the site's
   domain suggests ("zapier" for zapier.com) are tried on the sources in PROBED, and a board found
   is taken only when its own postings name that domain (a posting URL on it, or the domain in a
   description): two companies can share a slug (registry/README.md: Runway ML vs Runway
   Financial), so a board that merely exists under the name is reported, not taken.

Answers are never guesses: `source` and `board` are both set or both None, and `evidence` says why.
"""

from __future__ import annotations

import asyncio
import importlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .config import CompanyConfig, CrawlSettings
from .errors import FetchError, SourceError
from .fetch import Fetcher
from .jsonld import job_posting_objects
from .netscope import ip_scope
from .robots import RobotsCache
from .sanitize import terminal_safe
from .sources import get_source, source_names
from .sources.base import CrawlContext, Source, url_target
from .sources.jsonld import HTML_ACCEPT, decode_html

# Sources whose board is its token alone on a default host, and one request says whether it exists.
PROBED = ("greenhouse", "lever", "ashby")
MAX_PAGE_URLS = 5_000  # distinct URLs read from one page; a page with more is a directory, not a board
MAX_SCRIPT_CHARS = 2_000_000  # inline script text scanned per page
MAX_JSONLD_NODES = 5_000  # JSON values visited per page's JobPostings
_URL_IN_TEXT_RE = re.compile(r"""https?://[^\s"'<>\\`(){}\[\]]+""", re.IGNORECASE)
_ASSET_RE = re.compile(
    r"\.(?:png|jpe?g|gif|svg|webp|ico|css|js|mjs|map|pdf|docx?|zip|xml|rss|mp4|webm|woff2?|ttf|eot)$",
    re.IGNORECASE,
)
_META_REFRESH_RE = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)
# Second-level labels under a two-letter country code that a company cannot register alone
# (example.co.uk, example.com.au): the registrable domain then has three labels. No public-suffix
# list ships with paybands; this covers the common cases and errs towards fewer probes.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gv"})

# How strong a clue on a page is: the strongest kind present decides.
EMBED, LINK, PAGE = 3, 2, 1


@dataclass(slots=True)
class Detection:
    """One careers URL's answer. `source` and `board` are both set, or both None (unknown)."""

    url: str
    source: str | None = None
    board: str | None = None
    evidence: str = ""
    # The base_url a config needs for this board, when the source's default host does not serve it
    # (Workday's data center, an Eightfold tenant's host, Lever's EU instance).
    base_url: str | None = None

    @property
    def known(self) -> bool:
        return self.source is not None and self.board is not None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "url": self.url,
            "source": self.source,
            "board": self.board,
            "evidence": self.evidence,
            "base_url": self.base_url,
        }


@dataclass(slots=True, frozen=True)
class _Match:
    source: str
    board: str
    specificity: int  # literal characters of the pattern that matched
    base_url: str | None


@dataclass(slots=True)
class Clue:
    """One thing on a page that names a board: what it was, how strong, and what it names."""

    rank: int  # EMBED, LINK or PAGE
    what: str  # "script src https://…", "link https://…"
    source: str
    board: str
    base_url: str | None = None


# -- 1. the URL ---------------------------------------------------------------------------------------
def detect_offline(url: str) -> Detection:
    """What the URL alone says, from every registered source's `board_from_url`. No network."""
    text = url.strip()
    if not text:
        return Detection(url, evidence="no URL (an empty line)")
    if not _is_http(text):
        return Detection(url, evidence="not an http(s) URL")
    host = _host(text)
    match, note = _decide(_matches(text))
    if match is None:
        why = note or f"no source recognizes this URL (host {host or '?'})"
        return Detection(url, evidence=why)
    evidence = f"the URL names {match.source} board {match.board!r}" + (f" ({note})" if note else "")
    return Detection(url, match.source, match.board, evidence, match.base_url)


def _matches(url: str) -> list[_Match]:
    try:
        target = url_target(url)
    except ValueError:  # urlsplit refuses some malformed URLs ("http://[x"): nothing to match
        return []
    out: list[_Match] = []
    for name in source_names():
        cls = get_source(name)
        if cls is None:
            continue
        try:
            board = cls.board_from_url(url)
            base_url = cls.base_url_from_url(url) if board else None
        except Exception:  # noqa: BLE001 - one source's matching code choking on a hostile URL costs its answer only
            continue
        if board and board.strip():
            out.append(_Match(name, board.strip(), _specificity(cls, target), base_url))
    return out


def _decide(matches: list[_Match]) -> tuple[_Match | None, str]:
    """The one match to answer with and a note, or None and why not (several, equally specific)."""
    if not matches:
        return None, ""
    best = max(m.specificity for m in matches)
    top = [m for m in matches if m.specificity == best]
    if len(top) > 1:
        named = ", ".join(f"{m.source} {m.board!r}" for m in top)
        return None, f"several sources match this URL equally well ({named}); not picked"
    others = [m for m in matches if m is not top[0]]
    note = ""
    if others:
        note = "a less specific pattern of " + ", ".join(m.source for m in others) + " matches too"
    return top[0], note


def _specificity(cls: type[Source], target: str) -> int:
    """Literal characters of the first url_pattern of `cls` that matches `target` (0 when the source
    matched by other means, such as Eightfold's table of known hosts)."""
    for pattern in cls.url_patterns:
        try:
            if re.search(pattern, target, re.IGNORECASE):
                return _literal_chars(pattern)
        except re.error:
            continue
    return 0


_LITERALS: dict[str, int] = {}


def _literal_chars(pattern: str) -> int:
    """How many characters a string must contain, literally, to match `pattern`: "job-boards\\.greenhouse\\.io/"
    counts 25, a character class or an optional part counts nothing, an alternation its shortest branch."""
    if pattern not in _LITERALS:
        try:
            parser: Any = importlib.import_module("re._parser")  # CPython's own regex parser
            _LITERALS[pattern] = _count_literals(parser.parse(pattern).data)
        except Exception:  # noqa: BLE001 - no parser, or a pattern it refuses: every match ties at 0
            _LITERALS[pattern] = 0
    return _LITERALS[pattern]


def _count_literals(items: Iterable[tuple[Any, Any]]) -> int:
    n = 0
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            n += 1
        elif name == "SUBPATTERN":
            n += _count_literals(arg[3])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            n += arg[0] * _count_literals(arg[2])
        elif name == "BRANCH":
            n += min((_count_literals(b) for b in arg[1]), default=0)
        elif name == "ATOMIC_GROUP":
            n += _count_literals(arg)
        # IN, ANY, AT, CATEGORY, ASSERT, ASSERT_NOT, GROUPREF: no literal text
    return n


# -- 2. the page --------------------------------------------------------------------------------------
def read_page(html: str | LexborHTMLParser, page_url: str) -> list[Clue]:
    """Every clue on a careers page that names a board (see the module docstring), in page order."""
    tree = html if isinstance(html, LexborHTMLParser) else LexborHTMLParser(html)
    clues: list[Clue] = []
    seen: set[tuple[int, str]] = set()

    def add_url(rank: int, what: str, raw: str | None) -> None:
        if not raw or len(seen) >= MAX_PAGE_URLS:
            return
        absolute = _absolute(page_url, raw)
        if absolute is None or (rank, absolute) in seen:
            return
        seen.add((rank, absolute))
        match, _ = _decide(_matches(absolute))
        if match is not None:
            clues.append(Clue(rank, f"{what} {absolute}", match.source, match.board, match.base_url))

    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").lower() == "refresh":
            m = _META_REFRESH_RE.search(node.attributes.get("content") or "")
            add_url(EMBED, "meta refresh to", m.group(1).strip() if m else None)
    for node in tree.css('link[rel="canonical"]'):
        add_url(EMBED, "canonical URL", node.attributes.get("href"))
    for node in tree.css('meta[property="og:url"]'):
        add_url(EMBED, "og:url", node.attributes.get("content"))
    for tag, attr in (("script", "src"), ("iframe", "src"), ("iframe", "data-src"), ("embed", "src")):
        for node in tree.css(f"{tag}[{attr}]"):
            add_url(EMBED, f"{tag} {attr}", node.attributes.get(attr))
    scripts = _inline_scripts(tree)
    for text in scripts:
        for clue in _page_pattern_clues(text):
            clues.append(clue)
    for tag, attr in (
        ("a", "href"),
        ("area", "href"),
        ("form", "action"),
        ("*", "data-apply-url"),
        ("*", "data-url"),
        ("*", "data-href"),
    ):
        for node in tree.css(f"{tag}[{attr}]"):
            add_url(LINK, "apply link" if "apply" in attr else "link", node.attributes.get(attr))
    for text in scripts:
        for raw in _URL_IN_TEXT_RE.findall(text):
            add_url(LINK, "URL in a script", raw)
    postings = job_posting_objects(tree)
    for raw in _jsonld_urls(postings):
        add_url(LINK, "JSON-LD JobPosting URL", raw)
    if postings and get_source("jsonld") is not None:
        n = len(postings)
        clues.append(
            Clue(
                PAGE,
                f"{n} schema.org JobPosting{'s' if n != 1 else ''} on the page and no ATS named",
                "jsonld",
                page_url,
            )
        )
    return clues


def decide_page(clues: Sequence[Clue]) -> tuple[Clue | None, str]:
    """The clue to answer with, from the strongest kind present; None and why when that kind names
    several boards (or there is none)."""
    for rank in (EMBED, LINK, PAGE):
        at_rank = [c for c in clues if c.rank == rank]
        if not at_rank:
            continue
        boards = Counter((c.source, c.board.lower()) for c in at_rank)
        if len(boards) == 1:
            # Shown as evidence: an apply link says more than any other link to the same board.
            first = next((c for c in at_rank if c.what.startswith("apply link")), at_rank[0])
            more = f" (and {len(at_rank) - 1} more like it)" if len(at_rank) > 1 else ""
            return first, f"{terminal_safe(first.what, limit=300)}{more}"
        named = ", ".join(f"{s} {b!r}" for (s, b), _ in boards.most_common(6))
        extra = f" and {len(boards) - 6} more" if len(boards) > 6 else ""
        kind = {EMBED: "embeds", LINK: "links", PAGE: "clues"}[rank]
        return None, terminal_safe(f"its {kind} name several boards ({named}{extra}); not picked", limit=600)
    return None, "no embed, link or JSON-LD on it names a board"


def _inline_scripts(tree: LexborHTMLParser) -> list[str]:
    out: list[str] = []
    budget = MAX_SCRIPT_CHARS
    for node in tree.css("script"):
        if node.attributes.get("src") or "ld+json" in (node.attributes.get("type") or "").lower():
            continue
        text = (node.text(deep=True) or "")[:budget]
        budget -= len(text)
        if text:
            # JSON inside scripts escapes slashes ("https:\/\/jobs.lever.co\/acme").
            out.append(text.replace("\\/", "/").replace("\\u002F", "/").replace("\\u002f", "/"))
        if budget <= 0:
            break
    return out


def _page_pattern_clues(text: str) -> Iterator[Clue]:
    for name in source_names():
        cls = get_source(name)
        for pattern in getattr(cls, "page_patterns", ()):
            try:
                m = re.search(pattern, text)
            except re.error:
                continue
            if m and m.groupdict().get("board"):
                board = m.group("board").strip()
                snippet = " ".join(m.group(0).split())
                yield Clue(EMBED, f"inline script {snippet!r}", name, board)


def _jsonld_urls(postings: list[dict[str, Any]]) -> Iterator[str]:
    """Strings that look like URLs anywhere in the JobPostings (url, sameAs, applicationContact …)."""
    stack: list[Any] = list(postings)
    visited = 0
    while stack and visited < MAX_JSONLD_NODES:
        value = stack.pop()
        visited += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
            yield value.strip()


def _absolute(page_url: str, raw: str) -> str | None:
    raw = raw.strip()
    if not raw or raw.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        url = urljoin(page_url, raw)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or _ASSET_RE.search(parts.path):
        return None
    return url


# -- 3. probes ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Probe:
    source: str
    board: str
    exists: bool | None  # None: the API could not say (a timeout, a 5xx, a changed answer)
    postings: int = 0
    tie: str | None = None  # where the board's own data names the site's domain
    error: str = ""


async def _probe_board(
    source: str,
    board: str,
    base_url: str | None,
    ctx: CrawlContext,
    domain: str | None = None,
) -> _Probe:
    """Ask `source`'s API for `board` by running that source's own listing (one request for PROBED)."""
    cls = get_source(source)
    assert cls is not None
    company = CompanyConfig(name=f"detect {board}", source=source, board=board, base_url=base_url)
    try:
        postings = await cls(company).crawl(ctx)
    except FetchError as exc:
        if exc.kind == "not_found":
            return _Probe(source, board, False, error=str(exc))
        return _Probe(source, board, None, error=str(exc))
    except SourceError as exc:
        return _Probe(source, board, None, error=str(exc))
    probe = _Probe(source, board, True, len(postings))
    if domain:
        probe.tie = _tie(postings, domain)
    return probe


def _tie(postings: Iterable[Any], domain: str) -> str | None:
    """Where a board's postings name `domain` (or a host under it): a posting URL on it, else the
    domain in a posting as the board sent it (its text, or a link in its HTML)."""
    # "about.gitlab.com" names gitlab.com; "notgitlab.com" and "gitlab.com.evil.example" do not.
    word = re.compile(rf"(?<![\w-]){re.escape(domain)}(?!\.?[\w-])", re.IGNORECASE)
    for posting in postings:
        host = (urlsplit(posting.url or "").hostname or "").lower()
        if host == domain or host.endswith("." + domain):
            return f"posting {posting.external_id} is at {terminal_safe(posting.url, limit=200)}"
        if word.search(posting.raw or ""):
            return f"posting {posting.external_id} names {domain}"
    return None


def registrable_domain(host: str) -> str | None:
    """The domain a company registers: zapier.com for careers.zapier.com, acme.co.uk for
    jobs.acme.co.uk; None for an IP address or a single label (see _SECOND_LEVEL)."""
    host = host.strip(".").lower()
    if not host or ip_scope(host) is not None:
        return None
    labels = host.split(".")
    if len(labels) < 2:
        return None
    n = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-n:])


def slug_candidates(domain: str) -> list[str]:
    """Board names a site's domain suggests: its name ("zapier") and the domain itself ("mistral.ai",
    which Ashby boards use)."""
    name = domain.split(".", 1)[0]
    return list(dict.fromkeys([name, domain]))


async def _confirm(found: Detection, ctx: CrawlContext, base_urls: dict[str, str]) -> Detection:
    assert found.source is not None and found.board is not None
    if found.source not in PROBED:
        found.evidence += f"; not probed ({found.source} has no one-request existence check)"
        return found
    base = base_urls.get(found.source) or found.base_url
    probe = await _probe_board(found.source, found.board, base, ctx)
    if probe.exists is False:
        return Detection(
            found.url,
            evidence=f"{found.evidence}; but the {found.source} API has no board {found.board!r} (404)",
        )
    if probe.exists is None:
        found.evidence += f"; the probe could not confirm it ({terminal_safe(probe.error, limit=200)})"
    else:
        found.evidence += f"; probe: the {found.source} API lists {probe.postings} postings on it"
    return found


async def _search(found: Detection, ctx: CrawlContext, base_urls: dict[str, str]) -> Detection:
    domain = registrable_domain(_host(found.url) or "")
    if domain is None:
        found.evidence += "; no domain to probe by"
        return found
    tasks = [
        _probe_board(source, slug, base_urls.get(source), ctx, domain)
        for source in PROBED
        if get_source(source) is not None
        for slug in slug_candidates(domain)
    ]
    probes = [p for p in await asyncio.gather(*tasks) if p.exists]
    tied = [p for p in probes if p.tie]
    boards = {(p.source, p.board.lower()) for p in tied}
    if len(boards) == 1:
        p = tied[0]
        return Detection(
            found.url,
            p.source,
            p.board,
            f"{found.evidence}; probe: {p.source} board {p.board!r} exists and names {domain} ({p.tie})",
        )
    if len(boards) > 1:
        named = ", ".join(f"{p.source} {p.board!r}" for p in tied)
        found.evidence += f"; probe: several boards name {domain} ({named}); not picked"
        return found
    if probes:
        named = ", ".join(f"{p.source} {p.board!r} ({p.postings} postings)" for p in probes)
        found.evidence += (
            f"; probe: {named} exist{'s' if len(probes) == 1 else ''} but nothing in "
            f"{'it' if len(probes) == 1 else 'them'} names {domain}, and two companies can share a "
            "slug: not taken"
        )
        return found
    tried = ", ".join(slug_candidates(domain))
    found.evidence += f"; probe: no {'/'.join(PROBED)} board named {tried}"
    return found


# -- all three ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class Detector:
    """Detection with one fetcher (one robots.txt cache, one politeness per host) for many URLs."""

    fetcher: Fetcher
    settings: CrawlSettings
    base_urls: dict[str, str] = field(default_factory=dict)  # source -> base_url (mirrors, replay)

    async def detect(self, url: str, *, fetch: bool = True, probe: bool = False) -> Detection:
        found = detect_offline(url)
        if not _is_http(url.strip()):
            return found
        if not found.known and fetch:
            page = url.strip() if "://" in url else "https://" + url.strip()
            found = await self._from_page(page, found)
        if not probe:
            return found
        ctx = CrawlContext(fetcher=self.fetcher, settings=self.settings)
        if found.known:
            return await _confirm(found, ctx, self.base_urls)
        return await _search(found, ctx, self.base_urls)

    async def _from_page(self, url: str, offline: Detection) -> Detection:
        try:
            resp = await self.fetcher.request("GET", url, headers={"Accept": HTML_ACCEPT})
        except FetchError as exc:
            why = terminal_safe(str(exc), limit=300)
            return Detection(offline.url, evidence=f"{offline.evidence}; the page could not be read: {why}")
        final = resp.url
        if final.rstrip("/") != url.rstrip("/"):
            moved = detect_offline(final)
            if moved.known:
                return Detection(
                    offline.url,
                    moved.source,
                    moved.board,
                    f"the page redirects to {terminal_safe(final, limit=300)}: {moved.evidence}",
                    moved.base_url,
                )
        clue, why = decide_page(read_page(decode_html(resp), final))
        if clue is None:
            return Detection(offline.url, evidence=f"{offline.evidence}; the page: {why}")
        return Detection(offline.url, clue.source, clue.board, f"the page: {why}", clue.base_url)


def detect(
    url: str,
    *,
    fetch: bool = True,
    probe: bool = False,
    settings: CrawlSettings | None = None,
    base_urls: dict[str, str] | None = None,
) -> Detection:
    """One careers URL's source and board (see the module docstring). Runs its own event loop: from
    async code, await `detect_many_async`."""
    return detect_many([url], fetch=fetch, probe=probe, settings=settings, base_urls=base_urls)[0]


def detect_many(
    urls: Sequence[str],
    *,
    fetch: bool = True,
    probe: bool = False,
    settings: CrawlSettings | None = None,
    base_urls: dict[str, str] | None = None,
) -> list[Detection]:
    """Every URL's answer, in input order (see `detect_many_async`)."""
    if not (fetch or probe):
        return [detect_offline(u) for u in urls]
    return asyncio.run(
        detect_many_async(urls, fetch=fetch, probe=probe, settings=settings, base_urls=base_urls)
    )


async def detect_many_async(
    urls: Sequence[str],
    *,
    fetch: bool = True,
    probe: bool = False,
    settings: CrawlSettings | None = None,
    base_urls: dict[str, str] | None = None,
) -> list[Detection]:
    """Every URL's answer, in input order. URLs the URL alone answers never touch the network
    (unless `probe`); the rest share one fetcher, `company_concurrency` at a time. `base_urls` sends
    a source's probes to another host (a mirror, the replay server)."""
    if not (fetch or probe):
        return [detect_offline(u) for u in urls]
    settings = settings or CrawlSettings()
    gate = asyncio.Semaphore(settings.company_concurrency)
    async with Fetcher(settings, robots=RobotsCache) as fetcher:
        detector = Detector(fetcher, settings, dict(base_urls or {}))

        async def one(url: str) -> Detection:
            async with gate:
                return await detector.detect(url, fetch=fetch, probe=probe)

        return list(await asyncio.gather(*(one(u) for u in urls)))


def _is_http(url: str) -> bool:
    if "://" not in url:
        return True  # "jobs.lever.co/acme" is read as https
    return url.split("://", 1)[0].lower() in ("http", "https")


def _host(url: str) -> str | None:
    try:
        return url_target(url).split("/", 1)[0] or None
    except ValueError:
        return None
