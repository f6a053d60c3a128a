"""`paybands detect`: which source and board each careers URL is (scraper/detect.py does the work)."""

from __future__ import annotations

import json
import sys

import click
import polars as pl

from analysis.output import render
from scraper.detect import Detection, detect_many
from scraper.sanitize import json_safe
from scraper.sources import source_names

from ..cli import cli
from ..exit_codes import EXIT_UNKNOWN
from ..options import format_option, quiet_option, read_inputs


def _base_url(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        source, sep, url = value.partition("=")
        if not sep or source not in source_names() or not url.startswith(("http://", "https://")):
            raise click.BadParameter(
                f"{value!r} is not SOURCE=URL with a known source and an http(s) URL "
                "(e.g. greenhouse=http://127.0.0.1:8765)",
                ctx,
                param,
            )
        out[source] = url.rstrip("/")
    return out


@cli.command("detect")
@click.argument("urls", nargs=-1)
@click.option(
    "--offline", is_flag=True, help="Read only the URLs themselves: fetch no page (and probe nothing)."
)
@click.option(
    "--probe",
    is_flag=True,
    help="Also ask the ATS APIs: confirm each board found, and for a site none was found for, try the "
    "board names its domain suggests on Greenhouse, Lever and Ashby (taken only when the board's own "
    "postings name that domain).",
)
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    callback=_base_url,
    metavar="SOURCE=URL",
    help="Where --probe asks SOURCE's API instead of its default host (a mirror, `paybands replay`); "
    "repeatable.",
)
@format_option
@quiet_option
def detect_cmd(
    urls: tuple[str, ...],
    offline: bool,
    probe: bool,
    base_urls: dict[str, str],
    fmt: str,
    quiet: bool,
) -> None:
    """Say which source (ATS) and board each careers URL is, for a config's [[company]].

    URLs come from the arguments, or one per line on stdin with '-' or none. The URL itself
    is read first (every source's URL patterns, offline); when it names no board, the page is
    fetched (robots.txt and politeness as in a crawl) and its embedded boards, iframes, apply
    links and JSON-LD are read. Unknown is answered rather than a guess: source and board are
    then empty (null in JSON) and evidence says why. Output keeps input order: one row or
    object per URL with url, source, board, evidence and base_url (the base_url a config needs,
    when the source's default host does not serve the board).

    Exit code 0 when every URL was answered, 8 when some are unknown.

    \b
    Example:
      paybands detect https://job-boards.greenhouse.io/anthropic https://jobs.eu.lever.co/diabolocom
      paybands detect --offline --format json https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite
      cut -d, -f4 companies.csv | paybands detect --probe --format jsonl -
    """
    if offline and probe:
        raise click.UsageError("--probe asks the ATS APIs over the network; it cannot go with --offline")
    inputs = read_inputs(urls, "URL")
    found = detect_many(inputs, fetch=not offline, probe=probe, base_urls=base_urls)
    _print(found, fmt)
    unknown = sum(1 for d in found if not d.known)
    if not quiet:
        click.echo(f"{len(found) - unknown} of {len(found)} URLs detected; {unknown} unknown", err=True)
    if unknown:
        sys.exit(EXIT_UNKNOWN)


def _print(found: list[Detection], fmt: str) -> None:
    rows = [d.as_dict() for d in found]
    if fmt == "jsonl":  # exactly one object per input line, in input order
        for row in rows:
            click.echo(json_safe(json.dumps(row, ensure_ascii=False)))
        return
    if fmt == "json":
        click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=1)))
        return
    schema = {k: pl.String for k in ("url", "source", "board", "evidence", "base_url")}
    df = pl.DataFrame(rows, schema=schema)  # type: ignore[arg-type]
    click.echo(render(df, "csv" if fmt == "csv" else "table", max_width=70), nl=False)
