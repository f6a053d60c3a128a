"""Read-side database access for commands, with user-facing errors."""

from __future__ import annotations

from pathlib import Path

import click
import duckdb

from scraper.replay.data_status import banner, data_status_counts
from scraper.schema import SCHEMA_VERSION, current_version
from scraper.store import StoreError, connect, storage_cause

from .exit_codes import EXIT_STORAGE


class StorageClickError(click.ClickException):
    """A database file that cannot be used (disk full, read-only, damaged): exit 7, as `crawl`."""

    exit_code = EXIT_STORAGE


def _fail(exc: StoreError) -> click.ClickException:
    if storage_cause(exc) is not None:
        return StorageClickError(str(exc))
    return click.ClickException(str(exc))


def open_db(path: Path, *, write: bool = False, quiet: bool = False) -> duckdb.DuckDBPyConnection:
    """Open an existing database (read-only unless `write`); never creates one."""
    if not path.exists():
        raise click.ClickException(
            f"database {str(path)!r} does not exist; run `paybands crawl --config companies.toml` first or pass --db"
        )
    try:
        con = connect(path, read_only=not write)
    except StoreError as exc:
        raise _fail(exc) from None
    try:
        version = current_version(con)
    except (duckdb.Error, ValueError):
        version = None  # not a paybands database, or a damaged meta: the query will say what is missing
    if version is not None and version > SCHEMA_VERSION:
        con.close()
        # Readers refuse too: a newer paybands may have changed what columns mean.
        raise click.ClickException(
            f"database {str(path)!r} has schema version {version}, newer than this paybands "
            f"({SCHEMA_VERSION}); upgrade paybands to read it"
        )
    if version is not None and version < SCHEMA_VERSION:
        # The named queries and views speak the current schema: upgrade the file once (every row kept,
        # all or nothing), then read it as asked.
        con.close()
        from scraper.store import Store

        try:
            Store(path).close()
        except StoreError as exc:
            raise _fail(exc) from None
        click.echo(f"upgraded {str(path)!r} from schema version {version} to {SCHEMA_VERSION}", err=True)
        return open_db(path, write=write, quiet=quiet)
    # Demo data that is not a recording says so wherever postings are shown (stderr: stdout stays data).
    note = None if quiet else banner(data_status_counts(con))
    if note:
        click.echo(f"note: {note}", err=True)
    return con
