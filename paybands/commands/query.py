"""`paybands query NAME --param value`: run a named query from queries/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import duckdb

from analysis.output import render
from analysis.queries import MAX_COUNT, NamedQuery, Param, QueryError, get_query, list_queries, run_query
from scraper.sanitize import terminal_safe

from ..cli import cli
from ..db import open_db
from ..options import db_option, format_option, quiet_option

_CLICK_TYPES: dict[str, click.ParamType] = {
    "text": click.STRING,
    "int": click.INT,
    "float": click.FLOAT,
    "date": click.STRING,
    "bool": click.BOOL,
    "count": click.IntRange(min=0, max=MAX_COUNT),
    "amount": click.FloatRange(min=0, min_open=True),
    "currency": click.STRING,  # checked against ISO 4217 by Param.convert (below)
    "country": click.STRING,  # these three are checked and made canonical by Param.convert
    "metro": click.STRING,
    "city": click.STRING,
}


def _click_type(p: Param) -> click.ParamType:
    if p.type == "choice":
        return click.Choice(p.choices, case_sensitive=False)
    return _CLICK_TYPES[p.type]


def _checker(p: Param):
    """Bad values are a usage error (exit 2, one sentence), not a null row or a Binder Error."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None and p.required:  # click 8.5 skips `required` for an option with a callback
            raise click.MissingParameter(ctx=ctx, param=param)
        try:
            return p.convert(value)
        except QueryError as exc:
            raise click.BadParameter(
                str(exc).split("; got")[0].removeprefix(f"{p.option} "), ctx, param
            ) from None

    return check


def _query_command(q: NamedQuery) -> click.Command:
    def callback(db_path: Path, fmt: str, quiet: bool, **params: Any) -> None:
        ctx = click.get_current_context()
        group_db = (ctx.parent.obj or {}).get("db_path") if ctx.parent else None
        if group_db is not None and ctx.get_parameter_source("db_path") is click.core.ParameterSource.DEFAULT:
            db_path = group_db  # `paybands query --db X NAME`: the group's --db
        con = open_db(db_path, quiet=quiet)
        try:
            df = run_query(con, q, {k: v for k, v in params.items() if v is not None})
        except QueryError as exc:
            raise click.ClickException(terminal_safe(str(exc))) from None
        except duckdb.Error as exc:
            # DuckDB quotes values in its errors (a failed cast shows the text): server text, made safe.
            raise click.ClickException(terminal_safe(f"query {q.name!r} failed: {exc}")) from None
        finally:
            con.close()
        click.echo(render(df, fmt), nl=False)  # type: ignore[arg-type]
        for note in [] if quiet else q.notes:
            click.echo(f"note: {note}", err=True)

    options: list[click.Parameter] = [
        # A yes/no parameter is a flag pair (`--ai-only` / `--no-ai-only`), as `export --include-estimates`
        # is; left out, the header's default holds.
        click.Option(
            [f"{p.option}/--no-{p.option[2:]}", p.name],
            default=None,
            callback=_checker(p),
            help=f"{p.help} [flag; default: {'unset' if p.default is None else 'on' if p.default else 'off'}]",
        )
        if p.type == "bool"
        else click.Option(
            [p.option, p.name],
            type=_click_type(p),
            default=None,
            required=p.required,
            callback=_checker(p),
            help=f"{p.help} [{'one of the choices' if p.choices else p.type}; "
            f"default: {'required' if p.required else p.default if p.default not in (None, '') else 'none'}]",
        )
        for p in q.params
    ]
    example = q.example or " ".join(f"{p.option} ..." for p in q.params[:2])
    cmd = click.Command(
        q.name,
        callback=callback,
        params=options,
        help=f"{q.about}\n\n\b\nExample:\n  paybands query {q.name} {example}\n\nSQL: {q.path}",
        short_help=q.about[:80],
    )
    db_option(cmd)
    format_option(cmd)
    quiet_option(cmd)
    return cmd


class QueryGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [q.name for q in list_queries()]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        try:
            return _query_command(get_query(name))
        except QueryError:
            return None

    def resolve_command(self, ctx, args):  # a clear sentence for an unknown query name
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            raise click.UsageError(
                f"no query named {args[0]!r}; run `paybands query --list` to see the queries"
            ) from None


@cli.group("query", cls=QueryGroup, invoke_without_command=True)
@click.option("--list", "show_list", is_flag=True, help="List the named queries and their parameters.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="PAYBANDS_DB",
    help="DuckDB database file for the query that follows (each query also takes --db).",
)
@click.pass_context
def query_group(ctx: click.Context, show_list: bool, db_path: Path | None) -> None:
    """Run a named query from queries/ with bound parameters.

    \b
    Example:
      paybands query --list
      paybands query pay-ranges --title "machine learning"
      paybands query pay-ranges --title scientist --format csv > pay.csv
    """
    ctx.obj = {"db_path": db_path}
    if ctx.invoked_subcommand is not None:
        return
    if not show_list:
        click.echo(ctx.get_help())
        return
    for q in list_queries():
        click.echo(f"{q.name}: {q.about}")
        for p in q.params:
            default = "" if p.default in (None, "") else f" (default {p.default})"
            kind = "|".join(p.choices) if p.choices else p.type.upper()
            default = " (required)" if p.required else default
            click.echo(f"    {p.option} {kind}{default}  {p.help}")
        if q.example:
            click.echo(f"    example: paybands query {q.name} {q.example}")
