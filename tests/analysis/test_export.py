"""`paybands export`: one row per band in Parquet, CSV or JSON, read back the way a notebook would."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from analysis.export import ExportError, export_bands, format_for
from paybands.cli import cli
from tests.analysis.conftest import HOSTILE_ATTR, HOSTILE_TITLE, ZYZZYVA


def _export(db: Path, out: Path, *args: str) -> str:
    res = CliRunner().invoke(cli, ["export", "--db", str(db), "--out", str(out), *args])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""  # nothing on stdout: the data is in the file
    return res.stderr


def _read(path: Path, fmt: str) -> pl.DataFrame:
    if fmt == "parquet":
        return pl.read_parquet(path)
    if fmt == "csv":
        return pl.read_csv(path, infer_schema_length=None)
    return pl.DataFrame(json.loads(path.read_text("utf-8")), infer_schema_length=None)


def _count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).fetchall()[0][0]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_export_has_one_row_per_band_of_open_postings(analysis_db, tmp_path, fmt):
    out = tmp_path / f"pay.{fmt}"
    msg = _export(analysis_db, out)
    df = _read(out, fmt)
    bands = _count(
        analysis_db,
        "SELECT count(*) FROM postings p JOIN pay_bands b USING (posting_id) WHERE p.is_active AND NOT b.is_estimate",
    )
    assert len(df) == bands and f"wrote {bands:,} rows to {out}" in msg
    for col in ("company", "title", "role_family", "seniority", "country", "min_amount", "max_amount",
                "currency", "period", "annual_min_usd", "annual_max_usd", "annual_mid_usd", "pay_type", "zone",
                "is_estimate", "url", "first_seen"):  # fmt: skip
        assert col in df.columns, col
    z = df.filter(pl.col("company") == ZYZZYVA).sort("title")
    assert z["title"].to_list() == [
        "Zyzzyva Engineer I",
        "Zyzzyva Engineer II",
        "Zyzzyva Engineer III",
        "Zyzzyva Engineer IV",
        "Zyzzyva Research Scientist",
    ]
    assert z["annual_mid_usd"].to_list() == [100_000, 150_000, 200_000, 250_000, 600_000]
    assert not df["is_estimate"].cast(pl.Boolean).any()
    # Crawled text survives the round trip byte for byte (CSV quoting, JSON escaping).
    assert {HOSTILE_TITLE, HOSTILE_ATTR} <= set(df["title"].to_list())
    assert HOSTILE_ATTR in df["zone"].to_list()


def test_parquet_keeps_types_for_notebooks(analysis_db, tmp_path):
    out = tmp_path / "pay.parquet"
    _export(analysis_db, out)
    schema = pl.read_parquet_schema(out)
    assert schema["annual_mid_usd"] == pl.Float64
    assert schema["is_active"] == pl.Boolean
    assert isinstance(schema["first_seen"], pl.Datetime) and schema["first_seen"].time_zone == "UTC"


def test_export_options_add_postings_without_pay_removed_and_estimates(analysis_db, tmp_path):
    _export(analysis_db, tmp_path / "base.parquet")
    base = len(pl.read_parquet(tmp_path / "base.parquet"))
    out = tmp_path / "all.parquet"
    _export(analysis_db, out, "--all")
    every = pl.read_parquet(out)
    no_pay = _count(
        analysis_db,
        """SELECT count(*) FROM postings p WHERE p.is_active AND NOT EXISTS (
               SELECT 1 FROM pay_bands b WHERE b.posting_id = p.posting_id AND NOT b.is_estimate)""",
    )
    assert no_pay > 0 and len(every) == base + no_pay
    assert every.filter(pl.col("band_no").is_null()).height == no_pay
    assert "Zyzzyva Engineer Estimate" in every["title"].to_list()  # listed once, without its estimate
    out = tmp_path / "more.parquet"
    _export(analysis_db, out, "--include-removed", "--include-estimates")
    more = pl.read_parquet(out).filter(pl.col("company") == ZYZZYVA)
    assert {"Zyzzyva Engineer Gone", "Zyzzyva Engineer Estimate"} <= set(more["title"].to_list())
    assert more.filter(pl.col("title") == "Zyzzyva Engineer Estimate")["is_estimate"].to_list() == [True]


def test_format_from_the_file_name_or_the_option(analysis_db, tmp_path):
    assert format_for(Path("a.PARQUET"), None) == "parquet" and format_for(Path("a.pq"), None) == "parquet"
    assert format_for(Path("a.txt"), "csv") == "csv"
    with pytest.raises(ExportError):
        format_for(Path("a.xlsx"), None)
    res = CliRunner().invoke(cli, ["export", "--db", str(analysis_db), "--out", str(tmp_path / "pay.xlsx")])
    assert res.exit_code == 2 and "pass --format parquet, csv or json" in res.output
    out = tmp_path / "pay.data"
    _export(analysis_db, out, "--format", "json")
    assert isinstance(json.loads(out.read_text("utf-8")), list)


def test_export_replaces_the_file_atomically_and_takes_any_path(analysis_db, tmp_path):
    out = tmp_path / "it's; DROP TABLE postings; --.csv"  # the path is a bound parameter, not SQL
    out.write_text("old")
    _export(analysis_db, out)
    assert out.read_text("utf-8").startswith("posting_id,company")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind
    assert _count(analysis_db, "SELECT count(*) FROM postings") > 0


def test_failed_export_keeps_the_old_file(analysis_db, tmp_path):
    out = tmp_path / "pay.csv"
    out.write_text("old")
    with duckdb.connect(str(analysis_db), read_only=True) as con:
        # A temporary view shadows the real one and fails while rows are being written.
        con.execute(
            "CREATE TEMP VIEW pay_bands AS "
            "SELECT * REPLACE (CAST(error('disk on fire') AS INTEGER) AS band_no) FROM main.pay_bands"
        )
        with pytest.raises(duckdb.Error):
            export_bands(con, out)
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["pay.csv"]


def test_export_of_a_missing_database_is_a_clear_error(tmp_path):
    res = CliRunner().invoke(
        cli, ["export", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "x.csv")]
    )
    assert res.exit_code == 1 and "does not exist" in res.output


FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]


def test_csv_export_neutralizes_formula_cells_and_keeps_numbers(analysis_db, tmp_path):
    """OWASP's CSV-injection rule: a text cell a spreadsheet would read as a formula gets a leading
    apostrophe, in every text column; numbers, a negative one too, are written as numbers."""
    import csv
    import shutil

    from tests.analysis.conftest import _insert_posting

    db = tmp_path / "formula.duckdb"
    shutil.copy(analysis_db, db)
    with duckdb.connect(str(db)) as con:
        for i, text in enumerate(FORMULAS):
            _insert_posting(
                con, company="=Formula Co", ext=f"f{i}", title=text, bands=[(-5, 100, "USD", "base", False)],
                location=text, url=f"@{text}", zone=text, first_seen="2024-01-01",
            )  # fmt: skip
    out = tmp_path / "pay.csv"
    _export(db, out, "--format", "csv")
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    mine = [r for r in rows if r["company"] == "'=Formula Co"]
    assert sorted(r["title"] for r in mine) == sorted("'" + t for t in FORMULAS)
    for r in rows:
        for col, cell in r.items():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (col, cell)
            assert not cell.startswith("-") or _is_number(cell), (col, cell)
    assert {r["min_amount"] for r in mine} == {"-5.0"}  # a number, not text with an apostrophe


def test_csv_safe_sql_wraps_text_columns_only(ro):
    from datetime import date

    from analysis.export import csv_safe_sql

    sql = (
        "SELECT * FROM (VALUES ('=1', -5, -2.5, DATE '2024-01-02', true, 'ok', NULL)) t(a, n, f, d, b, s, z)"
    )
    got = ro.sql(csv_safe_sql(ro, sql)).fetchall()
    assert got == [("'=1", -5, -2.5, date(2024, 1, 2), True, "ok", None)]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_out_dash_is_stdout(analysis_db):
    res = CliRunner().invoke(cli, ["export", "--db", str(analysis_db), "--format", "csv", "--out", "-"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("posting_id,company") and "wrote" in res.stderr
    assert not Path("-").exists()  # no file named '-'
    res = CliRunner().invoke(cli, ["export", "--db", str(analysis_db), "--out", "-"])
    assert res.exit_code == 2 and "--format" in res.output


@pytest.mark.parametrize("kind", ["symlink to a file", "symlink to /dev/null", "folder"])
def test_only_a_regular_file_is_ever_replaced(analysis_db, tmp_path, kind):
    """`--out /dev/stdout` as root replaced the symlink with a regular file: anything but a regular
    file is refused and left as it was."""
    real = tmp_path / "real.csv"
    real.write_text("keep")
    out = tmp_path / "out.csv"
    if kind == "folder":
        out.mkdir()
    else:
        out.symlink_to(real if kind == "symlink to a file" else Path("/dev/null"))
    res = CliRunner().invoke(cli, ["export", "--db", str(analysis_db), "--out", str(out)])
    assert res.exit_code == 2 and "only replaces regular files" in res.output, res.output
    assert real.read_text() == "keep"
    assert out.is_dir() if kind == "folder" else out.is_symlink()


def test_a_missing_folder_is_refused_not_created(analysis_db, tmp_path):
    out = tmp_path / "no" / "such" / "pay.csv"
    res = CliRunner().invoke(cli, ["export", "--db", str(analysis_db), "--out", str(out)])
    assert res.exit_code == 2 and "does not exist" in res.output
    assert not (tmp_path / "no").exists()
