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
    of every alternative at every position (these lists have hundreds). An escaped punctuation
    character ("\\ ", "\\.", from re.escape) is a literal first character too."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for alt in _top_level(alternation):
        escaped = alt[:1] == "\\" and len(alt) > 1 and not alt[1].isalnum()  # "\\d" is a class, "\\." a dot
        first = alt[:2] if escaped else alt[:1]
        after = alt[len(first) : len(first) + 1]
        if (escaped or first.isalnum()) and after not in (
            "?",
            "*",
            "+",
            "{",
        ):  # a literal, not "s?" or "x{2}"
            groups.setdefault(first, []).append(alt[len(first) :])
        else:
            rest.append(alt)
    grouped = [f"{k}(?:{'|'.join(v)})" if len(v) > 1 else k + v[0] for k, v in groups.items()]
    return "|".join(grouped + rest)
