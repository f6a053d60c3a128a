"""`paybands reparse`: re-derive bands and the role taxonomy from stored payloads."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scraper.reparse import reparse
from scraper.sanitize import terminal_safe
from scraper.store import StoreError, StoreLocked

from ..cli import cli
from ..exit_codes import EXIT_LOCKED
from ..options import db_option, quiet_option


@cli.command("reparse")
@db_option
@quiet_option
def reparse_cmd(db_path: Path, quiet: bool) -> None:
    """Re-parse stored raw payloads with the current normalizer and taxonomy (no network).

    Bands that come out different (amounts, currency, period, pay type, zone,
    a band added or gone) get a new version, listed by `paybands changes` and
    pay_band_changes with change_kind = repair. Bands whose pay is the same only
    get the current rule and evidence written onto them (no new version). The
    run is recorded in crawl_runs (kind reparse).

    \b
    Example:
      paybands reparse --db data/paybands.duckdb
    """
    if not db_path.exists():
        raise click.ClickException(f"database {str(db_path)!r} does not exist; nothing to reparse")
    say = (lambda m: None) if quiet else (lambda m: click.echo(terminal_safe(m), err=True))
    try:
        result = reparse(db_path, progress=say)
    except StoreLocked as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    for item in result.skipped:
        click.echo(terminal_safe(f"skipped: {item}"), err=True)  # posting ids are server text
    say(
        f"reparse run {result.run_id}: {result.postings} postings, {result.changed} with changed bands, "
        f"{result.reclassified} reclassified"
    )
