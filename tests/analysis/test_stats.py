"""analysis.stats: distributions, trend across crawls and company ranges, against hand-computed answers,
DuckDB's own quantiles and the SQL pay-trend query."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import duckdb
import polars as pl
import pytest

from analysis import stats
from analysis.queries import run_query
from tests.analysis.conftest import ZYZZYVA


def _ts(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


def test_pay_distribution_percentiles_counts_and_small_groups():
    df = pl.DataFrame(
        {
            "posting_id": ["a", "b", "c", "d", "e", "e", "f", "g"],
            "company": ["X", "X", "X", "X", "X", "X", "Y", "Y"],
            "annual_mid_usd": [100.0, 150.0, 200.0, 250.0, 300.0, 350.0, 10.0, None],
        }
    )
    out = stats.pay_distribution(df, "company")
    x, y = out.rows(named=True)
    assert (x["company"], x["n"], x["postings"]) == ("X", 6, 5)
    assert (x["p10"], x["p25"], x["p50"], x["p75"], x["p90"]) == (125.0, 162.5, 225.0, 287.5, 325.0)
    assert (x["min"], x["max"], x["small_group"]) == (100.0, 350.0, False)
    assert (y["n"], y["postings"], y["p50"], y["small_group"]) == (
        1,
        1,
        10.0,
        True,
    )  # the null is not counted
    overall = stats.pay_distribution(df)
    assert overall["n"].item() == 7 and overall["p50"].item() == 200.0
    assert stats.pay_distribution(df, "company", min_n=6)["small_group"].to_list() == [True, True]
    without_ids = stats.pay_distribution(df.drop("posting_id"), "company", min_n=6)
    assert without_ids["small_group"].to_list() == [False, True]  # counts bands when postings are unknown
    assert stats.pay_distribution(df.clear(), "company").is_empty()


def test_pay_distribution_matches_duckdb_quantile_cont():
    rng = random.Random(7)
    df = pl.DataFrame(
        {
            "g": [rng.choice("abcdefg") for _ in range(2_000)],
            "annual_mid_usd": [rng.uniform(40_000, 600_000) for _ in range(2_000)],
        }
    )
    ours = stats.pay_distribution(df, "g").sort("g")
    con = duckdb.connect()
    con.register("df", df)
    theirs = con.sql(
        "SELECT g, quantile_cont(annual_mid_usd, [0.1, 0.25, 0.5, 0.75, 0.9]) AS q FROM df GROUP BY g ORDER BY g"
    ).fetchall()
    for row, (_, q) in zip(ours.iter_rows(named=True), theirs, strict=True):
        assert [row[p] for p in ("p10", "p25", "p50", "p75", "p90")] == pytest.approx(q, rel=1e-12)


def test_pay_trend_snapshots_each_crawl_date():
    runs = pl.DataFrame(
        {
            "run_id": [1, 2, 3, 4, 5],
            "kind": ["crawl"] * 5,
            "started_at": [_ts(1, 6), _ts(2, 6), _ts(2, 18), _ts(3, 6), _ts(4, 6)],
            "finished_at": [_ts(1, 7), _ts(2, 7), _ts(2, 19), _ts(3, 7), None],
            "status": ["ok", "ok", "ok", "failed", "running"],
        }
    )
    versions = pl.DataFrame(
        {
            "posting_id": ["a", "a", "b", "c", "d"],
            # a: 100 until the evening crawl of day 2 raised it to 120; b opens day 2 at noon;
            # c is removed on day 2 at noon; d was open on day 1 only (valid_to before day 2's crawls)
            "valid_from": [_ts(1, 6), _ts(2, 18), _ts(2, 12), _ts(1, 6), _ts(1, 6)],
            "valid_to": [_ts(2, 18), None, None, None, _ts(1, 20)],
            "removed_at": [None, None, None, _ts(2, 12), None],
            "annual_mid_usd": [100.0, 120.0, 300.0, 50.0, 70.0],
        },
        schema_overrides={"removed_at": pl.Datetime("us", "UTC")},
    )
    out = stats.pay_trend(versions, runs)
    # Day 1 snapshot (07:00): a=100, c=50, d=70. Day 2 (last ok crawl 19:00): a=120, b=300. Day 3 failed: none.
    assert out["crawl_date"].to_list() == [date(2025, 3, 1), date(2025, 3, 2)]
    assert out["n"].to_list() == [3, 2]
    assert out["p50"].to_list() == [70.0, 210.0]
    assert out["p25"].to_list() == [60.0, 165.0]


def test_pay_trend_agrees_with_the_sql_query_on_thirty_crawls(tmp_path):
    """The query's one-pass histogram and the exact polars snapshots: same counts, percentiles within ~$1,000."""
    from tests.analysis.synth import make_big_db

    db = make_big_db(tmp_path / "trend.duckdb", postings=20_000, runs=30)
    with duckdb.connect(str(db), read_only=True) as con:
        exact = stats.pay_trend(stats.load_history(con), stats.load_runs(con))
        sql = run_query(con, "pay-trend", {}).filter(pl.col("pay_type") == "base")
    assert len(exact) == 30
    both = exact.join(sql, on="crawl_date")
    assert len(both) == 30
    assert (both["n"] == both["bands"]).all()
    dense = both.filter(pl.col("n") >= 10_000)
    assert len(dense) > 10
    for ours, theirs in (("p25", "mid_p25"), ("p50", "mid_p50"), ("p75", "mid_p75")):
        # Within a $1,000 bucket, plus the gap between neighbouring values where bands are few.
        assert (both[ours] - both[theirs]).abs().max() <= 1_500
        assert (dense[ours] - dense[theirs]).abs().max() <= 1_000
    assert both["n"][-1] < both["n"][-3]  # a tenth of the postings were removed before the last crawl


def test_pay_trend_on_the_crawled_database(ro):
    exact = stats.pay_trend(stats.load_history(ro), stats.load_runs(ro))
    sql = run_query(ro, "pay-trend", {}).filter(pl.col("pay_type") == "base")
    assert exact["crawl_date"].to_list() == sql["crawl_date"].to_list()
    assert exact["n"].to_list() == sql["bands"].to_list()
    assert abs(exact["p50"][0] - sql["mid_p50"][0]) <= 1_000


def test_company_ranges_on_known_bands(ro):
    bands = stats.load_bands(ro)
    z = stats.company_ranges(bands.filter(pl.col("company") == ZYZZYVA)).row(0, named=True)
    assert (z["postings"], z["n"]) == (4, 4)
    assert (z["low"], z["min_p50"], z["mid_p50"], z["max_p50"], z["high"]) == (
        105_000.0,
        160_000.0,
        175_000.0,
        190_000.0,
        276_000.0,
    )
    assert z["highest_max"] == 300_000.0 and z["small_group"] is True
    everyone = stats.company_ranges(bands)
    assert everyone["mid_p50"].to_list() == sorted(everyone["mid_p50"].to_list(), reverse=True)
    ml = stats.company_ranges(bands, "ml_engineer")
    assert ZYZZYVA in ml["company"].to_list()
    assert stats.company_ranges(bands, "no_such_family").is_empty()


def test_load_bands_defaults_and_filters(ro):
    z = stats.load_bands(ro).filter(pl.col("company") == ZYZZYVA)
    assert sorted(z["title"]) == [f"Zyzzyva Engineer {n}" for n in ("I", "II", "III", "IV")]
    with_all = stats.load_bands(ro, pay_type=None, active_only=False, include_estimates=True)
    assert with_all.filter(pl.col("company") == ZYZZYVA).height == 7
    titled = stats.load_bands(ro, title="ENGINEER  zyzzyva iv")
    assert titled["title"].to_list() == ["Zyzzyva Engineer IV"]
    assert stats.load_bands(ro, title="' OR 1=1 --").is_empty()
    assert stats.load_bands(ro, role_family="' OR 1=1 --").is_empty()
    assert set(stats.load_bands(ro, role_family="ml_engineer")["role_family"]) == {"ml_engineer"}


def test_seniority_rank_orders_careers():
    df = pl.DataFrame({"seniority": ["unknown", "staff", "intern", "zeta", "senior", "mid"]})
    assert df.sort(stats.seniority_rank())["seniority"].to_list() == [
        "intern",
        "mid",
        "senior",
        "staff",
        "unknown",
        "zeta",
    ]
