"""Every queries/*.sql (found at run time) on the big store-bench database, default parameters.

Each query runs once to warm up, then `repeat` times; the median is reported. Read-only connection,
through `analysis.queries.run_query` (the same path as `paybands query`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.common import OUT, median_time


def run(db: Path = OUT / "store.duckdb", repeat: int = 5) -> list[dict]:
    import duckdb

    from analysis.queries import list_queries, run_query

    con = duckdb.connect(str(db), read_only=True)
    out = []
    try:
        for q in list_queries():
            try:
                rows = len(run_query(con, q))  # the warm-up run
                ms = 1000 * median_time(lambda q=q: run_query(con, q), repeat, warmup=0)
                out.append({"query": q.name, "median_ms": ms, "rows": rows})
            except Exception as exc:  # a query under construction must not stop the others
                out.append({"query": q.name, "error": f"{type(exc).__name__}: {str(exc)[:120]}"})
        # What the slowest queries cannot go under: their exact quantile aggregates alone, over every
        # band, with no filter, join or count (by-role takes three lists of five quantiles; by-company
        # and offer-percentile take one list and two or none).
        q = "[0.1, 0.25, 0.5, 0.75, 0.9]"
        floors = {
            "count(*) per role, seniority and pay type": "count(*)",
            "one quantile_cont list of 5": f"quantile_cont(annual_mid_usd, {q})",
            "three quantile_cont lists of 5 (by-role's)": f"quantile_cont(annual_mid_usd, {q}), "
            f"quantile_cont(annual_min_usd, {q}), quantile_cont(annual_max_usd, {q})",
        }
        for label, agg in floors.items():
            sql = f"SELECT role_family, seniority, pay_type, {agg} FROM band_facts GROUP BY ALL"
            ms = 1000 * median_time(lambda sql=sql: con.execute(sql).fetchall(), repeat)
            out.append({"query": label, "median_ms": ms, "floor": True})
    finally:
        con.close()
    return out


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT / "store.duckdb")))
