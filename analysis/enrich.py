"""Derived posting columns (role taxonomy, remote, location) kept in the database.

Computed for every posting whose `taxonomy_version` differs from the
current one, so a taxonomy change reaches all stored postings without a
re-crawl, and an unchanged taxonomy costs nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from .taxonomy import TAXONOMY_VERSION, classify, classify_remote, normalize_location

_SCHEMA = {
    "posting_id": pl.String,
    "is_ai_ml": pl.Boolean,
    "role_family": pl.String,
    "seniority": pl.String,
    "remote": pl.String,
    "city": pl.String,
    "region": pl.String,
    "country": pl.String,
}
BATCH = 50_000


def refresh_taxonomy(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> int:
    """Classify postings whose taxonomy is stale (all with `force`); returns how many changed."""
    where = "" if force else "WHERE taxonomy_version IS DISTINCT FROM $v"
    params = {} if force else {"v": TAXONOMY_VERSION}
    cur = con.execute(
        f"SELECT posting_id, title, description, location, remote FROM postings {where}", params
    )
    updated = 0
    while rows := cur.fetchmany(BATCH):
        out: dict[str, list] = {k: [] for k in _SCHEMA}
        for pid, title, description, location, remote in rows:
            role = classify(title or "", description)
            loc = normalize_location(location)
            for k, v in zip(
                _SCHEMA,
                (
                    pid,
                    role.is_ai_ml,
                    role.role_family,
                    role.seniority,
                    classify_remote(location, title, description, hint=remote),
                    loc.city,
                    loc.region,
                    loc.country,
                ),
                strict=True,
            ):
                out[k].append(v)
        frame = pl.DataFrame(out, schema=_SCHEMA)
        updated += _apply(con, frame)
    return updated


def _apply(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> int:
    # A second cursor: the first one is still streaming postings.
    w = con.cursor()
    try:
        w.register("tax", frame)
        w.execute(
            """UPDATE postings SET is_ai_ml = t.is_ai_ml, role_family = t.role_family, seniority = t.seniority,
                   remote = t.remote, city = t.city, region = t.region, country = t.country, taxonomy_version = $v
               FROM tax t WHERE postings.posting_id = t.posting_id""",
            {"v": TAXONOMY_VERSION},
        ).fetchall()
        w.unregister("tax")
    finally:
        w.close()
    return len(frame)


def refresh_database(path: str | Path, *, force: bool = False) -> int:
    from scraper.store import connect

    con = connect(path, wait_s=30.0)
    try:
        return refresh_taxonomy(con, force=force)
    finally:
        con.close()
