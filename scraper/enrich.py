"""Derived posting columns (role taxonomy, remote, location, duplicates) kept in the database.

Computed for every posting whose `taxonomy_version` differs from the
current one, so a taxonomy change reaches all stored postings without a
re-crawl, and an unchanged taxonomy costs nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from .dedupe import refresh_duplicates
from .places import place_of, stale_zone_places, sync_zone_places
from .store import sync_band_facts
from .taxonomy import TAXONOMY_VERSION, classify, classify_remote

_SCHEMA = {
    "row_id": pl.Int64,
    "is_ai_ml": pl.Boolean,
    "role_family": pl.String,
    "seniority": pl.String,
    "remote": pl.String,
    "city": pl.String,
    "region": pl.String,
    "country": pl.String,
    "metro": pl.String,
}
STEP = 10_000  # rowids a step: one step's postings are all that is held in memory
MEMORY_LIMIT = "500MB"  # DuckDB's, on refresh_database's own connection


def refresh_taxonomy(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> int:
    """Classify postings whose taxonomy is stale (all with `force`); returns how many changed.

    Step by step over rowid ranges, all in one transaction (so no checkpoint moves rowids in
    between): memory is one step's postings whatever the table's size. One SELECT of every stale
    posting held all their text at once (~1 GB at 200,000 postings, before classifying any).
    """
    stale = "" if force else "AND taxonomy_version IS DISTINCT FROM $v"
    params = {} if force else {"v": TAXONOMY_VERSION}
    con.execute("BEGIN").fetchall()
    try:
        last = con.execute("SELECT max(rowid) FROM postings").fetchall()[0][0]
        updated = 0
        for lo in range(0, -1 if last is None else last + 1, STEP):
            rows = con.execute(
                "SELECT rowid, title, description, location, remote FROM postings "
                f"WHERE rowid >= $lo AND rowid < $hi {stale}",
                {**params, "lo": lo, "hi": lo + STEP},
            ).fetchall()
            if rows:
                updated += _apply(con, _classify(rows))
        # Which postings are copies of one opening on another board (scraper.dedupe): derived from the
        # columns above and first_seen, so recomputed with them, every refresh.
        dup_keys = refresh_duplicates(con)
        if force or stale_zone_places(con):
            # The zone parser changed: every label is parsed again and every band placed again.
            con.execute("DELETE FROM zone_places").fetchall()
            sync_zone_places(con)
            sync_band_facts(con)
        elif dup_keys:
            keys = pl.DataFrame({"posting_key": dup_keys}, schema={"posting_key": pl.Int64})
            con.register("dup_keys", keys)
            try:
                sync_band_facts(con, "SELECT posting_key FROM dup_keys")
            finally:
                con.unregister("dup_keys")
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
    return updated


def _classify(rows: list[tuple]) -> pl.DataFrame:
    out: dict[str, list] = {k: [] for k in _SCHEMA}
    for rid, title, description, location, remote in rows:
        role = classify(title or "", description)
        loc = place_of(location)
        for k, v in zip(
            _SCHEMA,
            (
                rid,
                role.is_ai_ml,
                role.role_family,
                role.seniority,
                classify_remote(location, title, description, hint=remote),
                loc.city,
                loc.region,
                loc.country,
                loc.metro,
            ),
            strict=True,
        ):
            out[k].append(v)
    return pl.DataFrame(out, schema=_SCHEMA)


_COLUMNS = ("is_ai_ml", "role_family", "seniority", "remote", "city", "region", "country", "metro")


def _apply(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> int:
    """Write the classification; returns how many postings it changed (not how many it read:
    `reparse` said "428 reclassified" on every run when nothing had changed)."""
    con.register("tax", frame)
    try:
        old = ", ".join(f"p.{c}" for c in _COLUMNS)
        new = ", ".join(f"t.{c}" for c in _COLUMNS)
        changed = con.execute(
            f"SELECT count(*) FROM postings p JOIN tax t ON p.rowid = t.row_id "
            f"WHERE row({old}) IS DISTINCT FROM row({new})"
        ).fetchall()[0][0]
        con.execute(
            """UPDATE postings SET is_ai_ml = t.is_ai_ml, role_family = t.role_family, seniority = t.seniority,
                   remote = t.remote, city = t.city, region = t.region, country = t.country, metro = t.metro,
                   taxonomy_version = $v
               FROM tax t WHERE postings.rowid = t.row_id""",
            {"v": TAXONOMY_VERSION},
        ).fetchall()
        sync_band_facts(con, "SELECT posting_key FROM postings WHERE rowid IN (SELECT row_id FROM tax)")
    finally:
        con.unregister("tax")
    return int(changed)


def refresh_database(path: str | Path, *, force: bool = False) -> int:
    from scraper.store import connect

    con = connect(path, wait_s=30.0)
    try:
        # Also bounds the checkpoint on close, which may merge (vacuum) the crawl's small row groups.
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'").fetchall()
        return refresh_taxonomy(con, force=force)
    finally:
        con.close()
