"""`paybands companies`: search the registry of employers and their job boards, add them to a config."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from analysis.output import render
from scraper.registry import COLUMNS, SUPPORTED_SOURCES, RegistryEntry, filter_entries, load, search
from scraper.registry_config import (
    RegistryError,
    already_in,
    append_tables,
    check_table,
    choose,
    read_config_tables,
    toml_table,
)
from scraper.sanitize import terminal_safe

from ..cli import cli
from ..options import format_option, quiet_option

_SHOWN = [c for c in COLUMNS if c != "extra"]
_TABLE = ["name", "ats", "board", "supported", "ai_employer", "ai_rule", "careers_url", "conflict"]


def ats_names() -> list[str]:
    """Every ATS name the registry or paybands knows: what --ats accepts."""
    return sorted({e.ats for e in load()} | SUPPORTED_SOURCES)


def _check_ats(ctx: click.Context, param: click.Parameter, value: tuple[str, ...] | str | None) -> object:
    values = (value,) if isinstance(value, str) else value or ()
    known = ats_names()
    for v in values:
        if v not in known:
            raise click.BadParameter(
                f"{v!r} is no ATS of the registry; use one of {', '.join(known)}", ctx, param
            )
    return value


def _emit(entries: list[RegistryEntry], fmt: str) -> None:
    columns = _TABLE if fmt == "table" else _SHOWN
    schema = {c: (pl.Boolean if c in ("supported", "ai_employer") else pl.String) for c in columns}
    rows = [{c: e.as_row()[c] for c in columns} for e in entries]
    click.echo(render(pl.DataFrame(rows, schema=schema), fmt), nl=False)  # type: ignore[arg-type]


@cli.group("companies")
def companies_group() -> None:
    """The registry of AI employers and their job boards (scraper/data/registry.csv.gz).

    One row per board of the public lists the registry was merged from: its ATS
    (paybands' source name), board, careers URL, the lists naming it (evidence),
    whether it is an AI employer and by which rule, and its conflicts (other boards
    of the company: read them before trusting a row).

    \b
    Example:
      paybands companies search anthropic
      paybands companies list --ats workday --ai
      paybands companies add Netflix NVIDIA --config companies.toml
    """


@companies_group.command("search")
@click.argument("text", nargs=-1, required=True)
@click.option("--ai", "ai_only", is_flag=True, help="Only AI employers (ai_employer = true).")
@click.option(
    "--ats", default=None, callback=_check_ats, help="Only rows on this ATS (paybands source name)."
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="At most this many rows (0: all).",
)
@format_option
@quiet_option
def search_cmd(
    text: tuple[str, ...], ai_only: bool, ats: str | None, limit: int, fmt: str, quiet: bool
) -> None:
    """Find registry rows by company name, board or careers URL, best match first.

    The exact name first, then the same name without case and punctuation, a name
    starting with TEXT, a word of a name, anywhere in a name, then boards and URLs;
    among equals the curated AI employers, other AI employers, supported sources.

    \b
    Example:
      paybands companies search hugging face
      paybands companies search netflix --format json
      paybands companies search robotics --ai --ats workday
    """
    query = " ".join(text)
    found = filter_entries(search(query), ats=[ats] if ats else (), ai_only=ai_only)
    shown = found[:limit] if limit else found
    _emit(shown, fmt)
    if not quiet:
        more = f" (showing {len(shown)}; --limit 0 for all)" if len(shown) < len(found) else ""
        click.echo(f"{len(found):,} registry rows match {terminal_safe(query)!r}{more}", err=True)


@companies_group.command("list")
@click.option("--ats", multiple=True, callback=_check_ats, help="Only rows on this ATS; repeat for several.")
@click.option("--ai", "ai_only", is_flag=True, help="Only AI employers (ai_employer = true).")
@click.option("--supported", "supported_only", is_flag=True, help="Only rows on a source paybands has.")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most this many rows (0: all).")
@format_option
@quiet_option
def list_cmd(
    ats: tuple[str, ...], ai_only: bool, supported_only: bool, limit: int, fmt: str, quiet: bool
) -> None:
    """List registry rows, by company name.

    \b
    Example:
      paybands companies list --ai --ats eightfold
      paybands companies list --ai --supported --format csv > ai_boards.csv
    """
    rows = filter_entries(ats=ats, ai_only=ai_only, supported_only=supported_only)
    shown = rows[:limit] if limit else rows
    _emit(shown, fmt)
    if not quiet:
        click.echo(f"{len(shown):,} of {len(load()):,} registry rows", err=True)


@companies_group.command("add")
@click.argument("companies", nargs=-1, required=True, metavar="NAME|URL...")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="TOML config to append [[company]] tables to (created when missing).",
)
@click.option("--ats", default=None, callback=_check_ats, help="Take the company's board on this ATS.")
@click.option(
    "--offline",
    is_flag=True,
    help="A URL no registry row has is read from the URL alone; without it, its page is fetched "
    "(through the crawl's rules) when the URL does not name a board.",
)
@format_option
@quiet_option
def add_cmd(
    companies: tuple[str, ...], config_path: Path, ats: str | None, offline: bool, fmt: str, quiet: bool
) -> None:
    """Add companies from the registry to a crawl config, by name or careers URL.

    For each NAME or URL the registry row to crawl is chosen (the curated AI-employer
    board first, then a board on a source paybands has, an AI signal, the board most
    lists name) and appended as a [[company]] table with a comment saying where it came
    from. stderr says what was chosen and why: the row, its evidence, its conflict. A
    URL is matched by the registry's careers URLs (or one company's own host). A company
    already in the config (same board or same name) is refused; nothing is written
    unless every company can be added. stdout lists the tables added.

    \b
    Example:
      paybands companies add Anthropic "Hugging Face" --config companies.toml
      paybands companies add https://explore.jobs.netflix.net --config companies.toml
      paybands companies add Netflix --ats workday --config my.toml --format json
    """
    try:
        tables = read_config_tables(config_path)
        blocks: list[str] = []
        added: list[dict[str, str]] = []
        notes: list[str] = []
        for text in companies:
            choice = choose(text, ats, fetch=not offline)
            e = choice.entry
            table = e.company_table()
            existing = already_in(tables, e)
            if existing is not None:
                raise RegistryError(
                    f"{e.label} is already in {config_path} (as {existing.get('name')!r},"
                    f" {existing.get('source')}:{existing.get('board')}); nothing was added"
                )
            if already_in(added, e) is not None:
                raise RegistryError(f"{e.label} is named twice ({text!r} again); nothing was added")
            check_table(table, choice.alternatives)
            origin = (
                "detected from its URL"
                if e.evidence[:1] and e.evidence[0].startswith("detect:")
                else "from the registry"
            )
            comment = [f"{e.ats}:{e.board} {origin}; evidence: {', '.join(e.evidence)}"]
            if e.conflict:
                comment.append(f"conflict: {e.conflict}")
            blocks.append(toml_table(table, [terminal_safe(c, 400) for c in comment]))
            added.append(table)
            notes.append(
                f"{terminal_safe(text)}: chose {terminal_safe(e.label)}: {'; '.join(choice.reasons)}"
                f"\n  evidence: {', '.join(e.evidence)}"
                + (f"\n  conflict: {terminal_safe(e.conflict, 600)}" if e.conflict else "\n  conflict: none")
            )
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    append_tables(config_path, blocks)
    if not quiet:
        for note in notes:
            click.echo(note, err=True)
        click.echo(f"added {len(added)} compan{'y' if len(added) == 1 else 'ies'} to {config_path}", err=True)
    schema = {c: pl.String for c in ("name", "source", "board", "base_url")}
    frame = pl.DataFrame([{c: t.get(c) for c in schema} for t in added], schema=schema)
    click.echo(render(frame, fmt), nl=False)  # type: ignore[arg-type]
