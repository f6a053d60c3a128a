"""Text hygiene fast paths (scraper/text.py) give what the straightforward versions give."""

from __future__ import annotations

import random
import re

from scraper import text
from scraper.sources.base import _text

_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")


def reference_clean_text(t: str) -> str:
    """clean_text as first written: a regex per line."""
    if not t:
        return ""
    t = text._INVISIBLE_RE.sub("", t.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES_RE.sub(" ", line).strip() for line in t.split("\n"))
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


ALPHABET = ["<p>", "</p>", "<br>", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#8203;", " ", "\t", "\n", "\r\n", "\r",
            "\u00a0", "\u2028", "\u2029", "\u1680", "\u200b", "x", "y", "<b>", "</b>", "<script>1</script>",
            "&lt;p&gt;", "&amp;lt;", "\x00", "\x0c", "\x0b", "\x1c", "\x85", "<li>", "&", "\u3000", "é", "’",
            "  ", "\n \n", " \n", "\n ", "\n\n\n", "\u180e", "\ud800", "\u202f", "\u2009", "\ufeff", "€"]  # fmt: skip


def _samples(n: int, seed: int, alphabet: list[str] = ALPHABET) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(2, len(alphabet))  # some samples draw from the first few pieces only (fast path)
        out.append("".join(rng.choice(alphabet[:k]) for _ in range(rng.randint(1, 25))))
    return out


def test_clean_text_matches_the_per_line_version() -> None:
    for s in _samples(30_000, 1):
        assert text.clean_text(s) == reference_clean_text(s), repr(s)


def test_clean_text_fast_path_on_plain_text() -> None:
    for s in _samples(30_000, 2, ["x", " ", "\n", "  ", " \n", "\n ", "\n\n\n", "\u00a0", "é", "’"]):
        assert text.clean_text(s) == reference_clean_text(s), repr(s)


def test_surrogate_checks_match_the_regex() -> None:
    for s in _samples(20_000, 3):
        assert text.has_surrogates(s) == (text._SURROGATE_RE.search(s) is not None), repr(s)
        assert text.safe_text(s) == text._SURROGATE_RE.sub("\ufffd", s), repr(s)


def test_html_to_text_output_is_final_and_posting_text_keeps_it() -> None:
    for s in _samples(20_000, 4):
        for unescape_first in (False, True):
            out = text.html_to_text(s, unescape_first=unescape_first)
            if text.is_final_text(out):
                assert not text.has_markup(out) and text.clean_text(out) == out, repr(s)
            # Source.posting's pass gives what it gave before the shortcut
            slow = text.html_to_text(out) if text.has_markup(out) else text.clean_text(out)
            assert _text(out) == slow, repr(s)


def test_equal_text_that_is_not_the_returned_object_is_cleaned() -> None:
    out = text.html_to_text("<p>a\u200bb</p>")
    copy = "".join(list(out))  # equal value, another object
    assert copy == out and text.is_final_text(out) and not text.is_final_text(copy)
    assert not text.is_final_text("a\u200bb")
