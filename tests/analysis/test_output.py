"""analysis.output.render: the one stdout writer makes every format safe for a terminal and CSV safe
for a spreadsheet, without changing what the values are."""

from __future__ import annotations

import csv
import io
import json
import re

import polars as pl
import pytest

from analysis.output import render

UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")  # fmt: skip
OSC8 = "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07"


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "title": [f"{OSC8} ML Engineer", "\x9b31mred\u202e", "=HYPERLINK(\"http://evil\",\"x\")", "-2+3", None],
            "amount": [-5, 1, 2, 3, None],
            "ids": [["\x1b[2Jid"], [], None, ["ok"], ["-1"]],
            f"name{OSC8}": ["a", "b", "c", "d", "e"],
        }
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_no_escape_control_or_bidi_reaches_stdout(frame: pl.DataFrame, fmt: str) -> None:
    out = render(frame, fmt)  # type: ignore[arg-type]
    assert not UNSAFE_RE.search(out), UNSAFE_RE.findall(out)


def test_table_keeps_the_visible_text(frame: pl.DataFrame) -> None:
    out = render(frame, "table")
    assert "click ML Engineer" in out and "| nameclick" in out


def test_csv_cells_are_not_formulas_and_numbers_stay_numbers(frame: pl.DataFrame) -> None:
    rows = list(csv.reader(io.StringIO(render(frame, "csv"))))
    assert rows[0] == ["title", "amount", "ids", "nameclick"]
    titles = [r[0] for r in rows[1:]]
    assert titles[2] == '\'=HYPERLINK("http://evil","x")' and titles[3] == "'-2+3"
    assert [r[1] for r in rows[1:]] == ["-5", "1", "2", "3", ""]
    assert json.loads(rows[1][2]) == ["\x1b[2Jid"]  # a list cell as JSON text, the ESC as \u001b


def test_json_keeps_every_value_exactly(frame: pl.DataFrame) -> None:
    assert json.loads(render(frame, "json")) == frame.to_dicts()


def test_column_names_that_clean_to_the_same_name_stay_apart() -> None:
    out = render(pl.DataFrame({"a\x1b[1m": ["x"], "a": ["y"]}), "csv")
    assert out.splitlines()[0] == "a_,a"
