"""`paybands classify`: how the role taxonomy reads job titles (no database needed)."""

from __future__ import annotations

import json

import click
import polars as pl

from analysis.output import render
from paybands.cli import cli
from paybands.options import format_option, json_option, quiet_option, read_inputs
from scraper.sanitize import json_safe
from scraper.taxonomy import classify, ml_evidence


@cli.command("classify")
@click.argument("titles", nargs=-1)
@click.option(
    "--description",
    default=None,
    help="Posting text to classify every title with (it can make a generic title such as "
    '"Software Engineer" ML/AI).',
)
@format_option
@json_option
@quiet_option
def classify_cmd(
    titles: tuple[str, ...], description: str | None, fmt: str, as_json: bool, quiet: bool
) -> None:
    """Classify job titles: ML/AI or not, role family and seniority.

    Titles come from the arguments, or one per line on stdin with '-' or none.
    The rules are in docs/TAXONOMY.md.

    \b
    Example:
      paybands classify "Product Manager, Machine Learning Platform" "Sr. Applied Scientist"
      printf 'Technical Director\\nSoftware Engineer II\\n' | paybands classify --format jsonl
      paybands classify "Software Engineer" --description "You will train and serve our LLMs with PyTorch."
    """
    rows = []
    fmt = "jsonl" if as_json else fmt
    for title in read_inputs(titles, "TITLE"):
        role = classify(title, description)
        row = {
            "title": title,
            "is_ai_ml": role.is_ai_ml,
            "role_family": role.role_family,
            "seniority": role.seniority,
        }
        if description is not None:
            # What the description contributed: the signals found and their points, or that the
            # title decided alone (what the stored classification of a crawled posting used too).
            row["ml_evidence"] = ml_evidence(title, description)
        rows.append(row)
    if fmt == "jsonl":
        # Exactly one object per input line, in input order (blank lines too), for piping.
        for row in rows:
            click.echo(json_safe(json.dumps(row, ensure_ascii=False)))
        return
    schema = {"title": pl.String, "is_ai_ml": pl.Boolean, "role_family": pl.String, "seniority": pl.String}
    if description is not None:
        schema["ml_evidence"] = pl.String
    click.echo(render(pl.DataFrame(rows, schema=schema), fmt, max_width=80), nl=False)  # type: ignore[arg-type]
