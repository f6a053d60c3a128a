"""`paybands export`: postings with their pay bands as Parquet, CSV or JSON."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

import click
import duckdb

from analysis.export import FORMATS, ExportError, export_bands
from scraper.merge import MergeError, export_shard

from ..cli import cli
from ..db import open_db
from ..options import db_option, quiet_option


def _copy_to_stdout(src: BinaryIO) -> None:
    """Copy to stdout; a reader that stops early (`| head`) ends the copy quietly, as in any filter."""
    out = sys.stdout.buffer
    try:
        shutil.copyfileobj(src, out)
        out.flush()
    except BrokenPipeError:
        # Python would report the pipe again when it flushes stdout at exit: point it at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@cli.command("export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="File format (default: from the --out file name: .parquet, .csv, .json).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, allow_dash=True),
    required=True,
    help="File to write, '-' for stdout. A regular file is replaced atomically; anything else "
    "(a symlink, a device, a folder) is refused, and no folder is created.",
)
@click.option("--all", "all_postings", is_flag=True, help="Also postings without pay (band columns empty).")
@click.option("--include-removed", is_flag=True, help="Also postings no longer listed on their board.")
@click.option("--include-estimates", is_flag=True, help="Also job-site salary estimates (not posted pay).")
@click.option(
    "--tables",
    type=click.Choice(["bands", "all"]),
    default="bands",
    show_default=True,
    help="bands: postings with their bands, one file. all: every table a merge needs, as Parquet "
    "files in the --out folder with manifest.json (a shard crawled with --shard K/N, for `paybands merge`).",
)
@quiet_option
def export_cmd(
    db_path: Path,
    fmt: str | None,
    out: Path,
    all_postings: bool,
    include_removed: bool,
    include_estimates: bool,
    tables: str,
    quiet: bool,
) -> None:
    """Export postings with pay bands, one row per band, for spreadsheets and notebooks.

    Columns: the posting (company, title, location, country, role family,
    seniority, url, first/last seen) and the band (min/max as posted,
    currency, period, annualized and in USD, annual_mid_usd, pay_type, zone).
    By default only open postings and posted pay (no site estimates).

    CSV is made safe for spreadsheets (OWASP's CSV-injection rule): a text
    cell that starts with =, +, -, @, tab or CR gets a leading apostrophe,
    so a title like =HYPERLINK(...) shows as text, not a formula. Numbers
    stay numbers (-5 stays -5). Parquet and JSON keep text as stored.

    \b
    Example:
      paybands export --out pay.parquet
      paybands export --format csv --out pay.csv --all
      paybands export --format csv --out - | head
      paybands export --db shard0.duckdb --tables all --format parquet --out shard0/
    """
    if tables == "all":
        _export_shard(db_path, fmt, out, quiet)
        return
    to_stdout = str(out) == "-"
    if to_stdout and fmt is None:
        raise click.UsageError("--out - (stdout) needs --format parquet, csv or json")
    con = open_db(db_path, quiet=quiet)
    tmpdir = tempfile.TemporaryDirectory(prefix="paybands-export-") if to_stdout else None
    target = Path(tmpdir.name) / f"export.{fmt}" if tmpdir else out
    try:
        rows = export_bands(
            con,
            target,
            fmt,
            all_postings=all_postings,
            include_removed=include_removed,
            include_estimates=include_estimates,
        )
        if tmpdir:
            with target.open("rb") as src:
                _copy_to_stdout(src)
    except ExportError as exc:
        raise click.UsageError(str(exc)) from None
    except (duckdb.Error, OSError) as exc:
        raise click.ClickException(f"export to {str(out)!r} failed: {exc}") from None
    finally:
        con.close()
        if tmpdir:
            tmpdir.cleanup()
    if not quiet:
        click.echo(f"wrote {rows:,} rows to {'stdout' if to_stdout else out}", err=True)


def _export_shard(db_path: Path, fmt: str | None, out: Path, quiet: bool) -> None:
    if fmt not in (None, "parquet"):
        raise click.UsageError("--tables all writes Parquet only (--format parquet)")
    if str(out) == "-" or (out.exists() and not out.is_dir()):
        raise click.UsageError("--tables all writes a folder: give --out a folder (it is created if missing)")
    if not db_path.is_file():
        raise click.ClickException(
            f"no database at {db_path}; crawl it first with `paybands crawl --shard K/N`"
        )
    try:
        info = export_shard(db_path, out)
    except MergeError as exc:
        raise click.UsageError(str(exc)) from None
    except (duckdb.Error, OSError) as exc:
        raise click.ClickException(f"export of {db_path} to {str(out)!r} failed: {exc}") from None
    if not quiet:
        click.echo(
            f"wrote {len(info.tables)} tables of shard {info.shard} ({len(info.hosts)} hosts, runs "
            f"{info.run_ids[0] if info.run_ids else '-'}..{info.run_ids[-1] if info.run_ids else '-'}) to {out}",
            err=True,
        )
