"""`paybands sql "select ..."`: ad-hoc SQL on the database.

Without --write the statement runs in a sandbox: the database is opened read-only, and DuckDB's
own settings keep the statement away from the rest of the machine (`enable_external_access` off,
reads only under the database's folder via `allowed_directories`, no extension install or autoload,
no persistent secrets, then `lock_configuration` so no statement can switch any of it back).
Reading a Parquet or CSV file beside the database stays possible, which is how an analyst joins an
export or a list of their own. DuckDB's folder rule does not tell reading from writing, so the
statement kinds that write files, open other databases or load code (COPY, EXPORT, ATTACH,
INSTALL/LOAD) are refused before anything runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import duckdb

from analysis.output import render
from scraper.sanitize import terminal_safe
from scraper.store import sync_band_facts

from ..cli import cli
from ..db import open_db
from ..options import db_option, format_option, quiet_option

_HINT = "add --write to allow it"

# Statement kinds refused without --write, and why, in the words of the error.
_REFUSED = {
    duckdb.StatementType.COPY: "COPY (it writes and loads files; read a file with SELECT * FROM 'file.parquet')",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE (it writes files)",
    duckdb.StatementType.ATTACH: "ATTACH (an attached database file could be written)",
    duckdb.StatementType.LOAD: "INSTALL or LOAD (extensions are code from outside paybands)",
}

_FILE_RE = re.compile(r'Cannot access (?:file|directory) "([^"]*)"')
_LOCKED_RE = re.compile(r'Cannot change configuration option "([^"]*)" - the configuration has been locked')


def _sandbox(con: duckdb.DuckDBPyConnection, db_path: Path) -> list[str]:
    """Confine `con` to reading files under the database's folder; returns the folders allowed."""
    # The folder as named and as resolved (a symlinked data folder): DuckDB compares path strings.
    folders = list(dict.fromkeys([str(db_path.absolute().parent), str(db_path.resolve().parent)]))
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in folders)
    for setting in (
        f"allowed_directories = [{listed}]",
        "enable_external_access = false",  # no other file, no URL (http, s3)
        "autoinstall_known_extensions = false",
        "autoload_known_extensions = false",
        "allow_community_extensions = false",
        "allow_persistent_secrets = false",  # CREATE PERSISTENT SECRET writes under ~/.duckdb
        "lock_configuration = true",  # last: from here on no SET, RESET or PRAGMA can undo the above
    ):
        con.execute(f"SET {setting}")
    return folders


def _refusal(con: duckdb.DuckDBPyConnection, statement: str) -> str | None:
    """The sentence refusing `statement` without --write, or None when every part of it may run."""
    try:
        parts = con.extract_statements(statement)
    except duckdb.Error:
        return None  # a syntax error: running it gives DuckDB's message
    for part in parts:
        try:
            kind = part.type
        except ValueError:  # a statement kind this DuckDB build has no name for (UPDATE EXTENSIONS)
            return f"without --write, `sql` runs only statements it knows; {_HINT}"
        if kind in _REFUSED:
            return f"without --write, `sql` runs no {_REFUSED[kind]}; {_HINT}"
    return None


def _sandbox_message(msg: str, folders: list[str]) -> str | None:
    """DuckDB's refusal, said as what the sandbox allows; None for other errors."""
    if m := _LOCKED_RE.search(msg):
        return (
            f"without --write, `sql` changes no settings ({m.group(1)!r} is locked so that files, "
            f"the network and extensions stay out of reach); {_HINT}"
        )
    if "extensions is disabled" in msg:
        return f"without --write, `sql` loads no extensions; {_HINT}"
    if m := _FILE_RE.search(msg):
        return (
            f"without --write, `sql` reads files only in the database's folder ({folders[0]}); "
            f"{m.group(1)!r} is outside it; {_HINT}"
        )
    return None


@cli.command("sql")
@click.argument("statement")
@db_option
@format_option
@click.option(
    "--write",
    is_flag=True,
    help="Open the database read-write and lift the sandbox (files, extensions, settings).",
)
@quiet_option
def sql_cmd(statement: str, db_path: Path, fmt: str, write: bool, quiet: bool) -> None:
    """Run ad-hoc SQL and print the result. Read-only and sandboxed unless --write.

    Tables and views: postings, pay_bands, posting_bands, pay_band_changes,
    crawl_runs, crawl_run_companies, posting_versions, posting_history,
    pay_band_versions, posting_raw, band_facts (see docs/SCHEMA.md). Bands
    join postings fastest USING (posting_key). With --write, band_facts (derived
    from postings and bands) is rebuilt after the statement.

    Without --write the statement may read the database and files (Parquet,
    CSV, JSON) in the database's folder and below, and nothing else: no other
    file, no URL, no COPY or EXPORT DATABASE (they write files), no ATTACH,
    no INSTALL or LOAD of extensions, and no SET, RESET or PRAGMA that
    changes a setting. A symbolic link in the folder that points outside it
    is refused too.

    \b
    Example:
      paybands sql "select company, count(*) from postings group by 1 order by 2 desc"
      paybands sql "select * from posting_bands where title ilike '%scientist%'" --format csv
      paybands sql "select * from 'data/my_list.parquet'"   # a file beside the database
    """
    con = open_db(db_path, write=write, quiet=quiet)
    folders: list[str] = []
    try:
        if not write:
            if (refused := _refusal(con, statement)) is not None:
                raise click.ClickException(refused)
            folders = _sandbox(con, db_path)
        rel = con.sql(statement)
        df = None if rel is None else rel.pl()  # None: a statement without a result (e.g. UPDATE)
        if write:
            # band_facts is derived from postings and bands: rebuilt so the named queries see the change.
            con.execute("BEGIN")
            sync_band_facts(con)
            con.execute("COMMIT")
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0]
        if not write and (sandboxed := _sandbox_message(msg, folders)) is not None:
            raise click.ClickException(terminal_safe(sandboxed)) from None
        if not write and ("read-only" in msg.lower() or "read only" in msg.lower()):
            msg += " (the database is opened read-only; add --write to change it)"
        # DuckDB quotes values in its errors (a conversion error shows the text): those are server text.
        raise click.ClickException(terminal_safe(f"SQL failed: {msg}")) from None
    finally:
        con.close()
    if df is not None:
        click.echo(render(df, fmt), nl=False)  # type: ignore[arg-type]
