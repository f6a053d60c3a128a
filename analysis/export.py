"""Export postings with their pay bands to Parquet, CSV or JSON for spreadsheets and notebooks.

One row per band (a posting with bands for three zones is three rows); with `all_postings`,
postings without pay are included once with empty band columns. DuckDB writes the file
itself (`COPY (...) TO ?`), so exporting a million rows never goes through Python objects.
The path and filter values are bound parameters, never pasted into the SQL.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

import duckdb

from scraper.sanitize import FORMULA_LEAD_PATTERN

ExportFormat = Literal["parquet", "csv", "json"]
FORMATS: tuple[str, ...] = ("parquet", "csv", "json")

_COPY_OPTIONS: dict[str, str] = {
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "csv": "FORMAT csv, HEADER true",
    # ARRAY: one JSON array (what most tools expect from a .json file), not newline-delimited rows.
    "json": "FORMAT json, ARRAY true",
}

COLUMNS = """
    p.posting_id, p.company, p.source, p.title, p.location, p.city, p.region, p.country, p.remote,
    p.department, p.employment_type, p.is_ai_ml, p.role_family, p.seniority,
    p.is_active, p.first_seen, p.last_seen, p.removed_at, p.url, p.data_status, p.data_note, p.duplicate_of,
    b.band_no, b.zone, b.min_amount, b.max_amount, b.currency, b.period,
    b.annual_min, b.annual_max, b.annual_min_usd, b.annual_max_usd,
    (coalesce(b.annual_min_usd, b.annual_max_usd) + coalesce(b.annual_max_usd, b.annual_min_usd)) / 2
        AS annual_mid_usd,
    b.pay_type, b.origin, b.is_estimate, b.seen_since AS band_seen_since
"""


class ExportError(ValueError):
    pass


def format_for(path: Path, fmt: str | None) -> ExportFormat:
    """The explicit format, else the one the file name says (.parquet/.pq, .csv, .json)."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        return fmt  # type: ignore[return-value]
    suffix = path.suffix.lower().lstrip(".")
    guessed = {"pq": "parquet", "parquet": "parquet", "csv": "csv", "json": "json"}.get(suffix)
    if guessed is None:
        raise ExportError(f"cannot tell the format from {path.name!r}; pass --format parquet, csv or json")
    return guessed  # type: ignore[return-value]


def export_sql(*, all_postings: bool, include_removed: bool, include_estimates: bool) -> str:
    # Flags pick fixed SQL fragments; nothing user-supplied is formatted in.
    band_filter = "" if include_estimates else " AND NOT b.is_estimate"
    join = "LEFT JOIN" if all_postings else "JOIN"
    where = "TRUE" if include_removed else "p.is_active"
    return f"""SELECT {COLUMNS}
FROM postings p
{join} pay_bands b ON b.posting_key = p.posting_key{band_filter}
WHERE {where}
ORDER BY p.company, p.posting_id, b.band_no"""


def csv_safe_sql(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """`sql` with each text column neutralized for spreadsheets: a value starting with =, +, -, @,
    tab or CR gets a leading apostrophe (scraper.sanitize's rule, here run by DuckDB so the rows
    still never pass through Python). Numbers, dates and booleans are left as they are."""
    pattern = _sql_literal(FORMULA_LEAD_PATTERN)
    columns = []
    for name, kind, *_ in con.execute(f"DESCRIBE {sql}").fetchall():
        col = '"' + name.replace('"', '""') + '"'
        if kind == "VARCHAR":
            col = f"CASE WHEN regexp_matches({col}, {pattern}) THEN '''' || {col} ELSE {col} END AS {col}"
        columns.append(col)
    return f"SELECT {', '.join(columns)} FROM ({sql})"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_target(out: Path) -> None:
    """ExportError unless `out` can be written as a regular file in an existing folder."""
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = (
            "a symbolic link"
            if stat.S_ISLNK(st.st_mode)
            else "a folder"
            if stat.S_ISDIR(st.st_mode)
            else "not a regular file"
        )
        raise ExportError(
            f"--out {str(out)!r} is {what}; paybands only replaces regular files (use --out - for stdout)"
        )
    if not out.parent.is_dir():
        raise ExportError(f"--out {str(out)!r}: the folder {str(out.parent)!r} does not exist")


def export_bands(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    fmt: str | None = None,
    *,
    all_postings: bool = False,
    include_removed: bool = False,
    include_estimates: bool = False,
) -> int:
    """Write the export; returns the number of rows. Written to a temporary name, then renamed,
    so a reader never sees half a file and a failed export leaves the old one in place.

    Only a regular file is ever replaced: a symlink (/dev/stdout is one), a device, a folder or a
    pipe at `out` is refused, as is a folder that does not exist (no folder is created: a typo in a
    path must not make one). `stdout` (`--out -`) is written from a temporary file.
    """
    check_target(out)
    kind = format_for(out, fmt)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    sql = export_sql(
        all_postings=all_postings, include_removed=include_removed, include_estimates=include_estimates
    )
    if kind == "csv":
        sql = csv_safe_sql(con, sql)
    try:
        rows = con.execute(f"COPY ({sql}) TO ? ({_COPY_OPTIONS[kind]})", [str(tmp)]).fetchall()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return int(rows[0][0]) if rows else 0
