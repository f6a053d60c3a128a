"""scraper.sanitize: real escape sequences a server can send, and the CSV formula rule."""

from __future__ import annotations

import pytest

from scraper.sanitize import csv_safe, terminal_safe

# (what, raw, what the terminal must get)
SEQUENCES = [
    ("CSI colour", "\x1b[31;1mred\x1b[0m", "red"),
    ("CSI cursor moves and clear screen", "a\x1b[2J\x1b[H\x1b[10;20Hb\x1b[3A", "ab"),
    ("CSI erase line after CR", "ok\r\x1b[Kfake", "okfake"),
    ("CSI private mode (hide cursor)", "\x1b[?25lx\x1b[?25h", "x"),
    ("OSC-8 link ended by BEL", "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07", "click"),
    ("OSC-8 link ended by ST", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
    ("OSC-8 link ended by 8-bit ST", "\x1b]8;;http://evil.example\x9cclick\x1b]8;;\x9c", "click"),
    ("OSC 0 window title", "\x1b]0;pwned\x07job", "job"),
    ("OSC 52 clipboard write", "\x1b]52;c;cm0gLXJmIH4=\x07job", "job"),
    ("unterminated OSC swallows the rest", "job\x1b]8;;http://evil.example", "job"),
    ("8-bit CSI", "\x9b31mred\x9b0m", "red"),
    ("8-bit OSC ended by 8-bit ST", "\x9d0;title\x9cjob", "job"),
    ("DCS (7-bit)", "\x1bP1$r0m\x1b\\job", "job"),
    ("DCS (8-bit)", "\x901$r0m\x9cjob", "job"),
    ("APC and PM", "\x1b_apc\x1b\\\x1b^pm\x1b\\job", "job"),
    ("two-byte escapes (reset, save cursor, charset)", "\x1bc\x1b7\x1b(Bjob\x1b8", "job"),
    ("lone ESC at the end", "job\x1b", "job"),
    ("C1 controls (NEL, IND, RI)", "a\x85b\x84c\x8dd", "abcd"),
    ("bidi override", "\u202egnp.exe\u202c", "gnp.exe"),
    ("bidi embeddings and marks", "\u202aa\u202bb\u200ec\u200fd\u061c", "abcd"),
    ("bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"),
    ("zero-width space, joiner, word joiner, BOM", "a\u200bb\u200dc\u2060d\ufeff", "abcd"),
    ("invisible tag characters", "a\U000e0041\U000e0042b", "ab"),
    ("NUL", "a\x00b", "ab"),
    ("DEL", "a\x7fb", "ab"),
    ("backspace overwrite", "safe\x08\x08\x08\x08evil", "safeevil"),
    ("bell and vertical tab", "a\x07b\x0bc\x0cd", "abcd"),
    ("lone surrogate", "a\ud800b", "ab"),
    (
        "plain text untouched",
        "Senior ML Engineer, Zürich (€120k–€150k)",
        "Senior ML Engineer, Zürich (€120k–€150k)",
    ),
]


@pytest.mark.parametrize(("raw", "want"), [s[1:] for s in SEQUENCES], ids=[s[0] for s in SEQUENCES])
def test_terminal_safe_removes_sequence(raw: str, want: str) -> None:
    out = terminal_safe(raw)
    assert out == want
    assert not any(0x80 <= ord(c) <= 0x9F or ord(c) < 0x20 or c == "\x7f" for c in out)


def test_one_line_folds_newlines_tabs_and_unicode_separators() -> None:
    assert terminal_safe("a\nb\tc\u2028d\u2029e") == "a b c d e"


def test_multi_line_keeps_newlines_and_tabs_only() -> None:
    assert terminal_safe("a\nb\tc\r\n\x1b[31md", one_line=False) == "a\nb\tc\nd"


def test_limit_cuts_with_an_ellipsis() -> None:
    assert terminal_safe("abcdefgh", limit=4) == "abc…"
    assert terminal_safe("abc", limit=4) == "abc"


def test_non_strings_are_printed() -> None:
    assert terminal_safe(12) == "12"
    assert terminal_safe(None) == "None"
    assert terminal_safe(10**5000).startswith("<int")


@pytest.mark.parametrize(
    ("cell", "want"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Engineer", "Engineer"),
        ("", ""),
        (-5, -5),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_csv_safe(cell: object, want: object) -> None:
    assert csv_safe(cell) == want


def test_formula_pattern_is_the_same_rule_as_csv_safe() -> None:
    import re

    from scraper.sanitize import FORMULA_LEAD_PATTERN

    for c in map(chr, range(0x250)):
        cell = c + "x"
        assert bool(re.match(FORMULA_LEAD_PATTERN, cell)) == (csv_safe(cell) != cell), repr(c)


def test_json_safe_escapes_what_json_dumps_leaves_raw_and_keeps_the_value() -> None:
    import json

    from scraper.sanitize import json_safe

    value = ["\x1b[31mred", "\x9b31m", "\u202eabc", "a\x7fb", "l\u2028s", "t\U000e0041", "Zürich €", "\ud800"]
    raw = json.dumps(value, ensure_ascii=False)
    safe = json_safe(raw)
    assert json.loads(safe) == value
    assert terminal_safe(safe, one_line=False) == safe  # nothing left for a terminal to act on
    assert "Zürich €" in safe  # readable text stays readable


def test_every_character_removed_is_one_isprintable_refuses() -> None:
    """terminal_safe skips its regular expressions for str.isprintable() text: that is only right
    while everything it removes or folds is a character isprintable() refuses."""
    from scraper.sanitize import _CONTROL_RE, _NEWLINES_RE

    leaks = [
        hex(i)
        for i in range(0x110000)
        if (_CONTROL_RE.match(chr(i)) or _NEWLINES_RE.match(chr(i)) or chr(i) in "\x1b\x9b\x9d\x90")
        and chr(i).isprintable()
    ]
    assert leaks == []
