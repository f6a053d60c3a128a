"""Shard files in, one database out: `paybands export --tables all` and `paybands merge`.

Each shard machine crawls its hosts into its own database file (scraper/shard.py). A shard is
carried to the merging machine either as that file or as an export folder (one Parquet file per
table and `manifest.json`: schema version, shard, the hosts it owns, its run ids). `merge_shards`
builds one database from all of them:

- keys stay apart without bookkeeping: a run id r of shard K of N becomes r*N + K, a posting key
  likewise, so runs of the same week sit side by side and no two shards can collide;
- the derived tables (zone_places, band_facts) are rebuilt from the merged rows, not copied;
- the target is built in a temporary file beside it and renamed over it at the end: a reader sees
  the old file or the new one, and re-running the merge after every weekly crawl gives the same
  file from the same shards (idempotent);
- shards of another schema version, of different shard counts, with the same index twice, or
  claiming the same host (two machines would have crawled it at once) are refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import StoreError
from .schema import SCHEMA_VERSION
from .shard import Shard, parse_shard

MANIFEST = "manifest.json"
# Derived from the others: rebuilt by the merge, never copied.
DERIVED = ("band_facts", "zone_places")
# meta: the merged file writes its own (schema version, where it came from).
NOT_COPIED = (*DERIVED, "meta")


class MergeError(StoreError):
    """A shard cannot be merged; the message says which and why."""


@dataclass(slots=True)
class ShardInfo:
    path: Path
    schema_version: int
    shard: Shard
    hosts: list[str]
    run_ids: list[int]
    tables: list[str] = field(default_factory=list)


# -- the shard's side -----------------------------------------------------------------------


def record_shard(con: duckdb.DuckDBPyConnection, shard: Shard, hosts: list[str]) -> None:
    """Note in the file which shard it is and which hosts it owns (every host it ever crawled)."""
    rows = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('shard', 'shard_hosts')").fetchall())
    if rows.get("shard") not in (None, str(shard)):
        raise MergeError(
            f"this database holds shard {rows['shard']}, not {shard}: give each shard its own file"
        )
    owned = sorted(set(json.loads(rows.get("shard_hosts") or "[]")) | set(hosts))
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('shard', ?), ('shard_hosts', ?)", [str(shard), json.dumps(owned)]
    )


def _base_tables(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    """Base tables of the open file ("" or None) or of an attached database."""
    where = f"AND table_catalog = '{catalog}'" if catalog else "AND table_catalog = current_database()"
    return [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            f"AND table_schema = 'main' {where} ORDER BY table_name"
        ).fetchall()
    ]


def _info_from_db(con: duckdb.DuckDBPyConnection, path: Path) -> ShardInfo:
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if "shard" not in meta:
        raise MergeError(f"{path} is not a shard: it was not crawled with --shard K/N")
    runs = [r for (r,) in con.execute("SELECT run_id FROM crawl_runs ORDER BY run_id").fetchall()]
    return ShardInfo(
        path=path,
        schema_version=int(meta.get("schema_version", 0)),
        shard=parse_shard(meta["shard"]),
        hosts=json.loads(meta.get("shard_hosts") or "[]"),
        run_ids=runs,
    )


def export_shard(db_path: Path, out_dir: Path) -> ShardInfo:
    """Every table a merge needs as Parquet in `out_dir`, with manifest.json (written last, so a
    folder with a manifest is complete)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        info = _info_from_db(con, db_path)
        for table in _base_tables(con):
            if table in NOT_COPIED:
                continue
            target = out_dir / f"{table}.parquet"
            # The table name comes from the catalog; the path is a bound parameter.
            con.execute(f'COPY "{table}" TO ? (FORMAT parquet, COMPRESSION zstd)', [str(target)])
            info.tables.append(table)
    finally:
        con.close()
    manifest = {
        "schema_version": info.schema_version,
        "shard": str(info.shard),
        "hosts": info.hosts,
        "run_ids": info.run_ids,
        "tables": info.tables,
    }
    tmp = out_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    os.replace(tmp, out_dir / MANIFEST)
    return info


# -- the merging side -----------------------------------------------------------------------


def read_shard(path: Path) -> ShardInfo:
    """What a shard folder's manifest (or a shard database file's meta) says about it."""
    if path.is_dir():
        manifest = path / MANIFEST
        if not manifest.is_file():
            raise MergeError(f"{path} has no {MANIFEST}: export it with `paybands export --tables all`")
        try:
            data = json.loads(manifest.read_text("utf-8"))
            return ShardInfo(
                path=path,
                schema_version=int(data["schema_version"]),
                shard=parse_shard(str(data["shard"])),
                hosts=list(data["hosts"]),
                run_ids=[int(r) for r in data["run_ids"]],
                tables=list(data["tables"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise MergeError(f"{manifest} cannot be read: {exc}") from None
    if not path.is_file():
        raise MergeError(f"{path} is neither a shard folder nor a database file")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise MergeError(f"{path} cannot be opened as a database: {str(exc).splitlines()[0]}") from None
    try:
        info = _info_from_db(con, path)
        info.tables = [t for t in _base_tables(con) if t not in NOT_COPIED]  # the shard file's own
        return info
    finally:
        con.close()


def check_shards(shards: list[ShardInfo]) -> None:
    """Refuse what cannot be one database; one sentence naming the shards."""
    if not shards:
        raise MergeError("give at least one shard (a folder from `paybands export --tables all`, or a file)")
    for s in shards:
        if s.schema_version != SCHEMA_VERSION:
            raise MergeError(
                f"{s.path} has schema version {s.schema_version}, this paybands writes {SCHEMA_VERSION}: "
                "crawl every shard with the same paybands (or open the shard once with this one to upgrade it)"
            )
    counts = {s.shard.count for s in shards}
    if len(counts) > 1:
        raise MergeError(
            f"the shards were cut for different shard counts ({sorted(counts)}): use one N for all"
        )
    seen: dict[int, Path] = {}
    owner: dict[str, Path] = {}
    for s in shards:
        if s.shard.index in seen:
            raise MergeError(f"{seen[s.shard.index]} and {s.path} are both shard {s.shard}")
        seen[s.shard.index] = s.path
        for host in s.hosts:
            if host in owner:
                raise MergeError(
                    f"{owner[host]} and {s.path} both crawled {host}: a host belongs to one shard "
                    "(two machines would each keep its politeness and together break it)"
                )
            owner[host] = s.path


def _remapped(columns: list[str], shard: Shard) -> str:
    """SELECT list of a shard's table with its keys moved apart: k -> k*N + K."""
    out = []
    for c in columns:
        if c == "posting_key" or c == "run_id" or c.endswith("_run_id"):
            out.append(f'"{c}" * {shard.count} + {shard.index} AS "{c}"')
        else:
            out.append(f'"{c}"')
    return ", ".join(out)


def merge_shards(paths: list[Path], into: Path) -> list[ShardInfo]:
    """Build `into` from the shards (folders or files), replacing it whole; returns what was merged."""
    from .store import Store, sync_band_facts

    shards = [read_shard(Path(p)) for p in paths]
    check_shards(shards)
    into = Path(into)
    if into.exists() and not into.is_file():
        raise MergeError(f"{into} exists and is not a regular file; paybands only replaces regular files")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{into.name}.", suffix=".merging", dir=into.parent or Path("."))
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB creates the file itself
    try:
        Store(tmp).close()  # the schema, every table empty
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN")
            targets = {t: _columns(con, None, t) for t in _base_tables(con, "") if t not in NOT_COPIED}
            for s in shards:
                _copy_shard(con, s, targets)
            (max_key,) = con.execute("SELECT coalesce(max(posting_key), 0) FROM postings").fetchall()[0]
            # A later write (a reparse of the merged file) takes keys after the merged ones. DuckDB
            # cannot restart a sequence, and dropping it would drop the table whose default uses it:
            # it is advanced instead (a million nextval calls take a fraction of a second).
            con.execute("SELECT max(nextval('posting_key_seq')) FROM range(?)", [int(max_key)]).fetchall()
            sync_band_facts(con)  # zone_places and band_facts, from the merged rows
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('merged_from', ?)",
                [
                    json.dumps(
                        [{"shard": str(s.shard), "hosts": s.hosts, "run_ids": s.run_ids} for s in shards]
                    )
                ],
            )
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, into)
        with contextlib.suppress(FileNotFoundError):
            Path(str(into) + ".wal").unlink()
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return shards


def _columns(con: duckdb.DuckDBPyConnection, catalog: str | None, table: str) -> list[str]:
    """A table's columns in order, in the attached database `catalog` (None: the open file's own)."""
    return [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = coalesce(?, current_database()) "
            "AND table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
            [catalog, table],
        ).fetchall()
    ]


def _copy_shard(con: duckdb.DuckDBPyConnection, shard: ShardInfo, targets: dict[str, list[str]]) -> None:
    if shard.path.is_dir():
        sources = {t: f"read_parquet('{_sql_path(shard.path / f'{t}.parquet')}')" for t in shard.tables}
        columns = {t: list(con.sql(f"SELECT * FROM {src} LIMIT 0").columns) for t, src in sources.items()}
        attached = False
    else:
        con.execute(f"ATTACH '{_sql_path(shard.path)}' AS shard_src (READ_ONLY)")
        attached = True
        sources = {t: f'shard_src.main."{t}"' for t in shard.tables}
        columns = {t: _columns(con, "shard_src", t) for t in shard.tables}
    try:
        for table, target_cols in targets.items():
            if table not in sources:
                continue  # a table this shard's export lacks (none today): it holds no rows of it
            cols = [c for c in columns[table] if c in target_cols]
            con.execute(
                f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) '
                f"SELECT {_remapped(cols, shard.shard)} FROM {sources[table]}"
            )
    finally:
        if attached:
            con.execute("DETACH shard_src")


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal's content (ATTACH and read_parquet take no bound parameters)."""
    return str(path.resolve()).replace("'", "''")
