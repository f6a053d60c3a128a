"""History questions: band changes and posting churn since a date."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl


def band_changes(con: duckdb.DuckDBPyConnection, since: date, company: str | None = None) -> pl.DataFrame:
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
