"""`paybands report`: the pay-range report on the terminal (and as HTML with --out)."""

from __future__ import annotations

from pathlib import Path

import click

from analysis.report import text_report

from ..cli import cli
from ..db import open_db
from ..options import db_option


@cli.command("report")
@db_option
@click.option("--title", default="", help="Only titles containing these words (e.g. 'machine learning').")
@click.option("--limit", type=int, default=40, show_default=True, help="Rows in the pay-range table.")
def report_cmd(db_path: Path, title: str, limit: int) -> None:
    """Print a pay-range report: coverage per company and the top pay ranges.

    \b
    Example:
      paybands report
      paybands report --title scientist --limit 20
    """
    con = open_db(db_path)
    try:
        click.echo(text_report(con, title=title, limit=limit), nl=False)
    finally:
        con.close()
