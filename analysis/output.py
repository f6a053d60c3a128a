"""Render a polars frame on stdout as a table, CSV or JSON.

Every command that prints rows from the database goes through here, and those rows hold what
boards sent (titles, ids, urls, errors): each format is made safe once, here. A table shows text
through scraper.sanitize.terminal_safe; CSV cells are also neutralized for spreadsheets (OWASP's
formula rule); JSON keeps every value exactly, with controls and bidi marks as \\u escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Literal, cast

import polars as pl

from scraper.sanitize import FORMULA_LEAD_PATTERN, csv_safe, json_safe, terminal_safe

Format = Literal["table", "csv", "json"]
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
    if df.is_empty():
        return "(no rows)\n"
    df = _map_text(df, partial(terminal_safe, one_line=True))
    # Round floats for reading (money to whole units, ratios to 2 places); CSV/JSON keep full precision.
    floats = [c for c, t in df.schema.items() if t in (pl.Float64, pl.Float32)]
    big = {c for c in floats if (cast(float | None, df[c].abs().max()) or 0) >= 1000}
    shown = df.with_columns(
        [pl.col(c).round(0).cast(pl.Int64, strict=False) if c in big else pl.col(c).round(2) for c in floats]
    )
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=max_width,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="ASCII_MARKDOWN",
        thousands_separator=",",
        tbl_width_chars=10_000,
    ):
        table = str(shown)
    # Nested values (lists, structs) are not cleaned cell by cell: then the whole table is.
    return (table if _all_cleaned(shown) else terminal_safe(table, one_line=False)) + "\n"
