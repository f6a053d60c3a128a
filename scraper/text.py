"""HTML -> clean text (selectolax/lexbor), and text hygiene for anything stored.

Stored descriptions are plain text: no markup, no script/style content, no
zero-width or bidi control characters, no C0 controls except newline/tab.
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
# Zero-width, bidi embedding/override/isolate marks, BOM, soft hyphen, C0/C1 controls (not \t \n).
_INVISIBLE_RE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")


def clean_text(text: str | None) -> str:
    """Normalize whitespace and strip invisible/control characters from plain text."""
    if not text:
        return ""
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str | None, *, unescape_first: bool = False) -> str:
    """Visible text of an HTML fragment or page, one block per line.

    `unescape_first` is for sources that entity-escape their HTML (Greenhouse
    `content` arrives as `&lt;p&gt;...`).
    """
    if not markup:
        return ""
    if unescape_first:
        markup = htmllib.unescape(markup)
    if "<" not in markup:
        return clean_text(htmllib.unescape(markup))
    tree = LexborHTMLParser(_BLOCK_RE.sub("\n<", markup))
    tree.strip_tags(_DROP_TAGS)
    root = tree.body or tree.root
    if root is None:
        return ""
    return clean_text(root.text(separator="", deep=True))
