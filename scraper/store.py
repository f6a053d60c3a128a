"""The DuckDB store: runs, postings with history, bands with history, raw payloads.

Writes are bulk (polars -> Arrow -> DuckDB), one transaction per company, so
a failure or a kill in one company never touches what others committed.
The connection is opened only while writing, so readers (`paybands query`,
a `duckdb` shell) can get in between companies during a long crawl.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from .errors import SchemaError, StoreBusy, StoreError, StoreLocked
from .models import Posting
from .schema import band_facts_sql, ensure_schema


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set" in msg)


def connect(path: str | Path, *, read_only: bool = False, wait_s: float = 3.0) -> duckdb.DuckDBPyConnection:
    """Open the database; a writer holding it makes us wait a little, then say busy."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"database {str(path)!r} does not exist; run `paybands crawl` first or pass --db")
    deadline = time.monotonic() + wait_s
    while True:
        try:
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if _is_lock_error(exc):
                if time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                raise StoreBusy(
                    f"database {str(path)!r} is busy (another paybands process is writing to it); try again shortly"
                ) from None
            raise StoreError(f"cannot open database {str(path)!r}: {exc}") from None
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {str(path)!r}: {exc}") from None


def _hash(*parts: str | None) -> str:
    # One update of the joined parts: the same digest as one update per part and separator.
    data = "".join(f"{p or ''}\x1f" for p in parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def band_hash(posting: Posting) -> str:
    """A posting's band set as what it says about pay: the identity that versions bands.

    Amounts, currency, period, pay type, zone, origin and estimate; not `rule`, `span` or
    `source_text`, which say why and where the band was read: a new rule name or moved offsets
    for the same pay is no new version (they are refreshed on the current version instead)."""
    return _hash(
        *(
            f"{b.min_amount}|{b.max_amount}|{b.currency}|{b.period}|{b.pay_type}|{b.zone}|{b.origin}|{b.is_estimate}"
            for b in posting.bands
        )
    )


POSTING_SCHEMA = {
    "posting_id": pl.String,
    "company": pl.String,
    "source": pl.String,
    "board": pl.String,
    "external_id": pl.String,
    "title": pl.String,
    "url": pl.String,
    "location": pl.String,
    "department": pl.String,
    "employment_type": pl.String,
    "remote": pl.String,
    "posted_at": pl.Datetime("us", "UTC"),
    "updated_at": pl.Datetime("us", "UTC"),
    "description": pl.String,
    "content_hash": pl.String,
    "raw_hash": pl.String,
    "band_hash": pl.String,
    "payload": pl.String,
}
BAND_SCHEMA = {
    "posting_id": pl.String,
    "band_no": pl.Int32,
    "min_amount": pl.Float64,
    "max_amount": pl.Float64,
    "currency": pl.String,
    "period": pl.String,
    "annual_min": pl.Float64,
    "annual_max": pl.Float64,
    "annual_min_usd": pl.Float64,
    "annual_max_usd": pl.Float64,
    "pay_type": pl.String,
    "zone": pl.String,
    "origin": pl.String,
    "is_estimate": pl.Boolean,
    "source_text": pl.String,
    "rule": pl.String,  # v5: PayBand.rule (its origin when the band names none)
    "evidence_start": pl.Int32,  # v5: PayBand.span
    "evidence_end": pl.Int32,
}


# Frame columns read straight off the Posting / PayBand attribute of the same name.
_POSTING_FIELDS = [
    c for c in POSTING_SCHEMA if c not in ("posting_id", "content_hash", "raw_hash", "band_hash", "payload")
]
_BAND_FIELDS = [
    c for c in BAND_SCHEMA if c not in ("posting_id", "band_no", "rule", "evidence_start", "evidence_end")
]


def postings_frames(postings: Sequence[Posting]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Postings and their bands as typed frames; a posting listed twice keeps its last copy."""
    unique: dict[str, Posting] = {}
    for p in postings:
        unique[p.posting_id] = p
    ps = list(unique.values())
    # Column by column (one comprehension each): a Python loop appending 18 values per posting cost 3x more.
    cols: dict[str, list] = {
        "posting_id": list(unique),
        **{name: [getattr(p, name) for p in ps] for name in _POSTING_FIELDS},
        "content_hash": [_hash(p.title, p.location, p.description) for p in ps],
        "raw_hash": [_hash(p.raw) for p in ps],
        "band_hash": [band_hash(p) for p in ps],
        "payload": [p.raw for p in ps],
    }
    bands = [(pid, i, b) for pid, p in unique.items() for i, b in enumerate(p.bands)]
    bcols: dict[str, list] = {
        "posting_id": [pid for pid, _, _ in bands],
        "band_no": [i for _, i, _ in bands],
        **{name: [getattr(b, name) for _, _, b in bands] for name in _BAND_FIELDS},
        "rule": [b.rule or b.origin for _, _, b in bands],
        "evidence_start": [b.span[0] if b.span else None for _, _, b in bands],
        "evidence_end": [b.span[1] if b.span else None for _, _, b in bands],
    }
    return pl.DataFrame(cols, schema=POSTING_SCHEMA), pl.DataFrame(bcols, schema=BAND_SCHEMA)


@dataclass(slots=True)
class WriteCounts:
    postings: int = 0
    bands: int = 0
    new_postings: int = 0
    updated_postings: int = 0
    removed_postings: int = 0
    changed_bands: int = 0
    warnings: int = 0  # pay values the sources rejected (Posting.warnings): crawl_run_companies.warnings


def _warnings(postings: Sequence[Posting]) -> int:
    """Pay values the normalizer rejected (Posting.warnings) in one board's postings."""
    unique = {p.posting_id: p for p in postings}  # as postings_frames: a posting listed twice counts once
    return sum(len(getattr(p, "warnings", None) or ()) for p in unique.values())


def _set_warnings(counts: WriteCounts, n: int) -> None:
    if hasattr(counts, "warnings"):  # WriteCounts.warnings (a field another change adds)
        counts.warnings = n  # type: ignore[attr-defined]


# crawl_run_companies' count columns, in table order; `warnings` (v5) is read with getattr.
_COMPANY_COUNTS = (
    "postings",
    "bands",
    "new_postings",
    "updated_postings",
    "removed_postings",
    "changed_bands",
)


@dataclass(slots=True)
class CompanyOutcome:
    company: str
    source: str
    board: str
    status: str  # ok | empty | failed | skipped
    counts: WriteCounts = field(default_factory=WriteCounts)
    error: str | None = None
    error_kind: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None


_POSTING_COLS = (
    "company, source, board, external_id, title, url, location, department, employment_type, remote, "
    "posted_at, updated_at, description, content_hash, raw_hash, band_hash"
)
_POSTING_COLS_I = ", ".join(f"i.{c}" for c in _POSTING_COLS.split(", "))
_BAND_COLS = (
    "band_no, min_amount, max_amount, currency, period, annual_min, annual_max, annual_min_usd, annual_max_usd, "
    "pay_type, zone, origin, is_estimate, source_text, rule, evidence_start, evidence_end"
)


def _x(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> list[tuple]:
    """Execute and drain: DuckDB 2 refuses new work while a result is unread."""
    return con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()


def sync_band_facts(con: duckdb.DuckDBPyConnection, keys: str | None = None) -> None:
    """Bring band_facts in step with postings and current bands for the postings `keys` selects
    (SQL yielding posting_key), or rebuild it whole. Call it in the transaction that changed them."""
    if keys is None:
        _x(con, "DELETE FROM band_facts")
        _x(con, "INSERT INTO band_facts BY NAME " + band_facts_sql())
        return
    _x(con, f"DELETE FROM band_facts WHERE posting_key IN (SELECT posting_key FROM ({keys}))")
    _x(con, "INSERT INTO band_facts BY NAME " + band_facts_sql(keys))


def _paybands_version() -> str | None:
    try:
        return importlib.metadata.version("paybands")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return None


def now_utc() -> datetime:
    return datetime.now(UTC)


class Store:
    """Write side of the database. Open/close per batch of work; see module docstring."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._con: duckdb.DuckDBPyConnection | None = None
        with self.connection() as con:
            try:
                ensure_schema(con)
            except SchemaError as exc:
                raise StoreError(str(exc)) from None

    @contextmanager
    def connection(self, keep_open: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        opened = self._con is None
        if opened:
            self._con = connect(self.path, wait_s=30.0)
        try:
            yield self._con
        finally:
            if opened and not keep_open:
                self.close()

    def open(self) -> None:
        """Open the connection now and keep it until close() (the crawl's writer thread batches this way)."""
        if self._con is None:
            self._con = connect(self.path, wait_s=30.0)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Keep one connection open across many writes (benchmarks, reparse)."""
        with self.connection(keep_open=True):
            pass
        try:
            yield
        finally:
            self.close()

    # -- runs -------------------------------------------------------------------
    def begin_run(self, kind: str = "crawl", config_path: str | None = None) -> int:
        with self.connection() as con:
            _x(con, "BEGIN")
            # Runs left 'running' by a killed process (we hold the crawl lock, so they are dead).
            _x(
                con,
                "UPDATE crawl_runs SET status = 'incomplete', finished_at = coalesce(finished_at, ?) "
                "WHERE status = 'running'",
                [now_utc()],
            )
            run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM crawl_runs").fetchall()[0][0]
            _x(
                con,
                "INSERT INTO crawl_runs (run_id, kind, started_at, status, config_path, pid, host, paybands_version) "
                "VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
                [
                    run_id,
                    kind,
                    now_utc(),
                    config_path,
                    os.getpid(),
                    socket.gethostname(),
                    _paybands_version(),
                ],
            )
            _x(con, "COMMIT")
        return int(run_id)

    def finish_run(self, run_id: int, outcomes: Sequence[CompanyOutcome], requests: int, status: str) -> None:
        failed = [o for o in outcomes if o.status == "failed"]
        total = WriteCounts()
        for o in outcomes:
            for f in WriteCounts.__slots__:
                setattr(total, f, getattr(total, f) + getattr(o.counts, f))
        errors = [{"company": o.company, "kind": o.error_kind, "error": o.error} for o in failed]
        summary = {
            "companies": len(outcomes),
            "companies_failed": len(failed),
            **{f: getattr(total, f) for f in WriteCounts.__slots__},
            "requests": requests,
            "failures": errors,
        }
        with self.connection() as con:
            _x(con,
                """UPDATE crawl_runs SET finished_at = ?, status = ?, companies = ?, companies_failed = ?,
                   postings = ?, bands = ?, new_postings = ?, updated_postings = ?, removed_postings = ?,
                   changed_bands = ?, requests = ?, errors = ?, summary = ? WHERE run_id = ?""",
                [
                    now_utc(), status, len(outcomes), len(failed), total.postings, total.bands, total.new_postings,
                    total.updated_postings, total.removed_postings, total.changed_bands, requests,
                    json.dumps(errors), json.dumps(summary), run_id,
                ],
            )  # fmt: skip

    def record_company(self, con: duckdb.DuckDBPyConnection, run_id: int, o: CompanyOutcome) -> None:
        c = o.counts
        _x(con,
            f"INSERT INTO crawl_run_companies (run_id, company, source, board, status, {', '.join(_COMPANY_COUNTS)}, "
            "error, error_kind, started_at, finished_at, warnings) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id, o.company, o.source, o.board, o.status, *(getattr(c, f) for f in _COMPANY_COUNTS),
                o.error, o.error_kind, o.started_at, o.finished_at or now_utc(), getattr(c, "warnings", 0),
            ],
        )  # fmt: skip

    def _record_companies(
        self, con: duckdb.DuckDBPyConnection, run_id: int, outcomes: Sequence[CompanyOutcome]
    ) -> None:
        frame = pl.DataFrame(
            {
                "run_id": [run_id] * len(outcomes),
                "company": [o.company for o in outcomes],
                "source": [o.source for o in outcomes],
                "board": [o.board for o in outcomes],
                "status": [o.status for o in outcomes],
                **{f: [getattr(o.counts, f) for o in outcomes] for f in _COMPANY_COUNTS},
                "error": [o.error for o in outcomes],
                "error_kind": [o.error_kind for o in outcomes],
                "started_at": [o.started_at for o in outcomes],
                "finished_at": [o.finished_at or now_utc() for o in outcomes],
                "warnings": [getattr(o.counts, "warnings", 0) for o in outcomes],
            },
            schema_overrides={"error": pl.String, "error_kind": pl.String,
                              "started_at": pl.Datetime("us", "UTC"), "finished_at": pl.Datetime("us", "UTC"),
                              "warnings": pl.Int32},
        )  # fmt: skip
        con.register("run_companies", frame)
        try:
            _x(con, "INSERT INTO crawl_run_companies BY NAME SELECT * FROM run_companies")
        finally:
            con.unregister("run_companies")

    def record_failure(self, run_id: int, outcome: CompanyOutcome) -> None:
        with self.connection() as con:
            self.record_company(con, run_id, outcome)

    # -- postings ---------------------------------------------------------------
    def write_company(
        self, run_id: int, outcome: CompanyOutcome, postings: Sequence[Posting], *, mark_removed: bool = True
    ) -> WriteCounts:
        """Store one company's crawl in one transaction; returns what changed."""
        pdf, bdf = postings_frames(postings)
        now = now_utc()
        with self.connection() as con:
            _x(con, "BEGIN")
            try:
                counts = self._merge(con, run_id, now, pdf, bdf).get(
                    (outcome.source, outcome.board), WriteCounts()
                )
                if mark_removed and len(pdf):
                    counts.removed_postings = self._mark_removed(
                        con, run_id, now, outcome.source, outcome.board
                    )
                _set_warnings(counts, _warnings(postings))
                outcome.counts = counts
                outcome.finished_at = now_utc()
                self.record_company(con, run_id, outcome)
                _x(con, "COMMIT")
            except BaseException:
                _x(con, "ROLLBACK")
                raise
        return counts

    def write_companies(
        self,
        run_id: int,
        batch: Sequence[tuple[CompanyOutcome, Sequence[Posting]]],
        *,
        mark_removed: bool = True,
    ) -> list[WriteCounts]:
        """Store several companies' crawls in ONE transaction (the bulk path); counts per company.

        The same merge as `write_company`, run once for the batch: each statement joins the
        postings table once per batch instead of once per company, which is what makes a million
        postings load in seconds. All or nothing: on an error the batch rolls back and the caller
        retries its companies one by one (the crawl's writer does) so a bad company fails alone.
        """
        if not batch:
            return []
        frames = [postings_frames(ps) for _, ps in batch]
        pdf = pl.concat([f[0] for f in frames], rechunk=False)
        bdf = pl.concat([f[1] for f in frames], rechunk=False)
        keys = [(o.source, o.board) for o, _ in batch]
        if len(set(keys)) != len(keys):
            raise StoreError("write_companies: a board appears twice in one batch")
        now = now_utc()
        with self.connection() as con:
            _x(con, "BEGIN")
            try:
                per_board = self._merge(con, run_id, now, pdf, bdf)
                removed: dict[tuple[str, str], int] = {}
                if mark_removed:
                    seen = [k for k, f in zip(keys, frames, strict=True) if len(f[0])]
                    removed = self._mark_removed_many(con, run_id, now, seen)
                out = []
                for (o, ps), key in zip(batch, keys, strict=True):
                    o.counts = per_board.get(key, WriteCounts())
                    o.counts.removed_postings = removed.get(key, 0)
                    _set_warnings(o.counts, _warnings(ps))
                    o.finished_at = now_utc()
                    out.append(o.counts)
                self._record_companies(con, run_id, [o for o, _ in batch])
                _x(con, "COMMIT")
            except BaseException:
                _x(con, "ROLLBACK")
                raise
        return out

    def _merge(
        self, con: duckdb.DuckDBPyConnection, run_id: int, now: datetime, pdf: pl.DataFrame, bdf: pl.DataFrame
    ) -> dict[tuple[str, str], WriteCounts]:
        # The stage holds keys and flags only; long text is read once, from the registered frame,
        # by the statements that write it (joined back on the frame's row number).
        con.register("incoming", pdf.with_row_index("row_no"))
        con.register("incoming_bands", bdf)
        try:
            _x(
                con,
                """CREATE OR REPLACE TEMP TABLE stage AS
                WITH j AS (
                    SELECT i.row_no, i.posting_id, i.source, i.board, e.posting_key AS old_key,
                           e.posting_key IS NULL AS is_new,
                           e.content_hash IS DISTINCT FROM i.content_hash AS content_changed,
                           e.raw_hash IS DISTINCT FROM i.raw_hash AS raw_changed,
                           e.band_hash IS DISTINCT FROM i.band_hash AS bands_changed,
                           NOT coalesce(e.is_active, true) AS reactivated
                    FROM incoming i LEFT JOIN postings e USING (posting_id)
                )
                SELECT * EXCLUDE (old_key),
                       CASE WHEN is_new THEN nextval('posting_key_seq') ELSE old_key END AS posting_key
                FROM j""",
            )
            counts = {
                (src, board): WriteCounts(
                    postings=n, new_postings=new, updated_postings=upd, changed_bands=chg
                )
                for src, board, n, new, upd, chg in con.execute(
                    "SELECT source, board, count(*), count(*) FILTER (is_new), "
                    "count(*) FILTER (content_changed AND NOT is_new), "
                    "count(*) FILTER (bands_changed AND NOT is_new) FROM stage GROUP BY source, board"
                ).fetchall()
            }
            _x(
                con,
                f"""INSERT INTO postings (posting_id, posting_key, {_POSTING_COLS}, first_seen, last_seen,
                        first_run_id, last_run_id, is_active, content_since, content_run_id)
                    SELECT i.posting_id, s.posting_key, {_POSTING_COLS_I}, $now, $now, $run, $run, TRUE, $now, $run
                    FROM incoming i JOIN stage s USING (row_no) WHERE s.is_new""",
                {"now": now, "run": run_id},
            )
            # Every seen posting: only these columns move for an unchanged one.
            _x(
                con,
                """UPDATE postings SET last_seen = $now, last_run_id = $run, is_active = TRUE,
                       removed_at = NULL, removed_run_id = NULL
                   FROM stage s WHERE postings.posting_key = s.posting_key AND NOT s.is_new""",
                {"now": now, "run": run_id},
            )
            # The version being replaced goes to history before the row changes.
            _x(
                con,
                """INSERT INTO posting_history
                   SELECT p.posting_id, p.posting_key, p.title, p.location, p.description, p.content_hash,
                          coalesce(p.content_since, p.first_seen), $now, p.content_run_id
                   FROM postings p JOIN stage s USING (posting_key) WHERE s.content_changed AND NOT s.is_new""",
                {"now": now},
            )
            sets = ", ".join(
                f"{c} = s.{c}" for c in _POSTING_COLS.split(", ") if c not in ("source", "board")
            )
            _x(
                con,
                f"""UPDATE postings SET {sets}, taxonomy_version = NULL,
                       content_since = CASE WHEN s.content_changed THEN $now ELSE postings.content_since END,
                       content_run_id = CASE WHEN s.content_changed THEN $run ELSE postings.content_run_id END
                    FROM (SELECT i.* EXCLUDE (source, board), s.posting_key, s.content_changed
                          FROM incoming i JOIN stage s USING (row_no)
                          WHERE NOT s.is_new AND (s.raw_changed OR s.bands_changed OR s.content_changed)) s
                    WHERE postings.posting_key = s.posting_key""",
                {"now": now, "run": run_id},
            )
            _x(
                con,
                """INSERT INTO posting_raw SELECT i.posting_id, $now, $run, i.payload
                   FROM incoming i JOIN stage s USING (row_no) WHERE s.raw_changed""",
                {"now": now, "run": run_id},
            )
            self._replace_bands(
                con, run_id, now, "SELECT posting_id, posting_key FROM stage WHERE bands_changed"
            )
            # Same pay in a changed posting: its rule and evidence may have moved (offsets in an
            # edited description); refreshed on the current version, not a new one.
            self._refresh_evidence(
                con,
                "SELECT posting_id, posting_key FROM stage "
                "WHERE NOT is_new AND NOT bands_changed AND (raw_changed OR content_changed)",
            )
            # An unchanged posting still seen moves nothing band_facts holds.
            sync_band_facts(
                con,
                "SELECT posting_key FROM stage "
                "WHERE is_new OR content_changed OR raw_changed OR bands_changed OR reactivated",
            )
            for src, board, n in con.execute(
                "SELECT i.source, i.board, count(*) FROM incoming_bands b JOIN incoming i USING (posting_id) "
                "GROUP BY i.source, i.board"
            ).fetchall():
                counts[(src, board)].bands = n
        finally:
            con.unregister("incoming")
            con.unregister("incoming_bands")
        return counts

    def reparse_bands(self, run_id: int, postings: Sequence[Posting]) -> int:
        """Replace the bands of `postings` where re-parsing changed them; returns postings changed.

        Nothing else moves (no last_seen, no removals): a reparse is not a crawl.
        """
        pdf, bdf = postings_frames(postings)
        now = now_utc()
        with self.connection() as con:
            _x(con, "BEGIN")
            try:
                con.register("incoming", pdf.select("posting_id", "band_hash"))
                con.register("incoming_bands", bdf)
                _x(
                    con,
                    """CREATE OR REPLACE TEMP TABLE stage AS
                       SELECT i.posting_id, e.posting_key, i.band_hash,
                              e.band_hash IS DISTINCT FROM i.band_hash AS bands_changed
                       FROM incoming i JOIN postings e USING (posting_id)""",
                )
                changed = con.execute("SELECT count(*) FROM stage WHERE bands_changed").fetchall()[0][0]
                self._replace_bands(
                    con, run_id, now, "SELECT posting_id, posting_key FROM stage WHERE bands_changed"
                )
                # Same pay: the current normalizer's rule and evidence replace the stored ones in place.
                self._refresh_evidence(
                    con, "SELECT posting_id, posting_key FROM stage WHERE NOT bands_changed"
                )
                _x(
                    con,
                    """UPDATE postings SET band_hash = s.band_hash FROM stage s
                       WHERE postings.posting_key = s.posting_key AND s.bands_changed""",
                )
                sync_band_facts(con, "SELECT posting_key FROM stage WHERE bands_changed")
                _x(con, "COMMIT")
            except BaseException:
                _x(con, "ROLLBACK")
                raise
            finally:
                con.unregister("incoming")
                con.unregister("incoming_bands")
        return int(changed)

    def mark_run_incomplete(self, run_id: int, reason: str) -> None:
        with self.connection() as con:
            _x(
                con,
                "UPDATE crawl_runs SET status = 'incomplete', finished_at = ?, errors = ? WHERE run_id = ?",
                [now_utc(), json.dumps([{"company": None, "kind": "interrupted", "error": reason}]), run_id],
            )

    @staticmethod
    def _replace_bands(con: duckdb.DuckDBPyConnection, run_id: int, now: datetime, keys_sql: str) -> None:
        """Close the current band versions of the postings `keys_sql` selects (posting_id, posting_key)
        and insert their new bands from `incoming_bands`."""
        _x(
            con,
            f"""UPDATE pay_band_versions SET valid_to = $now, closed_run_id = $run
                WHERE valid_to IS NULL AND posting_key IN (SELECT posting_key FROM ({keys_sql}))""",
            {"now": now, "run": run_id},
        )
        _x(
            con,
            f"""INSERT INTO pay_band_versions (posting_id, posting_key, {_BAND_COLS}, valid_from, valid_to, run_id)
                SELECT posting_id, k.posting_key, {_BAND_COLS}, $now, NULL, $run
                FROM incoming_bands JOIN ({keys_sql}) k USING (posting_id)""",
            {"now": now, "run": run_id},
        )

    @staticmethod
    def _refresh_evidence(con: duckdb.DuckDBPyConnection, keys_sql: str) -> None:
        """For the postings `keys_sql` selects whose band set is unchanged (same band_hash, so the
        same bands in the same order), write `incoming_bands`' rule, evidence offsets and source
        text onto the current versions where they differ. Why and where a band was read is not
        part of its identity (see band_hash): no new version, no pay_band_changes row."""
        _x(
            con,
            f"""UPDATE pay_band_versions v
                SET rule = b.rule, evidence_start = b.evidence_start, evidence_end = b.evidence_end,
                    source_text = b.source_text
                FROM (SELECT b.band_no, b.rule, b.evidence_start, b.evidence_end, b.source_text, k.posting_key
                      FROM incoming_bands b JOIN ({keys_sql}) k USING (posting_id)) b
                WHERE v.valid_to IS NULL AND v.posting_key = b.posting_key AND v.band_no = b.band_no
                  AND (v.rule IS DISTINCT FROM b.rule OR v.evidence_start IS DISTINCT FROM b.evidence_start
                       OR v.evidence_end IS DISTINCT FROM b.evidence_end
                       OR v.source_text IS DISTINCT FROM b.source_text)""",
        )

    @staticmethod
    def _mark_removed_many(
        con: duckdb.DuckDBPyConnection, run_id: int, now: datetime, boards: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """The batch write's removals: _remove_unseen for every board of the batch."""
        return _remove_unseen(con, run_id, now, boards)

    @staticmethod
    def _mark_removed(
        con: duckdb.DuckDBPyConnection, run_id: int, now: datetime, source: str, board: str
    ) -> int:
        """The per-company write's removals: _remove_unseen for its board."""
        return _remove_unseen(con, run_id, now, [(source, board)]).get((source, board), 0)


def _remove_unseen(
    con: duckdb.DuckDBPyConnection, run_id: int, now: datetime, boards: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Mark the active postings of `boards` this run did not see removed, in one statement (and
    band_facts with them); returns removed postings per (source, board)."""
    if not boards:
        return {}
    con.register("seen_boards", pl.DataFrame(boards, schema=["source", "board"], orient="row"))
    try:
        rows = con.execute(
            """UPDATE postings SET is_active = FALSE, removed_at = $now, removed_run_id = $run
               FROM seen_boards s
               WHERE postings.source = s.source AND postings.board = s.board AND postings.is_active
                 AND postings.last_run_id IS DISTINCT FROM $run
               RETURNING postings.source, postings.board, postings.posting_key""",
            {"now": now, "run": run_id},
        ).fetchall()
    finally:
        con.unregister("seen_boards")
    _facts_inactive(con, [r[2] for r in rows])
    out: dict[tuple[str, str], int] = {}
    for src, board, _ in rows:
        out[(src, board)] = out.get((src, board), 0) + 1
    return out


def _facts_inactive(con: duckdb.DuckDBPyConnection, keys: list[int]) -> None:
    """band_facts follows the postings just marked removed."""
    if not keys:
        return
    con.register("removed_keys", pl.DataFrame({"posting_key": keys}, schema={"posting_key": pl.Int64}))
    try:
        sync_band_facts(con, "SELECT posting_key FROM removed_keys")
    finally:
        con.unregister("removed_keys")


class CrawlLock:
    """One crawl per database: an flock on '<db>.lock', released by the OS if we die."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise StoreLocked(
                f"another paybands crawl (pid {holder}) is already writing to {self.path.with_suffix('')}; "
                "wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
