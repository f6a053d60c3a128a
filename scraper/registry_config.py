"""Registry rows -> crawl configs: pick a company's row, append it to a TOML config, or build a config
in memory for `paybands crawl --registry`.

Every choice says why (`Choice.reasons`): the registry has one row per board, and a company may have
several (regional boards, a move between ATSs, a name shared by two firms).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import CompanyConfig, Config, CrawlSettings, check_url, parse_company
from .errors import ConfigError
from .registry import RegistryEntry, board_key, filter_entries, fold, load, match_url, search
from .sources import get_source


class RegistryError(ValueError):
    """A registry request that cannot be met; the message is one sentence for the user."""


@dataclass(slots=True)
class Choice:
    entry: RegistryEntry
    reasons: list[str]  # why this row, one clause each
    alternatives: list[RegistryEntry] = field(default_factory=list)


_DOMAIN = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?P<path>/\S*)?$", re.IGNORECASE
)


def url_kind(text: str) -> str:
    """ "url" for a careers URL, "domain" for a bare host that may also be a name ("Otter.ai"),
    "name" for anything else."""
    text = text.strip()
    if "://" in text:
        return "url"
    m = _DOMAIN.match(text)
    if not m:
        return "name"
    return "url" if m.group("path") or text.lower().startswith("www.") else "domain"


def choose(
    text: str, ats: str | None = None, entries: Iterable[RegistryEntry] | None = None, *, fetch: bool = True
) -> Choice:
    """The registry row for a company name or a careers URL; a bare domain is tried as a name first.
    `fetch`: a URL no row has may be detected from its page (network); False keeps to the URL."""
    kind = url_kind(text)
    if kind == "url":
        return choose_for_url(text, entries, fetch=fetch)
    try:
        return choose_for_name(text, ats, entries)
    except RegistryError:
        if kind == "domain":
            return choose_for_url(text, entries, fetch=fetch)
        raise


def _preference(e: RegistryEntry) -> tuple[Any, ...]:
    # Curated primary board first (the compiler's scored pick), then a source paybands has, then an
    # AI signal, then the board most lists name; a status=dead board last among equals.
    dead = any("status=dead" in ev for ev in e.evidence)
    lists = len({ev.split("(")[0] for ev in e.evidence if "(other board)" not in ev})
    return (not e.curated, get_source(e.ats) is None, not e.ai_employer, dead, -lists, e.ats, e.board.lower())


def _why(e: RegistryEntry, others: Sequence[RegistryEntry]) -> list[str]:
    reasons = []
    if e.curated:
        reasons.append("the curated AI-employer list picks this board")
    elif e.ai_employer:
        reasons.append(f"an AI employer by rule {', '.join(e.ai_rules)}")
    lists = sorted({ev.split("(")[0] for ev in e.evidence if "(other board)" not in ev})
    reasons.append(f"named by {len(lists)} list{'s' if len(lists) != 1 else ''} ({', '.join(lists)})")
    if others:
        shown = ", ".join(f"{o.ats}:{o.board}" for o in others[:5])
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        reasons.append(f"preferred over {shown}{more}")
    return reasons


def choose_for_name(
    name: str, ats: str | None = None, entries: Iterable[RegistryEntry] | None = None
) -> Choice:
    """The registry row to crawl for a company name (compared without case and punctuation)."""
    rows = list(load() if entries is None else entries)
    target, folded = name.strip().casefold(), fold(name)
    # "Hugging Face", "huggingface" and "Hugging-Face" are one name here: their boards compete.
    same = [e for e in rows if e.name.casefold() == target or (folded and e.folded_name == folded)]
    if ats:
        same = [e for e in same if e.ats == ats]
    if not same:
        near = [e for e in search(name, rows) if not ats or e.ats == ats][:5]
        hint = f"; closest: {', '.join(e.label for e in near)}" if near else ""
        where = f" on {ats}" if ats else ""
        raise RegistryError(
            f"no registry row is named {name!r}{where}{hint} (see `paybands companies search`)"
        )
    same.sort(key=_preference)
    return Choice(same[0], _why(same[0], same[1:]), same[1:])


def choose_for_url(url: str, entries: Iterable[RegistryEntry] | None = None, *, fetch: bool = True) -> Choice:
    """The registry row a careers URL names (its careers_url, or one company's own host)."""
    found = match_url(url, entries)
    if not found:
        return detect_unlisted_url(url, fetch=fetch)
    found.sort(key=_preference)
    reasons = [f"its careers_url {found[0].careers_url} matches the URL", *_why(found[0], found[1:])]
    return Choice(found[0], reasons, found[1:])


def detect_unlisted_url(url: str, *, fetch: bool = True) -> Choice:
    """A careers URL no registry row has: its ATS and board from the URL (scraper.detect), else from
    the page itself (a network fetch, through the crawl's fetcher and its rules). Unknown is an error
    saying what to do, never a guess."""
    from .detect import detect, detect_offline

    found = detect_offline(url)
    if not found.known and fetch:
        found = detect(url, fetch=True)
    if not found.known or found.source is None or found.board is None:
        raise RegistryError(
            f"{url!r} is not a careers URL of the registry and its ATS could not be told ({found.evidence}); "
            "add the company by hand ([[company]] with source and board, see `paybands sources`)"
        )
    host = (urlsplit(url if "://" in url else f"https://{url}").hostname or found.board).lower()
    name = _name_from_host(host, found.board)
    entry = RegistryEntry(
        name=name, ats=found.source, board=found.board, supported=True, ai_employer=False, ai_rules=(),
        careers_url=url, base_url=found.base_url or "", evidence=(f"detect:{found.evidence}",), conflict="",
    )  # fmt: skip
    return Choice(
        entry,
        [f"not in the registry; `paybands detect` says {found.source}:{found.board} ({found.evidence})"],
    )


def _name_from_host(host: str, board: str) -> str:
    """A readable company name for a detected board: the board token on an ATS's shared host
    (jobs.lever.co/acme -> Acme), else the company's own domain (careers.acme.com -> Acme)."""
    labels = [
        p for p in host.split(".") if p not in ("www", "careers", "jobs", "job-boards", "boards", "apply")
    ]
    shared = any(
        ats in host
        for ats in ("greenhouse", "lever.co", "ashbyhq", "workable", "myworkdayjobs", "smartrecruiters")
    )
    word = board.split("/")[0] if shared or len(labels) < 2 else labels[-2]
    return word.replace("-", " ").replace("_", " ").strip().title() or board


# -- TOML ---------------------------------------------------------------------------------------------
def toml_string(value: str) -> str:
    # JSON's escapes (\", \\, \n, \uXXXX) are TOML basic-string escapes too.
    return json.dumps(value, ensure_ascii=False)


def toml_table(table: dict[str, str], comment: Sequence[str] = ()) -> str:
    lines = [f"# {line}" for line in comment]
    lines.append("[[company]]")
    lines += [f"{k} = {toml_string(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def read_config_tables(path: Path) -> list[dict[str, Any]]:
    """The [[company]] tables a config has (none when the file does not exist yet)."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"cannot read config file {str(path)!r}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: TOML syntax error: {exc}") from None
    tables = data.get("company", [])
    if not isinstance(tables, list):
        raise RegistryError(f"{path}: companies must be written as [[company]] tables")
    return [t for t in tables if isinstance(t, dict)]


def already_in(tables: Sequence[dict[str, Any]], entry: RegistryEntry) -> dict[str, Any] | None:
    """The config table that already crawls this company: the same board, or the same name."""
    for t in tables:
        if str(t.get("source", "")) == entry.ats and str(t.get("board", "")).lower() == entry.board.lower():
            return t
        if str(t.get("name", "")).casefold() == entry.name.casefold():
            return t
    return None


def check_table(table: dict[str, str], alternatives: Sequence[RegistryEntry] = ()) -> None:
    """Raise RegistryError unless this paybands can crawl the table (its source exists, the board
    passes the source's own checks); the message names the company's other boards it could take."""
    crawlable = [a for a in alternatives if get_source(a.ats) is not None]
    hint = (
        "; its other boards here: " + ", ".join(f"{a.ats}:{a.board} (--ats {a.ats})" for a in crawlable[:4])
        if crawlable
        else ""
    )
    if get_source(table["source"]) is None:
        raise RegistryError(
            f"{table['name']} is on {table['source']}, which this paybands has no source for"
            f" (see `paybands sources`){hint}; nothing was added"
        )
    try:
        parse_company(0, table)
    except ConfigError as exc:
        raise RegistryError(f"{exc}{hint}; nothing was added") from None


def append_tables(path: Path, blocks: Sequence[str]) -> None:
    """Append [[company]] blocks to a config, creating it (with a header) when it does not exist."""
    header = ""
    if not path.exists():
        header = "# Companies to crawl: paybands crawl --config " + path.name + "\n"
    text = path.read_text("utf-8") if path.exists() else ""
    sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    with path.open("a", encoding="utf-8") as f:
        f.write(header + sep + "\n".join(blocks))


# -- crawl --registry -----------------------------------------------------------------------------------
@dataclass(slots=True)
class RegistryCrawl:
    config: Config
    skipped: dict[str, int]  # reason -> rows


def registry_config(
    *,
    ats: Sequence[str] = (),
    ai_only: bool = False,
    limit: int | None = None,
    base_url: str | None = None,
    settings: CrawlSettings | None = None,
    entries: Iterable[RegistryEntry] | None = None,
) -> RegistryCrawl:
    """A crawl config of registry rows (supported sources only, in registry order), validated as a
    config file would be. `base_url` overrides every company's (a mirror, the replay server)."""
    if base_url is not None:
        base_url = check_url(base_url, "--base-url").rstrip("/")
    rows = filter_entries(entries, ats=ats, ai_only=ai_only, supported_only=True)
    skipped: dict[str, int] = {}
    companies: list[CompanyConfig] = []
    names: set[str] = set()
    for e in rows:
        if limit is not None and len(companies) >= limit:
            break
        if get_source(e.ats) is None:  # supported, but its source is not merged into this paybands yet
            reason = f"{e.ats}: no source in this paybands yet"
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        name = e.name if e.name.casefold() not in names else f"{e.name} ({e.ats}:{e.board})"
        table = e.company_table(name)
        if base_url is not None:
            table["base_url"] = base_url
        try:
            company = parse_company(len(companies), table)
        except ConfigError as exc:
            reason = f"{e.ats}: {str(exc).split(': ', 1)[-1]}"
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        names.add(name.casefold())
        companies.append(company)
    if not companies:
        what = f" on {', '.join(ats)}" if ats else ""
        raise RegistryError(f"no registry row{what}{' of an AI employer' if ai_only else ''} can be crawled")
    assert len({board_key(c.source, c.board) for c in companies}) == len(companies)
    return RegistryCrawl(Config(crawl=settings or CrawlSettings(), companies=tuple(companies)), skipped)
