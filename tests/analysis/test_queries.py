"""Every named query: through the CLI and a plain DuckDB client, exact answers on known bands, injection.

Query files are discovered, so a new queries/*.sql is run, compared and attacked without a new test.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from analysis.queries import NamedQuery, QueryError, list_queries, run_query
from paybands.cli import cli
from tests.analysis.conftest import HOSTILE_TITLE, INJECTION, ZYZZYVA

QUERIES = list_queries()
IDS = [q.name for q in QUERIES]
TODAY = datetime.now(UTC).date().isoformat()


def _cli(db: Path, *args: str) -> list[dict]:
    res = CliRunner().invoke(cli, ["query", *args, "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [r[0] for r in con.sql("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
    return {
        t: con.sql(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables
    }  # names from the catalog


# -- every query, both ways -------------------------------------------------------------------


def test_the_library_has_the_queries_recruiters_asked_for():
    wanted = {
        "pay-ranges", "by-role", "by-company", "by-location", "top-payers", "band-width", "widest-bands",
        "total-vs-base", "offer-percentile", "new-postings", "removed-postings", "band-changes",
    }  # fmt: skip
    assert wanted <= set(IDS)
    for q in QUERIES:
        assert q.about, q.name
        assert all(p.help for p in q.params), q.name


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_query_runs_through_the_cli(analysis_db, query: NamedQuery):
    required = [arg for p in query.params if p.required for arg in (_flag(p.name), "200000")]
    rows = _cli(analysis_db, query.name, *required)
    assert rows, f"{query.name} returned nothing on the crawled boards"


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_query_runs_in_a_plain_duckdb_client_with_header_defaults(analysis_db, query: NamedQuery):
    """`.read queries/x.sql` with no variables set must mean the header's defaults."""
    with duckdb.connect(str(analysis_db), read_only=True) as plain:
        direct = plain.sql(query.path.read_text("utf-8")).pl()
    with duckdb.connect(str(analysis_db), read_only=True) as con:
        via_runner = run_query(con, query)
    assert direct.columns == via_runner.columns
    assert direct.to_dicts() == via_runner.to_dicts()


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_query_with_set_variable_matches_the_cli(analysis_db, query: NamedQuery):
    params = {"title": "engineer", "company": "a", "limit": 7, "since": TODAY, "amount": 200_000.0}
    chosen = {k: v for k, v in params.items() if k in {p.name for p in query.params}}
    with duckdb.connect(str(analysis_db), read_only=True) as plain:
        for name, value in chosen.items():
            plain.execute(f'SET VARIABLE "{name}" = ?', [value])  # names are our own literals
        direct = plain.sql(query.path.read_text("utf-8")).pl()
    args = [query.name]
    for name, value in chosen.items():
        args += [_flag(name), str(value)]
    rows = _cli(analysis_db, *args)
    assert len(rows) == len(direct)
    if rows:
        assert list(rows[0]) == direct.columns


def test_unknown_query_and_bad_values_are_clear_errors(analysis_db):
    res = CliRunner().invoke(cli, ["query", "no-such-query", "--db", str(analysis_db)])
    assert res.exit_code != 0 and "no query named" in res.output
    res = CliRunner().invoke(cli, ["query", "new-postings", "--since", "last week", "--db", str(analysis_db)])
    assert res.exit_code == 2 and "Invalid value for '--since': expects date" in res.output


# -- injection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_injection_through_every_parameter_is_data(analysis_db, query: NamedQuery):
    with duckdb.connect(str(analysis_db), read_only=True) as con:
        before = _table_counts(con)
    required = [arg for q in query.params if q.required for arg in (_flag(q.name), "1")]
    for p in query.params:
        # CLI: free text reaches the SQL as data; typed and closed-set values are refused before any SQL runs.
        extra = [] if p.required else required
        res = CliRunner().invoke(
            cli,
            [
                "query",
                query.name,
                _flag(p.name),
                INJECTION,
                *extra,
                "--db",
                str(analysis_db),
                "--format",
                "json",
            ],
        )
        if p.type in ("text", "city"):  # a city the gazetteer lacks is still a city to look for
            assert res.exit_code == 0, (p.name, res.output)
            json.loads(res.stdout)
        else:
            assert res.exit_code == 2, (p.name, res.output)
        # A writable plain client: even with write access the value never becomes SQL.
        sql_text = p.type in ("text", "choice", "currency", "country", "metro", "city")  # VARCHAR in the SQL
        with duckdb.connect(str(analysis_db)) as con:
            con.execute(f'SET VARIABLE "{p.name}" = ?', [INJECTION])
            if sql_text:
                con.sql(query.sql).fetchall()
            else:
                with pytest.raises(duckdb.Error):  # the cast to the parameter's type fails: no rows, no SQL
                    con.sql(query.sql).fetchall()
        refused = pytest.raises(QueryError) if p.type not in ("text", "city") else contextlib.nullcontext()
        with refused, duckdb.connect(str(analysis_db), read_only=True) as con:
            run_query(con, query, {p.name: INJECTION})
    with duckdb.connect(str(analysis_db), read_only=True) as con:
        assert _table_counts(con) == before


def test_injected_title_matches_nothing_and_markup_is_searchable_data(ro):
    assert run_query(ro, "pay-ranges", {"title": INJECTION}).is_empty()
    everything = run_query(ro, "pay-ranges", {"limit": 100_000})
    assert len(everything) > 300  # `' OR 1=1` would have matched these
    found = run_query(ro, "pay-ranges", {"title": "<script>window.__pwned=1</script>staff"})
    assert found["title"].to_list() == [HOSTILE_TITLE]


# -- exact answers on known bands ----------------------------------------------------------------


def test_offer_percentile_on_known_bands(ro):
    """Zyzzyva Engineer mids: 100k, 150k, 200k, 250k (base). 200k: 2 below + half of 1 equal = 62.5."""
    r = run_query(ro, "offer-percentile", {"title": "zyzzyva engineer", "amount": 200_000}).row(0, named=True)
    assert r["compared_bands"] == 4 and r["compared_postings"] == 4
    assert r["percentile"] == 62.5
    assert (r["bands_below_offer"], r["bands_containing_offer"], r["bands_above_offer"]) == (2, 2, 0)
    assert (r["mid_p25"], r["mid_p50"], r["mid_p75"]) == (137_500, 175_000, 212_500)
    assert "compared with 4 bands of 4 postings (base pay)" not in r["note"]  # fewer than 5 postings:
    assert r["note"] == "only 4 comparable postings: a rough guide at best"


def test_offer_percentile_periods_currencies_and_what_it_counts(ro):
    def pct(**params):
        return run_query(ro, "offer-percentile", {"title": "zyzzyva engineer", **params}).row(0, named=True)

    assert pct(amount=20_000, period="month")["percentile"] == 75.0  # 240k/year
    assert pct(amount=100_000, currency="MNT", fx_rate=2.0)["percentile"] == 62.5  # 200k USD
    eur = pct(amount=100_000, currency="EUR")  # rate recovered from stored EUR bands: 117.2k USD
    assert eur["annual_usd"] == pytest.approx(117_200, abs=1) and eur["percentile"] == 25.0
    assert pct(amount=100_000, currency="MNT")["note"].startswith(
        "no FX rate for MNT"
    )  # a code, no rate stored
    with pytest.raises(QueryError, match="--period must be one of year"):
        pct(amount=1, period="fortnight")
    with pytest.raises(QueryError, match="ISO 4217"):
        pct(amount=1, currency="XYZ")
    none = pct()
    assert none["percentile"] is None and none["note"].startswith("give the offer amount")
    assert pct(amount=200_000, include_estimates=True)["compared_bands"] == 5
    assert pct(amount=200_000, active_only=False)["compared_bands"] == 5
    total = pct(amount=600_000, pay_type="total", title="zyzzyva")
    assert total["compared_bands"] == 1 and total["percentile"] == 50.0


def test_offer_percentile_through_the_cli(analysis_db):
    rows = _cli(analysis_db, "offer-percentile", "--title", "zyzzyva engineer", "--amount", "240000")
    assert rows[0]["percentile"] == 75.0 and rows[0]["compared_bands"] == 4


def test_by_company_counts_match_direct_sql(ro):
    got = run_query(ro, "by-company", {"limit": 100_000})
    expected = ro.sql(
        """SELECT p.company, count(DISTINCT p.posting_id) AS postings, count(*) AS bands,
                  quantile_cont((coalesce(b.annual_min_usd, b.annual_max_usd)
                                 + coalesce(b.annual_max_usd, b.annual_min_usd)) / 2, 0.5) AS med
           FROM postings p JOIN pay_bands b USING (posting_id)
           WHERE p.is_active AND NOT b.is_estimate AND b.pay_type = 'base'
             AND coalesce(b.annual_min_usd, b.annual_max_usd) IS NOT NULL
           GROUP BY p.company"""
    ).pl()
    joined = got.join(expected, on="company", how="full", coalesce=True)
    assert len(joined) == len(expected) == len(got)
    assert joined["postings"].to_list() == joined["postings_right"].to_list()
    assert joined["bands"].to_list() == joined["bands_right"].to_list()
    # The query rounds half away from zero, polars half to even: a median of x.5 may differ by 1.
    assert (joined["mid_p50"] - joined["med"]).abs().max() <= 0.5
    z = got.filter(pl.col("company") == ZYZZYVA).row(0, named=True)
    assert (z["postings"], z["bands"], z["mid_p50"], z["small_group"]) == (4, 4, 175_000, True)
    assert (z["lowest_min"], z["highest_max"]) == (90_000, 300_000)


def test_by_role_and_by_location_group_the_known_postings(ro):
    role = run_query(ro, "by-role", {"company": "zyzzyva"})
    assert role.select("role_family", "seniority", "postings", "bands").rows() == [
        ("ml_engineer", "senior", 4, 4)
    ]
    r = role.row(0, named=True)
    assert (r["mid_p10"], r["mid_p50"], r["mid_p90"]) == (115_000, 175_000, 235_000)
    assert (r["min_p50"], r["max_p50"]) == (160_000, 190_000)
    assert r["small_group"] is True
    assert run_query(ro, "by-role", {"company": "zyzzyva", "min_n": 4})["small_group"].to_list() == [False]
    everyone = run_query(ro, "by-role", {"limit": 100_000})
    n_base = ro.sql(
        """SELECT count(*) FROM postings p JOIN pay_bands b USING (posting_id)
           WHERE p.is_active AND NOT b.is_estimate AND b.pay_type = 'base' AND b.annual_max_usd IS NOT NULL"""
    ).fetchall()[0][0]
    assert everyone["bands"].sum() == n_base
    loc = run_query(ro, "by-location", {"company": "zyzzyva", "by": "city"})
    assert loc.select("country", "place", "postings").rows() == [("US", "San Francisco", 4)]
    by_metro = run_query(ro, "by-location", {"company": "zyzzyva", "by": "metro"})
    assert by_metro.select("country", "place", "postings").rows() == [("US", "San Francisco Bay Area", 4)]
    assert run_query(ro, "by-location", {"country": "us"})["country"].unique().to_list() == ["US"]


def test_total_vs_base_says_total_comp_is_not_base(ro):
    t = run_query(ro, "total-vs-base", {"company": "zyzzyva"})
    assert t["pay_type"].to_list() == ["base", "total"]
    base, total = t.rows(named=True)
    assert base["comparable_to_base"] is True and base["mid_p50"] == 175_000
    assert total["comparable_to_base"] is False and "not base pay" in total["note"]
    assert total["mid_p50"] == 600_000 and total["vs_base"] == round(600_000 / 175_000, 2)
    only_base = run_query(ro, "total-vs-base", {"company": "lambda"})
    assert only_base.is_empty()  # mixed_only: nothing to compare
    assert not run_query(ro, "total-vs-base", {"company": "lambda", "mixed_only": False}).is_empty()


def test_band_width_widest_bands_and_top_payers(ro):
    w = run_query(ro, "band-width", {"company": "zyzzyva"}).row(0, named=True)
    assert (w["bands"], w["ratio_p50"], w["ratio_max"]) == (4, 1.22, 1.5)
    widest = run_query(ro, "widest-bands", {"company": "zyzzyva"})
    assert widest["title"][0] == "Zyzzyva Engineer IV" and widest["ratio"][0] == 1.5
    top = run_query(ro, "top-payers", {"title": "zyzzyva"})
    assert top.select("rank", "company", "mid_p50").rows() == [(1, ZYZZYVA, 175_000)]
    assert top["top_title"][0] == "Zyzzyva Engineer IV"
    real = run_query(ro, "top-payers", {"limit": 100})
    assert real["rank"].to_list() == sorted(real["rank"].to_list())
    assert real["mid_p50"].to_list() == sorted(real["mid_p50"].to_list(), reverse=True)


def test_new_and_removed_postings_since(ro, cartesia_changes):
    new = run_query(ro, "new-postings", {"company": "zyzzyva", "since": "2019-12-31"})
    assert sorted(new["title"]) == sorted(
        [
            "Zyzzyva Engineer I",
            "Zyzzyva Engineer II",
            "Zyzzyva Engineer III",
            "Zyzzyva Engineer IV",
            "Zyzzyva Research Scientist",
            "Zyzzyva Engineer Estimate",
        ]
    )
    est = new.filter(pl.col("title") == "Zyzzyva Engineer Estimate").row(0, named=True)
    assert est["bands"] == 0  # its only band is a site estimate
    later = run_query(ro, "new-postings", {"company": "zyzzyva", "since": "2020-01-15"})
    assert later["title"].to_list() == ["Zyzzyva Engineer IV"]
    assert later.row(0, named=True)["min_annual_usd"] == 200_000
    today = run_query(ro, "new-postings", {"company": "cartesia", "since": TODAY, "limit": 1000})
    assert cartesia_changes["new"] in today["title"].to_list()
    gone = run_query(ro, "removed-postings", {"since": TODAY})
    assert gone.select("company", "title").rows() == [("Cartesia", cartesia_changes["gone"])]
    old_gone = run_query(ro, "removed-postings", {"company": "zyzzyva", "since": "2020-02-15"})
    assert old_gone["title"].to_list() == ["Zyzzyva Engineer Gone"]
    assert old_gone["days_listed"].to_list() == [60]


def test_band_changes_finds_the_raise_and_agrees_with_the_view(ro, cartesia_changes):
    ch = run_query(ro, "band-changes", {"since": TODAY})
    assert ch.select("company", "title", "change").rows() == [
        ("Cartesia", cartesia_changes["changed"], "raised")
    ]
    r = ch.row(0, named=True)
    assert r["new_min_amount"] - r["old_min_amount"] == 10_000
    assert r["new_max_amount"] - r["old_max_amount"] == 10_000
    assert r["change_pct"] > 0
    view = ro.sql(
        "SELECT posting_id, changed_at, old_min_amount, new_min_amount, old_max_amount, new_max_amount "
        "FROM pay_band_changes ORDER BY ALL"
    ).fetchall()
    ours = run_query(
        ro, "band-changes", {"since": "2000-01-01", "active_only": False, "include_estimates": True}
    )
    mine = sorted(
        ours.select(
            "posting_id", "changed_at", "old_min_amount", "new_min_amount", "old_max_amount", "new_max_amount"
        ).rows()
    )
    assert mine == view
    assert run_query(ro, "band-changes", {"since": "2999-01-01"}).is_empty()


def test_pay_coverage_counts(ro):
    cov = run_query(ro, "pay-coverage", {"company": "zyzzyva"}).row(0, named=True)
    assert (cov["postings"], cov["with_pay"], cov["base"], cov["total"], cov["estimates"]) == (6, 5, 4, 1, 1)


def test_every_query_leaves_estimates_and_removed_postings_out_by_default(ro):
    for q in QUERIES:
        params = {p.name: v for p, v in ((p, _probe(p.name)) for p in q.params) if v is not None}
        text = run_query(ro, q, params).write_csv()
        assert "Zyzzyva Engineer Estimate" not in text or q.name == "new-postings", q.name
        if q.name != "removed-postings":
            assert "Zyzzyva Engineer Gone" not in text, q.name


def _probe(name: str) -> object:
    return {"title": "zyzzyva", "since": "2019-01-01", "amount": 950_000.0, "limit": 10_000}.get(name)


# -- speed on a million postings ----------------------------------------------------------------


@pytest.mark.slow
def test_queries_on_a_million_postings(tmp_path):
    """Correctness doesn't need this; it catches a query that scans history once per row or per run.

    The target is a median of 200 ms per query on benchmark hardware; this bound is loose because
    test machines are shared and slow. Timings are printed for the record (-s).
    """
    from tests.analysis.synth import make_big_db

    db = make_big_db(tmp_path / "big.duckdb", 1_000_000)
    params = {
        "offer-percentile": {"amount": 200_000.0, "title": "machine learning"},
        "band-changes": {"since": "2025-01-20"},
        "new-postings": {"since": "2025-01-25"},
        "removed-postings": {"since": "2025-01-01"},
    }
    timings = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for q in QUERIES:
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                run_query(con, q, params.get(q.name, {}))
                runs.append(time.perf_counter() - start)
            timings[q.name] = statistics.median(runs)
    print({k: f"{v * 1000:.0f} ms" for k, v in timings.items()})
    assert max(timings.values()) < 10.0, timings


def test_stored_classification_agrees_with_classify(ro):
    """What the database stores (and every query and report shows) is what `paybands classify
    --description` says for the same title and description."""
    from scraper.taxonomy import classify

    rows = ro.execute(
        "SELECT title, description, is_ai_ml, role_family, seniority FROM postings WHERE source <> 'test'"
    ).fetchall()
    assert len(rows) > 20
    for title, description, is_ai_ml, family, seniority in rows:
        role = classify(title, description)
        assert (is_ai_ml, family, seniority) == (role.is_ai_ml, role.role_family, role.seniority), title
