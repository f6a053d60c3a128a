"""Shared click options: each is one decorator so it means the same everywhere."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_DB = Path("data/paybands.duckdb")

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    envvar="PAYBANDS_DB",
    help="DuckDB database file (env PAYBANDS_DB).",
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
    help=(
        "Output format on stdout (jsonl: one JSON object a line). Text is shown without terminal escapes "
        "and controls; in csv a text cell starting with =, +, -, @ gets a leading ' so spreadsheets show "
        "it as text, not a formula."
    ),
)

quiet_option = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress or messages on stderr (for cron); errors still go to stderr.",
)

# The old --json of `salary` and `classify`, kept hidden so scripts keep working: --format jsonl.
json_option = click.option(
    "--json", "as_json", is_flag=True, hidden=True, help="Same as --format jsonl (kept for scripts)."
)


def read_inputs(args: tuple[str, ...], what: str = "TEXT") -> list[str]:
    """Command arguments, or one item per stdin line for '-' / no arguments.

    With no arguments on a terminal nothing would come: say how to give input instead of waiting.
    """
    if not args and sys.stdin.isatty():
        raise click.UsageError(f"give one or more {what} arguments, or pipe lines on stdin (or use '-')")
    if not args or args == ("-",):
        return [line.rstrip("\r\n") for line in sys.stdin]
    return list(args)
