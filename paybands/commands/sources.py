"""`paybands sources`: every source this paybands has, its config keys, board format and an example."""

from __future__ import annotations

import json

import click
import polars as pl

from analysis.output import render
from scraper.registry import filter_entries
from scraper.registry_config import toml_string
from scraper.sanitize import json_safe
from scraper.sources import get_source, source_names

from ..cli import cli
from ..options import format_option, quiet_option

# The keys every [[company]] table takes (scraper/config.py); a source adds its own `options`.
COMMON_KEYS = ("name", "source", "board", "base_url")
# A source no registry row uses (it reads any careers page) gets this example; the URL is a placeholder.
PLACEHOLDER_EXAMPLES = {
    "jsonld": {"name": "Example Co", "source": "jsonld", "url": "https://example.com/careers"}
}
_TYPE_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "true/false",
    list: "list",
    dict: "table",
}


def _example(name: str) -> tuple[dict[str, str], str]:
    """A [[company]] table for this source and where it came from: the registry row of the AI
    employer most lists name (a curated one first), else a placeholder."""
    rows = filter_entries(ats=[name])
    if rows:
        best = min(
            rows, key=lambda e: (not e.curated, not e.ai_employer, -len(e.evidence), e.name.casefold())
        )
        return best.company_table(), f"registry row {best.ats}:{best.board}"
    if name in PLACEHOLDER_EXAMPLES:
        return dict(PLACEHOLDER_EXAMPLES[name]), "placeholder"
    recorded = _demo_example(name)
    if recorded:
        return recorded, "the demo's recorded board (demo/replay.toml)"
    return {"name": "Example", "source": name, "board": "…"}, "placeholder"


def _demo_example(name: str) -> dict[str, str] | None:
    """The demo config's company on this source (a recorded board), without its replay base_url."""
    import tomllib

    from .demo import demo_config_text

    for company in tomllib.loads(demo_config_text("https://replay.invalid")).get("company", []):
        if company.get("source") == name and "synth" not in company.get("name", "").lower():
            table = {k: v for k, v in company.items() if k != "base_url"}
            return table
    return None


def describe_sources() -> list[dict[str, object]]:
    out = []
    for name in source_names():
        src = get_source(name)
        assert src is not None
        options = {
            k: " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in ts) for k, ts in src.options.items()
        }
        example, origin = _example(name)
        out.append(
            {
                "source": name,
                "board": src.board_help,
                "board_optional": src.board_optional,
                "keys": [*COMMON_KEYS, *options],
                "options": options,
                "default_base_url": src.default_base_url or None,
                "needs_browser": src.needs_browser,
                "registry_rows": len(filter_entries(ats=[name])),
                "example": example,
                "example_from": origin,
            }
        )
    return out


def _inline(table: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k} = {toml_string(v)}" for k, v in table.items()) + "}"


@cli.command("sources")
@format_option
@quiet_option
def sources_cmd(fmt: str, quiet: bool) -> None:
    """Every source paybands can crawl: its config keys, board format and an example.

    The example is a real registry row (the AI employer most lists name) as a
    [[company]] table; `--format json` gives the same for scripts.

    \b
    Example:
      paybands sources
      paybands sources --format json | jq '.[] | select(.source == "workday") | .example'
    """
    rows = describe_sources()
    if fmt == "json":  # written directly: examples differ in keys (jsonld takes url, not board)
        click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=1)))
    elif fmt == "jsonl":
        for r in rows:
            click.echo(json_safe(json.dumps(r, ensure_ascii=False)))
    else:
        frame = pl.DataFrame(
            [
                {
                    "source": r["source"],
                    "board": r["board"],
                    "keys": ", ".join(r["keys"]),  # type: ignore[arg-type]
                    "default_base_url": r["default_base_url"],
                    "registry_rows": r["registry_rows"],
                    "example": _inline(r["example"]),  # type: ignore[arg-type]
                }
                for r in rows
            ]
        )
        click.echo(render(frame, fmt, max_width=200), nl=False)  # type: ignore[arg-type]
    if not quiet:
        click.echo(f"{len(rows)} sources", err=True)
