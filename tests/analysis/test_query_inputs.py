"""Every input of `paybands query` is checked: closed sets are choices, amounts and limits are bounded,
a bad value is exit 2 with one sentence; every query's --help example runs on the demo database."""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from analysis.queries import list_queries
from paybands.cli import cli
from paybands.commands.demo import demo_config_text
from scraper.config import parse_config
from scraper.crawl import run_crawl
from scraper.replay import ReplayServer


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's database: every recorded board, crawled as `paybands demo` crawls it."""
    import tomllib

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with ReplayServer() as server:
        config = parse_config(tomllib.loads(demo_config_text(server.url)))
        result = run_crawl(config, str(db))
    assert result.status == "ok", result
    res = CliRunner().invoke(
        cli, ["reparse", "--db", str(db), "--quiet"]
    )  # the taxonomy, as the CLI crawl does
    assert res.exit_code == 0, res.output
    return db


@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_every_help_example_is_a_real_command(q, demo_db):
    assert q.example, f"{q.path.name} has no '-- example:' header"
    args = ["query", q.name, *shlex.split(q.example), "--db", str(demo_db), "--format", "json"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, (args, res.output)
    assert res.stdout.strip().startswith("["), res.stdout[:200]
    help_text = CliRunner().invoke(cli, ["query", q.name, "--help"]).stdout
    assert f"paybands query {q.name} {q.example}" in " ".join(help_text.split())


BAD = [
    (["offer-percentile"], "Missing option '--amount'"),
    (["offer-percentile", "--amount", "-5"], "--amount"),
    (["offer-percentile", "--amount", "0"], "--amount"),
    (["offer-percentile", "--amount", "nan"], "--amount"),
    (["offer-percentile", "--amount", "100000", "--period", "fortnight"], "--period"),
    (["offer-percentile", "--amount", "100000", "--currency", "XYZ"], "ISO 4217"),
    (["offer-percentile", "--amount", "100000", "--fx-rate", "-1"], "--fx-rate"),
    (["pay-ranges", "--seniority", "seniour"], "--seniority"),
    (["pay-ranges", "--role-family", "nonsense"], "--role-family"),
    (["pay-ranges", "--pay-type", "salary"], "--pay-type"),
    (["pay-ranges", "--limit", "-1"], "--limit"),
    (["pay-ranges", "--currency", "dollars"], "ISO 4217"),
    (["by-location", "--by", "planet"], "--by"),
    (["total-vs-base", "--by", "planet"], "--by"),
    (["band-width", "--min-n", "-3"], "--min-n"),
]


@pytest.mark.parametrize(("args", "said"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_a_bad_value_is_exit_2_with_one_sentence(args, said, demo_db):
    res = CliRunner().invoke(cli, ["query", *args, "--db", str(demo_db)])
    assert res.exit_code == 2, res.output
    error = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and said in error[0], res.stderr
    assert "Binder Error" not in res.output and "Traceback" not in res.output


def test_choices_are_case_insensitive_and_empty_means_all(demo_db):
    runner = CliRunner()
    upper = runner.invoke(
        cli, ["query", "pay-ranges", "--seniority", "SENIOR", "--db", str(demo_db), "--format", "csv"]
    )
    lower = runner.invoke(
        cli, ["query", "pay-ranges", "--seniority", "senior", "--db", str(demo_db), "--format", "csv"]
    )
    assert upper.exit_code == lower.exit_code == 0 and upper.stdout == lower.stdout
    assert len(lower.stdout.splitlines()) > 1


def test_query_list_takes_db(demo_db):
    res = CliRunner().invoke(cli, ["query", "--list", "--db", str(demo_db)])
    assert res.exit_code == 0 and "offer-percentile" in res.stdout
    # The group's --db reaches the query that follows.
    res = CliRunner().invoke(cli, ["query", "--db", str(demo_db), "pay-coverage", "--format", "csv"])
    assert res.exit_code == 0 and "Netflix" in res.stdout


# The variables the one posting filter reads (scraper/schema.py, POSTING_FILTER_MACRO).
MACRO_PARAMS = {
    "title",
    "company",
    "role_family",
    "seniority",
    "country",
    "city",
    "metro",
    "remote",
    "ai_only",
}


def test_shared_parameters_are_declared_identically():
    """One filter, one declaration: a parameter every query shares means the same in each file."""
    seen: dict[str, set[tuple]] = defaultdict(set)
    for q in list_queries():
        for p in q.params:
            if p.name in MACRO_PARAMS | {"include_estimates", "active_only"}:
                seen[p.name].add((p.type, p.choices, p.default, p.help))
    assert set(seen) == MACRO_PARAMS | {"include_estimates", "active_only"}
    for name, declarations in seen.items():
        assert len(declarations) == 1, (name, declarations)


def test_every_query_filters_postings_through_the_one_macro():
    """No query keeps a copy of the posting filter, and each declares every variable the macro reads,
    so a value an earlier query left set in the session never filters a later one."""
    from scraper.schema import POSTING_FILTER_MACRO

    assert {m for m in re.findall(r"getvariable\('(\w+)'\)", POSTING_FILTER_MACRO)} == MACRO_PARAMS | {
        "active_only"
    }
    for q in list_queries():
        body = "\n".join(line for line in q.sql.splitlines() if not line.startswith("--"))
        assert body.count("posting_matches(") == 1, q.name
        assert "getvariable('title')" not in body and "getvariable('country')" not in body, q.name
        declared = {p.name for p in q.params}
        assert declared >= MACRO_PARAMS, (q.name, MACRO_PARAMS - declared)
        # active_only: declared, or the query passes TRUE for is_active (it reads removed postings too)
        assert "active_only" in declared or ", TRUE)" in body.split("posting_matches(")[1], q.name
