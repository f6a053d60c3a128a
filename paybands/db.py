"""Read-side database access for commands, with user-facing errors."""

from __future__ import annotations

from pathlib import Path

import click
import duckdb

from scraper.store import StoreError, connect


def open_db(path: Path, *, write: bool = False) -> duckdb.DuckDBPyConnection:
    """Open an existing database (read-only unless `write`); never creates one."""
    if not path.exists():
        raise click.ClickException(
            f"database {str(path)!r} does not exist; run `paybands crawl --config companies.toml` first or pass --db"
        )
    try:
        return connect(path, read_only=not write)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
