"""The CLI surface is uniform: every command has --quiet and a --help example; --format means the same
everywhere it is offered (table, csv, json, jsonl); tables are readable and honest."""

from __future__ import annotations

import json
import re

import click
import polars as pl
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from analysis.output import render
from paybands.cli import cli


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    out = []
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        assert cmd is not None
        if isinstance(cmd, click.Group):
            out += [(f"{name} {s}", cmd.get_command(ctx, s)) for s in cmd.list_commands(ctx)]  # type: ignore[misc]
        else:
            out.append((name, cmd))
    return out


@pytest.mark.parametrize(("name", "cmd"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_quiet_and_an_example(name, cmd):
    opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
    assert "--quiet" in opts, name
    res = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert res.exit_code == 0 and "Example:" in res.output and f"paybands {name}" in res.output, name
    if "--format" in opts and name != "export":  # export's --format is a file format (parquet, csv, json)
        fmt = next(p for p in cmd.params if "--format" in getattr(p, "opts", []))
        assert list(fmt.type.choices) == ["table", "csv", "json", "jsonl"], name  # type: ignore[attr-defined]


def test_version():
    res = CliRunner().invoke(cli, ["--version"])
    assert res.exit_code == 0 and "version" in res.output


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_salary_and_classify_take_every_format(fmt):
    text = "Base salary: $180,000 - $240,000 per year"
    res = CliRunner().invoke(cli, ["salary", text, "--format", fmt])
    assert res.exit_code == 0, res.output
    if fmt == "jsonl":
        assert json.loads(res.stdout.splitlines()[0])["bands"][0]["max"] == 240000
    elif fmt == "json":
        assert json.loads(res.stdout)[0]["bands"][0]["min"] == 180000
    elif fmt == "csv":
        assert res.stdout.splitlines()[0].startswith("#,text,min,max")
    res = CliRunner().invoke(cli, ["classify", "Staff ML Engineer", "--format", fmt])
    assert res.exit_code == 0 and "ml_engineer" in res.stdout


def test_old_json_flag_still_means_one_object_a_line():
    res = CliRunner().invoke(cli, ["salary", "--json", "$50/hour", "no pay here"])
    assert [json.loads(line)["text"] for line in res.stdout.splitlines()] == ["$50/hour", "no pay here"]


def test_no_input_on_a_terminal_says_how_instead_of_waiting(monkeypatch):
    import paybands.options

    class Tty:
        def isatty(self) -> bool:
            return True

        def __iter__(self):  # reading would block on a real terminal: the test fails if it is read
            raise AssertionError("read a terminal")

    monkeypatch.setattr(paybands.options.sys, "stdin", Tty())
    with pytest.raises(click.UsageError, match="pipe lines on stdin"):
        paybands.options.read_inputs(())
    assert paybands.options.read_inputs(("a", "b")) == ["a", "b"]


def test_tables_are_readable():
    df = pl.DataFrame(
        {
            "title": ["Engineer | Platform", "x" * 90, None],
            "url": ["https://jobs.example/" + "y" * 90, None, "https://a.example/1"],
            "year": [2024, 2025, 2026],
            "pid": [15761, 1, 2],
            "annual_max_usd": [250000.0, None, 1234.5],
            "ratio": [1.23456, 2.0, None],
        }
    )
    table = render(df, "table")
    lines = table.splitlines()
    unescaped = re.compile(r"(?<!\\)\|")
    assert {len(unescaped.findall(line)) for line in lines} == {7}  # 6 columns: a pipe in a title is escaped
    assert "Engineer \\| Platform" in table
    assert "2024" in table and "2,024" not in table and "15761" in table  # years and ids are not money
    assert "250,000" in table and "1,234" in table  # money is
    assert "https://jobs.example/" + "y" * 90 in table  # a URL is never cut
    assert "x" * 59 + "…" in table  # other long text is
    assert "null" not in table  # NULL shows as an empty cell
    assert render(df, "jsonl").count("\n") == 3


def test_yes_no_options_are_flags_everywhere():
    """`--include-estimates` is a flag in `export`: in every query too (it took a value there)."""
    ctx = click.Context(cli)
    export = cli.get_command(ctx, "export")
    assert export is not None
    flags = {o: p for p in export.params for o in getattr(p, "opts", [])}
    assert flags["--include-estimates"].is_flag  # type: ignore[attr-defined]
    for name, cmd in _commands():
        if not name.startswith("query "):
            continue
        for p in cmd.params:
            if "--include-estimates" in getattr(p, "opts", []) or "--ai-only" in getattr(p, "opts", []):
                assert p.is_flag and p.secondary_opts, (name, p.opts)  # type: ignore[attr-defined]
    res = CliRunner().invoke(cli, ["query", "pay-ranges", "--include-estimates", "true"])
    assert res.exit_code == 2 and "unexpected extra argument" in res.output


def test_exit_codes_live_with_the_cli_and_match_the_readme():
    """One table of exit codes, in paybands/exit_codes.py: the README says the same, the library none."""
    from pathlib import Path

    import scraper.crawl
    from paybands import exit_codes

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    table = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", readme, re.M)}
    codes = {v for k, v in vars(exit_codes).items() if k.startswith("EXIT_") and k != "EXIT_INTERRUPTED"}
    assert codes == table, (codes, table)
    assert not [k for k in vars(scraper.crawl) if k.startswith("EXIT_")]
    assert [exit_codes.for_run(s) for s in ("ok", "attention", "partial", "failed")] == [0, 6, 3, 4]
