"""Repair of double-encoded text ("Â£", "â‚¬") and a few stray HTML entities.

Spans must point into the caller's text, so a repair returns the index map
from repaired offsets back to original offsets (None when nothing changed:
the common case costs one regex search).
"""

from __future__ import annotations

import re

# UTF-8 bytes decoded as cp1252: a lead byte Â..ô followed by 1-3 continuation
# bytes, which cp1252 shows as \x80-\xbf or the punctuation it maps there.
_CONT = "\x80-\xbf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_ENTITIES = {
    "&nbsp;": " ",
    "&ndash;": "–",
    "&mdash;": "—",
    "&euro;": "€",
    "&pound;": "£",
    "&yen;": "¥",
    "&dollar;": "$",
    "&#36;": "$",
    "&amp;": "&",
    "&#8211;": "–",
    "&#8212;": "—",
    "&#x2013;": "–",
    "&#x2014;": "—",
    "&#160;": " ",
}
_FIX_RE = re.compile(
    rf"[\u00c2-\u00f4][{_CONT}]{{1,3}}|Â(?= )|" + "|".join(re.escape(e) for e in _ENTITIES),
)
# "Â " is a mojibake no-break space whose \xa0 was later turned into a plain space.
# One character class first, so sre skips ahead at C speed instead of trying three branches at each offset.
_HINT_RE = re.compile(r"[\u00c2-\u00f4&](?:(?<=[\u00c2-\u00f4])[" + _CONT + r"]|(?<=Â) |(?<=&)#?\w+;)")

# Same-length normalization: exotic spaces (thousands groups "45 000 €", "45\u202f000 €") become plain ones.
ODD_SPACES = ("\u00a0", "\u202f", "\u2009", "\u2007", "\t")


def _undouble(s: str) -> str | None:
    raw = bytearray()
    for ch in s:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) < 256:  # bytes cp1252 leaves undefined come through as C1 controls
                raw.append(ord(ch))
            else:
                return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


# The characters a mojibake hint starts with (a UTF-8 lead byte read as cp1252): testing each with
# `in` (memchr speed) clears most texts several times faster than one regex pass over them.
_LEADS = tuple(map(chr, range(0xC2, 0xF5)))
_ENTITY_AT = re.compile(r"&#?\w+;")


def _has_hint(text: str) -> bool:
    """_HINT_RE.search(text) is not None, answered without a regex pass over most texts."""
    if len(text) < 256:  # short texts (pay fields): one regex pass costs less than 51 `in` tests
        return _HINT_RE.search(text) is not None
    if any(c in text for c in _LEADS):
        return _HINT_RE.search(text) is not None
    i = text.find("&")  # without a lead character only the entity branch can match
    while i >= 0:
        if _ENTITY_AT.match(text, i) is not None:
            return True
        i = text.find("&", i + 1)
    return False


def repair(text: str) -> tuple[str, list[int] | None]:
    """(repaired text, map repaired index -> original index, or None if unchanged)."""
    if not _has_hint(text):
        return text, None
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _FIX_RE.finditer(text):
        frag = m.group(0)
        fixed = "" if frag == "Â" else (_ENTITIES.get(frag) or _undouble(frag))
        if fixed is None:
            continue
        out.append(text[pos : m.start()])
        index.extend(range(pos, m.start()))
        out.append(fixed)
        index.extend([m.start()] * len(fixed))
        pos = m.end()
    if not out:
        return text, None
    out.append(text[pos:])
    index.extend(range(pos, len(text) + 1))  # +1: the end offset of a span maps too
    return "".join(out), index
