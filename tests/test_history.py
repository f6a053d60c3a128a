"""The weekly cron crawl: history across runs, lock, exit codes, kills, reparse, schedule."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers commands)
from paybands.cli import cli
from scraper.reparse import reparse
from scraper.replay import Fault
from scraper.store import CrawlLock
from tests.helpers import WEEK, crawl, edit_json, query

PAYBANDS = shutil.which("paybands", path=str(Path(sys.executable).parent))


def test_two_weeks_of_history(replay, week_boards, tmp_db):
    first = crawl(tmp_db, replay.url, *WEEK)
    assert first.status == "ok"
    bb = json.loads((week_boards / "ashby/browserbase.json").read_text())["jobs"]
    gone_id = bb[0]["id"]
    raised = next(j for j in bb[1:-1] if (j.get("compensation") or {}).get("compensationTiers"))
    salary = next(
        c
        for c in raised["compensation"]["compensationTiers"][0]["components"]
        if c["compensationType"] == "Salary"
    )
    old_min, old_max = salary["minValue"], salary["maxValue"]
    retitled = bb[-1]["id"]

    def week2(data):
        jobs = data["jobs"]
        jobs[:] = [j for j in jobs if j["id"] != gone_id]
        for j in jobs:
            if j["id"] == raised["id"]:
                for c in j["compensation"]["compensationTiers"][0]["components"]:
                    if c["compensationType"] == "Salary":
                        c["maxValue"] = old_max + 20000
            if j["id"] == retitled:
                j["title"] = "Senior " + j["title"]
        added = dict(jobs[0], id="new-posting-1", title="Applied ML Engineer")
        jobs.append(added)

    edit_json(week_boards / "ashby/browserbase.json", week2)
    replay.faults["/posting-api/job-board/sierra"] = Fault(status=503)  # Sierra is down all week
    second = crawl(tmp_db, replay.url, *WEEK)
    assert second.status == "partial"

    by = {o.company: o for o in second.outcomes}
    c = by["Browserbase"].counts
    assert (c.new_postings, c.removed_postings, c.changed_bands, c.updated_postings) == (1, 1, 1, 1)
    assert by["Sierra"].status == "failed" and "503" in by["Sierra"].error

    # the gone posting is inactive, noticed by run 2; the failed board's postings all stay active
    assert query(
        tmp_db, "SELECT is_active, removed_run_id FROM postings WHERE external_id = ?", [gone_id]
    ) == [(False, 2)]
    assert query(
        tmp_db,
        "SELECT count(*), bool_and(is_active), max(last_run_id) FROM postings WHERE company = 'Sierra'",
    ) == [(40, True, 1)]
    assert query(tmp_db, "SELECT first_run_id FROM postings WHERE external_id = 'new-posting-1'") == [(2,)]
    # the raised band is one row in pay_band_changes with old and new values; nothing else changed
    changes = query(
        tmp_db,
        "SELECT posting_id, old_min_amount, new_min_amount, old_max_amount, new_max_amount, new_currency, "
        "change_kind, run_id FROM pay_band_changes",
    )
    assert changes == [
        (
            f"ashby:browserbase:{raised['id']}",
            float(old_min),
            float(old_min),
            float(old_max),
            float(old_max + 20000),
            "USD",
            "crawl",  # a crawl saw the board change (a reparse's would be 'repair')
            2,
        )
    ]
    # title history: two versions with adjoining validity intervals
    versions = query(
        tmp_db,
        "SELECT title, valid_from, valid_to FROM posting_versions WHERE posting_id = ? ORDER BY valid_from",
        [f"ashby:browserbase:{retitled}"],
    )
    assert len(versions) == 2 and versions[0][2] == versions[1][1] and versions[1][2] is None
    assert versions[1][0].startswith("Senior ")
    runs = query(
        tmp_db,
        "SELECT run_id, status, new_postings, removed_postings, changed_bands, companies_failed FROM crawl_runs ORDER BY 1",
    )
    assert runs == [(1, "ok", 47, 0, 0, 0), (2, "partial", 1, 1, 1, 1)]

    # week 3: the posting comes back -> active again; Sierra back up
    edit_json(week_boards / "ashby/browserbase.json", lambda d: d["jobs"].insert(0, bb[0]))
    replay.faults.clear()
    third = crawl(tmp_db, replay.url, *WEEK)
    assert third.status == "ok"
    assert query(
        tmp_db, "SELECT is_active, removed_run_id FROM postings WHERE external_id = ?", [gone_id]
    ) == [(True, None)]

    res = CliRunner().invoke(
        cli, ["changes", "--since", "2000-01-01", "--format", "json", "--db", str(tmp_db)]
    )
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert [(r["old_max_amount"], r["new_max_amount"], r["change_kind"]) for r in rows] == [
        (float(old_max), float(old_max + 20000), "crawl")
    ]
    res = CliRunner().invoke(
        cli, ["changes", "--since", "2999-01-01", "--format", "json", "--db", str(tmp_db)]
    )
    assert json.loads(res.stdout) == []


def _config_file(tmp_path: Path, base_url: str, delay: float = 0.0, boards=None) -> Path:
    boards = boards or [
        ("Lambda", "ashby", "Lambda"), ("Cartesia", "ashby", "cartesia"), ("Decagon", "ashby", "decagon"),
        ("Sierra", "ashby", "sierra"), ("Ramp", "ashby", "ramp"), ("Zapier", "ashby", "zapier"),
        ("Ashby", "ashby", "ashby"), ("Anthropic", "greenhouse", "anthropic"), ("Match Group", "lever", "matchgroup"),
    ]  # fmt: skip
    text = f"[crawl]\nper_host_delay_s = {delay}\nper_host_concurrency = 1\ntimeout_s = 5\nmax_retries = 0\n"
    for name, source, board in boards:
        text += f'\n[[company]]\nname = "{name}"\nsource = "{source}"\nboard = "{board}"\nbase_url = "{base_url}"\n'
    path = tmp_path / "weekly.toml"
    path.write_text(text)
    return path


def _run(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PAYBANDS, *args], capture_output=True, text=True, timeout=timeout, **kw)


def test_exit_codes(replay, tmp_path, tmp_db):
    ok = _config_file(tmp_path, replay.url, boards=[("Lambda", "ashby", "Lambda")])
    assert _run("crawl", "-q", "--config", str(ok), "--db", str(tmp_db)).returncode == 0
    partial = _config_file(
        tmp_path, replay.url, boards=[("Lambda", "ashby", "Lambda"), ("X", "ashby", "nope")]
    )
    assert _run("crawl", "-q", "--config", str(partial), "--db", str(tmp_db)).returncode == 3
    none = _config_file(tmp_path, replay.url, boards=[("X", "ashby", "nope"), ("Y", "lever", "nope")])
    done = _run("crawl", "-q", "--config", str(none), "--db", str(tmp_db))
    assert done.returncode == 4 and "failed (1): X (" in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[[company]]\nname = 1\n")
    done = _run("crawl", "--config", str(bad), "--db", str(tmp_db))
    assert done.returncode == 2 and "needs a name" in done.stderr and "Traceback" not in done.stderr


def test_second_crawl_on_a_locked_database_exits_at_once(replay, tmp_path, tmp_db):
    cfg = _config_file(tmp_path, replay.url, boards=[("Lambda", "ashby", "Lambda")])
    with CrawlLock(tmp_db):
        started = time.monotonic()
        done = _run("crawl", "--config", str(cfg), "--db", str(tmp_db))
        assert time.monotonic() - started < 20
    assert done.returncode == 5
    assert "another paybands crawl" in done.stderr and "Traceback" not in done.stderr
    assert replay.log == []


def _integrity(db: Path, expected: dict[str, int]) -> None:
    """Each company is all-or-nothing; no duplicates; bands belong to postings."""
    tables = {t for (t,) in query(db, "SELECT table_name FROM information_schema.tables")}
    if "postings" not in tables:  # killed before the schema was created: an empty, openable file
        return
    per_company = dict(query(db, "SELECT company, count(*) FROM postings GROUP BY 1"))
    for company, n in per_company.items():
        assert n == expected[company], (company, n)
    assert query(db, "SELECT count(*) - count(DISTINCT posting_id) FROM postings") == [(0,)]
    assert query(
        db, "SELECT count(*) FROM pay_bands WHERE posting_id NOT IN (SELECT posting_id FROM postings)"
    ) == [(0,)]


@pytest.mark.parametrize("kill_after", [0.3, 0.8, 1.5, 2.5])
def test_sigkill_mid_crawl_then_rerun(replay, tmp_path, tmp_db, kill_after):
    cfg = _config_file(tmp_path, replay.url, delay=0.25)
    proc = subprocess.Popen([PAYBANDS, "crawl", "-q", "--config", str(cfg), "--db", str(tmp_db)])
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    expected = {"Lambda": 50, "Cartesia": 23, "Decagon": 40, "Sierra": 40, "Ramp": 40, "Zapier": 33, "Ashby": 49,
                "Anthropic": 1, "Match Group": 2}  # fmt: skip
    if tmp_db.exists():
        _integrity(tmp_db, expected)
    done = _run("crawl", "-q", "--config", str(cfg), "--db", str(tmp_db))
    assert done.returncode == 0, done.stderr
    _integrity(tmp_db, expected)
    assert sum(n for (n,) in query(tmp_db, "SELECT count(*) FROM postings")) == sum(expected.values())
    statuses = [s for (s,) in query(tmp_db, "SELECT status FROM crawl_runs ORDER BY run_id")]
    assert statuses[-1] == "ok" and all(s in ("incomplete", "ok") for s in statuses)
    assert "running" not in statuses


def test_sigterm_marks_the_run_incomplete_and_keeps_stored_companies(replay, tmp_path, tmp_db):
    cfg = _config_file(tmp_path, replay.url, delay=0.3)
    proc = subprocess.Popen(
        [PAYBANDS, "crawl", "-q", "--config", str(cfg), "--db", str(tmp_db)],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and replay.requests_to("/posting-api") < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "marked incomplete" in err and "Traceback" not in err
    assert query(tmp_db, "SELECT status FROM crawl_runs") == [("incomplete",)]
    stored = query(tmp_db, "SELECT count(DISTINCT company) FROM postings")[0][0]
    assert 1 <= stored < 9


def test_reparse_reproduces_and_repairs_bands(replay, tmp_db):
    crawl(tmp_db, replay.url, *WEEK[:2], {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"})
    before = query(tmp_db, "SELECT * EXCLUDE (seen_since) FROM pay_bands ORDER BY posting_id, band_no")
    versions = query(tmp_db, "SELECT count(*) FROM pay_band_versions")
    result = reparse(tmp_db)
    assert result.changed == 0 and result.postings == 46 and result.skipped == []
    assert (
        query(tmp_db, "SELECT * EXCLUDE (seen_since) FROM pay_bands ORDER BY posting_id, band_no") == before
    )
    assert query(tmp_db, "SELECT count(*) FROM pay_band_versions") == versions  # nothing changed
    assert query(tmp_db, "SELECT kind, status FROM crawl_runs ORDER BY run_id") == [
        ("crawl", "ok"),
        ("reparse", "ok"),
    ]
    # a damaged/old band set is re-derived from the stored raw payload
    victim = before[0][0]
    con_sql = "UPDATE pay_band_versions SET min_amount = 1 WHERE posting_id = ?; UPDATE postings SET band_hash = 'old' WHERE posting_id = ?"
    import duckdb

    con = duckdb.connect(str(tmp_db))
    for stmt in con_sql.split("; "):
        con.execute(stmt, [victim])
    con.close()
    res = CliRunner().invoke(cli, ["reparse", "--db", str(tmp_db)])
    assert res.exit_code == 0 and "1 with changed bands" in res.stderr
    assert (
        query(tmp_db, "SELECT * EXCLUDE (seen_since) FROM pay_bands ORDER BY posting_id, band_no") == before
    )


def test_schedule_prints_working_cron_and_systemd(replay, tmp_path, tmp_db):
    cfg = _config_file(tmp_path, replay.url, boards=[("Lambda", "ashby", "Lambda")])
    done = _run("schedule", "--config", str(cfg), "--db", str(tmp_db), "--day", "sun", "--at", "02:30")
    assert done.returncode == 0
    text = done.stdout
    cron = next(
        line for line in text.splitlines() if line and not line.startswith("#") and line.split()[0] == "30"
    )
    fields = cron.split(None, 5)
    assert fields[:5] == ["30", "2", "*", "*", "0"]
    # the cron command runs as printed (cron uses /bin/sh)
    ran = subprocess.run(
        ["/bin/sh", "-c", fields[5]], capture_output=True, text=True, timeout=120, env={**os.environ}
    )
    assert ran.returncode == 0, ran.stderr
    assert query(tmp_db, "SELECT count(*) FROM postings") == [(50,)]
    assert "OnCalendar=Sun *-*-* 02:30:00" in text and "SuccessExitStatus=3" in text
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))[
        len("ExecStart=") :
    ]
    ran = subprocess.run(exec_start, shell=True, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert query(tmp_db, "SELECT count(*) FROM crawl_runs WHERE status = 'ok'") == [(2,)]


# One board per API source and Eightfold API: reparse must reproduce what the crawl stored.
REPARSE_BOARDS = [
    {"name": "Browserbase", "source": "ashby", "board": "browserbase"},
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
    {"name": "Netflix", "source": "eightfold", "board": "netflix.com"},
    {"name": "Morgan Stanley", "source": "eightfold", "board": "morganstanley.com", "api": "pcsx"},
    {"name": "NVIDIA", "source": "workday", "board": "nvidia/NVIDIAExternalCareerSite"},
    {"name": "Equinox", "source": "smartrecruiters", "board": "equinox"},
]


@pytest.mark.parametrize("board", REPARSE_BOARDS, ids=lambda b: f"{b['source']}-{b['board']}")
def test_reparse_every_api_source(replay, tmp_db, board):
    assert crawl(tmp_db, replay.url, board).status == "ok"
    bands_sql = "SELECT * EXCLUDE (seen_since) FROM pay_bands ORDER BY posting_id, band_no"
    before = query(tmp_db, bands_sql)
    (postings,) = query(tmp_db, "SELECT count(*) FROM postings")[0]
    assert postings > 0
    result = reparse(tmp_db)
    assert result.skipped == [] and result.postings == postings and result.changed == 0
    assert query(tmp_db, bands_sql) == before
    if not before:
        return
    # A wrong stored band (an older normalizer) is repaired from the raw payload, offline.
    import duckdb

    con = duckdb.connect(str(tmp_db))
    con.execute("UPDATE pay_band_versions SET max_amount = 3 WHERE posting_id = ?", [before[0][0]])
    con.execute("UPDATE postings SET band_hash = 'old' WHERE posting_id = ?", [before[0][0]])
    con.close()
    assert query(tmp_db, bands_sql) != before
    assert reparse(tmp_db).changed == 1
    assert query(tmp_db, bands_sql) == before


def test_reparse_reports_what_changed_and_counts_boards(replay, tmp_db):
    """A second reparse of an unchanged database reclassifies nothing, and its run row counts the
    boards it went through (it said "428 reclassified" and companies = 1 on every run)."""
    boards = REPARSE_BOARDS[:3]
    assert crawl(tmp_db, replay.url, *boards).status == "ok"
    runner = CliRunner()
    for _ in range(2):
        res = runner.invoke(cli, ["reparse", "--db", str(tmp_db)])
        assert res.exit_code == 0, res.output
    assert "0 with changed bands, 0 reclassified" in res.stderr
    (companies,) = query(
        tmp_db, "SELECT companies FROM crawl_runs WHERE kind = 'reparse' ORDER BY run_id DESC LIMIT 1"
    )[0]
    assert companies == len(boards)


def test_a_board_the_config_replaced_is_retired(replay, tmp_db):
    """A JSON-LD company whose url changed (or a corrected board token) got a new board; the old
    board's postings stayed open forever beside the new ones. Once the new board is stored, the old
    one's open postings are marked removed, and the summary says so."""
    from paybands.commands.crawl import summary_lines

    old = {"name": "Acme", "source": "greenhouse", "board": "gitlab"}
    assert crawl(tmp_db, replay.url, old).status == "ok"
    (before,) = query(tmp_db, "SELECT count(*) FROM postings WHERE board = 'gitlab' AND is_active")[0]
    assert before > 0
    new = {"name": "Acme", "source": "greenhouse", "board": "anthropic"}
    other = {"name": "Other", "source": "lever", "board": "matchgroup"}
    result = crawl(tmp_db, replay.url, new, other)
    assert result.status == "ok"
    assert query(tmp_db, "SELECT count(*) FROM postings WHERE board = 'gitlab' AND is_active") == [(0,)]
    assert query(tmp_db, "SELECT count(*) FROM postings WHERE board = 'anthropic' AND is_active")[0][0] > 0
    assert result.retired == [("Acme", "greenhouse", "gitlab", before)]
    assert any("board replaced: Acme (greenhouse)" in line for line in summary_lines(result))
    # A company whose new board fails keeps its old postings until the new one is read.
    (active,) = query(tmp_db, "SELECT count(*) FROM postings WHERE is_active")[0]
    gone = {"name": "Acme", "source": "greenhouse", "board": "no-such-board"}
    assert crawl(tmp_db, replay.url, gone, other).status == "partial"
    assert query(tmp_db, "SELECT count(*) FROM postings WHERE is_active") == [(active,)]


def test_run_crawl_itself_classifies_what_it_stored(replay, tmp_db):
    """The taxonomy refresh belongs to the crawl, not to the CLI: a library caller of run_crawl gets
    ML/AI, role family, seniority and place on every posting, at the current taxonomy version."""
    from scraper.taxonomy import TAXONOMY_VERSION

    result = crawl(tmp_db, replay.url, {"name": "Lambda", "source": "ashby", "board": "Lambda"})
    assert result.status == "ok" and result.reclassified > 0 and result.taxonomy_error is None
    assert query(
        tmp_db,
        "SELECT count(*) FILTER (is_ai_ml IS NULL OR seniority IS NULL OR taxonomy_version IS DISTINCT FROM ?), "
        "count(*) FROM postings",
        [TAXONOMY_VERSION],
    ) == [(0, result.reclassified)]
