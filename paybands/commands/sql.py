"""`paybands sql "select ..."`: ad-hoc SQL on the database."""

from __future__ import annotations

from pathlib import Path

import click
import duckdb

from analysis.output import render
from scraper.store import sync_band_facts

from ..cli import cli
from ..db import open_db
from ..options import db_option, format_option


@cli.command("sql")
@click.argument("statement")
@db_option
@format_option
@click.option("--write", is_flag=True, help="Open the database read-write (default: read-only).")
def sql_cmd(statement: str, db_path: Path, fmt: str, write: bool) -> None:
    """Run ad-hoc SQL and print the result. Read-only unless --write.

    Tables and views: postings, pay_bands, posting_bands, pay_band_changes,
    crawl_runs, crawl_run_companies, posting_versions, posting_history,
    pay_band_versions, posting_raw, band_facts (see docs/SCHEMA.md). Bands
    join postings fastest USING (posting_key). With --write, band_facts (derived
    from postings and bands) is rebuilt after the statement.

    \b
    Example:
      paybands sql "select company, count(*) from postings group by 1 order by 2 desc"
      paybands sql "select * from posting_bands where title ilike '%scientist%'" --format csv
    """
    con = open_db(db_path, write=write)
    try:
        rel = con.sql(statement)
        df = None if rel is None else rel.pl()  # None: a statement without a result (e.g. UPDATE)
        if write:
            # band_facts is derived from postings and bands: rebuilt so the named queries see the change.
            con.execute("BEGIN")
            sync_band_facts(con)
            con.execute("COMMIT")
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0]
        if not write and ("read-only" in msg.lower() or "read only" in msg.lower()):
            msg += " (the database is opened read-only; add --write to change it)"
        raise click.ClickException(f"SQL failed: {msg}") from None
    finally:
        con.close()
    if df is not None:
        click.echo(render(df, fmt), nl=False)  # type: ignore[arg-type]
