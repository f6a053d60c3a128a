"""Shared click options: each is one decorator so it means the same everywhere."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from analysis.queries import QueryError, place_value

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


def _place(kind: str) -> Callable[[click.Context, click.Parameter, str | None], str]:
    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
        try:
            return place_value(kind, value or "")
        except QueryError as exc:  # exit 2 with the sentence, as the named queries' options
            raise click.BadParameter(
                str(exc).split("; got")[0].removeprefix(f"--{kind} "), ctx, param
            ) from None

    return check


def place_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--country / --metro / --city / --remote, as every named query declares them (the same help,
    the same checks); the command receives them as one dict, `places`, for the posting filter."""
    options = [
        click.option("--country", callback=_place("country"), default=None,
                     help="Only this country: ISO code or English name (US, GB, Germany)."),
        click.option("--metro", callback=_place("metro"), default=None,
                     help='Only this metro area, e.g. "bay area", "nyc metro", "greater london".'),
        click.option("--city", callback=_place("city"), default=None,
                     help='Only this city, e.g. "San Francisco", "Bengaluru" (NYC, Bangalore work).'),
        click.option("--remote/--no-remote", default=None,
                     help="Only bands open to remote work, or only those that are not; unset = both."),
    ]  # fmt: skip

    def gather(**kwargs: Any) -> Any:
        places = {k: kwargs.pop(k) for k in ("country", "metro", "city", "remote")}
        return f(places={k: v for k, v in places.items() if v not in (None, "")}, **kwargs)

    functools.update_wrapper(gather, f)  # with the click options already on f (its __dict__)
    for option in reversed(options):
        gather = option(gather)
    return gather
