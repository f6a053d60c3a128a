"""Long regex alternations made fast: alternatives grouped by their first literal character.

Python's regex engine tries the alternatives of an alternation one after the other at every
position; with hundreds of words (pay words, not-pay words, currency codes) most of the time goes
to alternatives that fail on their first character. Grouping them ("b(?:onus|udget)|c(?:ost|…)")
leaves one test per first character. The matches are the same.
"""

from __future__ import annotations


def _top_level(alternation: str) -> list[str]:
    """The top-level alternatives of a regex alternation (| inside groups and classes kept)."""
    parts, depth, cls, start, i = [], 0, False, 0, 0
    while i < len(alternation):
        ch = alternation[i]
        if ch == "\\":
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(alternation[start:i])
            start = i + 1
        i += 1
    parts.append(alternation[start:])
    return parts


def by_first_char(alternation: str) -> str:
    """The same alternation with its alternatives grouped by a literal first character
    ("b(?:onus(?:es)?|udget)|..."): the regex engine then tests one character per group instead
    of every alternative at every position (these lists have hundreds)."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for alt in _top_level(alternation):
        first, after = alt[:1], alt[1:2]
        if first.isalnum() and after not in ("?", "*", "+", "{"):  # a literal, not "s?" or "x{2}"
            groups.setdefault(first, []).append(alt[1:])
        else:
            rest.append(alt)
    grouped = [f"{k}(?:{'|'.join(v)})" if len(v) > 1 else k + v[0] for k, v in groups.items()]
    return "|".join(grouped + rest)
