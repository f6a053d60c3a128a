"""band_facts, the derived table the named queries read: every write keeps it equal to a rebuild
from postings and current bands, and the posting counts it gives equal a distinct count."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers commands)
from analysis.queries import run_query
from paybands.cli import cli
from scraper.enrich import refresh_database
from scraper.reparse import reparse
from scraper.schema import band_facts_sql
from tests.helpers import WEEK, crawl, edit_json, query


def facts(db: Path, where: str = "") -> list[tuple]:
    """band_facts as stored, and as a rebuild computes it now; the test asserts they are equal."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE band_facts)").fetchall()]
        order = " ORDER BY posting_key, band_no"
        stored = con.execute(f"SELECT {', '.join(cols)} FROM band_facts {where}{order}").fetchall()
        rebuilt = con.execute(f"SELECT {', '.join(cols)} FROM ({band_facts_sql()}) {where}{order}").fetchall()
    finally:
        con.close()
    assert stored == rebuilt
    return stored


def one(db: Path, sql: str, params: list | None = None):
    rows = query(db, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


def test_band_facts_follow_every_write(replay, week_boards, tmp_db):
    crawl(tmp_db, replay.url, *WEEK)
    assert len(facts(tmp_db)) == one(tmp_db, "SELECT count(*) FROM pay_bands")[0] > 40

    jobs = json.loads((week_boards / "ashby/browserbase.json").read_text())["jobs"]
    with_pay = [j for j in jobs if (j.get("compensation") or {}).get("compensationTiers")]
    gone, retitled, raised = with_pay[0], with_pay[1], with_pay[2]

    def week2(data):
        data["jobs"] = [j for j in data["jobs"] if j["id"] != gone["id"]]
        for j in data["jobs"]:
            if j["id"] == retitled["id"]:
                j["title"] = "Principal " + j["title"]
            if j["id"] == raised["id"]:
                for c in j["compensation"]["compensationTiers"][0]["components"]:
                    c["maxValue"] = (c.get("maxValue") or 0) + 50_000

    edit_json(week_boards / "ashby/browserbase.json", week2)
    crawl(tmp_db, replay.url, *WEEK)
    pid = "ashby:browserbase:{}".format
    facts(tmp_db)
    active, removed_at = one(
        tmp_db,
        "SELECT bool_and(is_active), max(removed_at) FROM band_facts WHERE posting_id = ?",
        [pid(gone["id"])],
    )
    assert active is False and removed_at is not None
    assert one(tmp_db, "SELECT DISTINCT title FROM band_facts WHERE posting_id = ?", [pid(retitled["id"])])[
        0
    ].startswith("Principal ")
    assert one(
        tmp_db,
        "SELECT max(f.max_amount) = max(b.max_amount) FROM band_facts f JOIN pay_bands b USING (posting_key, band_no) "
        "WHERE f.posting_id = ?",
        [pid(raised["id"])],
    ) == (True,)

    # week 3: the gone posting is back
    edit_json(week_boards / "ashby/browserbase.json", lambda d: d["jobs"].insert(0, gone))
    crawl(tmp_db, replay.url, *WEEK)
    assert one(
        tmp_db, "SELECT bool_and(is_active) FROM band_facts WHERE posting_id = ?", [pid(gone["id"])]
    ) == (True,)
    facts(tmp_db)

    # the crawl's taxonomy refresh filled role, seniority and place; a forced one keeps the facts in step
    assert one(tmp_db, "SELECT count(role_family) FROM band_facts")[0] > 0
    refresh_database(tmp_db, force=True)
    facts(tmp_db)

    # reparse repairs a band written behind paybands' back, and the facts with it
    con = duckdb.connect(str(tmp_db))
    con.execute("UPDATE pay_band_versions SET max_amount = 3 WHERE posting_id = ?", [pid(raised["id"])])
    con.execute("UPDATE postings SET band_hash = 'old' WHERE posting_id = ?", [pid(raised["id"])])
    con.close()
    assert reparse(tmp_db).changed == 1
    facts(tmp_db)

    # `paybands sql --write` rebuilds them after the statement
    res = CliRunner().invoke(
        cli,
        [
            "sql",
            "--write",
            "UPDATE postings SET company = 'Sierra AI' WHERE company = 'Sierra'",
            "--db",
            str(tmp_db),
        ],
    )
    assert res.exit_code == 0, res.output
    assert one(tmp_db, "SELECT count(*) FROM band_facts WHERE company = 'Sierra'") == (0,)
    assert one(tmp_db, "SELECT count(*) FROM band_facts WHERE company = 'Sierra AI'")[0] > 0
    facts(tmp_db)


# (query, parameters, the group columns, what the query counts as its postings):
# the reference counts each group's postings with count(DISTINCT) over the same bands.
CASES = [
    ("by-company", {}, ["company", "pay_type"], "is_active AND NOT is_estimate AND annual_mid_usd IS NOT NULL AND pay_type = 'base'"),
    ("by-company", {"pay_type": "all", "include_estimates": True}, ["company", "pay_type"], "is_active AND annual_mid_usd IS NOT NULL"),
    ("by-company", {"pay_type": "all", "currency": "EUR", "active_only": False}, ["company", "pay_type"], "NOT is_estimate AND annual_mid_usd IS NOT NULL AND currency = 'EUR'"),
    ("by-role", {"pay_type": "all"}, ["pay_type"], "is_active AND NOT is_estimate AND annual_mid_usd IS NOT NULL"),
    ("band-width", {"pay_type": "all", "include_estimates": True}, ["company", "pay_type"], "is_active AND min_amount > 0 AND max_amount > 0"),
    ("total-vs-base", {"mixed_only": False}, ["company AS \"group\"", "pay_type"], "is_active AND NOT is_estimate AND annual_mid_usd IS NOT NULL"),
    ("top-payers", {"pay_type": "all", "limit": 1000}, ["company", "pay_type"], "is_active AND NOT is_estimate AND annual_mid_usd IS NOT NULL"),
    ("pay-coverage", {}, ["company"], "is_active AND NOT is_estimate"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "params", "groups", "where"), CASES, ids=lambda c: str(c)[:40])
def test_posting_counts_equal_a_distinct_count(analysis_db, ro, name, params, groups, where):
    got = run_query(ro, name, params)
    count_col = "with_pay" if name == "pay-coverage" else "postings"
    keys = [g.split(" AS ")[-1].strip('"') for g in groups]
    if name == "by-role":  # grouped further by role and seniority: compare the totals per pay type
        got = got.group_by("pay_type").agg(pl.col(count_col).sum())
        ref_sql = (
            f"SELECT pay_type, count(DISTINCT posting_id) AS n FROM posting_bands WHERE {where} GROUP BY ALL"
        )
        ref = dict(ro.execute(ref_sql).fetchall())
        # a posting with bands of one pay type in two role groups cannot happen: role is per posting
        assert {r["pay_type"]: r[count_col] for r in got.iter_rows(named=True)} == ref
        return
    ref_sql = f"SELECT {', '.join(groups)}, count(DISTINCT posting_id) AS n FROM posting_bands WHERE {where} GROUP BY ALL"
    ref = {tuple(r[:-1]): r[-1] for r in ro.execute(ref_sql).fetchall()}
    rows = {tuple(r[k] for k in keys): r[count_col] for r in got.iter_rows(named=True)}
    if name == "pay-coverage":  # companies without pay are rows with 0
        rows = {k: v for k, v in rows.items() if v}
    assert rows == ref
    # the data has postings whose bands differ in currency, estimate or sides: both counting paths run
    (mixed,) = ro.execute("SELECT count(DISTINCT posting_key) FROM band_facts WHERE NOT uniform").fetchall()[
        0
    ]
    assert mixed > 0


# -- places ------------------------------------------------------------------------------------


@pytest.fixture
def zoned_db(tmp_path: Path) -> Path:
    """Two postings: one in San Francisco with a New York band and a San Francisco band (its zones),
    one in New York with one band and no zone."""
    from scraper.store import Store, sync_band_facts
    from tests.analysis.conftest import _insert_posting

    db = tmp_path / "zoned.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    try:
        two = [(150_000, 200_000, "USD", "base", False), (180_000, 240_000, "USD", "base", False)]
        _insert_posting(con, company="Zoned", ext="z1", title="ML Engineer", bands=two, zone="New York City")
        con.execute(
            "UPDATE pay_band_versions SET zone = 'San Francisco' WHERE posting_id LIKE '%z1' AND band_no = 2"
        )
        _insert_posting(
            con, company="Zoned", ext="z2", title="ML Engineer", location="New York, NY",
            bands=[(160_000, 210_000, "USD", "base", False)],
        )  # fmt: skip
        con.execute(
            "UPDATE postings SET city = 'New York', metro = 'New York metro' WHERE posting_id LIKE '%z2'"
        )
        con.execute("BEGIN")
        sync_band_facts(con)
        con.execute("COMMIT")
    finally:
        con.close()
    return db


def test_a_band_is_placed_by_its_zone_and_counted_once_per_place(zoned_db):
    rows = query(zoned_db, "SELECT posting_id, band_no, metro, place_from FROM band_facts ORDER BY ALL")
    assert [r[2:] for r in rows] == [
        ("New York metro", "zone"),  # the New York band of a San Francisco posting is a New York band
        ("San Francisco Bay Area", "zone"),
        ("New York metro", "posting"),
    ]
    con = duckdb.connect(str(zoned_db), read_only=True)
    try:
        nyc = run_query(con, "by-company", {"metro": "New York metro"}).row(0, named=True)
        everywhere = run_query(con, "by-company", {}).row(0, named=True)
        sf = run_query(con, "offer-percentile", {"amount": 200_000, "metro": "San Francisco Bay Area"})
        by_metro = run_query(con, "by-location", {"by": "metro"})
    finally:
        con.close()
    # z1 passes the New York filter by its second band (not its first): still one posting
    assert (nyc["postings"], nyc["bands"]) == (2, 2)
    assert (everywhere["postings"], everywhere["bands"]) == (2, 3)
    assert (sf["compared_postings"][0], sf["compared_bands"][0]) == (1, 1)
    assert dict(by_metro.select("place", "postings").rows()) == {
        "New York metro": 2,
        "San Francisco Bay Area": 1,
    }
    facts(zoned_db)  # the stored table equals a rebuild
