"""One posting on two boards: which stored postings are the same opening (`postings.duplicate_of`).

A company can be reached through two boards: a registry conflict (two ATSes both listing it), a move
from one ATS to another while the old board is still crawled, a board token added under a second
name. Each board's copy of an opening is its own row (its own history, its own removal); reports and
the named queries count the opening once, through `duplicate_of` (NULL = counted; otherwise the
posting_id of the copy that is).

The rule (docs/SCHEMA.md, "Duplicates across boards"). Two postings are the same opening when:

1. their companies have the same normalized name (`company_key`: the registry's normalization, so
   "Acme", "Acme, Inc." and "Acme (Lever)" are one company), and
2. they are on different boards (source and board): one board lists each of its openings once, so
   two postings of one board with the same title are two openings, and
3. their open periods overlap (neither was removed before the other was first seen), and
4. - when both state a requisition number: the numbers are equal (upper-cased, spaces removed);
   - otherwise: the same normalized title (`text_key`) and the same place (`place_key`: the city the
     taxonomy reads from the location, with its region and country; without a city, the country and
     whether it is remote; without either, the location text), first seen on the same UTC day, where
     a posting seen before the other board was first crawled counts from that day (it was already
     open when that board appeared, as after a move). Boards write places their own way ("San
     Francisco, CA", "San Francisco; New York" with the second place apart): the city compares them.

Matching is one to one: within one pair of boards, the k-th posting of a key on one board (by first
seen, then posting_id) matches the k-th on the other, so two "Software Engineer, Remote" openings on
both boards stay two. Postings are joined across several boards pair by pair, never two of one
board into one opening. Of each opening, the copy counted is the one still open, then the one with
the most current pay bands, then the first seen, then the smallest posting_id.

Derived, like the taxonomy: recomputed by every taxonomy refresh (scraper.enrich, after each crawl)
for the companies that have more than one board, so it follows new boards, removals and edits.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import polars as pl

# Trailing legal forms dropped from a company name (the registry's rule, registry/README.md step 3).
_LEGAL = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "plc",
        "corp",
        "corporation",
        "co",
        "pbc",
        "pte",
        "pty",
        "lp",
        "llp",
    ]
)
_PARENS = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    """ASCII-folded, lowercased: "Zürich" -> "zurich"."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def company_key(name: str) -> str:
    """A company name as the registry normalizes it: ASCII-folded and lowercased, "(…)" dropped, "&"
    read as "and", a leading "the" and trailing legal forms dropped, non-alphanumerics removed."""
    words = _NOT_ALNUM.sub(" ", _PARENS.sub(" ", _fold(name)).replace("&", " and ")).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL:
        words = words[:-1]
    return "".join(words)


def text_key(text: str | None) -> str:
    """A title or location compared loosely: folded, lowercased, words of letters and digits."""
    return " ".join(_NOT_ALNUM.sub(" ", _fold(text or "")).split())


def place_key(
    city: str | None, region: str | None, country: str | None, remote: str | None, location: str | None
) -> tuple[str, ...]:
    """Where a posting is, for matching: its (first) city, else its country and remoteness, else its text."""
    if city:
        return ("city", city, region or "", country or "")
    if country:
        return ("country", country, remote or "")
    return ("text", text_key(location))


def _day(when: datetime) -> date:
    """The UTC day of a stored time (DuckDB hands TIMESTAMPTZ back in the session's time zone)."""
    return (when.astimezone(UTC) if when.tzinfo else when).date()


def requisition_key(value: str | None) -> str | None:
    """A requisition number compared: its letters and digits, upper-cased ("R-100" = "r 100")."""
    key = re.sub(r"[^0-9A-Za-z]+", "", _fold(value or "")).upper()
    return key or None


@dataclass(slots=True, frozen=True)
class Stored:
    """What the rule reads of one stored posting."""

    posting_id: str
    company: str
    board: tuple[str, str]  # (source, lower(board))
    requisition_id: str | None
    title: str
    place: tuple[str, ...]  # place_key(...)
    first_seen: datetime
    removed_at: datetime | None
    is_active: bool
    bands: int  # current pay bands


def duplicates(postings: Iterable[Stored]) -> dict[str, str]:
    """posting_id -> posting_id of the copy counted, for every posting that is a duplicate (the rule
    in the module docstring). Postings not in the result are counted."""
    by_company: dict[str, list[Stored]] = defaultdict(list)
    for p in postings:
        by_company[company_key(p.company)].append(p)
    out: dict[str, str] = {}
    for group in by_company.values():
        out.update(_company_duplicates(group))
    return out


def _company_duplicates(postings: list[Stored]) -> dict[str, str]:
    boards: dict[tuple[str, str], list[Stored]] = defaultdict(list)
    for p in postings:
        boards[p.board].append(p)
    if len(boards) < 2:
        return {}
    for ps in boards.values():
        ps.sort(key=lambda p: (p.first_seen, p.posting_id))
    started = {b: _day(ps[0].first_seen) for b, ps in boards.items()}  # the board's first crawl
    openings = _Openings(postings)
    names = sorted(boards)
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            both_from = max(started[x], started[y])
            for key in (_requisition_pairs, _text_pairs):
                for a, b in key(boards[x], boards[y], both_from):
                    if _overlap(a, b):
                        openings.join(a.posting_id, b.posting_id)
    return openings.duplicates()


def _kth(ps: Sequence[Stored], key: object) -> dict[tuple[object, int], Stored]:
    """Postings of one board by (key, k): the k-th of that key, in first-seen order."""
    seen: dict[object, int] = defaultdict(int)
    out: dict[tuple[object, int], Stored] = {}
    for p in ps:
        k = key(p)  # type: ignore[operator]
        if k is None:
            continue
        out[(k, seen[k])] = p
        seen[k] += 1
    return out


def _requisition_pairs(xs: Sequence[Stored], ys: Sequence[Stored], _: date) -> list[tuple[Stored, Stored]]:
    def key(p: Stored) -> str | None:
        return requisition_key(p.requisition_id)

    a, b = _kth(xs, key), _kth(ys, key)
    return [(a[k], b[k]) for k in a.keys() & b.keys()]


def _text_pairs(xs: Sequence[Stored], ys: Sequence[Stored], both_from: date) -> list[tuple[Stored, Stored]]:
    def key(p: Stored) -> tuple[str, tuple[str, ...], date]:
        return (text_key(p.title), p.place, max(_day(p.first_seen), both_from))

    a, b = _kth(xs, key), _kth(ys, key)
    pairs = []
    for k in a.keys() & b.keys():
        x, y = a[k], b[k]
        # Both state a requisition number and the numbers differ: two requisitions, two openings.
        rx, ry = requisition_key(x.requisition_id), requisition_key(y.requisition_id)
        if rx is None or ry is None or rx == ry:
            pairs.append((x, y))
    return pairs


def _overlap(a: Stored, b: Stored) -> bool:
    return (a.removed_at is None or a.removed_at >= b.first_seen) and (
        b.removed_at is None or b.removed_at >= a.first_seen
    )


class _Openings:
    """Union-find over postings; two postings of one board are never joined into one opening."""

    def __init__(self, postings: Iterable[Stored]) -> None:
        self._by_id = {p.posting_id: p for p in postings}
        self._parent = {pid: pid for pid in self._by_id}
        self._boards = {pid: {p.board} for pid, p in self._by_id.items()}

    def _root(self, pid: str) -> str:
        while self._parent[pid] != pid:
            self._parent[pid] = self._parent[self._parent[pid]]
            pid = self._parent[pid]
        return pid

    def join(self, a: str, b: str) -> None:
        ra, rb = self._root(a), self._root(b)
        if ra == rb or self._boards[ra] & self._boards[rb]:
            return
        self._parent[rb] = ra
        self._boards[ra] |= self._boards.pop(rb)

    def duplicates(self) -> dict[str, str]:
        members: dict[str, list[Stored]] = defaultdict(list)
        for pid, p in self._by_id.items():
            members[self._root(pid)].append(p)
        out: dict[str, str] = {}
        for group in members.values():
            if len(group) < 2:
                continue
            kept = min(group, key=lambda p: (not p.is_active, -p.bands, p.first_seen, p.posting_id))
            out.update({p.posting_id: kept.posting_id for p in group if p is not kept})
        return out


def refresh_duplicates(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Recompute postings.duplicate_of in the open transaction; the posting_keys whose value changed
    (the caller brings band_facts in step for them)."""
    boards = con.execute("SELECT DISTINCT company, source, lower(board) FROM postings").fetchall()
    per_company: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for company, source, board in boards:
        per_company[company_key(company)].add((source, board))
    names = [c for c, _, _ in boards if len(per_company[company_key(c)]) > 1]
    rows = con.execute(
        """WITH c AS (SELECT * FROM postings WHERE list_contains($names, company)),
                n AS (SELECT posting_key, count(*) AS bands FROM pay_band_versions
                      WHERE valid_to IS NULL AND posting_key IN (SELECT posting_key FROM c) GROUP BY 1)
           SELECT c.posting_key, c.posting_id, c.company, c.source, lower(c.board), c.requisition_id, c.title,
                  c.city, c.region, c.country, c.remote, c.location, c.first_seen, c.removed_at, c.is_active,
                  coalesce(n.bands, 0), c.duplicate_of
           FROM c LEFT JOIN n USING (posting_key)""",
        {"names": sorted(set(names))},
    ).fetchall()
    found = duplicates(
        Stored(pid, company, (s, b), req, title, place_key(*where), first, removed, active, bands)
        for _, pid, company, s, b, req, title, *where, first, removed, active, bands, _ in rows
    )
    changes = [(key, found.get(pid)) for key, pid, *_, dup in rows if found.get(pid) != dup]
    # Companies with one board now (a board dropped from the config and its postings deleted by hand):
    # no posting of theirs is a duplicate any more.
    changes += con.execute(
        "SELECT posting_key, NULL FROM postings WHERE duplicate_of IS NOT NULL AND NOT list_contains($names, company)",
        {"names": sorted(set(names))},
    ).fetchall()
    if not changes:
        return []
    frame = pl.DataFrame(changes, schema={"posting_key": pl.Int64, "duplicate_of": pl.String}, orient="row")
    con.register("dup_changes", frame)
    try:
        con.execute(
            """UPDATE postings SET duplicate_of = d.duplicate_of FROM dup_changes d
               WHERE postings.posting_key = d.posting_key"""
        ).fetchall()
    finally:
        con.unregister("dup_changes")
    return [k for k, _ in changes]
