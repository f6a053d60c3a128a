"""Render a polars frame on stdout as a table, CSV or JSON.

Every command that prints rows from the database goes through here, and those rows hold what
boards sent (titles, ids, urls, errors): each format is made safe once, here. A table shows text
through scraper.sanitize.terminal_safe; CSV cells are also neutralized for spreadsheets (OWASP's
formula rule); JSON keeps every value exactly, with controls and bidi marks as \\u escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Literal, cast

import polars as pl

from scraper.sanitize import FORMULA_LEAD_PATTERN, csv_safe, json_safe, terminal_safe

Format = Literal["table", "csv", "json", "jsonl"]
# Money columns (by name) get thousands separators in a table; other numbers (years, ids, pids,
# counts of runs) print as they are: "2,024" is no year.
_MONEY_RE = re.compile(r"amount|usd|annual|salary|(^|_)(min|max|mid|p\d\d)(_|$)|_p\d\d|^mid_|^min_|^max_")
_URL_RE = re.compile(r"(^|_)url$")
_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)
# Text that may need cleaning: anything but printable ASCII (controls, escapes, bidi marks, and
# any non-ASCII letter, which terminal_safe then passes quickly).
_NOT_PLAIN = "[^ -~]"


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _map_text(df: pl.DataFrame, fn: Callable[[str], str], needs: str = _NOT_PLAIN) -> pl.DataFrame:
    """`df` with `fn` applied to every text cell and column name (numbers and dates untouched).

    Only cells matching `needs` (a superset of what `fn` changes) go through Python: a 100,000-row
    result of plain text costs one vectorized scan per column, not 100,000 calls."""
    for c, t in df.schema.items():
        if not isinstance(t, _TEXT_TYPES):
            continue
        col = df[c].cast(pl.String)
        rows = col.str.contains(needs).fill_null(False).arg_true()
        if len(rows):
            col = col.scatter(rows, [fn(v) for v in col.gather(rows).to_list()])
        df = df.with_columns(col)
    names = {c: c for c in df.columns if fn(c) == c}  # clean names keep theirs
    for c in df.columns:
        if c not in names:
            name = fn(c)
            while name in names.values():  # it differed from another only in what was removed
                name += "_"
            names[c] = name
    return df.rename(names) if any(k != v for k, v in names.items()) else df


def _all_cleaned(df: pl.DataFrame) -> bool:
    """True when every column is text (cleaned by _map_text) or prints only ASCII (numbers, dates)."""
    return all(
        isinstance(t, _TEXT_TYPES) or t.is_numeric() or t.is_temporal() or t in (pl.Boolean, pl.Null)
        for t in df.schema.values()
    )


def _json_cell(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=_json_default, ensure_ascii=False)


def _csv_cell(text: str) -> str:
    return csv_safe(terminal_safe(text, one_line=False))  # controls first: "\x1b[0m=1" is "=1" once shown


def render(df: pl.DataFrame, fmt: Format = "table", *, max_width: int = 60) -> str:
    if fmt == "csv":
        # Nested values (lists, structs) are written as their text, which CSV cannot otherwise hold.
        nested = [c for c, t in df.schema.items() if t.is_nested()]
        df = df.with_columns(
            [pl.Series(c, [_json_cell(v) for v in df[c].to_list()], dtype=pl.String) for c in nested]
        )
        cells = _map_text(df, _csv_cell, f"{_NOT_PLAIN}|{FORMULA_LEAD_PATTERN}")
        csv_text = cells.write_csv()
        return csv_text if _all_cleaned(cells) else terminal_safe(csv_text, one_line=False)
    if fmt == "json":
        return (
            json_safe(json.dumps(df.to_dicts(), default=_json_default, ensure_ascii=False, indent=1)) + "\n"
        )
    if fmt == "jsonl":  # one object a line, for `| while read` and `jq -c`
        return "".join(
            json_safe(json.dumps(row, default=_json_default, ensure_ascii=False)) + "\n"
            for row in df.to_dicts()
        )
    if df.is_empty():
        return "(no rows)\n"
    df = _map_text(df, partial(terminal_safe, one_line=True))
    shown = df.select([_table_cell(df[c], max_width) for c in df.columns])
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=60_000,  # cells are cut above (URLs never: a cut URL cannot be opened)
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="ASCII_MARKDOWN",
        tbl_width_chars=65_000,
    ):
        table = str(shown)
    # Nested values (lists, structs) are not cleaned cell by cell: then the whole table is.
    return (table if _all_cleaned(df) else terminal_safe(table, one_line=False)) + "\n"


def _table_cell(col: pl.Series, max_width: int) -> pl.Series:
    """A column as the text a table shows: NULL empty, '|' escaped (it would end the cell), text cut
    at `max_width` (URLs whole), money with thousands separators and whole units, ratios to 2 places,
    other numbers as they are."""
    name, t = col.name, col.dtype
    money = bool(_MONEY_RE.search(name.lower()))
    if t.is_float():
        big = (cast(float | None, col.abs().max()) or 0) >= 1000
        if money or big:
            values = [
                None if v is None or v != v else (f"{round(v):,}" if money else str(round(v)))
                for v in col.to_list()
            ]
        else:
            values = [None if v is None else f"{v:.2f}".rstrip("0").rstrip(".") for v in col.to_list()]
        out = pl.Series(name, values, dtype=pl.String)
    elif t.is_integer():
        out = pl.Series(
            name,
            [None if v is None else (f"{v:,}" if money else str(v)) for v in col.to_list()],
            dtype=pl.String,
        )
    elif t.is_nested():
        out = pl.Series(name, [_json_cell(v) for v in col.to_list()], dtype=pl.String)
    else:
        out = col.cast(pl.String)
        if not _URL_RE.search(name.lower()):
            long = out.str.len_chars() > max_width
            out = (
                pl.select(pl.when(long).then(out.str.slice(0, max_width - 1) + "…").otherwise(out))
                .to_series()
                .alias(name)
            )
    return out.str.replace_all("|", "\\|", literal=True).fill_null("")
