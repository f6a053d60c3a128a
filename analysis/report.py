"""Reports over the database: the terminal pay-range report (HTML report in analysis/html_report.py)."""

from __future__ import annotations

import duckdb
import polars as pl

from scraper.replay.data_status import banner, data_status_counts
from scraper.salary.pay import fx_table

from .output import render
from .queries import run_query


def coverage(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per company: postings open, how many state pay, bands by pay type.

    Pay a job site estimated (schema.org estimatedSalary) is no pay the employer stated: it is left out
    here as everywhere in the report, and counted apart in `estimates`.
    """
    return con.sql(
        """
        SELECT p.company, any_value(p.source) AS source,
               count(DISTINCT p.posting_key) AS postings,
               count(DISTINCT b.posting_key) FILTER (NOT b.is_estimate) AS with_pay,
               count(b.posting_key) FILTER (NOT b.is_estimate) AS bands,
               count(*) FILTER (b.pay_type = 'base' AND NOT b.is_estimate) AS base,
               count(*) FILTER (b.pay_type = 'total' AND NOT b.is_estimate) AS total,
               count(*) FILTER (b.pay_type = 'ote' AND NOT b.is_estimate) AS ote,
               count(*) FILTER (b.pay_type = 'unknown' AND NOT b.is_estimate) AS unknown,
               count(*) FILTER (b.is_estimate) AS estimates
        FROM postings p LEFT JOIN pay_bands b USING (posting_key)
        WHERE p.is_active AND p.duplicate_of IS NULL  -- one opening on two boards counts once
        GROUP BY p.company ORDER BY postings DESC, p.company
        """
    ).pl()


def last_run(con: duckdb.DuckDBPyConnection) -> tuple | None:
    rows = con.execute(
        "SELECT run_id, started_at, status, companies, companies_failed FROM crawl_runs "
        "WHERE kind = 'crawl' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()
    return rows[0] if rows else None


def _compact(df: pl.DataFrame) -> pl.DataFrame:
    """Terminal-width view of pay-ranges rows: one 'range' column instead of six."""
    if df.is_empty():
        return df

    def money(col: str) -> pl.Expr:
        return pl.col(col).round(0).cast(pl.Int64).map_elements(lambda v: f"{v:,}", return_dtype=pl.String)

    stated = pl.concat_str(
        [money("min_amount").fill_null("?"), pl.lit("-"), money("max_amount").fill_null("?"), pl.lit(" "),
         pl.col("currency"), pl.lit("/"), pl.col("period")]
    )  # fmt: skip
    usd = pl.concat_str(
        [money("annual_min_usd").fill_null("?"), pl.lit("-"), money("annual_max_usd").fill_null("?")]
    )
    return df.select(
        "company",
        pl.col("title").str.slice(0, 56),
        pl.col("zone").fill_null("").str.slice(0, 24),
        pl.col("place").fill_null("").str.slice(0, 24),
        stated.alias("stated range"),
        usd.alias("annual USD"),
        "pay_type",
    )


def place_scope(places: dict | None) -> str:
    """' in the San Francisco Bay Area, remote' for a report's heading; '' without place filters."""
    places = places or {}
    where = [places[k] for k in ("city", "metro", "country") if places.get(k)]
    words = [f" in {', '.join(where)}"] if where else []
    if places.get("remote") is not None:
        words.append(", remote" if places["remote"] else ", not remote")
    return "".join(words)


def text_report(
    con: duckdb.DuckDBPyConnection, *, title: str = "", limit: int = 40, places: dict | None = None
) -> str:
    out: list[str] = []
    run = last_run(con)
    if run:
        run_id, started, status, companies, failed = run
        out.append(
            f"paybands report - last crawl #{run_id} {started:%Y-%m-%d %H:%M} UTC, {status}, "
            f"{companies} companies ({failed} failed)"
        )
    out.append(f"USD equivalents at FX rates of {fx_table().as_of}\n")
    note = banner(data_status_counts(con))
    if note:
        out.append(f"NOTE: {note}\n")
    out.append("Coverage (open postings)")
    out.append(render(coverage(con)))
    places = places or {}
    scope = (f" matching {title!r}" if title else "") + place_scope(places)
    # One table per pay type: a total-comp range ranked among base salaries reads as "pays more".
    out.append(f"Base-salary ranges for ML/AI roles{scope} (top {limit} by annual USD max)")
    out.append(
        render(
            _compact(
                run_query(
                    con,
                    "pay-ranges",
                    {"title": title, "limit": limit, "ai_only": True, "pay_type": "base", **places},
                )
            )
        )
    )
    totals = run_query(con, "pay-ranges", {"title": title, "limit": limit, "pay_type": "total", **places})
    if not totals.is_empty():
        out.append(
            f"Total-compensation ranges{scope} (base + bonus + equity, e.g. Netflix market ranges: "
            "ranked apart, not comparable with the base salaries above)"
        )
        out.append(render(_compact(totals)))
    for pay_type, what in (
        ("ote", "On-target-earnings ranges (base + commission)"),
        ("unknown", "Ranges whose pay type is not stated"),
    ):
        other = run_query(
            con,
            "pay-ranges",
            {"title": title, "limit": limit, "ai_only": True, "pay_type": pay_type, **places},
        )
        if not other.is_empty():
            out.append(f"{what} for ML/AI roles{scope}: ranked apart from base salary")
            out.append(render(_compact(other)))
    out.append(
        "pay_type: base = base salary; total = total compensation (e.g. Netflix market ranges, not comparable "
        "to base); ote = on-target earnings (base + commission); unknown = not stated."
    )
    return "\n".join(out) + "\n"
