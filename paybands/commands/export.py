"""`paybands export`: postings with their pay bands as Parquet, CSV or JSON."""

from __future__ import annotations

from pathlib import Path

import click
import duckdb

from analysis.export import FORMATS, ExportError, export_bands

from ..cli import cli
from ..db import open_db
from ..options import db_option, quiet_option


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
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced if it exists).",
)
@click.option("--all", "all_postings", is_flag=True, help="Also postings without pay (band columns empty).")
@click.option("--include-removed", is_flag=True, help="Also postings no longer listed on their board.")
@click.option("--include-estimates", is_flag=True, help="Also job-site salary estimates (not posted pay).")
@quiet_option
def export_cmd(
    db_path: Path,
    fmt: str | None,
    out: Path,
    all_postings: bool,
    include_removed: bool,
    include_estimates: bool,
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
    """
    con = open_db(db_path)
    try:
        rows = export_bands(
            con,
            out,
            fmt,
            all_postings=all_postings,
            include_removed=include_removed,
            include_estimates=include_estimates,
        )
    except ExportError as exc:
        raise click.UsageError(str(exc)) from None
    except (duckdb.Error, OSError) as exc:
        raise click.ClickException(f"export to {str(out)!r} failed: {exc}") from None
    finally:
        con.close()
    if not quiet:
        click.echo(f"wrote {rows:,} rows to {out}", err=True)
