"""`paybands report`: the pay-range report on the terminal (and as HTML with --out)."""

from __future__ import annotations

from pathlib import Path

import click

from analysis.html_report import write_report
from analysis.report import text_report
from scraper.sanitize import terminal_safe
from scraper.taxonomy import ROLE_FAMILIES

from ..cli import cli
from ..db import open_db
from ..options import db_option, place_options, quiet_option


@cli.command("report")
@db_option
@click.option("--title", default="", help="Only titles containing these words (e.g. 'machine learning').")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=100_000),
    default=None,
    help="Rows in the pay-range tables (default 40), or postings in the HTML report's top list (default 20).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write an HTML report (index.html + charts/*.svg) into this folder instead of printing.",
)
@click.option(
    "--role-family",
    type=click.Choice(ROLE_FAMILIES, case_sensitive=False),
    default=None,
    help="HTML report: only this role family; default: AI/ML postings.",
)
@place_options
@quiet_option
def report_cmd(
    db_path: Path,
    title: str,
    limit: int | None,
    out_dir: Path | None,
    role_family: str | None,
    quiet: bool,
    places: dict,
) -> None:
    """Print a pay-range report: coverage per company and the top pay ranges.

    With --out DIR, write a self-contained HTML report for recruiters
    instead: pay bands per company, pay by seniority and by country, pay
    across crawls, as charts with plain-language captions (open
    DIR/index.html in a browser; no internet needed).

    \b
    Example:
      paybands report
      paybands report --title scientist --limit 20
      paybands report --metro "bay area" --title "machine learning"
      paybands report --out report/ --role-family ml_engineer
    """
    con = open_db(db_path, quiet=quiet)
    try:
        if out_dir is None:
            # Tables are made safe cell by cell in render(); the whole text once more for what is not a table.
            text = text_report(con, title=title, limit=limit or 40, places=places)
            click.echo(terminal_safe(text, one_line=False), nl=False)
            return
        index = write_report(
            con,
            out_dir,
            role_family=(role_family or "").lower() or None,
            title=title or None,
            limit=limit or 20,
            places=places,
        )
    finally:
        con.close()
    click.echo(str(index))
