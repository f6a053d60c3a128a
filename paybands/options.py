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
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help=(
        "Output format on stdout. Text is shown without terminal escapes and controls; in csv a text "
        "cell starting with =, +, -, @ gets a leading ' so spreadsheets show it as text, not a formula."
    ),
)

quiet_option = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress or messages on stderr (for cron); errors still go to stderr.",
)

json_option = click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per input line on stdout."
)


def read_inputs(args: tuple[str, ...]) -> list[str]:
    """Command arguments, or one item per stdin line for '-' / no arguments."""
    if not args or args == ("-",):
        return [line.rstrip("\r\n") for line in sys.stdin]
    return list(args)
