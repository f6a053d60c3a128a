"""`paybands changes --since DATE`: pay bands that moved, by a crawl or by a reparse's repair."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from analysis.history import band_changes
from analysis.output import render

from ..cli import cli
from ..db import open_db
from ..options import db_option, format_option, quiet_option


@cli.command("changes")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Changes on or after this date (YYYY-MM-DD); default: 7 days before the latest crawl, "
    "as `paybands query band-changes`.",
)
@click.option("--company", default=None, help="Only companies whose name contains this.")
@db_option
@format_option
@quiet_option
def changes_cmd(since: datetime | None, company: str | None, db_path: Path, fmt: str, quiet: bool) -> None:
    """Print every pay band that changed since DATE: between crawls, or repaired by a reparse.

    A band that appeared has no old values; one that went has no new values.
    change_kind says who made the change: `crawl` (the board changed it) or
    `repair` (`paybands reparse` re-read the stored payload with a newer
    normalizer and corrected what an older one had stored).

    \b
    Example:
      paybands changes
      paybands changes --since 2026-11-01
      paybands changes --since 2026-01-01 --company netflix --format csv
    """
    con = open_db(db_path, quiet=quiet)
    try:
        df = band_changes(con, date(since.year, since.month, since.day) if since else None, company)
    finally:
        con.close()
    click.echo(render(df, fmt), nl=False)  # type: ignore[arg-type]
