"""Schema versioning: a database file written by the previous schema migrates keeping every row; a
failed migration changes nothing; a file from a newer paybands is refused with a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands)
from paybands.cli import cli
from scraper import schema
from scraper.reparse import reparse
from scraper.replay import ReplayServer
from scraper.store import Store, StoreError
from tests.helpers import WEEK, crawl, edit_json
from tests.reliability.support import paybands, rows, write_config

V1_FILE = Path(__file__).parent / "fixtures" / "paybands_v1.duckdb"  # made by fixtures/make_v1_db.py
V1_BOARDS = [
    {"name": "Browserbase", "source": "ashby", "board": "browserbase"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
    {"name": "GitLab", "source": "greenhouse", "board": "gitlab"},
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
]


def columns(db: Path) -> dict[str, list[str]]:
    """Base tables (but meta) and their columns, without the ones v2 added to crawl_runs."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        return {
            table: [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if c not in ("pid", "host", "paybands_version")
            ]  # fmt: skip
            for (table,) in tables
            if table != "meta"
        }
    finally:
        con.close()


def dump(db: Path, shape: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table in `shape` (default: the file's own base tables), over its columns,
    order-independent. A later schema may serve an old table as a view of the same name."""
    shape = shape or columns(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: sorted(con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
            for table, cols in shape.items()
        }
    finally:
        con.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    db = tmp_path / "paybands.duckdb"
    shutil.copy(V1_FILE, db)
    return db


def test_v1_file_migrates_keeping_every_row(v1_copy: Path, replay: ReplayServer, rel) -> None:
    assert rows(v1_copy, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    shape = columns(v1_copy)
    before = dump(v1_copy, shape)
    Store(v1_copy).close()  # opening for writing migrates
    after = dump(v1_copy, shape)
    version = rows(v1_copy, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
    new_cols = rows(v1_copy, "SELECT count(*) FROM crawl_runs WHERE pid IS NULL AND host IS NULL")[0][0]
    kept = sum(len(v) for v in before.values())
    # and it keeps working: a crawl on the migrated file records who ran it, adds no duplicates
    result = crawl(v1_copy, replay.url, *V1_BOARDS)
    who = rows(v1_copy, "SELECT pid, host, paybands_version FROM crawl_runs ORDER BY run_id DESC LIMIT 1")[0]
    dupes = rows(v1_copy, "SELECT count(*) - count(DISTINCT posting_id) FROM postings")[0][0]
    rel.record(
        "Schema",
        f"database file written by schema v1 opened by v{schema.SCHEMA_VERSION}",
        outcome=f"migrated to v{version}; {kept} rows in {len(before)} tables compared, "
        f"{'all identical' if after == before else 'DIFFERENT'}; old runs have NULL pid/host; "
        f"next crawl {result.status}, recorded pid {who[0]} on {who[1]!r}, {dupes} duplicates",
        lost="nothing" if after == before else "rows changed",
    )
    assert int(version) == schema.SCHEMA_VERSION and after == before and kept > 50
    assert new_cols == 2
    assert result.status == "ok" and who[0] and who[1] and dupes == 0


def test_cli_crawl_migrates_and_readers_read_a_v1_file(
    v1_copy: Path, replay: ReplayServer, tmp_path, rel
) -> None:
    shape = columns(v1_copy)
    before = dump(v1_copy, shape)
    # a reader (read-only, cannot migrate) still reads the old file
    res = CliRunner().invoke(cli, ["query", "pay-ranges", "--format", "csv", "--db", str(v1_copy)])
    read_ok = res.exit_code == 0 and res.stdout.count("\n") > 1
    cfg = write_config(tmp_path / "c.toml", replay.url, V1_BOARDS)
    done = paybands("crawl", "-q", "--config", str(cfg), "--db", str(v1_copy))
    version = rows(v1_copy, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
    after = dump(v1_copy, shape)  # over the v1 columns: later versions add some
    kept = all(set(before[t]) <= set(after[t]) for t in ("crawl_run_companies", "posting_raw"))
    rel.record(
        "Schema",
        "`paybands query` then `paybands crawl` on a v1 file",
        tries=2,
        outcome=f"query on the v1 file: exit {res.exit_code}; crawl: exit {done.returncode}, file now v{version}",
        lost="nothing" if kept else "history rows lost",
    )
    assert read_ok, res.output
    assert done.returncode == 0, done.stderr
    assert int(version) == schema.SCHEMA_VERSION and kept


def test_failed_migration_changes_nothing(v1_copy: Path, monkeypatch, rel) -> None:
    before = dump(v1_copy)
    steps = [*schema.MIGRATIONS[2], "ALTER TABLE no_such_table ADD COLUMN x INT"]  # a step that fails midway
    monkeypatch.setitem(schema.MIGRATIONS, 2, steps)
    with pytest.raises(StoreError, match="could not upgrade this database from schema version 1") as err:
        Store(v1_copy)
    version = rows(v1_copy, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
    cols = {
        c
        for (c,) in rows(
            v1_copy, "SELECT column_name FROM information_schema.columns WHERE table_name = 'crawl_runs'"
        )
    }
    rel.record(
        "Schema",
        "a migration step that fails halfway",
        outcome=f"{type(err.value).__name__}: {err.value}; file still v{version}, new columns present: {'pid' in cols}",
        lost="nothing" if dump(v1_copy) == before else "rows changed",
    )
    assert version == "1" and "pid" not in cols and dump(v1_copy) == before


def test_newer_database_is_refused(v1_copy: Path, replay: ReplayServer, tmp_path, rel) -> None:
    Store(v1_copy).close()
    newer = schema.SCHEMA_VERSION + 1
    con = duckdb.connect(str(v1_copy))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(newer)])
    con.close()
    before = dump(v1_copy)
    with pytest.raises(StoreError, match=f"schema version {newer}, newer than this paybands"):
        Store(v1_copy)
    cfg = write_config(tmp_path / "c.toml", replay.url, V1_BOARDS[:1])
    outcomes = []
    for args in (
        ["crawl", "-q", "--config", str(cfg)],
        ["query", "pay-ranges"],
        ["sql", "select count(*) from postings"],
        ["report"],
        ["reparse"],
    ):
        res = CliRunner().invoke(cli, [*args, "--db", str(v1_copy)])
        no_traceback = res.exception is None or isinstance(res.exception, SystemExit)
        outcomes.append((args[0], res.exit_code, "newer than this paybands" in res.stderr, no_traceback))
    rel.record(
        "Schema",
        f"database from a newer paybands (schema v{newer}): crawl, query, sql, report, reparse",
        tries=len(outcomes),
        outcome="; ".join(
            f"{c}: exit {e}, {'clear refusal' if m else 'NO MESSAGE'}" for c, e, m, _ in outcomes
        )
        + f"; {len(replay.log)} requests",
        lost="nothing" if dump(v1_copy) == before else "rows changed",
    )
    assert all(e != 0 and m and ok for _, e, m, ok in outcomes), outcomes
    assert replay.log == [] and dump(v1_copy) == before


def test_fresh_database_has_the_current_version(tmp_db: Path, rel) -> None:
    Store(tmp_db).close()
    version = rows(tmp_db, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
    cols = {
        c
        for (c,) in rows(
            tmp_db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'crawl_runs'"
        )
    }
    rel.record(
        "Schema",
        "a new database file",
        outcome=f"created at v{version} with crawl_runs.pid/host/paybands_version",
    )
    assert int(version) == schema.SCHEMA_VERSION and {"pid", "host", "paybands_version"} <= cols


# What v5 appended to v4's tables (and nothing else changed in their shape).
V5_COLUMNS = {
    "pay_band_versions": ["rule", "evidence_start", "evidence_end", "closed_run_id"],
    "crawl_run_companies": ["warnings"],
}
# What v6 appended (removal safety): a v4 or v5 file has none of these.
V6_COLUMNS = {
    "postings": ["missing_since", "missing_run_id"],
    "crawl_run_companies": ["held_removals", "skipped", "notes"],
}
V7_COLUMNS = {"postings": ["data_status", "data_note"]}
# v8: places (band_facts is derived: v8 rebuilds it with these columns)
V8_COLUMNS = {
    "postings": ["metro"],
    "band_facts": ["metro", "region", "remote", "zone_level", "place_from"],
}
V9_COLUMNS = {"postings": ["requisition_id", "duplicate_of"]}


def _to_v4(db: Path) -> None:
    """Turn a v5 file into the file v4 would have written: v5 only appended columns, so dropping them
    (and the views that read them) leaves v4's tables, column for column."""
    con = duckdb.connect(str(db))
    try:
        for view in ("pay_band_changes", "posting_bands", "pay_bands"):
            con.execute(f"DROP VIEW {view}")
        for table, cols in [
            *V5_COLUMNS.items(),
            *V6_COLUMNS.items(),
            *V7_COLUMNS.items(),
            *V8_COLUMNS.items(),
            *V9_COLUMNS.items(),
        ]:
            for col in cols:
                con.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
        con.execute("DROP TABLE zone_places")  # v8
        con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    finally:
        con.close()


def test_v4_file_upgrades_in_place_to_v5(replay: ReplayServer, week_boards, tmp_path, rel) -> None:
    """A v4 file with history from crawls and a reparse: the upgrade keeps every row, gives existing
    bands rule = origin and no evidence, and finds the run that closed each band version, so
    pay_band_changes tells the reparse's repair from the crawl's change on the upgraded file."""
    db = tmp_path / "v4.duckdb"
    assert crawl(db, replay.url, *WEEK).status == "ok"

    def raise_one_drop_one(data):  # one band raised, one posting's bands gone (no version follows them)
        paid = [j for j in data["jobs"] if (j.get("compensation") or {}).get("compensationTiers")]
        for c in paid[0]["compensation"]["compensationTiers"][0]["components"]:
            if c["compensationType"] == "Salary":
                c["maxValue"] += 10000
        paid[1]["compensation"] = {}
        paid[1]["descriptionPlain"] = paid[1]["descriptionHtml"] = "No pay stated."

    edit_json(week_boards / "ashby/browserbase.json", raise_one_drop_one)
    assert crawl(db, replay.url, *WEEK).status == "ok"
    con = duckdb.connect(str(db))  # an old normalizer's band: the reparse repairs it
    victim = con.execute(
        "SELECT posting_id FROM pay_bands WHERE posting_id LIKE 'ashby:sierra:%' LIMIT 1"
    ).fetchall()
    con.execute("UPDATE pay_band_versions SET min_amount = 1 WHERE posting_id = ?", [victim[0][0]])
    con.execute("UPDATE postings SET band_hash = 'old' WHERE posting_id = ?", [victim[0][0]])
    con.close()
    assert reparse(db).changed == 1
    # (not old_rule / new_rule: bands stored before v5 say their origin until a reparse names the rule)
    changes_sql = "SELECT * EXCLUDE (old_rule, new_rule) FROM pay_band_changes ORDER BY ALL"
    changes = rows(db, changes_sql)
    assert sorted(r[5] for r in changes) == ["crawl", "crawl", "repair"]  # change_kind
    assert sum(r[8] is None and r[10] is None for r in changes) == 1  # the band that went: no new side
    closed = rows(
        db, "SELECT posting_id, band_no, valid_to, closed_run_id FROM pay_band_versions ORDER BY ALL"
    )
    bands = rows(db, "SELECT * EXCLUDE (rule, evidence_start, evidence_end) FROM pay_bands ORDER BY ALL")
    facts = rows(db, "SELECT * FROM band_facts ORDER BY ALL")

    _to_v4(db)
    shape = columns(db)
    before = dump(db, shape)
    Store(db).close()  # opening for writing upgrades
    version = rows(db, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
    fresh = tmp_path / "fresh.duckdb"
    Store(fresh).close()
    same_shape = columns(db) == columns(fresh)
    kept = dump(db, shape) == before
    rules = rows(
        db,
        "SELECT count(*) FILTER (rule IS DISTINCT FROM origin), count(evidence_start) FROM pay_band_versions",
    )
    rel.record(
        "Schema",
        "database file written by schema v4 (crawls, a band change, a reparse repair) opened by v5",
        outcome=f"upgraded in place to v{version}; {sum(len(v) for v in before.values())} rows compared, "
        f"{'all identical' if kept else 'DIFFERENT'}; columns as a new file: {same_shape}; "
        f"bands with rule != origin / with evidence: {rules[0]}",
        lost="nothing" if kept else "rows changed",
    )
    assert version == str(schema.SCHEMA_VERSION) and kept and same_shape
    assert rules == [(0, 0)]
    assert rows(db, "SELECT count(*) FROM crawl_run_companies WHERE warnings IS NOT NULL") == [(0,)]
    assert (
        rows(db, "SELECT posting_id, band_no, valid_to, closed_run_id FROM pay_band_versions ORDER BY ALL")
        == closed
    )
    assert rows(db, changes_sql) == changes  # repair vs crawl, from the recovered closing runs
    assert (
        rows(db, "SELECT * EXCLUDE (rule, evidence_start, evidence_end) FROM pay_bands ORDER BY ALL") == bands
    )
    assert rows(db, "SELECT * FROM band_facts ORDER BY ALL") == facts

    # the next reparse names each band's rule and evidence in place: no new versions, no changes
    versions = rows(db, "SELECT count(*) FROM pay_band_versions")
    assert reparse(db).changed == 0
    assert rows(db, "SELECT count(*) FROM pay_band_versions") == versions
    assert rows(db, changes_sql) == changes
    assert rows(db, "SELECT count(*) FROM pay_bands WHERE origin = 'text' AND evidence_start IS NULL") == [
        (0,)
    ]
