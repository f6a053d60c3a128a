"""The registry of employers and their job boards: scraper/data/registry.csv.gz, typed.

Built by scripts/build_registry.py from ../shared/registry (its README has the merge rules; every
board of its public source lists, one row per (ats, lower(board))). A row is a `RegistryEntry`:

- `ats` is the paybands source name (the registry's `ukg` is `ultipro`; ADP MyJobs stays `adp`, no source);
  `supported` says whether paybands has (or is getting) a source for it (`SUPPORTED_SOURCES`).
- `board` is written as that source takes it in config (`BOARD_PATTERNS` checks the shape).
- `ai_employer` is true for the 1,101 curated rows of ai_companies.csv (`ai_rules` has "curated")
  and for boards one of the README's ai_signal rules holds for (`AI_RULES` says what each means).
- `evidence` names the source lists (labels of sources/PROVENANCE.md); `conflict` is non-empty when
  the company has other boards (stale, regional, or a name collision: read it before trusting a row).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

COLUMNS = (
    "name", "ats", "board", "supported", "ai_employer", "ai_rule", "careers_url", "base_url",
    "evidence", "conflict", "extra",
)  # fmt: skip
REGISTRY_FILE = "registry.csv.gz"

# The registry's ATS names that paybands calls otherwise (jobseek's oracle_hcm is read as oracle).
# ADP MyJobs (myjobs.adp.com/{slug}, the lists' `adp`) is not ADP Workforce Now (a career center's
# cid, our `adp_wfn`): its rows keep `adp`, a site paybands has no source for.
ATS_RENAMES = {"ukg": "ultipro", "oracle_hcm": "oracle"}
EXISTING_SOURCES = ("greenhouse", "lever", "ashby", "workday", "eightfold", "smartrecruiters", "jsonld")
# Sources being written in issue #15 (merged later); registry rows on them are supported=true.
NEW_SOURCES = (
    "recruitee", "rippling", "pinpoint", "teamtailor", "adp_wfn", "dayforce", "bamboohr", "breezy",
    "workable", "join", "oracle", "ultipro", "successfactors", "icims", "avature", "phenom",
)  # fmt: skip
SUPPORTED_SOURCES = frozenset(EXISTING_SOURCES + NEW_SOURCES)

AI_RULES = {
    "curated": "in the curated list ai_companies.csv (1,101 AI employers, one board each)",
    "name": "a name a list gives it mentions AI/ML/LLM/neural or ends in .ai",
    "board": 'the board token has an "ai" part (foo-ai, foo.ai)',
    "domain": "the company's website (jobseek) or careers URL is on a .ai domain (not an ATS host)",
    "stapply_ai_list": "listed in stapply ai_companies.json with this ATS",
    "career_ops_ai": "a career-ops entry whose note is AI-specific",
    "robotics": "robotics or autonomy, by name or jobseek industry = Robotics (weaker)",
}

_HOST = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"  # lower case, 2+ labels
_SLUG = r"[a-z0-9][a-z0-9_.-]*"
# A path segment some ATS token is (tokens end in "-" or "." too: lever "quantco-"); no "/", no space.
_TOKEN = r"[A-Za-z0-9][A-Za-z0-9_.'&+%-]*"
# One pattern per ATS: the board as that source takes it in config (the registry README's formats).
BOARD_PATTERNS: dict[str, re.Pattern[str]] = {
    k: re.compile(v)
    for k, v in {
        "greenhouse": _TOKEN,
        "lever": rf"{_TOKEN}(?: {_TOKEN})*",  # stapply has a site with a space ("loop ai")
        "ashby": rf"{_TOKEN}(?: {_TOKEN})*",  # board names may hold spaces ("1st formations")
        "workable": _TOKEN,
        "gem": _TOKEN,
        "rippling": _TOKEN,
        "join": _TOKEN,
        "smartrecruiters": _TOKEN,
        "workday": r"[A-Za-z0-9_-]+/[A-Za-z0-9_.-]+",  # {tenant}/{site}
        "eightfold": _HOST,  # the tenant's domain
        "recruitee": rf"{_SLUG}|{_HOST}",  # subdomain, or the custom domain's host
        "personio": _SLUG,
        "pinpoint": _SLUG,
        "breezy": _SLUG,
        "bamboohr": _SLUG,
        "teamtailor": _HOST,
        "icims": _HOST,
        "avature": _HOST,
        "successfactors": _HOST,
        "oracle": rf"{_HOST}/[A-Za-z0-9_.-]+",  # {host}/{site}
        "comeet": r"[A-Za-z0-9_.-]+/[0-9A-Fa-f]{2}\.[0-9A-Fa-f]{3}",  # {company}/{board_id}
        "ultipro": r"[A-Za-z0-9]+/[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}",  # {company_code}/{board_id}
        "dayforce": r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+",  # {namespace}/{job_board_code}
        "adp": r"[A-Za-z0-9_.-]+",  # the myjobs.adp.com/{slug} career site (no source)
        "adp_wfn": r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}",  # a career center's cid
        "other": r"https?://[^\s/]+(?:/\S*)?",  # a custom careers page: its URL
    }.items()
}


def board_key(ats: str, board: str) -> tuple[str, str]:
    """The identity of a row: no two rows share it."""
    return ats, board.lower()


@dataclass(slots=True, frozen=True)
class RegistryEntry:
    name: str
    ats: str
    board: str
    supported: bool
    ai_employer: bool
    ai_rules: tuple[str, ...]
    careers_url: str
    base_url: (
        str  # the host a source needs (Workday tenant host, Eightfold careers host, UKG host); "" if none
    )
    evidence: tuple[str, ...]  # source labels, some with a flag: "stapply:workday(tenant only)"
    conflict: str
    extra: dict[str, str] = field(default_factory=dict)  # source ids kept as given (oracle site_number, ...)
    # fold(name), computed once: search compares it for every row on every query.
    folded_name: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded_name", fold(self.name))

    @property
    def key(self) -> tuple[str, str]:
        return board_key(self.ats, self.board)

    @property
    def curated(self) -> bool:
        return "curated" in self.ai_rules

    @property
    def label(self) -> str:
        return f"{self.name} ({self.ats}:{self.board})"

    def as_row(self) -> dict[str, Any]:
        """One flat dict for output (table, csv, json)."""
        return {
            "name": self.name,
            "ats": self.ats,
            "board": self.board,
            "supported": self.supported,
            "ai_employer": self.ai_employer,
            "ai_rule": ";".join(self.ai_rules),
            "careers_url": self.careers_url,
            "base_url": self.base_url,
            "evidence": ";".join(self.evidence),
            "conflict": self.conflict,
        }

    def company_table(self, name: str | None = None) -> dict[str, str]:
        """The `[[company]]` table that crawls this board (base_url only where the source needs a host)."""
        table = {"name": name or self.name, "source": self.ats, "board": self.board}
        if self.base_url:
            table["base_url"] = self.base_url
        return table


def _entry(row: dict[str, str]) -> RegistryEntry:
    return RegistryEntry(
        name=row["name"],
        ats=row["ats"],
        board=row["board"],
        supported=row["supported"] == "true",
        ai_employer=row["ai_employer"] == "true",
        ai_rules=tuple(r for r in row["ai_rule"].split(";") if r),
        careers_url=row["careers_url"],
        base_url=row["base_url"],
        evidence=tuple(e for e in row["evidence"].split(";") if e),
        conflict=row["conflict"],
        extra=json.loads(row["extra"]) if row["extra"] else {},
    )


def read_rows(path: str | Path | None = None) -> list[dict[str, str]]:
    """The registry's CSV rows as written (the packaged file unless `path` is given)."""
    if path is None:
        data = resources.files("scraper.data").joinpath(REGISTRY_FILE).read_bytes()
        name = REGISTRY_FILE
    else:
        data, name = Path(path).read_bytes(), str(path)
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    if rows and tuple(rows[0]) != COLUMNS:
        raise ValueError(f"{name}: columns {tuple(rows[0])} are not {COLUMNS}")
    return rows


@lru_cache(maxsize=4)
def load(path: str | None = None) -> tuple[RegistryEntry, ...]:
    """Every registry row, in file order (by name). Cached: the file is read once per process."""
    return tuple(_entry(r) for r in read_rows(path))


# -- search and filters -------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: "Hugging Face, Inc." and "huggingface" compare equal."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _rank(entry: RegistryEntry, text: str, folded: str, word: re.Pattern[str]) -> int | None:
    name = entry.name.casefold()
    # Folded, the query must be the whole name or its start: inside, "aexp" would be in "USA Experienced".
    folded_hit = bool(folded) and entry.folded_name.startswith(folded)
    if text not in name and not folded_hit:
        # Not in the name at all (the common case, answered without more work): the board or URL?
        if text in entry.board.casefold() or text in entry.careers_url.casefold():
            return 5
        return None
    if name == text:
        return 0
    if folded and entry.folded_name == folded:
        return 1
    if name.startswith(text) or (folded and entry.folded_name.startswith(folded)):
        return 2
    if word.search(name):
        return 3
    return 4


def search(text: str, entries: Iterable[RegistryEntry] | None = None) -> list[RegistryEntry]:
    """Rows whose name, board or careers URL has `text`, best first: the exact name, the same name
    without case and punctuation ("hugging face" = "HuggingFace"), a name starting with it, a word of
    the name, anywhere in the name, then board or URL; among equals curated rows, then AI employers,
    then supported sources."""
    text = text.strip().casefold()
    if not text:
        return []
    folded = fold(text)
    word = re.compile(rf"(?<![a-z0-9]){re.escape(text)}")
    ranked = []
    for e in load() if entries is None else entries:
        r = _rank(e, text, folded, word)
        if r is not None:
            ranked.append((r, not e.curated, not e.ai_employer, not e.supported, e.name.casefold(), e))
    ranked.sort(key=lambda t: t[:5])
    return [t[-1] for t in ranked]


def filter_entries(
    entries: Iterable[RegistryEntry] | None = None,
    *,
    ats: Iterable[str] = (),
    ai_only: bool = False,
    supported_only: bool = False,
) -> list[RegistryEntry]:
    wanted = set(ats)
    return [
        e
        for e in (load() if entries is None else entries)
        if (not wanted or e.ats in wanted)
        and (not ai_only or e.ai_employer)
        and (not supported_only or e.supported)
    ]


def find(ats: str, board: str, entries: Iterable[RegistryEntry] | None = None) -> RegistryEntry | None:
    key = board_key(ats, board)
    return next((e for e in (load() if entries is None else entries) if e.key == key), None)


def _url_parts(url: str) -> tuple[str, str]:
    """(host without www., path without trailing slash), lowercased: how two careers URLs compare."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", ""
    return host.removeprefix("www."), parts.path.rstrip("/").lower()


@lru_cache(maxsize=1)
def _packaged_url_index() -> dict[str, list[tuple[str, RegistryEntry]]]:
    return _url_index(load())


def _url_index(entries: Iterable[RegistryEntry]) -> dict[str, list[tuple[str, RegistryEntry]]]:
    """host -> [(path, row)] of every careers_url."""
    index: dict[str, list[tuple[str, RegistryEntry]]] = {}
    for e in entries:
        if e.careers_url:
            host, path = _url_parts(e.careers_url)
            index.setdefault(host, []).append((path, e))
    return index


def match_url(url: str, entries: Iterable[RegistryEntry] | None = None) -> list[RegistryEntry]:
    """The rows a careers URL names, best first.

    The longest registry careers_url the URL is at (or under: a job page of the board) wins; without
    one, the rows whose careers_url is on the URL's host when that host is one company's own (all its
    rows share one name), e.g. explore.jobs.netflix.net. An ATS host shared by many companies
    (jobs.lever.co) never matches by host alone.
    """
    host, path = _url_parts(url)
    if not host:
        return []
    index = _packaged_url_index() if entries is None else _url_index(entries)
    on_host = index.get(host, [])
    best = [(len(p), e) for p, e in on_host if path == p or path.startswith(p + "/")]
    if best:
        longest = max(n for n, _ in best)
        return sorted((e for n, e in best if n == longest), key=lambda e: (not e.curated, not e.ai_employer))
    if on_host and len({e.folded_name for _, e in on_host}) == 1:
        return sorted((e for _, e in on_host), key=lambda e: (not e.curated, not e.ai_employer))
    return []
