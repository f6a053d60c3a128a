"""Pay statistics on polars frames: distributions per group, trend across crawls, company ranges.

Frames come from DuckDB (`con.sql(...).pl()`; the `load_*` helpers below run the usual
selections with bound parameters). Everything is columnar polars: no Python loops over rows.

Percentiles use linear interpolation, the same definition as DuckDB's `quantile_cont`, so a
number here matches the queries in queries/ on the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)
MIN_N = 5  # below this many postings a group is an anecdote, not a market rate

# Seniority in career order, for tables and charts (unknown last).
SENIORITY_ORDER: tuple[str, ...] = (
    "intern",
    "junior",
    "mid",
    "senior",
    "staff",
    "principal",
    "director",
    "executive",
    "unstated",  # the title names no level: kept apart, never counted as mid
    "unknown",
)

_MID_SQL = "(coalesce(b.annual_min_usd, b.annual_max_usd) + coalesce(b.annual_max_usd, b.annual_min_usd)) / 2"


def _pct_name(q: float) -> str:
    return f"p{round(q * 100)}"


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def pay_distribution(
    df: pl.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    value: str = "annual_mid_usd",
    min_n: int = MIN_N,
    quantiles: Sequence[float] = QUANTILES,
) -> pl.DataFrame:
    """Per group: n (bands with a value), postings, p10..p90 of `value`, small_group.

    small_group counts postings when the frame has posting_id (a posting with five zone
    bands is still one employer's decision), bands otherwise. Rows with a null value are
    left out, so n is what the percentiles were computed from.
    """
    keys = _as_list(by)
    data = df.filter(pl.col(value).is_not_null())
    has_postings = "posting_id" in data.columns
    aggs: list[pl.Expr] = [pl.len().alias("n")]
    if has_postings:
        aggs.append(pl.col("posting_id").n_unique().alias("postings"))
    aggs += [pl.col(value).quantile(q, interpolation="linear").alias(_pct_name(q)) for q in quantiles]
    aggs += [pl.col(value).min().alias("min"), pl.col(value).max().alias("max")]
    if keys:
        out = data.group_by(keys, maintain_order=True).agg(aggs).sort(keys, nulls_last=True)
    else:
        out = data.select(aggs)
    counted = "postings" if has_postings else "n"
    return out.with_columns((pl.col(counted) < min_n).alias("small_group"))


def _snapshots(runs: pl.DataFrame) -> pl.DataFrame:
    """One snapshot per crawl date (UTC): the day's last successful crawl."""
    ok = runs.filter(pl.col("status").is_in(["ok", "partial"]) & pl.col("finished_at").is_not_null())
    if "kind" in ok.columns:
        ok = ok.filter(pl.col("kind") == "crawl")
    return (
        ok.with_columns(pl.col("finished_at").dt.convert_time_zone("UTC").dt.date().alias("crawl_date"))
        .group_by("crawl_date")
        .agg(pl.col("finished_at").max().alias("snapshot_at"))
        .sort("crawl_date")
    )


def pay_trend(
    versions: pl.DataFrame,
    runs: pl.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    value: str = "annual_mid_usd",
    min_n: int = MIN_N,
) -> pl.DataFrame:
    """Median (and p25/p75) of `value` per crawl date, over the bands current at that date.

    versions: band versions with valid_from, valid_to (null = current) and optionally
    removed_at (the posting's removal) and posting_id; runs: crawl_runs. A band counts at a
    snapshot when valid_from <= snapshot < valid_to and its posting was not yet removed.
    Exact, but it materializes bands x snapshots: for millions of bands over many crawls use
    the one-pass `pay-trend` query (queries/pay-trend.sql) instead.
    """
    keys = _as_list(by)
    snaps = _snapshots(runs)
    end = pl.col("valid_to")
    if "removed_at" in versions.columns:
        end = pl.min_horizontal(pl.col("valid_to"), pl.col("removed_at"))
    bands = versions.filter(pl.col(value).is_not_null()).with_columns(end.alias("_end"))
    open_ended = bands.filter(pl.col("_end").is_null())
    closed = bands.filter(pl.col("_end").is_not_null())
    # Two inequality joins (polars has no "or null" in join_where): open bands need only the start.
    snap = pl.concat(
        [
            open_ended.join_where(snaps, pl.col("valid_from") <= pl.col("snapshot_at")),
            closed.join_where(
                snaps, pl.col("valid_from") <= pl.col("snapshot_at"), pl.col("_end") > pl.col("snapshot_at")
            ),
        ]
    )
    out = pay_distribution(snap, ["crawl_date", *keys], value=value, min_n=min_n, quantiles=(0.25, 0.5, 0.75))
    return out.drop("min", "max").sort(["crawl_date", *keys])


def company_ranges(
    df: pl.DataFrame,
    role_family: str | None = None,
    *,
    min_n: int = MIN_N,
) -> pl.DataFrame:
    """Per company, the typical band for a role family (all roles when None), highest median first.

    low/high = p10 of band minimums / p90 of band maximums (the spread of what is posted);
    min_p50 / max_p50 = the median band's edges; mid_p50 = median midpoint.
    """
    data = df
    if role_family:
        data = data.filter(pl.col("role_family") == role_family)
    data = data.filter(pl.col("annual_mid_usd").is_not_null())
    lo = pl.coalesce("annual_min_usd", "annual_max_usd")
    hi = pl.coalesce("annual_max_usd", "annual_min_usd")
    return (
        data.group_by("company")
        .agg(
            pl.col("posting_id").n_unique().alias("postings"),
            pl.len().alias("n"),
            lo.quantile(0.1, interpolation="linear").alias("low"),
            lo.quantile(0.5, interpolation="linear").alias("min_p50"),
            pl.col("annual_mid_usd").quantile(0.5, interpolation="linear").alias("mid_p50"),
            hi.quantile(0.5, interpolation="linear").alias("max_p50"),
            hi.quantile(0.9, interpolation="linear").alias("high"),
            hi.max().alias("highest_max"),
        )
        .with_columns((pl.col("postings") < min_n).alias("small_group"))
        .sort(["mid_p50", "company"], descending=[True, False])
    )


def seniority_rank(col: str = "seniority") -> pl.Expr:
    """Sort key putting seniority in career order (unlisted values after, alphabetically)."""
    return pl.col(col).replace_strict(
        list(SENIORITY_ORDER), list(range(len(SENIORITY_ORDER))), default=len(SENIORITY_ORDER)
    )


# -- frames from the database ---------------------------------------------------------------


# The variables of the one posting filter (scraper/schema.py, POSTING_FILTER_MACRO), as the named
# queries set them: every one is set or reset on each call, so none lingers from an earlier one.
_FILTER_VARIABLES = ("title", "company", "role_family", "seniority", "country", "city", "metro", "remote",
                     "ai_only", "active_only")  # fmt: skip


def bind_posting_filter(con: duckdb.DuckDBPyConnection, **values: object) -> None:
    """Set the posting filter's session variables (bound values, never SQL text); None or "" = unset."""
    unknown = set(values) - set(_FILTER_VARIABLES)
    if unknown:
        raise TypeError(f"no posting filter named {', '.join(sorted(unknown))}")
    for name in _FILTER_VARIABLES:
        value = values.get(name)
        if value is None or value == "":
            con.execute(f'RESET VARIABLE "{name}"')  # names come from the tuple above
        else:
            con.execute(f'SET VARIABLE "{name}" = ?', [value])


def _band_filters(*, pay_type: str | None, include_estimates: bool) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if pay_type:
        clauses.append("b.pay_type = ?")
        params.append(pay_type)
    if not include_estimates:
        clauses.append("NOT b.is_estimate")
    return " AND ".join(clauses), params


def load_bands(
    con: duckdb.DuckDBPyConnection,
    *,
    role_family: str | None = None,
    title: str | None = None,
    pay_type: str | None = "base",
    ai_only: bool = False,
    active_only: bool = True,
    include_estimates: bool = False,
    country: str | None = None,
    city: str | None = None,
    metro: str | None = None,
    remote: bool | None = None,
) -> pl.DataFrame:
    """Current bands with their posting's columns, placed where the band applies (band_facts: a
    zone's place wins over the posting's); null taxonomy labelled 'unclassified'/'unknown'."""
    bind_posting_filter(
        con, role_family=role_family, title=title, ai_only=ai_only, active_only=active_only,
        country=country, city=city, metro=metro, remote=remote,
    )  # fmt: skip
    where, params = _band_filters(pay_type=pay_type, include_estimates=include_estimates)
    return con.sql(
        f"""SELECT b.posting_id, b.company, b.title, b.location, b.url, b.is_active, b.is_ai_ml,
                   coalesce(b.role_family, 'unclassified') AS role_family,
                   coalesce(b.seniority, 'unknown') AS seniority,
                   coalesce(b.country, 'unknown') AS country, b.city, b.metro, b.remote, p.data_status,
                   b.band_no, b.zone, b.zone_level, b.min_amount, b.max_amount, b.currency, b.period, b.pay_type,
                   b.annual_min_usd, b.annual_max_usd, b.annual_mid_usd, b.is_estimate
            FROM band_facts b JOIN postings p USING (posting_key)
            WHERE posting_matches(b.title, b.company, b.role_family, b.seniority, b.country, b.city, b.metro,
                                  b.remote, b.is_ai_ml, b.is_active)
              AND {where}""",
        params=params,
    ).pl()


def load_history(
    con: duckdb.DuckDBPyConnection,
    *,
    role_family: str | None = None,
    title: str | None = None,
    pay_type: str | None = "base",
    ai_only: bool = False,
    include_estimates: bool = False,
) -> pl.DataFrame:
    """Every band version (valid_from/valid_to) with the posting's removal time, for pay_trend."""
    bind_posting_filter(con, role_family=role_family, title=title, ai_only=ai_only)
    where, params = _band_filters(pay_type=pay_type, include_estimates=include_estimates)
    return con.sql(
        f"""SELECT p.posting_id, p.company, coalesce(p.role_family, 'unclassified') AS role_family,
                   coalesce(p.seniority, 'unknown') AS seniority, coalesce(p.country, 'unknown') AS country,
                   b.pay_type, b.valid_from, b.valid_to, p.removed_at, {_MID_SQL} AS annual_mid_usd
            FROM postings p JOIN pay_band_versions b USING (posting_key)
            WHERE posting_matches(p.title, p.company, p.role_family, p.seniority, p.country, p.city, p.metro,
                                  p.remote, p.is_ai_ml, TRUE)
              AND p.duplicate_of IS NULL
              AND {where}""",
        params=params,
    ).pl()


def load_runs(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        "SELECT run_id, kind, started_at, finished_at, status FROM crawl_runs ORDER BY run_id"
    ).pl()
