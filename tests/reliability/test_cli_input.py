"""Bad config, bad arguments, SQL injection through named-query parameters, read-only `paybands sql`.

User mistakes end with a clear message and a documented exit code, never a traceback; crawled or
typed text never becomes SQL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

import paybands.commands  # noqa: F401  (registers the commands)
from analysis.queries import list_queries
from paybands.cli import cli
from scraper.replay import ReplayServer
from tests.helpers import FIXTURES, crawl
from tests.reliability.support import BOARDS, paybands, rows, snapshot


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "paybands.duckdb"
    with ReplayServer(FIXTURES) as server:
        assert crawl(db, server.url, *BOARDS).status == "ok"
    return db


def invoke(args: list[str], **kw: Any) -> Result:
    return CliRunner().invoke(cli, args, catch_exceptions=True, **kw)


def traceback_of(res: Result) -> str | None:
    """What a user would see as a traceback: an exception click did not turn into a message."""
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        return f"{type(res.exception).__name__}: {res.exception}"
    if "Traceback" in res.output or "Traceback" in (res.stderr or ""):
        return "Traceback printed"
    return None


# -- config mistakes: exit 2 before any fetch ------------------------------------------------------
def company(**kw: Any) -> str:
    fields = {"name": "Lambda", "source": "ashby", "board": "Lambda", "base_url": "{url}", **kw}
    return "[[company]]\n" + "".join(
        f"{k} = {v!r}\n".replace("'", '"') for k, v in fields.items() if v is not None
    )


CONFIGS = [
    ("unknown top-level key", "[crawling]\nx = 1\n" + company(), "unknown top-level key"),
    ("unknown [crawl] key", "[crawl]\nper_host_delay = 1\n" + company(), "unknown key 'per_host_delay'"),
    ("unknown company key", company(boardd="x"), "unknown key 'boardd'"),
    ("wrong type: string timeout", '[crawl]\ntimeout_s = "30"\n' + company(), "timeout_s must be a number"),
    (
        "wrong type: bool concurrency",
        "[crawl]\nper_host_concurrency = true\n" + company(),
        "must be an integer",
    ),
    ("wrong type: board is a number", company(board=None) + "board = 3\n", "needs a board"),
    (
        "wrong type: base_url is a number",
        company(base_url=None) + "base_url = 5\n",
        "base_url must be a string",
    ),
    ("negative retries", "[crawl]\nmax_retries = -1\n" + company(), "max_retries must be >= 0"),
    ("duplicate company name", company() + company(board="cartesia"), "listed twice"),
    ("duplicate board", company() + company(name="Lambda Labs"), "same ashby board"),
    ("ftp:// base_url", company(base_url="ftp://example.com"), "must be an http:// or https:// URL"),
    ("javascript: base_url", company(base_url="javascript:alert(1)"), "must be an http:// or https:// URL"),
    ("file:// base_url", company(base_url="file:///etc/passwd"), "must be an http:// or https:// URL"),
    ("base_url without host", company(base_url="http://"), "must be an http:// or https:// URL"),
    ("TOML syntax error", company() + "name = \n", "TOML syntax error"),
    ("TOML duplicate key", company() + 'name = "again"\n', "TOML syntax error"),
    ("empty file", "", "lists no [[company]]"),
    ("unknown source", company(source="monster"), "unknown source 'monster'"),
]


@pytest.mark.parametrize(("case", "text", "message"), CONFIGS, ids=[c[0] for c in CONFIGS])
def test_bad_config_exits_2_before_any_fetch(case, text, message, replay, tmp_path, rel):
    cfg = tmp_path / "companies.toml"
    cfg.write_text(text.replace("{url}", replay.url))
    db = tmp_path / "paybands.duckdb"
    res = invoke(["crawl", "--config", str(cfg), "--db", str(db)])
    tb = traceback_of(res)
    rel.record(
        "Config",
        case,
        outcome=f"exit {res.exit_code}; {len(replay.log)} requests; stderr: {res.stderr.strip()[:160]}",
        lost="nothing",
    )
    assert tb is None, tb
    assert res.exit_code == 2 and message in res.stderr and str(cfg) in res.stderr
    assert replay.log == [] and not db.exists()


def test_bad_config_file_itself(replay, tmp_path, rel):
    """Missing, a directory, not UTF-8: the same exit 2 and a sentence, through the real console script."""
    bad_bytes = tmp_path / "latin1.toml"
    bad_bytes.write_bytes('[[company]]\nname = "Café"\n'.encode("latin-1"))
    cases = [
        ("missing config file", tmp_path / "nope.toml", "does not exist"),
        ("config path is a directory", tmp_path, "is a directory"),
        ("config not UTF-8", bad_bytes, "cannot read config file"),
    ]
    for case, path, message in cases:
        done = paybands("crawl", "--config", str(path), "--db", str(tmp_path / "x.duckdb"))
        rel.record(
            "Config",
            case,
            outcome=f"exit {done.returncode}; stderr: {done.stderr.strip()[:160]}",
            lost="nothing",
        )
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert replay.log == []


# -- every command, bad arguments: a message, never a traceback ------------------------------------
def _filler(param: click.Parameter, tmp: Path) -> list[str]:
    """A valid value for a required parameter, so the bad one is what the command meets."""
    if isinstance(param, click.Argument):
        return ["select 1"] if param.name == "statement" else ["x"]
    value = {"since": "2026-01-01", "out": str(tmp / "out.csv")}.get(param.name or "", "x")
    return [param.opts[0], value]


def _bad_values(param: click.Option, tmp: Path, dbs: dict[str, Path]) -> list[tuple[str, str]]:
    t = param.type
    if param.name == "db_path":
        return [(f"--db {k}", str(v)) for k, v in dbs.items()]
    if isinstance(t, click.types.IntParamType | click.types.FloatParamType):
        return [("not a number", "abc"), ("negative", "-1"), ("huge", "9" * 30)]
    if isinstance(t, click.DateTime):
        return [("not a date", "not-a-date"), ("impossible date", "2026-13-45")]
    if isinstance(t, click.Choice):
        return [("unknown choice", "bogus")]
    if isinstance(t, click.Path):
        return [("path in a missing directory", str(tmp / "missing" / "deeper" / "x"))]
    if isinstance(t, click.types.StringParamType):
        return [("NUL and SQL in text", "x\x00'; DROP TABLE postings; --")]
    return []


def _bad_dbs(tmp: Path, crawled: Path) -> dict[str, Path]:
    corrupt = tmp / "corrupt.duckdb"
    corrupt.write_bytes(os.urandom(64 * 1024))
    empty = tmp / "empty.duckdb"
    empty.write_bytes(b"")
    return {"missing": tmp / "missing.duckdb", "corrupt": corrupt, "empty file": empty, "a directory": tmp}


NEVER_RUN_FOR_REAL = {"replay"}  # a valid replay invocation serves forever: only its bad values are tried


def test_no_command_prints_a_traceback(crawled, tmp_path, monkeypatch, rel):
    monkeypatch.chdir(tmp_path)  # the default --db and --config are relative: never the repo's data/
    monkeypatch.setenv("PAYBANDS_DB", str(crawled))
    dbs = _bad_dbs(tmp_path, crawled)
    commands = {n: c for n, c in cli.commands.items() if not isinstance(c, click.Group)}
    tried: dict[str, int] = {}
    failures = []
    for name, cmd in sorted(commands.items()):
        required = [a for p in cmd.params if p.required for a in _filler(p, tmp_path)]
        invocations = [("unknown option", [name, "--no-such-option"])]
        invocations += [("missing required", [name])] if required else []
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.is_flag:
                for label, value in _bad_values(p, tmp_path, dbs):
                    others = [
                        a for q in cmd.params if q.required and q is not p for a in _filler(q, tmp_path)
                    ]
                    invocations.append((f"{p.opts[0]} {label}", [name, *others, p.opts[0], value]))
        for _label, args in invocations:
            surely_bad = any(v in args for v in ("--no-such-option", "abc", "-1", "9" * 30, "bogus"))
            if name in NEVER_RUN_FOR_REAL and not surely_bad:
                continue
            res = invoke(args, input="")
            tried[name] = tried.get(name, 0) + 1
            tb = traceback_of(res)
            message_ok = res.exit_code == 0 or any(
                w in (res.stderr or "") for w in ("Error", "Usage", "error", "Warning")
            )
            if tb or not message_ok:
                failures.append(
                    f"paybands {' '.join(args)[:80]!r}: exit {res.exit_code}, {tb or 'no message'}"
                )
    rel.record(
        "CLI",
        "every command with bad arguments: unknown options, missing/corrupt/empty/directory --db, bad numbers, "
        "bad dates, unknown choices, NUL/SQL in text",
        tries=sum(tried.values()),
        outcome=f"{len(tried)} commands ({', '.join(f'{k} {v}' for k, v in sorted(tried.items()))}); "
        f"{len(failures)} tracebacks or silent failures",
        lost="nothing",
    )
    assert not failures, failures


def test_real_console_script_errors(crawled, tmp_path, rel):
    """The same through the installed script: stderr has one message, exit code non-zero."""
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(os.urandom(4096))
    cases = [
        ("query on a missing database", ["query", "pay-ranges", "--db", str(tmp_path / "none.duckdb")], "does not exist"),
        ("sql on a corrupt file", ["sql", "select 1", "--db", str(corrupt)], "cannot open database"),
        ("changes with a bad date", ["changes", "--since", "yesterday", "--db", str(crawled)], "Invalid value"),
        ("query with a bad int", ["query", "pay-ranges", "--limit", "ten", "--db", str(crawled)], "Invalid value"),
        ("unknown query", ["query", "no-such-query", "--db", str(crawled)], "no query named"),
        ("sql syntax error", ["sql", "selec 1", "--db", str(crawled)], "SQL failed"),
    ]  # fmt: skip
    for case, args, message in cases:
        done = paybands(*args)
        rel.record(
            "CLI", f"console script: {case}", outcome=f"exit {done.returncode}; {done.stderr.strip()[:120]}"
        )
        assert done.returncode != 0 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


# -- SQL injection through every parameter of every named query ---------------------------------------
INJECTIONS = [
    "'; DROP TABLE postings; --",
    "x' OR '1'='1",
    "') UNION SELECT table_name, 1, 1 FROM information_schema.tables --",
    "\"; ATTACH '/tmp/paybands-injected.duckdb' AS pwn; --",
]


class SpyConnection:
    """A DuckDB connection that remembers every SQL text it was given."""

    def __init__(self, con: Any, seen: list[str]) -> None:
        self._con, self._seen = con, seen

    def execute(self, sql: str, *args: Any, **kw: Any) -> Any:
        self._seen.append(sql)
        return self._con.execute(sql, *args, **kw)

    def sql(self, sql: str, *args: Any, **kw: Any) -> Any:
        self._seen.append(sql)
        return self._con.sql(sql, *args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def test_query_parameters_are_bound_never_interpolated(crawled, monkeypatch, rel):
    from paybands.commands import query as query_cmd

    seen: list[str] = []
    real_open = query_cmd.open_db
    monkeypatch.setattr(query_cmd, "open_db", lambda *a, **kw: SpyConnection(real_open(*a, **kw), seen))
    before = snapshot(crawled)
    queries = list_queries()
    tried = 0
    leaks, tracebacks, rejected = [], [], 0
    for q in queries:
        # Every text parameter carries the payload at once (all are bound before the query runs); each
        # typed parameter gets it alone (it must be refused as a bad value, not reach SQL).
        text = [p for p in q.params if p.type == "text"]
        calls = [
            [a for p in text for a in (f"--{p.name.replace('_', '-')}", payload)] for payload in INJECTIONS
        ]
        calls += [[f"--{p.name.replace('_', '-')}", INJECTIONS[0]] for p in q.params if p.type != "text"]
        for args in calls:
            seen.clear()
            res = invoke(["query", q.name, *args, "--db", str(crawled)])
            tried += 1
            if traceback_of(res):
                tracebacks.append(f"{q.name} {args[:2]}: {traceback_of(res)}")
            rejected += res.exit_code != 0
            if any(payload in s for s in seen for payload in INJECTIONS):
                leaks.append(f"{q.name} {args[:2]}")
    after = snapshot(crawled)
    tables = {t for (t,) in rows(crawled, "SELECT table_name FROM information_schema.tables")}
    rel.record(
        "CLI",
        f"SQL injection through every parameter of every named query ({len(queries)} queries, "
        f"{sum(len(q.params) for q in queries)} parameters; {len(INJECTIONS)} payloads in every text parameter, "
        "one in each typed parameter)",
        tries=tried,
        outcome=f"payload in SQL text: {len(leaks)}; tracebacks: {len(tracebacks)}; {rejected} rejected as bad "
        f"values (typed parameters), the rest matched as plain text; database unchanged: {before == after}",
        lost="nothing" if before == after and "postings" in tables else "DATABASE CHANGED",
    )
    assert not leaks and not tracebacks, (leaks[:5], tracebacks[:5])
    assert before == after and "postings" in tables
    assert not Path("/tmp/paybands-injected.duckdb").exists()


# -- paybands sql is read-only unless --write ------------------------------------------------------
WRITES = [
    "DROP TABLE postings",
    "DELETE FROM postings",
    "UPDATE postings SET is_active = FALSE",
    "INSERT INTO meta VALUES ('x', 'y')",
    "CREATE TABLE pwn AS SELECT 1",
    "ALTER TABLE postings ADD COLUMN pwn INT",
    "SELECT 1; DROP TABLE postings",
]


def test_sql_is_read_only_unless_write(crawled, tmp_path, rel):
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled, db)
    before = snapshot(db)
    refused = 0
    for statement in WRITES:
        res = invoke(["sql", statement, "--db", str(db)])
        assert traceback_of(res) is None
        if res.exit_code != 0 and "--write" in res.stderr:
            refused += 1
    unchanged = snapshot(db) == before
    res = invoke(["sql", "DELETE FROM crawl_runs WHERE run_id < 0", "--write", "--db", str(db)])
    rel.record(
        "CLI",
        "`paybands sql` with writing statements and no --write (DROP, DELETE, UPDATE, INSERT, CREATE, ALTER, "
        "a write after a SELECT)",
        tries=len(WRITES),
        outcome=f"{refused}/{len(WRITES)} refused with a hint to add --write; database unchanged: {unchanged}; "
        f"with --write a DELETE runs (exit {res.exit_code})",
        lost="nothing" if unchanged else "DATABASE CHANGED",
    )
    assert refused == len(WRITES) and unchanged
    assert res.exit_code == 0, res.output
