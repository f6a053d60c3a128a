"""The CLI as a user meets it: click's runner for behaviour, the installed console script for the real thing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paybands.cli import cli, main  # noqa: F401  (main registers the commands)
from paybands.commands import COMMANDS  # noqa: F401
from tests.helpers import query

ROOT = Path(__file__).resolve().parents[1]


def _config(
    tmp_path: Path,
    base_url: str,
    boards=(("Lambda", "ashby", "Lambda"), ("Anthropic", "greenhouse", "anthropic")),
) -> Path:
    text = "[crawl]\nper_host_delay_s = 0\ntimeout_s = 5\nmax_retries = 1\n"
    for name, source, board in boards:
        text += f'\n[[company]]\nname = "{name}"\nsource = "{source}"\nboard = "{board}"\nbase_url = "{base_url}"\n'
    path = tmp_path / "companies.toml"
    path.write_text(text)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def crawled(replay, tmp_db, tmp_path, runner):
    res = runner.invoke(cli, ["crawl", "--config", str(_config(tmp_path, replay.url)), "--db", str(tmp_db)])
    assert res.exit_code == 0, res.output
    return tmp_db


def test_every_command_has_help_with_an_example(runner):
    for name in cli.commands:
        res = runner.invoke(cli, [name, "--help"])
        assert res.exit_code == 0, name
        assert "Example" in res.output, f"{name} --help has no example"


def test_crawl_summary_and_progress_on_stderr(replay, tmp_db, tmp_path, runner):
    res = runner.invoke(cli, ["crawl", "--config", str(_config(tmp_path, replay.url)), "--db", str(tmp_db)])
    assert res.exit_code == 0
    assert res.stdout == ""  # stdout is for data
    assert "Lambda: 50 postings" in res.stderr and "Anthropic: 1 postings" in res.stderr
    assert "2 companies (0 failed), 51 postings" in res.stderr


def test_crawl_quiet_prints_nothing_when_ok(replay, tmp_db, tmp_path, runner):
    res = runner.invoke(
        cli, ["crawl", "-q", "--config", str(_config(tmp_path, replay.url)), "--db", str(tmp_db)]
    )
    assert res.exit_code == 0 and res.output == ""


def test_crawl_partial_failure_exit_code_and_reason(replay, tmp_db, tmp_path, runner):
    cfg = _config(tmp_path, replay.url, (("Lambda", "ashby", "Lambda"), ("Gone", "lever", "nobody")))
    res = runner.invoke(cli, ["crawl", "-q", "--config", str(cfg), "--db", str(tmp_db)])
    assert res.exit_code == 3
    assert "failed (1): Gone (lever:nobody): board not found" in res.stderr


def test_crawl_bad_config_exit_code_before_any_fetch(replay, tmp_db, tmp_path, runner):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(
        f'[[company]]\nname = "X"\nsource = "lever"\nboard = "matchgroup"\nbase_url = "{replay.url}"\nfoo = 1\n'
    )
    res = runner.invoke(cli, ["crawl", "--config", str(cfg), "--db", str(tmp_db)])
    assert res.exit_code == 2
    assert "company 'X' has an unknown key 'foo'" in res.stderr and "Traceback" not in res.output
    assert replay.log == [] and not tmp_db.exists()


def test_query_pay_ranges_table_and_json(crawled, runner):
    res = runner.invoke(cli, ["query", "pay-ranges", "--title", "account executive", "--db", str(crawled)])
    assert res.exit_code == 0, res.output
    assert "Account Executive, AI Native" in res.stdout and "222,800" in res.stdout
    res = runner.invoke(
        cli, ["query", "pay-ranges", "--title", "ai native", "--format", "json", "--db", str(crawled)]
    )
    rows = json.loads(res.stdout)
    assert rows == [
        {
            "company": "Anthropic",
            "title": "Account Executive, AI Native",
            "location": "San Francisco, CA | New York City, NY",
            "zone": "",
            "place": "San Francisco Bay Area",  # the first place the location names
            "min_amount": 222800.0,
            "max_amount": 290000.0,
            "currency": "USD",
            "period": "year",
            "annual_min_usd": 222800.0,
            "annual_max_usd": 290000.0,
            "pay_type": "ote",
            "origin": "structured",
        }
    ]


def test_query_parameters_are_bound_not_pasted(crawled, runner):
    evil = "x' OR 1=1; DROP TABLE postings; --"
    res = runner.invoke(
        cli, ["query", "pay-ranges", "--title", evil, "--format", "json", "--db", str(crawled)]
    )
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert query(crawled, "SELECT count(*) FROM postings") == [(51,)]


def test_query_list_and_unknown_names(crawled, runner):
    res = runner.invoke(cli, ["query", "--list"])
    assert res.exit_code == 0 and "pay-ranges:" in res.stdout and "--title TEXT" in res.stdout
    res = runner.invoke(cli, ["query", "no-such-query", "--db", str(crawled)])
    assert res.exit_code == 2 and "paybands query --list" in res.output
    res = runner.invoke(cli, ["query", "pay-ranges", "--nope", "1", "--db", str(crawled)])
    assert res.exit_code == 2 and "No such option" in res.output


def test_sql_formats_and_read_only(crawled, runner):
    res = runner.invoke(
        cli,
        [
            "sql",
            "select company, count(*) n from postings group by 1 order by 1",
            "--format",
            "csv",
            "--db",
            str(crawled),
        ],
    )
    assert res.stdout.splitlines() == ["company,n", "Anthropic,1", "Lambda,50"]
    res = runner.invoke(cli, ["sql", "delete from postings", "--db", str(crawled)])
    assert res.exit_code == 1 and "read-only" in res.stderr and "--write" in res.stderr
    assert query(crawled, "SELECT count(*) FROM postings") == [(51,)]
    res = runner.invoke(cli, ["sql", "select nonsense from nowhere", "--db", str(crawled)])
    assert (
        res.exit_code == 1 and res.stderr.startswith("Error: SQL failed:") and "Traceback" not in res.output
    )


def test_sql_write_flag(crawled, runner):
    res = runner.invoke(
        cli, ["sql", "delete from postings where company = 'Anthropic'", "--write", "--db", str(crawled)]
    )
    assert res.exit_code == 0
    assert query(crawled, "SELECT count(*) FROM postings") == [(50,)]


@pytest.mark.parametrize("argv", [["sql", "select 1"], ["query", "pay-ranges"], ["report"]])
def test_missing_database_says_so_and_creates_nothing(tmp_path, runner, argv):
    db = tmp_path / "none.duckdb"
    res = runner.invoke(cli, [*argv, "--db", str(db)])
    assert res.exit_code == 1 and "does not exist" in res.stderr
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_report_prints_coverage_and_ranges(crawled, runner):
    res = runner.invoke(cli, ["report", "--db", str(crawled)])
    assert res.exit_code == 0
    assert "Coverage" in res.stdout and "Lambda" in res.stdout and "FX rates of" in res.stdout


def test_installed_console_script(replay, tmp_path):
    exe = shutil.which("paybands", path=str(Path(sys.executable).parent)) or shutil.which("paybands")
    assert exe, "the paybands console script is not installed (pip install -e .)"
    db = tmp_path / "db.duckdb"
    env = {**os.environ, "PAYBANDS_DB": str(db)}
    cfg = _config(tmp_path, replay.url)
    done = subprocess.run(
        [exe, "crawl", "--config", str(cfg), "-q"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = subprocess.run(
        [exe, "query", "pay-ranges", "--title", "engineer", "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.startswith("company,title,location")
    bad = subprocess.run(
        [exe, "query", "pay-ranges", "--limit", "lots"], env=env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
