"""`paybands salary`: the pay bands the salary normalizer reads from text (no database needed)."""

from __future__ import annotations

import json

import click
import polars as pl

from analysis.output import render
from paybands.cli import cli
from paybands.options import format_option, json_option, quiet_option, read_inputs
from scraper.models import PayBand
from scraper.salary import parse_pay_text
from scraper.salary.pay import fx_table
from scraper.salary.text import explain_pay_text
from scraper.sanitize import json_safe


def band_json(band: PayBand) -> dict[str, object]:
    return {
        "min": band.min_amount,
        "max": band.max_amount,
        "currency": band.currency,
        "period": band.period,
        "annual_min": band.annual_min,
        "annual_max": band.annual_max,
        "annual_min_usd": band.annual_min_usd,
        "annual_max_usd": band.annual_max_usd,
        "pay_type": band.pay_type,
        "zone": band.zone,
        "span": list(band.span) if band.span else None,
        "rule": band.rule,
    }


_SCHEMA = {
    "#": pl.Int64,
    "text": pl.String,
    "min": pl.Float64,
    "max": pl.Float64,
    "currency": pl.String,
    "period": pl.String,
    "pay_type": pl.String,
    "zone": pl.String,
    "usd_min_year": pl.Float64,
    "usd_max_year": pl.Float64,
}


@cli.command("salary")
@click.argument("texts", nargs=-1)
@click.option(
    "--currency",
    "default_currency",
    default="USD",
    show_default=True,
    help='Currency of a bare "$" (and of numbers stated without one), e.g. CAD for Canadian postings.',
)
@click.option("--zone", default=None, help="Zone for bands whose text names none.")
@click.option(
    "--country",
    default=None,
    metavar="CC",
    help='The posting\'s country (ISO 3166 alpha-2, e.g. CA, NO, JP): decides "$", "kr", "¥" the text does not name.',
)
@click.option(
    "--explain",
    is_flag=True,
    help="Show every amount found in each text and why it gave a band (the rule) or none (the reason).",
)
@format_option
@json_option
@quiet_option
def salary_cmd(
    texts: tuple[str, ...],
    default_currency: str,
    zone: str | None,
    country: str | None,
    explain: bool,
    fmt: str,
    as_json: bool,
    quiet: bool,
) -> None:
    """Show the pay bands found in each TEXT (min, max, currency, period, pay type, zone).

    Texts come from the arguments, or one per line on stdin with '-' or none.
    Amounts are normalized to yearly USD with the dated FX table (docs/FX.md).

    \b
    Example:
      paybands salary "Base salary: \\$180,000 - \\$240,000 per year" "Salaire : 45 000 € - 55 000 € brut annuel"
      printf 'Pay: $25/hr\\n401(k) with 4%% match\\n' | paybands salary --format jsonl
      paybands salary --country NO "Lønn: kr 600 000 – 750 000 per år"
      paybands salary --explain "401(k) match up to \\$5,000; base salary \\$150,000 - \\$180,000"
    """
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise click.BadParameter(
            f"{country!r} is not a two-letter country code (e.g. US, CA, DE)", param_hint="--country"
        )
    fmt = "jsonl" if as_json else fmt
    inputs = read_inputs(texts)
    if explain:
        _explain(inputs, default_currency, zone, country, fmt)
        return
    results = [
        (text, parse_pay_text(text, default_currency=default_currency, zone=zone, country=country))
        for text in inputs
    ]
    if fmt in ("json", "jsonl"):
        # One object per input line, in input order (blank lines too), for piping.
        objects: list[dict[str, object]] = [
            {"text": text, "bands": [band_json(b) for b in bands]} for text, bands in results
        ]
        _echo_objects(objects, fmt)
        return
    rows: list[dict[str, object]] = []
    for i, (text, bands) in enumerate(results, 1):
        short = " ".join(text.split())
        if fmt == "table":
            short = short if len(short) <= 48 else short[:47] + "…"
        if not bands:
            rows.append({"#": i, "text": short, "pay_type": "no pay"})
        for b in bands:
            rows.append(
                {
                    "#": i,
                    "text": short,
                    "min": b.min_amount,
                    "max": b.max_amount,
                    "currency": b.currency,
                    "period": b.period,
                    "pay_type": b.pay_type,
                    "zone": b.zone,
                    "usd_min_year": b.annual_min_usd,
                    "usd_max_year": b.annual_max_usd,
                }
            )
    if not rows:
        click.echo("(no input)", err=True)
        return
    df = pl.DataFrame(rows, schema=_SCHEMA).with_columns(pl.col(pl.String).fill_null(""))
    click.echo(render(df, "csv" if fmt == "csv" else "table", max_width=48), nl=False)
    if not quiet:
        click.echo(f"USD at FX rates of {fx_table().as_of}", err=fmt == "csv")


def _echo_objects(objects: list[dict[str, object]], fmt: str) -> None:
    """jsonl: one object a line; json: one list."""
    if fmt == "jsonl":
        for obj in objects:
            click.echo(json_safe(json.dumps(obj, ensure_ascii=False)))
    else:
        click.echo(json_safe(json.dumps(objects, ensure_ascii=False, indent=1)))


def _explain(
    inputs: list[str], default_currency: str, zone: str | None, country: str | None, fmt: str
) -> None:
    objects: list[dict[str, object]] = []
    for i, text in enumerate(inputs, 1):
        decisions = explain_pay_text(text, default_currency=default_currency, zone=zone, country=country)
        if fmt in ("json", "jsonl"):
            objects.append(
                {
                    "text": text,
                    "decisions": [
                        {
                            "found": d.found,
                            "span": list(d.span),
                            "rule": d.rule,
                            "verdict": d.verdict,
                            "band": band_json(d.band) if d.band else None,
                        }
                        for d in decisions
                    ],
                }
            )
            continue
        short = " ".join(text.split())
        click.echo(f"[{i}] {short if len(short) <= 100 else short[:99] + '…'}")
        if not decisions:
            click.echo("    no amount of money in this text")
        for d in decisions:
            if d.band is not None:
                b = d.band
                lo = "…" if b.min_amount is None else f"{b.min_amount:,.2f}".removesuffix(".00")
                hi = "…" if b.max_amount is None else f"{b.max_amount:,.2f}".removesuffix(".00")
                where = f", zone {b.zone}" if b.zone else ""
                click.echo(
                    f"    {d.found!r}: band {lo} - {hi} {b.currency} per {b.period}, {b.pay_type}{where}  [{d.rule}]"
                )
            else:
                click.echo(f"    {d.found!r}: no band: {d.verdict}")
    if objects:
        _echo_objects(objects, fmt)
