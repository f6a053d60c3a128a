"""HTML -> clean text (selectolax/lexbor), and text hygiene for anything stored.

Stored descriptions are plain text: no markup, no script/style content, no
zero-width or bidi control characters, no C0 controls except newline/tab, no
lone surrogates (they cannot be stored as UTF-8). Every text field of every
posting passes through here (`Source.posting`), whatever the source sent.
"""

from __future__ import annotations

import html as htmllib
import re

from selectolax.lexbor import LexborHTMLParser

_DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "head", "object", "embed", "canvas"]
# Block boundaries become line breaks; inline tags (b, span, a) join their text.
_BLOCK_RE = re.compile(
    r"<(?=/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|pre|header|footer|dd|dt|hr)\b)",
    re.IGNORECASE,
)
# Zero-width, bidi embedding/override/isolate marks, BOM, soft hyphen, C0/C1 controls (not \t \n),
# and lone surrogates ("\ud800" is valid JSON but not encodable: it would fail the company's write).
_INVISIBLE_RE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\ud800-\udfff]"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Markup still present after one pass: raw-text elements (textarea, xmp, plaintext, noembed) keep
# their content as text, and double-escaped sources (&amp;lt;script&amp;gt;) unescape to tags.
_TAG_RE = re.compile(
    r"<(?:!--|!\[CDATA\[|/?(?:a|applet|audio|b|base|blockquote|body|br|button|canvas|code|dd|details|dialog|"
    r"div|dl|dt|em|embed|font|form|frame|frameset|h[1-6]|head|hr|html|i|iframe|img|input|li|link|marquee|"
    r"math|meta|noembed|noframes|noscript|object|ol|option|p|plaintext|pre|script|section|select|source|"
    r"span|strong|style|svg|table|td|template|textarea|th|title|tr|u|ul|video|xmp)\b[^<>]*>?)",
    re.IGNORECASE,
)
_MAX_PASSES = 3
_SPACES = " \t\u00a0\u2000-\u200a\u202f\u205f\u3000"
# Only the runs that change: two or more spaces, or one odd space (a lone " " between words is kept,
# so a sub over a whole description makes a handful of replacements, not one per word).
_SPACE_RUNS_RE = re.compile(f" [{_SPACES}]+|[{_SPACES[1:]}][{_SPACES}]*")
# What str.strip() removes at a line's ends once spaces are normalized and invisibles dropped:
# " ", and the three whitespace characters that are neither (U+1680, U+2028, U+2029).
_LINE_EDGES_RE = re.compile("[ \u1680\u2028\u2029]*\n[ \u1680\u2028\u2029]*")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_DOUBLE_SPACES_RE = re.compile("  +")  # a two-space literal prefix: sre skips to each "  " at C speed
# Elements whose start tag is in the markup: only then is strip_tags (one tree walk per tag) needed.
# <head> is left out: its content never reaches the body text we read.
_DROP_TAG_RE = re.compile(
    r"<(?:script|style|noscript|template|iframe|svg|object|embed|canvas)", re.IGNORECASE
)


def clean_text(text: str | None) -> str:
    """Normalize whitespace and strip invisible/control characters from plain text."""
    if not text or not isinstance(text, str):  # a board may send a number or an object where text belongs
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Fast path, for most text: when nothing but newlines, spaces and no-break spaces keeps it from
    # being printable, there is nothing invisible to drop and only " " runs to collapse, which
    # substring tests find at memchr speed (a regex pass over a long description costs ~10x more).
    probe = text.replace("\n", " ")
    if "\u00a0" in probe:
        text = text.replace("\u00a0", " ")
        probe = probe.replace("\u00a0", " ")
    if probe.isprintable():
        if "  " in text:
            text = _DOUBLE_SPACES_RE.sub(" ", text)
        if " \n" in text or "\n " in text:
            text = "\n".join([line.strip(" ") for line in text.split("\n")])
    else:
        # Whole-text passes (C speed) rather than a regex per line: same result as stripping each
        # line after collapsing its spaces.
        text = _INVISIBLE_RE.sub("", text)
        text = _LINE_EDGES_RE.sub("\n", _SPACE_RUNS_RE.sub(" ", text))
    if "\n\n\n" in text:
        text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()


def _unescape(markup: str) -> str:
    """html.unescape, done by lexbor when the text has no markup of its own (4x faster on long text)."""
    if "<" in markup or "&" not in markup or "\x00" in markup:  # lexbor drops NULs: html.unescape keeps them
        return htmllib.unescape(markup)
    body = LexborHTMLParser(markup).body
    return body.text(deep=True) if body is not None else htmllib.unescape(markup)


def clean_line(text: str | None) -> str:
    """clean_text on one line: titles, locations, departments."""
    return " ".join(clean_text(text).split())


def safe_text(text: str) -> str:
    """`text` with lone surrogates replaced (U+FFFD); nothing else touched (ids, raw payloads)."""
    return _SURROGATE_RE.sub("\ufffd", text) if has_surrogates(text) else text


def has_surrogates(text: str) -> bool:
    # ASCII (O(1) check) and strings UTF-8 can encode (C speed) hold none: the regex scan of a
    # whole raw payload runs only when encoding fails, which only a surrogate makes it do.
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE_RE.search(text) is not None
    return False


def has_markup(text: str) -> bool:
    return _TAG_RE.search(text) is not None


def html_to_text(markup: str | None, *, unescape_first: bool = False) -> str:
    """Visible text of an HTML fragment or page, one block per line.

    `unescape_first` is for sources that entity-escape their HTML (Greenhouse
    `content` arrives as `&lt;p&gt;...`). Markup that survives a pass as text
    (see `_TAG_RE`) is parsed again, a bounded number of times.
    """
    if not markup or not isinstance(markup, str):
        return ""
    if unescape_first:
        markup = _unescape(markup)
    text = _visible_text(markup)
    for _ in range(_MAX_PASSES):
        if not has_markup(text):
            return _mark_final(text)
        text = _visible_text(text)
    return text if has_markup(text) else _mark_final(text)


# Texts html_to_text returned clean and markup-free, by id (the entry keeps the object alive, so an id
# cannot be reused while it is here): `Source.posting` cleans every description again, and for these
# that pass (~60 us on a long description) would return the same text. Bounded: cleared when full.
_FINAL: dict[int, str] = {}
_FINAL_MAX = 256


def _mark_final(text: str) -> str:
    if len(_FINAL) >= _FINAL_MAX:
        _FINAL.clear()
    _FINAL[id(text)] = text
    return text


def is_final_text(text: str) -> bool:
    """Whether `text` is an object html_to_text returned: clean_text(text) == text, no markup."""
    return _FINAL.get(id(text)) is text


def _visible_text(markup: str) -> str:
    if "<" not in markup:
        return clean_text(htmllib.unescape(markup))
    tree = LexborHTMLParser(_BLOCK_RE.sub("\n<", markup))
    root = tree.body
    if root is None or _DROP_TAG_RE.search(markup):
        tree.strip_tags(_DROP_TAGS)
        root = tree.body or tree.root
    if root is None:
        return ""
    return clean_text(root.text(separator="", deep=True))
