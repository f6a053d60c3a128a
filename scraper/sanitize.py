"""One sanitizer for text a server controls, before it reaches a terminal, a stored error or a CSV cell.

A board's server chooses its error bodies, headers, ids and titles. Printed raw, an ESC sequence can
rewrite the operator's terminal (colours, cursor moves, an OSC-8 link that shows one URL and opens
another, a window title); bidi controls reorder what is read; and a CSV cell starting with "=" is a
formula to a spreadsheet. Every path that prints or stores server text passes through here.
"""

from __future__ import annotations

import re
from typing import Any

# ESC-introduced sequences first (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ST", other two-byte
# escapes), so the whole sequence goes, not only its ESC; then the 8-bit C1 forms (CSI U+009B,
# OSC U+009D ... ST U+009C); then any control left (C0 but tab/newline, DEL, C1), the bidi
# embeddings, overrides and isolates, zero-width marks and Unicode tag characters (invisible
# ASCII look-alikes) that hide text.
_ESCAPE_SEQ_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)"  # OSC, DCS, SOS, PM, APC up to BEL or ST
    r"|\x1b[ -/]*[0-~]?"  # two-byte escapes (ESC c, ESC 7, ...)
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|\x1b\\|$)",  # 8-bit DCS/SOS/OSC/PM/APC up to ST
    re.S,
)
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff\U000e0000-\U000e007f]")  # fmt: skip
_NEWLINES_RE = re.compile("[\t\n\u2028\u2029]+")

# OWASP's CSV injection rule: a cell starting with one of these is a formula to Excel, LibreOffice
# and Google Sheets (tab and CR too: some apps strip them and read what follows).
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# The same rule as a regular expression, for writers that run it vectorized (polars, DuckDB's COPY):
# valid in Python's re, Rust's regex and RE2 alike.
FORMULA_LEAD_PATTERN = "^[=+@\t\r-]"


def terminal_safe(text: object, limit: int | None = None, *, one_line: bool = True) -> str:
    """`text` with every escape sequence, control, bidi and zero-width mark removed.

    `one_line` also folds tabs and newlines to one space (messages, table cells); `limit` cuts the
    result to that many characters with an ellipsis.
    """
    s = text if isinstance(text, str) else _str(text)
    # The common case has nothing to remove: every character removed or folded here is one that
    # str.isprintable() refuses (categories Cc, Cf, Cs, Zl, Zp; tests/test_sanitize.py checks it).
    out = s if s.isprintable() else _CONTROL_RE.sub("", _ESCAPE_SEQ_RE.sub("", s))
    if one_line:
        out = (
            _NEWLINES_RE.sub(" ", out) if not out.isprintable() else out
        )  # a line separator breaks lines too
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def _str(value: object) -> str:
    try:
        return str(value)
    except ValueError:  # an int over 4,300 digits
        return f"<{type(value).__name__} too long to print>"


def csv_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string starting with =, +, -, @, tab or CR gets a
    leading apostrophe (OWASP). Numbers are left alone: -5 is a number, not a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value


# json.dumps escapes C0 controls (ESC included) but writes DEL, C1, bidi, zero-width and line
# separators raw when ensure_ascii=False; these are escaped instead, so the value is unchanged for
# a JSON reader and nothing reaches a terminal that shows the JSON.
_JSON_RAW_RE = re.compile(_CONTROL_RE.pattern[:-1] + "\u2028\u2029]")


def json_safe(json_text: str) -> str:
    """`json_text` (what json.dumps wrote) with every control, bidi and invisible mark as a \\u escape."""
    if json_text.isascii():
        return json_text.replace("\x7f", "\\u007f")
    return _JSON_RAW_RE.sub(_json_escape, json_text)


def _json_escape(m: re.Match[str]) -> str:
    units = m.group().encode("utf-16-le", "surrogatepass")  # a pair for characters past U+FFFF
    return "".join(f"\\u{int.from_bytes(units[i : i + 2], 'little'):04x}" for i in range(0, len(units), 2))
