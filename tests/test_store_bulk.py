"""The bulk write path (Store.write_companies) stores exactly what per-company writes store."""

from __future__ import annotations

import json

from scraper.config import CompanyConfig
from scraper.sources import get_source
from scraper.store import CompanyOutcome, FaultPlan, Store
from tests.helpers import load_real, query

BOARDS = [("ashby", "Lambda", "ashby/stapply_Lambda_board_comp.json"),
          ("ashby", "ramp", "ashby/stapply_ramp_board_comp.json"),
          ("greenhouse", "gitlab", "greenhouse/gitlab_jobs_content_2jobs.json")]  # fmt: skip


def _postings(source: str, board: str, rel: str, drop: int = 0) -> list:
    src = get_source(source)(CompanyConfig(board, source, board))
    jobs = load_real(rel)["jobs"][drop:]
    return [src.parse_job(j) for j in jobs]


def _snapshot(db) -> tuple:
    return (
        query(db, "SELECT posting_id, content_hash, band_hash, is_active, last_run_id, removed_run_id "
                  "FROM postings ORDER BY 1"),
        query(db, "SELECT * EXCLUDE (posting_key, valid_from, valid_to) FROM pay_band_versions ORDER BY posting_id, band_no, run_id"),
        query(db, "SELECT count(*) FROM posting_raw"),
        query(db, "SELECT company, status, postings, bands, new_postings, removed_postings FROM crawl_run_companies "
                  "ORDER BY run_id, company"),
    )  # fmt: skip


def test_write_companies_matches_write_company(tmp_path):
    one, bulk = Store(tmp_path / "one.duckdb"), Store(tmp_path / "bulk.duckdb")
    for drop in (0, 1):  # week 2: each board lost its first posting
        batch = [(CompanyOutcome(b, s, b, "ok"), _postings(s, b, rel, drop)) for s, b, rel in BOARDS]
        r1, r2 = one.begin_run(), bulk.begin_run()
        counts = [one.write_company(r1, o, ps) for o, ps in batch]
        batch2 = [(CompanyOutcome(b, s, b, "ok"), _postings(s, b, rel, drop)) for s, b, rel in BOARDS]
        assert bulk.write_companies(r2, batch2) == counts
    assert _snapshot(tmp_path / "one.duckdb") == _snapshot(tmp_path / "bulk.duckdb")
    assert query(tmp_path / "bulk.duckdb", "SELECT sum(removed_postings) FROM crawl_run_companies")[0][0] == 3


def test_crawl_writer_batches_and_a_bad_company_fails_alone(tmp_path, monkeypatch):
    import asyncio

    from scraper.crawl import StoreWriter

    store = Store(tmp_path / "w.duckdb")
    run_id = store.begin_run()
    original = Store.write_company

    def boom(self, run_id, outcome, postings, **kw):
        if outcome.board == "ramp":
            raise RuntimeError("disk on fire")
        return original(self, run_id, outcome, postings, **kw)

    monkeypatch.setattr(Store, "write_company", boom)
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    faults.inject("mark_removed", lambda: json.JSONDecodeError("x", "x", 0), times=1)  # the batch fails

    async def go():
        writer = StoreWriter(store, batch_after=1)
        jobs = [
            writer.write(run_id, CompanyOutcome(b, s, b, "ok"), _postings(s, b, rel)) for s, b, rel in BOARDS
        ]
        try:
            return await asyncio.gather(*jobs, return_exceptions=True)
        finally:
            writer.shutdown()

    results = asyncio.run(go())
    assert isinstance(results[1], RuntimeError)
    assert [type(r).__name__ for r in results] == ["WriteCounts", "RuntimeError", "WriteCounts"]
    assert query(tmp_path / "w.duckdb", "SELECT DISTINCT board FROM postings ORDER BY 1") == [
        ("Lambda",),
        ("gitlab",),
    ]
