"""`paybands sql` without --write reaches nothing but the database and files beside it (#13 item 11).

Each statement that would write a file, read one elsewhere, reach the network, install or load an
extension, open another database for writing, or switch the sandbox off is refused with one sentence
(exit 1, no traceback), and leaves no file behind. What stays allowed is tested too: reading the
database and a Parquet file in its folder, and everything once --write is given.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

import paybands.commands  # noqa: F401  (registers the commands)
from paybands.cli import cli
from scraper.store import Store
from tests.reliability.support import paybands as run_paybands


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sandbox") / "paybands.duckdb"
    Store(db).close()  # an empty database with the current schema
    return db


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data" / "paybands.duckdb"
    copy.parent.mkdir()
    shutil.copy(base_db, copy)
    return copy


def sql(db: Path, statement: str, *flags: str) -> Result:
    return CliRunner().invoke(cli, ["sql", statement, "--db", str(db), *flags], catch_exceptions=True)


def refused_cleanly(res: Result, wanted: str) -> bool:
    """Exit 1 with one sentence on stderr naming `wanted` and the --write hint; no traceback."""
    lines = res.stderr.strip().splitlines()
    return (
        res.exit_code == 1
        and isinstance(res.exception, SystemExit)
        and len(lines) == 1
        and lines[0].startswith("Error: without --write, `sql` ")
        and wanted in lines[0]
        and "add --write to allow it" in lines[0]
        and "Traceback" not in res.output
    )


# (case, statement with {dir} = the database's folder and {out} = a folder beside it, words the
# refusal must say, a file that must not exist afterwards)
REFUSALS = [
    ("COPY ... TO outside", "COPY (SELECT 1) TO '{out}/x.csv'", "runs no COPY", "{out}/x.csv"),
    ("COPY ... TO the db folder", "COPY postings TO '{dir}/postings.csv'", "runs no COPY", "{dir}/postings.csv"),
    ("COPY ... FROM", "COPY postings FROM '{dir}/side.csv'", "runs no COPY", None),
    ("EXPORT DATABASE", "EXPORT DATABASE '{out}/dump'", "runs no EXPORT DATABASE", "{out}/dump"),
    ("EXPORT DATABASE into the db folder", "EXPORT DATABASE '{dir}/dump'", "runs no EXPORT DATABASE", "{dir}/dump"),
    ("read_csv('/etc/passwd')", "SELECT * FROM read_csv('/etc/passwd')", "'/etc/passwd' is outside it", None),
    ("read_text of a file elsewhere", "SELECT * FROM read_text('{out}/secret.txt')", "is outside it", None),
    ("a path that climbs out with ..", "SELECT * FROM read_csv('{dir}/../../../etc/passwd')", "is outside it", None),
    ("a symbolic link in the folder to /etc", "SELECT * FROM read_text('{dir}/etc-link/passwd')", "is outside it", None),
    ("glob('/etc/*')", "SELECT * FROM glob('/etc/*')", "'/etc/*' is outside it", None),
    ("a URL (the network)", "SELECT * FROM 'https://example.com/x.csv'", "is outside it", None),
    ("INSTALL", "INSTALL httpfs", "INSTALL or LOAD", None),
    ("FORCE INSTALL", "FORCE INSTALL httpfs", "INSTALL or LOAD", None),
    ("LOAD", "LOAD json", "INSTALL or LOAD", None),
    ("UPDATE EXTENSIONS", "UPDATE EXTENSIONS", "runs only statements it knows", None),
    ("ATTACH another file for writing", "ATTACH '{dir}/other.duckdb' AS o (READ_WRITE)", "runs no ATTACH", "{dir}/other.duckdb"),
    ("ATTACH in memory", "ATTACH ':memory:' AS m", "runs no ATTACH", None),
    ("a COPY after a SELECT", "SELECT 1; COPY (SELECT 1) TO '{dir}/late.csv'", "runs no COPY", "{dir}/late.csv"),
    ("SET enable_external_access back to true", "SET enable_external_access = true", "'enable_external_access' is locked", None),
    ("RESET enable_external_access", "RESET enable_external_access", "'enable_external_access' is locked", None),
    ("SET lock_configuration = false", "SET lock_configuration = false", "'lock_configuration' is locked", None),
    ("PRAGMA lock_configuration = false", "PRAGMA lock_configuration = false", "'lock_configuration' is locked", None),
    ("SET allowed_directories to /", "SET allowed_directories = ['/']", "'allowed_directories' is locked", None),
    ("PRAGMA profile_output (writes a file)", "PRAGMA profile_output = '{out}/profile.txt'", "is locked", "{out}/profile.txt"),
    ("CALL enable_logging to a file", "CALL enable_logging(storage = 'file', storage_path = '{out}/log')", "is locked", "{out}/log"),
    ("duckdb_extensions() (reads ~/.duckdb)", "SELECT * FROM duckdb_extensions()", "is outside it", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("statement", "wanted", "never"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_sql_without_write_refuses(
    db: Path, tmp_path: Path, statement: str, wanted: str, never: str | None
) -> None:
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "secret.txt").write_text("secret\n")
    (db.parent / "side.csv").write_text("x\n1\n")
    (db.parent / "etc-link").symlink_to("/etc")
    fill = {"dir": str(db.parent), "out": str(out)}
    res = sql(db, statement.format(**fill))
    assert refused_cleanly(res, wanted), (res.exit_code, res.stderr, res.stdout, res.exception)
    assert "secret" not in res.stdout
    if never is not None:
        assert not Path(never.format(**fill)).exists()


def test_sql_without_write_reads_the_database_and_files_beside_it(db: Path) -> None:
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 42 AS answer) TO '{db.parent / 'mine.parquet'}'")
    res = sql(db, f"SELECT answer FROM '{db.parent / 'mine.parquet'}'", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.stdout == "answer\n42\n"
    res = sql(db, f"SELECT count(*) AS n FROM glob('{db.parent}/*.parquet')", "--format", "csv")
    assert res.stdout == "n\n1\n"
    res = sql(db, "SELECT count(*) AS n FROM postings", "--format", "csv")
    assert res.exit_code == 0 and res.stdout == "n\n0\n"
    res = sql(
        db, "SET VARIABLE since = DATE '2026-01-01'; SELECT getvariable('since') AS since", "--format", "csv"
    )
    assert res.exit_code == 0 and res.stdout == "since\n2026-01-01\n", res.output


def test_sql_with_write_lifts_the_sandbox(db: Path) -> None:
    target = db.parent / "postings.csv"
    res = sql(db, f"COPY postings TO '{target}'", "--write")
    assert res.exit_code == 0, res.output
    assert target.exists()


# One statement of each kind also goes through the console script (a process each: a sample).
BINARY_SAMPLE = {
    "COPY ... TO the db folder", "EXPORT DATABASE", "read_csv('/etc/passwd')", "a URL (the network)",
    "INSTALL", "ATTACH another file for writing", "SET enable_external_access back to true",
    "PRAGMA lock_configuration = false",
}  # fmt: skip


def test_sandbox_refusals_recorded_and_through_the_installed_binary(db: Path, tmp_path: Path, rel) -> None:
    """Every refusal through CliRunner, and a sample through the console script as a user runs it:
    one line on stderr, exit 1, no file."""
    (db.parent / "etc-link").symlink_to("/etc")
    outcomes = []
    for case, statement, wanted, never in REFUSALS:
        fill = {"dir": str(db.parent), "out": str(tmp_path)}
        res = sql(db, statement.format(**fill))
        ok = refused_cleanly(res, wanted)
        if case in BINARY_SAMPLE:
            proc = run_paybands("sql", statement.format(**fill), "--db", str(db))
            line = proc.stderr.strip()
            ok = ok and proc.returncode == 1 and "\n" not in line
            ok = ok and line.startswith("Error: without --write") and wanted in line
        ok = ok and (never is None or not Path(never.format(**fill)).exists())
        outcomes.append((case, ok))
    held = [c for c, ok in outcomes if ok]
    rel.record(
        "CLI",
        "`paybands sql` without --write reaching past the database: " + ", ".join(c for c, _ in outcomes),
        tries=len(outcomes) + len(BINARY_SAMPLE),
        outcome=f"{len(held)}/{len(outcomes)} refused with one sentence naming what the sandbox allows "
        f"(exit 1, no traceback, no file written; {len(BINARY_SAMPLE)} of them also through the installed "
        "binary); a Parquet file beside the database stays readable",
        lost="nothing" if len(held) == len(outcomes) else "a file or setting was reached",
    )
    assert len(held) == len(outcomes), [o for o in outcomes if not o[1]]
