"""History questions: band changes and posting churn since a date."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl


def band_changes(
    con: duckdb.DuckDBPyConnection, since: date | None, company: str | None = None
) -> pl.DataFrame:
    """Band changes on or after `since`; None = 7 days before the latest crawl, as `query band-changes`."""
    if since is None:
        latest = con.execute("SELECT max(started_at)::DATE FROM crawl_runs").fetchall()[0][0]
        since = (latest or date.today()) - timedelta(days=7)
    return con.sql(
        """SELECT changed_at, change_kind, company, title, zone,
                  old_min_amount, old_max_amount, new_min_amount, new_max_amount,
                  coalesce(new_currency, old_currency) AS currency, coalesce(new_period, old_period) AS period,
                  old_annual_max_usd, new_annual_max_usd, posting_id
           FROM pay_band_changes
           WHERE changed_at >= ? AND (? IS NULL OR contains(lower(company), lower(?)))
           ORDER BY changed_at DESC, company, title""",
        params=[since, company, company],
    ).pl()
