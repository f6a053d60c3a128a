"""Honest demo data: every replayed posting that is not a byte-for-byte recording says so, wherever a
person sees postings (the demo's summary, query/sql/export/report stderr, the reports, exports)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from paybands.cli import cli
from scraper.replay.data_status import load_rules
from tests.helpers import query

RECONSTRUCTED = {
    "790399990001": "Product Manager - Machine Learning Platform",
    "790399990002": "Technical Director",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    res = CliRunner().invoke(cli, ["demo", "--db", str(db), "--no-report"])
    assert res.exit_code == 0, res.output
    return db, res.stderr


def test_demo_marks_what_is_not_a_recording(demo):
    db, stderr = demo
    rows = query(db, "SELECT company, external_id, title, data_status, data_note FROM postings")
    by_status: dict[str | None, set[str]] = {}
    for company, _ext, _title, status, _note in rows:
        by_status.setdefault(status, set()).add(company)
    reconstructed = {(ext, title) for _, ext, title, status, _ in rows if status == "reconstructed"}
    assert reconstructed == set(RECONSTRUCTED.items())
    assert all("public reporting" in note for *_, status, note in rows if status == "reconstructed")
    assert by_status["demo-account"] == {"Lever Demo"}
    assert {"SynthLabs (Workday)", "SynthLabs (SmartRecruiters)", "Northwind AI", "Netflix"} <= by_status[
        "synthetic"
    ]
    # Byte-for-byte recordings stay unmarked: Anthropic, GitLab, Ashby boards ...
    assert {"Anthropic", "GitLab", "Lambda", "Cartesia", "Match Group"} <= by_status[None]
    assert not {"Anthropic", "GitLab", "Lambda"} & (by_status["synthetic"] | by_status["demo-account"])
    # Every rule names a company the demo crawls (a renamed company would silently stop being marked).
    companies = {c for c, *_ in rows}
    assert {r.company for r in load_rules()} <= companies
    assert "demo data: 2 postings are reconstructed from public reporting" in stderr


def test_every_reader_shows_the_banner(demo, tmp_path):
    db, _ = demo
    runner = CliRunner()
    outs = {
        "query": runner.invoke(cli, ["query", "pay-ranges", "--db", str(db), "--title", "director"]),
        "sql": runner.invoke(cli, ["sql", "select count(*) from postings", "--db", str(db)]),
        "report": runner.invoke(cli, ["report", "--db", str(db)]),
        "changes": runner.invoke(cli, ["changes", "--db", str(db)]),
        "export": runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--out", "-"]),
    }
    for name, res in outs.items():
        assert res.exit_code == 0, (name, res.output)
        assert "not a byte-for-byte recording" in res.stderr, name
        assert "not a byte-for-byte recording" not in res.stdout or name == "report", name  # stdout is data
    assert "NOTE: this database holds demo data" in outs["report"].stdout  # the report itself says it
    exported = list(csv.DictReader(io.StringIO(outs["export"].stdout)))
    tech = [r for r in exported if r["title"] == "Technical Director" and r["company"] == "Netflix"]
    assert tech and tech[0]["data_status"] == "reconstructed" and tech[0]["pay_type"] == "total"


def test_html_report_says_it_in_a_banner_and_in_the_rows(demo, tmp_path):
    db, _ = demo
    res = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(tmp_path / "r"), "--limit", "200"])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "r" / "index.html").read_text("utf-8")
    assert 'id="data-status"' in page and "reconstructed from public reporting" in page
    data = json.loads(page.split('id="explore-data">', 1)[1].split("</script>", 1)[0])
    status = data["columns"].index("data_status")
    assert {r[status] for r in data["rows"]} >= {None, "synthetic", "reconstructed"}


def test_a_crawled_database_has_no_banner(tmp_path):
    from scraper.replay import ReplayServer
    from tests.helpers import crawl

    db = tmp_path / "live.duckdb"
    with ReplayServer() as server:
        assert (
            crawl(db, server.url, {"name": "GitLab", "source": "greenhouse", "board": "gitlab"}).status
            == "ok"
        )
    res = CliRunner().invoke(cli, ["query", "pay-coverage", "--db", str(db)])
    assert res.exit_code == 0 and "byte-for-byte" not in res.output


def test_changes_and_band_changes_agree_on_since(demo):
    """Same default (7 days before the latest crawl), same date format, same exit code for a bad date."""
    db, _ = demo
    runner = CliRunner()
    for args in (["changes"], ["query", "band-changes"]):
        ok = runner.invoke(cli, [*args, "--db", str(db), "--format", "json"])
        assert ok.exit_code == 0 and json.loads(ok.stdout) == [], (args, ok.output)  # one crawl: no changes
        dated = runner.invoke(cli, [*args, "--db", str(db), "--since", "2020-01-01", "--format", "json"])
        assert dated.exit_code == 0, dated.output
        bad = runner.invoke(cli, [*args, "--db", str(db), "--since", "last week"])
        assert bad.exit_code == 2 and "--since" in bad.output, (args, bad.output)
