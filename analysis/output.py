"""Render a polars frame on stdout as a table, CSV or JSON."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Literal

import polars as pl

Format = Literal["table", "csv", "json"]


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def render(df: pl.DataFrame, fmt: Format = "table", *, max_width: int = 60) -> str:
    if fmt == "csv":
        return df.write_csv()
    if fmt == "json":
        return json.dumps(df.to_dicts(), default=_json_default, ensure_ascii=False, indent=1) + "\n"
    if df.is_empty():
        return "(no rows)\n"
    # Round floats for reading (money to whole units, ratios to 2 places); CSV/JSON keep full precision.
    floats = [c for c, t in df.schema.items() if t in (pl.Float64, pl.Float32)]
    big = {c for c in floats if (df[c].abs().max() or 0) >= 1000}
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
        return str(shown) + "\n"
