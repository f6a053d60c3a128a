"""The store: idempotent re-crawls, one transaction per company, history, schema version."""

from __future__ import annotations

import duckdb
import pytest

from scraper.config import parse_config
from scraper.crawl import run_crawl
from scraper.replay import Fault
from scraper.schema import SCHEMA_VERSION
from scraper.store import FaultPlan, Store, StoreError
from tests.helpers import crawl, query

BOARDS = [
    {"name": "Lambda", "source": "ashby", "board": "Lambda"},
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
]


def _snapshot(db):
    return (
        query(db, "SELECT posting_id, title, location, first_seen, is_active FROM postings ORDER BY 1"),
        query(db, "SELECT * EXCLUDE (seen_since) FROM pay_bands ORDER BY posting_id, band_no"),
        query(db, "SELECT count(*) FROM posting_raw"),
        query(db, "SELECT count(*) FROM posting_versions"),
    )


def test_recrawl_is_idempotent(replay, tmp_db):
    first = crawl(tmp_db, replay.url, *BOARDS)
    before = _snapshot(tmp_db)
    second = crawl(tmp_db, replay.url, *BOARDS)
    after = _snapshot(tmp_db)
    assert before == after
    assert sum(o.counts.new_postings for o in second.outcomes) == 0
    assert sum(o.counts.changed_bands for o in second.outcomes) == 0
    assert (
        sum(o.counts.postings for o in first.outcomes)
        == sum(o.counts.postings for o in second.outcomes)
        == 53
    )
    assert query(tmp_db, "SELECT count(*), count(DISTINCT posting_id) FROM postings") == [(53, 53)]
    # last_seen moved to the second run, first_seen stayed
    assert query(tmp_db, "SELECT DISTINCT last_run_id, first_run_id FROM postings") == [(2, 1)]
    assert query(tmp_db, "SELECT run_id, status, postings FROM crawl_runs ORDER BY 1") == [
        (1, "ok", 53),
        (2, "ok", 53),
    ]


def test_failing_company_leaves_the_others(replay, tmp_db):
    replay.faults["/posting-api/job-board/Lambda"] = Fault(status=503)
    result = crawl(tmp_db, replay.url, *BOARDS)
    assert result.status == "partial"
    failed = [o for o in result.outcomes if o.status == "failed"]
    assert [o.company for o in failed] == ["Lambda"] and "503" in failed[0].error
    assert query(tmp_db, "SELECT company, count(*) FROM postings GROUP BY 1 ORDER BY 1") == [
        ("Anthropic", 1),
        ("Match Group", 2),
    ]
    (errors,) = query(tmp_db, "SELECT errors FROM crawl_runs")[0]
    assert "Lambda" in errors and "503" in errors
    assert query(tmp_db, "SELECT company, status FROM crawl_run_companies ORDER BY 1") == [
        ("Anthropic", "ok"),
        ("Lambda", "failed"),
        ("Match Group", "ok"),
    ]


def test_store_error_rolls_back_only_that_company(replay, tmp_db, monkeypatch):
    crawl(tmp_db, replay.url, *BOARDS)
    before = _snapshot(tmp_db)
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    faults.inject("mark_removed", RuntimeError("disk on fire"), board="matchgroup")
    result = crawl(tmp_db, replay.url, *BOARDS)
    # lever fails alone (a clear per-company error), the crawl goes on
    lever = next(o for o in result.outcomes if o.source == "lever")
    assert result.status == "partial" and lever.status == "failed" and lever.error_kind == "store"
    assert "disk on fire" in (lever.error or "")
    # lever's transaction rolled back; the others committed; nothing duplicated or lost
    assert _snapshot(tmp_db)[0] == before[0]
    assert query(tmp_db, "SELECT count(*) FROM postings WHERE last_run_id = 2 AND source = 'lever'") == [(0,)]


def test_band_change_and_removal_history(replay, tmp_db, tmp_path):
    import json

    from tests.helpers import load_real

    board = load_real("ashby/browserbase_board_comp.json")
    synth = tmp_path / "synth" / "ashby"
    synth.mkdir(parents=True)
    replay.recordings = tmp_path
    (synth / "bb.json").write_text(json.dumps(board))
    crawl(tmp_db, replay.url, {"name": "BB", "source": "ashby", "board": "bb"})
    # week 2: one posting gone, one band raised
    jobs = board["jobs"]
    gone = jobs.pop(0)
    with_pay = next(j for j in jobs if j.get("compensation", {}).get("compensationTiers"))
    comp = next(
        c
        for c in with_pay["compensation"]["compensationTiers"][0]["components"]
        if c["compensationType"] == "Salary"
    )
    old_max = comp["maxValue"]
    comp["maxValue"] = old_max + 10000
    (synth / "bb.json").write_text(json.dumps(board))
    result = crawl(tmp_db, replay.url, {"name": "BB", "source": "ashby", "board": "bb"})
    (o,) = result.outcomes
    assert (o.counts.removed_postings, o.counts.changed_bands, o.counts.new_postings) == (1, 1, 0)
    assert query(
        tmp_db, "SELECT is_active, removed_run_id FROM postings WHERE external_id = ?", [gone["id"]]
    ) == [(False, 2)]
    changes = query(tmp_db, "SELECT posting_id, old_max_amount, new_max_amount FROM pay_band_changes")
    assert changes == [(f"ashby:bb:{with_pay['id']}", float(old_max), float(old_max + 10000))]


def test_schema_version_recorded_and_newer_refused(tmp_db):
    Store(tmp_db)
    assert query(tmp_db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    con = duckdb.connect(str(tmp_db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer than this paybands"):
        Store(tmp_db)


def test_duckdb_client_sees_documented_tables(replay, tmp_db):
    crawl(tmp_db, replay.url, *BOARDS[:1])
    names = {r[0] for r in query(tmp_db, "SELECT table_name FROM information_schema.tables")}
    assert {
        "postings",
        "pay_bands",
        "crawl_runs",
        "crawl_run_companies",
        "posting_raw",
        "pay_band_changes",
    } <= names
    payload = query(tmp_db, "SELECT payload FROM posting_raw LIMIT 1")[0][0]
    assert payload.startswith("{") and '"compensation"' in payload


def test_config_base_url_reaches_the_replay(replay, tmp_db):
    cfg = parse_config(
        {"company": [{"name": "A", "source": "ashby", "board": "cartesia", "base_url": replay.url}]}
    )
    result = run_crawl(cfg, str(tmp_db))
    assert result.status == "ok" and replay.requests_to("/posting-api/job-board/cartesia") == 1


# -- the store's structure: transactions, the fault hook, held removals (#13) ------------------------
def _listing(board: str, ids: range) -> list:
    from scraper.models import Posting

    return [Posting("greenhouse", board, "Acme", str(i), f"Engineer {i}", raw=f'{{"id": {i}}}') for i in ids]


def _outcome(board: str = "acme", **kw):
    from scraper.store import CompanyOutcome

    return CompanyOutcome("Acme", "greenhouse", board, "ok", **kw)


def test_transaction_never_hides_the_error_behind_a_failed_rollback(tmp_path):
    """DuckDB ends a transaction itself when a COMMIT fails (a full disk); the ROLLBACK that follows
    said "no transaction is active" and that replaced the error that mattered."""
    store = Store(tmp_path / "t.duckdb")
    with pytest.raises(ValueError, match="the real one"), store.transaction() as con:
        con.execute("ROLLBACK").fetchall()  # the transaction is gone, as after a failed COMMIT
        raise ValueError("the real one")
    with store.transaction() as con:  # and the store still works
        assert con.execute("SELECT count(*) FROM crawl_runs").fetchall() == [(0,)]


def test_fault_plan_targets_a_board_a_number_of_times(tmp_path, monkeypatch):
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    fault = faults.inject("write", RuntimeError("injected"), board="beta", times=1)
    store = Store(tmp_path / "f.duckdb")
    run = store.begin_run()
    store.write_company(run, _outcome("alpha"), _listing("alpha", range(3)))  # another board: untouched
    with pytest.raises(RuntimeError, match="injected"):
        store.write_company(run, _outcome("beta"), _listing("beta", range(3)))
    store.write_company(run, _outcome("beta"), _listing("beta", range(3)))  # once only
    assert fault.hits == 1
    assert query(tmp_path / "f.duckdb", "SELECT board, count(*) FROM postings GROUP BY 1 ORDER BY 1") == [
        ("alpha", 3),
        ("beta", 3),
    ]


def test_partial_listing_holds_removals_in_the_store(tmp_path):
    db = tmp_path / "h.duckdb"
    store = Store(db)
    store.write_company(store.begin_run(), _outcome(), _listing("acme", range(20)))
    partial = _outcome(complete=False, notes=["stopped at page 1"])
    counts = store.write_company(store.begin_run(), partial, _listing("acme", range(15)))
    assert (counts.removed_postings, counts.held_removals, partial.status) == (0, 5, "attention")
    assert query(
        db, "SELECT count(*) FILTER (missing_since IS NOT NULL), count(*) FILTER (is_active) FROM postings"
    ) == [(5, 20)]
    assert query(db, "SELECT status, held_removals, notes FROM crawl_run_companies WHERE run_id = 2") == [
        ("attention", 5, '["stopped at page 1"]')
    ]
    # The board lists them again: the hold ends, nothing was removed or re-created.
    back = _outcome()
    counts = store.write_company(store.begin_run(), back, _listing("acme", range(20)))
    assert (counts.new_postings, counts.removed_postings, counts.held_removals, back.status) == (
        0,
        0,
        0,
        "ok",
    )
    assert query(db, "SELECT count(missing_since), count(removed_at) FROM postings") == [(0, 0)]
