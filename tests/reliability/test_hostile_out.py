"""#13 items 5 and 6: nothing a server sends reaches the operator's terminal or a spreadsheet as code.

A hostile board (tests/reliability/hostile_modes_out.py) puts ESC/CSI, OSC-8 links, an OSC 0 window
title, 8-bit C1 controls, bidi and zero-width marks, and formula-leading cells into ids, titles,
urls, locations, teams, a Lever error and a Content-Type header. It is crawled twice (the first
time by the installed `paybands` binary, the second through click's CliRunner with moved pay, so
`changes` has rows), then the raw payloads are also written straight into the text columns, as an
older paybands or a `sql --write` could have stored them. Every command that prints database text
then runs through CliRunner and, for a sample, through the binary: stdout and stderr must hold no
ESC, no C0/C1 control, no bidi or zero-width mark, and no CSV cell may start a formula.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

import paybands.commands  # noqa: F401  (registers the commands)
from analysis.queries import list_queries
from paybands.cli import cli
from tests.reliability.hostile_modes_out import ESCAPES, FORMULAS, LEVER_ERROR
from tests.reliability.hostile_server import HostileServer
from tests.reliability.support import paybands as run_paybands
from tests.reliability.support import write_config

# What a terminal acts on or hides text with: ESC and every other C0 control but tab/newline,
# DEL and C1, bidi embeddings/overrides/isolates/marks, zero-width marks, tag characters.
UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]")  # fmt: skip
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
COMPANIES = [
    {"name": "Hostile Co", "source": "ashby", "board": "hostileco"},
    {"name": "Lever Co", "source": "lever", "board": "hostile-lever"},
    {"name": "GH Co", "source": "greenhouse", "board": "hostile-gh"},
]
RAW = ESCAPES["osc8-bel"] + ESCAPES["csi"] + ESCAPES["c1"] + ESCAPES["bidi"]


def unsafe(text: str) -> list[str]:
    return sorted({repr(c) for c in UNSAFE_RE.findall(text)})


def formula_cells(csv_text: str) -> list[str]:
    """Cells a spreadsheet would run: a formula lead, except a plain (negative) number."""
    bad = []
    for row in csv.reader(io.StringIO(csv_text)):
        for cell in row:
            if cell.startswith(FORMULA_LEADS) and not _is_number(cell):
                bad.append(cell)
    return bad


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile-out")
    db = root / "paybands.duckdb"
    srv = HostileServer(max_requests=200, max_seconds=240)
    with srv:
        for name in ("escapes-in-board", "escapes-in-lever-error", "c1-content-type"):
            srv.arm(name)
        cfg = write_config(root / "companies.toml", srv.url, COMPANIES)
        first = run_paybands("crawl", "--config", str(cfg), "--db", str(db))
        srv.arm("escapes-in-board", amount=180_000)  # pay moves: `changes` gets rows
        second = CliRunner().invoke(cli, ["crawl", "--config", str(cfg), "--db", str(db)])
    # The same payloads stored raw, as an older paybands (or `sql --write`) could have left them:
    # what the commands print must be safe whatever the database holds.
    with duckdb.connect(str(db)) as con:
        con.execute(
            "UPDATE postings SET title = ? || ' Machine Learning Engineer', location = ?, department = ?, "
            "url = ? WHERE company = 'Hostile Co'",
            [RAW, RAW, FORMULAS["hyperlink"], FORMULAS["hyperlink"]],
        )
        con.execute("UPDATE pay_band_versions SET zone = ?", [RAW])
        con.execute(
            "UPDATE crawl_run_companies SET error = ? WHERE status = 'failed'", ["Lever says: " + LEVER_ERROR]
        )
        stored = con.execute(
            "SELECT count(*) FROM postings WHERE contains(external_id, chr(27)) OR contains(title, chr(27))"
        ).fetchall()[0][0]
    return {"db": db, "root": root, "first": first, "second": second, "stored": stored}


def test_crawl_summary_and_progress_print_no_escapes(hostile, rel) -> None:
    first, second = hostile["first"], hostile["second"]
    outputs = {"binary crawl": first.stdout + first.stderr, "CliRunner crawl": second.output}
    found = {k: unsafe(v) for k, v in outputs.items()}
    rel.record(
        "Hostile input",
        "a Lever error, a Content-Type header and posting ids with ESC/CSI, OSC-8, C1 and bidi, "
        "printed by the crawl's progress and summary",
        tries=len(outputs),
        outcome=f"exits {first.returncode} and {second.exit_code} (boards failed, the rest stored); "
        f"unsafe characters on the terminal: {found}",
        lost="nothing",
    )
    assert first.returncode == 3 and second.exit_code == 3, (first.stderr, second.output)
    assert "Lever says: board gone" in first.stderr and "click me" in first.stderr  # the text stays readable
    assert all(not v for v in found.values()), found


def _commands(db: Path) -> list[list[str]]:
    params = {"since": "2000-01-01", "amount": "150000"}
    cmds = []
    for q in list_queries():
        args = [a for p in q.params if p.name in params for a in (f"--{p.name}", params[p.name])]
        cmds += [["query", q.name, *args, "--format", fmt] for fmt in ("table", "csv", "json")]
    for sql in (
        "SELECT * FROM postings",
        "SELECT * FROM posting_bands",
        "SELECT * FROM crawl_run_companies",
        "SELECT * FROM pay_band_changes",
        "SELECT company, list(title) AS titles, list(external_id) AS ids FROM postings GROUP BY 1",
    ):
        cmds += [["sql", sql, "--format", fmt] for fmt in ("table", "csv", "json")]
    cmds += [["changes", "--since", "2000-01-01", "--format", fmt] for fmt in ("table", "csv", "json")]
    cmds += [["report"], ["report", "--title", "machine learning"]]
    return [[*c, "--db", str(db)] for c in cmds]


def test_every_output_command_prints_no_escapes_and_no_formulas(hostile, rel) -> None:
    db = hostile["db"]
    cmds = _commands(db)
    problems: list[str] = []
    shown = ""
    for args in cmds:
        res: Result = CliRunner().invoke(cli, args)
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            problems.append(f"{args[:3]}: {type(res.exception).__name__}: {res.exception}")
            continue
        if res.exit_code != 0:
            problems.append(f"{args[:3]}: exit {res.exit_code}: {res.stderr[:200]}")
        if bad := unsafe(res.stdout + res.stderr):
            problems.append(f"{args[:3]}: {bad}")
        if "csv" in args and (cells := formula_cells(res.stdout)):
            problems.append(f"{args[:3]}: formula cells {cells[:3]}")
        shown += res.stdout
    rel.record(
        "Hostile input",
        "stored ids, titles, urls, locations, zones and errors with ESC/CSI, OSC-8, OSC 0, C1, bidi and "
        "formula leads, printed by every named `query`, `sql`, `changes` (table, csv, json) and `report`",
        tries=len(cmds),
        outcome=f"{len(cmds) - len(problems)}/{len(cmds)} outputs with no escape, control or bidi mark and "
        f"no formula-leading CSV cell; {hostile['stored']} postings held raw ESC in the database",
        lost="nothing",
    )
    assert hostile["stored"] > 0  # the payloads really were in the database
    assert not problems, problems
    # Made safe, not dropped: the visible text of the hostile rows is printed.
    assert "click me" in shown and "Machine Learning Engineer" in shown and "'=HYPERLINK" in shown


def test_json_output_keeps_values_exactly(hostile) -> None:
    import json

    res = CliRunner().invoke(
        cli,
        ["sql", "SELECT external_id FROM postings WHERE company = 'Hostile Co'", "--format", "json", "--db", str(hostile["db"])],
    )  # fmt: skip
    assert res.exit_code == 0 and not unsafe(res.stdout)
    with duckdb.connect(str(hostile["db"]), read_only=True) as con:
        stored = sorted(
            r[0] for r in con.sql("SELECT external_id FROM postings WHERE company = 'Hostile Co'").fetchall()
        )
    assert sorted(r["external_id"] for r in json.loads(res.stdout)) == stored  # escaped, not changed


def test_sql_error_quoting_server_text_prints_no_escapes(hostile) -> None:
    """DuckDB quotes the value in a failed cast: the message is server text too."""
    res = CliRunner().invoke(
        cli, ["sql", "SELECT CAST(title AS INTEGER) FROM postings WHERE company = 'Hostile Co'", "--db", str(hostile["db"])]
    )  # fmt: skip
    assert res.exit_code == 1 and "SQL failed" in res.stderr
    assert not unsafe(res.stderr), unsafe(res.stderr)


def test_export_csv_has_no_formula_cells(hostile, tmp_path, rel) -> None:
    out = tmp_path / "pay.csv"
    res = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--out", str(out), "--all", "--db", str(hostile["db"])]
    )
    assert res.exit_code == 0, res.output
    text = out.read_text("utf-8")
    cells = formula_cells(text)
    hyperlinks = text.count("'=HYPERLINK")
    rel.record(
        "Hostile input",
        "titles, urls, locations and teams starting with =, +, -, @ (=HYPERLINK, cmd|) in `export --format csv`",
        tries=len(FORMULAS),
        outcome=f"{len(cells)} formula-leading cells; {hyperlinks} shown as text with a leading apostrophe",
        lost="nothing",
    )
    assert not cells, cells[:5]
    assert hyperlinks > 0


def test_output_commands_through_the_installed_binary(hostile, tmp_path) -> None:
    db = str(hostile["db"])
    runs = [
        ("sql", "SELECT * FROM postings", "--db", db),
        ("sql", "SELECT * FROM crawl_run_companies", "--format", "csv", "--db", db),
        ("query", "pay-ranges", "--format", "csv", "--db", db),
        ("changes", "--since", "2000-01-01", "--db", db),
        ("report", "--db", db),
        ("sql", "SELECT CAST(title AS INTEGER) FROM postings WHERE company = 'Hostile Co'", "--db", db),
        ("export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--db", db),
    ]
    for args in runs:
        proc = run_paybands(*args)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert not unsafe(proc.stdout + proc.stderr), (args[:2], unsafe(proc.stdout + proc.stderr))
        if "csv" in args:
            assert not formula_cells(proc.stdout), (args[:2], formula_cells(proc.stdout)[:3])
    assert not formula_cells((tmp_path / "x.csv").read_text("utf-8"))


def test_reparse_prints_no_escapes(hostile, tmp_path) -> None:
    """`reparse` names the postings it skips: their ids are server text."""
    import shutil

    db = tmp_path / "reparse.duckdb"
    shutil.copy(hostile["db"], db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE posting_raw SET payload = 'not json' WHERE contains(posting_id, chr(27))")
    res = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "skipped: ashby:hostileco:" in res.stderr and "click me" in res.stderr
    assert not unsafe(res.stdout + res.stderr), unsafe(res.stderr)
