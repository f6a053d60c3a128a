"""The DuckDB store: runs, postings with history, bands with history, raw payloads.

Writes are bulk (polars -> Arrow -> DuckDB), one transaction per company, so
a failure or a kill in one company never touches what others committed.
The connection is opened only while writing, so readers (`paybands query`,
a `duckdb` shell) can get in between companies during a long crawl.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import importlib.metadata
import json
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import duckdb
import polars as pl

from .errors import SchemaError, StorageError, StoreBusy, StoreError, StoreLocked
from .models import Posting
from .places import sync_zone_places
from .sanitize import terminal_safe
from .schema import band_facts_sql, ensure_schema


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set" in msg)


# -- storage errors: one sentence naming the file and the cause --------------------------------------
# What the operating system or DuckDB says, mapped to the cause a user can act on. DuckDB words its
# I/O errors itself (no errno), so its messages are matched; OSErrors carry an errno.
_CAUSES: tuple[tuple[str, tuple[str, ...], int | None, str], ...] = (
    ("disk_full", ("no space left on device", "disk quota exceeded"), errno.ENOSPC,
     "the disk is full; free some space and run again"),
    ("read_only", ("read-only file system",), errno.EROFS,
     "the file system is read-only; point --db at a writable place"),
    ("permission", ("permission denied", "operation not permitted"), errno.EACCES,
     "permission denied; check the owner and mode of the file and its directory"),
    ("corrupted", ("corrupt database file", "not a valid duckdb database file", "could not read enough bytes",
                   "checksum"), None,
     "the file is damaged (corrupted or truncated): restore it from a backup, or move it aside and crawl "
     "into a new one (paybands never writes to a damaged file)"),
)  # fmt: skip
STORAGE_CAUSES = tuple(c[0] for c in _CAUSES)


def storage_cause(exc: BaseException) -> str | None:
    """'disk_full' | 'read_only' | 'permission' | 'corrupted' when `exc` is one of these, else None."""
    if isinstance(exc, StorageError):
        return getattr(exc, "cause", None)
    code = exc.errno if isinstance(exc, OSError) else None
    if code == errno.EDQUOT:
        code = errno.ENOSPC
    if code == errno.EPERM:
        code = errno.EACCES
    text = str(exc).lower()
    for cause, words, err, _ in _CAUSES:
        if (err is not None and code == err) or any(w in text for w in words):
            return cause
    return None


def storage_error(path: str | Path, exc: BaseException, doing: str = "write to") -> StorageError | None:
    """The one-sentence StorageError for `exc` (with `.cause` set), or None when it is no storage fault."""
    cause = storage_cause(exc)
    if cause is None:
        return None
    if isinstance(exc, StorageError):
        return exc
    advice = next(a for c, _, _, a in _CAUSES if c == cause)
    out = StorageError(f"cannot {doing} database {str(path)!r}: {advice}")
    out.cause = cause  # type: ignore[attr-defined]
    return out


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, if there is still something to roll back. DuckDB ends a transaction itself when a
    COMMIT fails (a full disk): a ROLLBACK then says "no transaction is active", which must never
    replace the error that matters."""
    with suppress(duckdb.Error):
        con.execute("ROLLBACK").fetchall()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **frames: object) -> Iterator[None]:
    """Register polars frames under the given names for the block, and always unregister them.

    A polars frame goes in as Arrow with string views (CompatLevel.newest()): that export shares
    polars' buffers, where registering the frame itself converted every string column to Arrow's
    large_string first, a copy of all the text (0.8 s for 500,000 postings) whether a statement
    reads that column or not. DuckDB reads the views column by column as statements need them."""
    done: list[str] = []
    held: list[object] = []  # the Arrow tables stay alive while DuckDB may scan them
    try:
        for name, frame in frames.items():
            if isinstance(frame, pl.DataFrame):
                frame = frame.to_arrow(compat_level=pl.CompatLevel.newest())
            held.append(frame)
            con.register(name, frame)
            done.append(name)
        yield
    finally:
        for name in done:
            with suppress(duckdb.Error):  # after a fatal error the connection refuses even this
                con.unregister(name)


# -- fault injection: the store's public hook for tests ----------------------------------------------
FAULT_POINTS = frozenset(
    {"lock", "open", "begin_run", "write", "mark_removed", "record_company", "finish_run", "commit"}
)


@dataclass(slots=True)
class Fault:
    """Raise `error` at `point` (for one board only when `board` is set), `times` times (None: always),
    after letting the first `skip` passes through (e.g. the begin_run commit before the company's)."""

    point: str
    error: BaseException | Callable[[], BaseException]
    board: str | None = None
    times: int | None = None
    skip: int = 0
    hits: int = 0
    passes: int = 0


@dataclass(slots=True)
class FaultPlan:
    """Where the store fails on purpose, for tests: `Store.faults.inject("mark_removed", OSError(...))`.

    The store calls `check(point, board)` at each named point (FAULT_POINTS) of its work: "lock" (the
    crawl lock), "open" (the database file), "begin_run", "write" (a company's transaction, after
    BEGIN), "mark_removed" (a board's removals), "record_company", "commit", "finish_run". An empty
    plan costs one truthiness test per point.
    """

    faults: list[Fault] = field(default_factory=list)

    def inject(
        self,
        point: str,
        error: BaseException | Callable[[], BaseException],
        *,
        board: str | None = None,
        times: int | None = None,
        skip: int = 0,
    ) -> Fault:
        if point not in FAULT_POINTS:
            raise ValueError(f"unknown fault point {point!r}; known: {', '.join(sorted(FAULT_POINTS))}")
        fault = Fault(point, error, board, times, skip)
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def check(self, point: str, board: str | None = None) -> None:
        for f in self.faults:
            if f.point != point or (f.board is not None and f.board != board):
                continue
            if f.passes < f.skip:
                f.passes += 1
                continue
            if f.times is not None and f.hits >= f.times:
                continue
            f.hits += 1
            raise f.error() if callable(f.error) else f.error


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
            raise _open_error(path, exc) from None
        except (duckdb.Error, OSError) as exc:
            raise _open_error(path, exc) from None


def _open_error(path: Path, exc: BaseException) -> StorageError:
    first = (str(exc).strip().splitlines() or [""])[0]
    return storage_error(path, exc, "open") or StoreError(f"cannot open database {str(path)!r}: {first}")


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


POSTING_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
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
    "requisition_id": pl.String,  # v9
    "content_hash": pl.String,
    "raw_hash": pl.String,
    "band_hash": pl.String,
    "payload": pl.String,
}
BAND_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
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


# The incoming frame: the stored columns, and whether the posting came from its board's list alone
# (Posting.list_only: an existing posting then keeps its stored version; see _merge_registered).
_INCOMING_SCHEMA = {**POSTING_SCHEMA, "list_only": pl.Boolean}

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
    cols["list_only"] = [p.list_only for p in ps]
    return pl.DataFrame(cols, schema=_INCOMING_SCHEMA), pl.DataFrame(bcols, schema=BAND_SCHEMA)


@dataclass(slots=True)
class WriteCounts:
    postings: int = 0
    bands: int = 0
    new_postings: int = 0
    updated_postings: int = 0
    removed_postings: int = 0
    changed_bands: int = 0
    warnings: int = 0  # pay values the sources rejected (Posting.warnings): crawl_run_companies.warnings
    held_removals: int = 0  # postings missing from the listing but kept active until a run confirms


def _warnings(postings: Sequence[Posting]) -> int:
    """Pay values the normalizer rejected (Posting.warnings) in one board's postings."""
    unique = {p.posting_id: p for p in postings}  # as postings_frames: a posting listed twice counts once
    return sum(len(getattr(p, "warnings", None) or ()) for p in unique.values())


def _safe(text: str | None) -> str | None:
    """Text a server may control (an error, a note), as stored and printed: no controls, one line."""
    return None if text is None else terminal_safe(text, limit=1000)


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
    status: str  # ok | empty | failed | skipped | attention (stored, but a person should look)
    counts: WriteCounts = field(default_factory=WriteCounts)
    error: str | None = None
    error_kind: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # What the source said about its listing as a whole (sources.base.BoardReport, copied by the
    # crawl): a partial listing or skipped postings hold every removal of the board.
    complete: bool = True
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    uncertain_end: bool = False  # a listing that may have been cut: fresh removals wait one run

    @property
    def holds_removals(self) -> bool:
        """The listing cannot tell removals apart: paging ended early, or postings were skipped."""
        return not self.complete or self.skipped > 0

    @property
    def needs_attention(self) -> bool:
        return self.holds_removals or self.counts.held_removals > 0


@dataclass(slots=True, frozen=True)
class RemovalPolicy:
    """When a board's listing is too small to be believed ([crawl] max_removed_share, min_board_for_share).

    A listing that would remove more than `max_removed_share` of a board's active postings (boards of
    `min_board` or more) holds those removals: the postings stay active with `missing_since` set, and
    are removed only if the next listing of the board still lacks them. One glitching answer (a board
    of 100 answering with 1) then never rewrites history.
    """

    max_removed_share: float = 0.5
    min_board: int = 10

    def too_many(self, fresh: int, had: int) -> bool:
        return had >= self.min_board and fresh > self.max_removed_share * had


_POSTING_COLS = (
    "company, source, board, external_id, title, url, location, department, employment_type, remote, "
    "posted_at, updated_at, description, requisition_id, content_hash, raw_hash, band_hash"
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
    sync_zone_places(con, keys)  # the places of zone labels not seen before
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

    # The fault-injection hook (tests): shared by every Store and CrawlLock unless an instance sets its own.
    faults: ClassVar[FaultPlan] = FaultPlan()

    def __init__(
        self, path: str | Path, *, verify: bool = False, removal: RemovalPolicy | None = None
    ) -> None:
        """Open (creating or upgrading) the database. `verify`: read every stored block first, so a
        damaged file is refused before anything is written to it (the crawl does; it costs a scan)."""
        self.path = Path(path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self.removal = removal or RemovalPolicy()
        with self.connection() as con:
            try:
                if verify:
                    self._verify(con)
                ensure_schema(con)
            except SchemaError as exc:
                raise StoreError(str(exc)) from None
            except (duckdb.Error, OSError) as exc:
                raise self._error(exc, "open") from None

    def _error(self, exc: BaseException, doing: str = "write to") -> BaseException:
        """`exc` as the StorageError a user can act on when it is a storage fault, else `exc` itself."""
        return storage_error(self.path, exc, doing) or exc

    def _verify(self, con: duckdb.DuckDBPyConnection) -> None:
        """Read every row of every table (DuckDB checks each block's checksum as it reads it)."""
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        for table in tables:
            try:
                con.execute(f'SELECT count(*), max(hash(t)) FROM "{table}" t').fetchall()
            except duckdb.Error as exc:
                err = storage_error(self.path, exc, "use")
                if err is None:  # a read error DuckDB words otherwise: still no file to write to
                    err = StorageError(
                        f"cannot use database {str(self.path)!r}: table {table} cannot be read "
                        f"({(str(exc).splitlines() or [''])[0]}); restore it from a backup or move it aside"
                    )
                    err.cause = "corrupted"  # type: ignore[attr-defined]
                raise err from None

    @contextmanager
    def connection(self, keep_open: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        opened = self._con is None
        if opened:
            self.faults.check("open")
            self._con = connect(self.path, wait_s=30.0)
        con = self._con
        assert con is not None
        try:
            yield con
        finally:
            if opened and not keep_open:
                self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed when the block ends, rolled back when it raises.

        A failed rollback never hides the error; a storage fault (disk full, read-only, damaged file)
        comes out as one StorageError naming the file and the cause, and the connection is closed, so
        the next write starts on a fresh one (DuckDB may have invalidated this one).
        """
        with self.connection() as con:
            try:
                _x(con, "BEGIN")
                yield con
                self.faults.check("commit")
                _x(con, "COMMIT")
            except BaseException as exc:
                _rollback(con)
                err = storage_error(self.path, exc)
                if err is None:
                    raise
                self.close()
                raise err from None

    def open(self) -> None:
        """Open the connection now and keep it until close() (the crawl's writer thread batches this way)."""
        if self._con is None:
            self.faults.check("open")
            self._con = connect(self.path, wait_s=30.0)

    def close(self) -> None:
        if self._con is not None:
            with suppress(duckdb.Error):  # closing after a fatal error must not raise a second one
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
        with self.transaction() as con:
            self.faults.check("begin_run")
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
        return int(run_id)

    def finish_run(self, run_id: int, outcomes: Sequence[CompanyOutcome], requests: int, status: str) -> None:
        failed = [o for o in outcomes if o.status == "failed"]
        total = WriteCounts()
        for o in outcomes:
            for f in WriteCounts.__slots__:
                setattr(total, f, getattr(total, f) + getattr(o.counts, f))
        errors = [{"company": o.company, "kind": o.error_kind, "error": _safe(o.error)} for o in failed]
        attention = [
            {"company": o.company, "held_removals": o.counts.held_removals, "skipped": o.skipped,
             "complete": o.complete, "notes": [_safe(n) for n in o.notes]}
            for o in outcomes if o.needs_attention
        ]  # fmt: skip
        summary = {
            "companies": len(outcomes),
            "companies_failed": len(failed),
            **{f: getattr(total, f) for f in WriteCounts.__slots__},
            "requests": requests,
            "failures": errors,
            "attention": attention,
        }
        with self.transaction() as con:
            self.faults.check("finish_run")
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

    def fail_run(self, run_id: int, reason: str) -> bool:
        """Close the run as 'failed' after a storage error ended it; False when even that cannot be
        written (the next run then marks it 'incomplete')."""
        try:
            with self.transaction() as con:
                _x(
                    con,
                    "UPDATE crawl_runs SET status = 'failed', finished_at = ?, errors = ? WHERE run_id = ?",
                    [
                        now_utc(),
                        json.dumps([{"company": None, "kind": "storage", "error": _safe(reason)}]),
                        run_id,
                    ],
                )
        except (duckdb.Error, OSError, StorageError):
            return False
        return True

    def record_company(self, con: duckdb.DuckDBPyConnection, run_id: int, o: CompanyOutcome) -> None:
        self._record_companies(con, run_id, [o])

    def _record_companies(
        self, con: duckdb.DuckDBPyConnection, run_id: int, outcomes: Sequence[CompanyOutcome]
    ) -> None:
        for o in outcomes:
            self.faults.check("record_company", o.board)
        frame = pl.DataFrame(
            {
                "run_id": [run_id] * len(outcomes),
                "company": [o.company for o in outcomes],
                "source": [o.source for o in outcomes],
                "board": [o.board for o in outcomes],
                "status": [o.status for o in outcomes],
                **{f: [getattr(o.counts, f) for o in outcomes] for f in _COMPANY_COUNTS},
                # Server text (an API's error message) reaches terminals from here: cleaned on the way in.
                "error": [_safe(o.error) for o in outcomes],
                "error_kind": [o.error_kind for o in outcomes],
                "started_at": [o.started_at for o in outcomes],
                "finished_at": [o.finished_at or now_utc() for o in outcomes],
                "warnings": [o.counts.warnings for o in outcomes],
                "held_removals": [o.counts.held_removals for o in outcomes],
                "skipped": [o.skipped for o in outcomes],
                "notes": [json.dumps([_safe(n) for n in o.notes]) if o.notes else None for o in outcomes],
            },
            schema_overrides={"error": pl.String, "error_kind": pl.String,
                              "started_at": pl.Datetime("us", "UTC"), "finished_at": pl.Datetime("us", "UTC"),
                              "warnings": pl.Int32, "held_removals": pl.Int32, "skipped": pl.Int32,
                              "notes": pl.String},
        )  # fmt: skip
        with registered(con, run_companies=frame):
            _x(con, "INSERT INTO crawl_run_companies BY NAME SELECT * FROM run_companies")

    def record_failure(self, run_id: int, outcome: CompanyOutcome) -> None:
        with self.transaction() as con:
            self.record_company(con, run_id, outcome)

    # -- postings ---------------------------------------------------------------
    def write_company(
        self, run_id: int, outcome: CompanyOutcome, postings: Sequence[Posting], *, mark_removed: bool = True
    ) -> WriteCounts:
        """Store one company's crawl in one transaction; returns what changed."""
        return self.write_companies(run_id, [(outcome, postings)], mark_removed=mark_removed)[0]

    def write_companies(
        self,
        run_id: int,
        batch: Sequence[tuple[CompanyOutcome, Sequence[Posting]]],
        *,
        mark_removed: bool = True,
    ) -> list[WriteCounts]:
        """Store several companies' crawls in ONE transaction (the bulk path); counts per company.

        Each statement joins the postings table once per batch instead of once per company, which is
        what makes a million postings load in seconds. All or nothing: on an error the batch rolls back
        and the caller retries its companies one by one (the crawl's writer does) so a bad company
        fails alone. `write_company` is a batch of one.
        """
        if not batch:
            return []
        frames = [postings_frames(ps) for _, ps in batch]
        pdf = pl.concat([f[0] for f in frames], rechunk=False)
        bdf = pl.concat([f[1] for f in frames], rechunk=False)
        keys = [(o.source, o.board) for o, _ in batch]
        if len({(s, b.lower()) for s, b in keys}) != len(keys):
            raise StoreError("write_companies: a board appears twice in one batch")
        now = now_utc()
        with self.transaction() as con:
            for o, _ in batch:
                self.faults.check("write", o.board)
            per_board = self._merge(con, run_id, now, pdf, bdf)
            settled: dict[tuple[str, str], tuple[int, int]] = {}
            if mark_removed:
                # An empty listing removes nothing (a board never empties by glitch-free accident).
                listed = [(o, len(f[0])) for (o, _), f in zip(batch, frames, strict=True) if len(f[0])]
                for o, _ in listed:
                    self.faults.check("mark_removed", o.board)
                settled = _settle_removals(con, run_id, now, [o for o, _ in listed], self.removal)
            out = []
            for (o, ps), key in zip(batch, keys, strict=True):
                o.counts = per_board.get(key, WriteCounts())
                o.counts.removed_postings, o.counts.held_removals = settled.get(key, (0, 0))
                o.counts.warnings = _warnings(ps)
                if o.needs_attention and o.status in ("ok", "empty"):
                    o.status = "attention"
                o.finished_at = now_utc()
                out.append(o.counts)
            self._record_companies(con, run_id, [o for o, _ in batch])
        return out

    def _merge(
        self, con: duckdb.DuckDBPyConnection, run_id: int, now: datetime, pdf: pl.DataFrame, bdf: pl.DataFrame
    ) -> dict[tuple[str, str], WriteCounts]:
        # The stage holds keys and flags only; long text is read once, from the registered frame,
        # by the statements that write it (joined back on the frame's row number).
        if "list_only" not in pdf.columns:  # frames built without postings_frames (bench/bench_store.py)
            pdf = pdf.with_columns(list_only=pl.lit(False))
        with registered(con, incoming=pdf.with_row_index("row_no"), incoming_bands=bdf):
            return self._merge_registered(con, run_id, now)

    def _merge_registered(
        self, con: duckdb.DuckDBPyConnection, run_id: int, now: datetime
    ) -> dict[tuple[str, str], WriteCounts]:
        _x(
            con,
            """CREATE OR REPLACE TEMP TABLE stage AS
            WITH j AS (
                -- A posting known already and listed without its detail (list_only) keeps its stored
                -- version: a refused detail page must not blank its description and bands.
                SELECT i.row_no, i.posting_id, i.source, i.board, e.posting_key AS old_key,
                       e.posting_key IS NULL AS is_new,
                       NOT (i.list_only AND e.posting_key IS NOT NULL)
                           AND e.content_hash IS DISTINCT FROM i.content_hash AS content_changed,
                       NOT (i.list_only AND e.posting_key IS NOT NULL)
                           AND e.raw_hash IS DISTINCT FROM i.raw_hash AS raw_changed,
                       NOT (i.list_only AND e.posting_key IS NOT NULL)
                           AND e.band_hash IS DISTINCT FROM i.band_hash AS bands_changed,
                       -- v9: filled on postings stored before, at their next crawl
                       NOT (i.list_only AND e.posting_key IS NOT NULL)
                           AND e.requisition_id IS DISTINCT FROM i.requisition_id AS req_changed,
                       NOT coalesce(e.is_active, true) AS reactivated
                FROM incoming i LEFT JOIN postings e USING (posting_id)
            )
            SELECT * EXCLUDE (old_key),
                   CASE WHEN is_new THEN nextval('posting_key_seq') ELSE old_key END AS posting_key
            FROM j""",
        )
        counts = {
            (src, board): WriteCounts(postings=n, new_postings=new, updated_postings=upd, changed_bands=chg)
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
        # Every seen posting: only these columns move for an unchanged one. A posting held as missing
        # (see _settle_removals) that is listed again was never gone: its hold ends here.
        _x(
            con,
            """UPDATE postings SET last_seen = $now, last_run_id = $run, is_active = TRUE,
                   removed_at = NULL, removed_run_id = NULL, missing_since = NULL, missing_run_id = NULL
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
        sets = ", ".join(f"{c} = s.{c}" for c in _POSTING_COLS.split(", ") if c not in ("source", "board"))
        _x(
            con,
            f"""UPDATE postings SET {sets}, taxonomy_version = NULL,
                   content_since = CASE WHEN s.content_changed THEN $now ELSE postings.content_since END,
                   content_run_id = CASE WHEN s.content_changed THEN $run ELSE postings.content_run_id END
                FROM (SELECT i.* EXCLUDE (source, board), s.posting_key, s.content_changed
                      FROM incoming i JOIN stage s USING (row_no)
                      WHERE NOT s.is_new
                        AND (s.raw_changed OR s.bands_changed OR s.content_changed OR s.req_changed)) s
                WHERE postings.posting_key = s.posting_key""",
            {"now": now, "run": run_id},
        )
        _x(
            con,
            """INSERT INTO posting_raw SELECT i.posting_id, $now, $run, i.payload
               FROM incoming i JOIN stage s USING (row_no) WHERE s.raw_changed""",
            {"now": now, "run": run_id},
        )
        self._replace_bands(con, run_id, now, "SELECT posting_id, posting_key FROM stage WHERE bands_changed")
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
        return counts

    def reparse_bands(self, run_id: int, postings: Sequence[Posting]) -> int:
        """Replace the bands of `postings` where re-parsing changed them; returns postings changed.

        Nothing else moves (no last_seen, no removals): a reparse is not a crawl.
        """
        pdf, bdf = postings_frames(postings)
        now = now_utc()
        with (
            self.transaction() as con,
            registered(con, incoming=pdf.select("posting_id", "band_hash"), incoming_bands=bdf),
        ):
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
            self._refresh_evidence(con, "SELECT posting_id, posting_key FROM stage WHERE NOT bands_changed")
            _x(
                con,
                """UPDATE postings SET band_hash = s.band_hash FROM stage s
                   WHERE postings.posting_key = s.posting_key AND s.bands_changed""",
            )
            sync_band_facts(con, "SELECT posting_key FROM stage WHERE bands_changed")
        return int(changed)

    def retire_replaced_boards(
        self, run_id: int, companies: Sequence[tuple[str, str, Sequence[str]]]
    ) -> list[tuple[str, str, str, int]]:
        """Mark removed the open postings of boards the config no longer names for a company.

        `companies`: (source, company, the boards the config names for it on that source), for companies
        whose listing this run stored. A board a company had before but the config has since replaced
        (a JSON-LD site whose `url` changed, a board token corrected) is never listed again, so its
        postings would stay open forever beside the new board's. Returns (company, source, old board,
        postings removed) per board retired.
        """
        if not companies:
            return []
        frame = pl.DataFrame(
            {
                "source": [s for s, _, _ in companies],
                "company": [c for _, c, _ in companies],
                "boards": [[b.lower() for b in boards] for _, _, boards in companies],
            },
            schema={"source": pl.String, "company": pl.String, "boards": pl.List(pl.String)},
        )
        with self.transaction() as con, registered(con, configured=frame):
            rows = con.execute(
                """UPDATE postings SET is_active = FALSE, removed_at = $now, removed_run_id = $run
                   FROM configured c
                   WHERE postings.source = c.source AND postings.company = c.company AND postings.is_active
                     AND NOT list_contains(c.boards, lower(postings.board))
                   RETURNING postings.company, postings.source, postings.board, postings.posting_key""",
                {"now": now_utc(), "run": run_id},
            ).fetchall()
            _facts_inactive(con, [r[3] for r in rows])
        counts: dict[tuple[str, str, str], int] = {}
        for company, source, board, _ in rows:
            counts[(company, source, board)] = counts.get((company, source, board), 0) + 1
        return [(c, s, b, n) for (c, s, b), n in sorted(counts.items())]

    def mark_run_incomplete(self, run_id: int, reason: str) -> None:
        with self.transaction() as con:
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


def _settle_removals(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    now: datetime,
    listed: Sequence[CompanyOutcome],
    policy: RemovalPolicy,
) -> dict[tuple[str, str], tuple[int, int]]:
    """Decide, per board of `listed` (boards whose listing was stored this run), what happens to its
    active postings this run did not see; returns (removed, held) per (source, board).

    - "fresh" ones (not missing before) are removed, unless the listing holds removals (partial, or
      postings skipped) or would remove too many of the board (`policy`): then they stay active with
      `missing_since`, and the board needs attention.
    - "confirmed" ones (missing_since set by an earlier run, and still missing: a listed posting's hold
      ends in the merge) are removed by this second listing that lacks them, unless it holds removals:
      paging that ended early or postings without an id never count as removals.

    Boards compare case-insensitively, as posting_id does: `board = "Acme"` becoming "acme" in the
    config is the same board.
    """
    if not listed:
        return {}
    boards = pl.DataFrame(
        {
            "source": [o.source for o in listed],
            "lboard": [o.board.lower() for o in listed],
            "hold": [o.holds_removals for o in listed],
        },
        schema={"source": pl.String, "lboard": pl.String, "hold": pl.Boolean},
    )
    with registered(con, listed_boards=boards):
        stats = con.execute(
            """SELECT l.source, l.lboard,
                      count(*) FILTER (p.last_run_id IS DISTINCT FROM $run AND p.missing_since IS NULL),
                      count(*) FILTER (p.last_run_id IS DISTINCT FROM $run AND p.missing_since IS NOT NULL),
                      count(*) FILTER (p.first_run_id IS DISTINCT FROM $run)
               FROM listed_boards l JOIN postings p ON p.source = l.source AND lower(p.board) = l.lboard
               WHERE p.is_active GROUP BY ALL""",
            {"run": run_id},
        ).fetchall()
    by_key = {(o.source, o.board.lower()): o for o in listed}
    decisions: list[tuple[str, str, bool, bool]] = []
    held: dict[tuple[str, str], int] = {}
    for src, lboard, fresh, confirmed, had in stats:
        o = by_key[(src, lboard)]
        if o.holds_removals:
            remove_fresh = remove_confirmed = False
        else:
            # A listing that may have been cut holds what it would newly remove; the next one confirms.
            remove_fresh = not policy.too_many(fresh, had) and not o.uncertain_end
            remove_confirmed = True
        held[(src, lboard)] = (0 if remove_fresh else fresh) + (0 if remove_confirmed else confirmed)
        if fresh or confirmed:
            decisions.append((src, lboard, remove_fresh, remove_confirmed))
    removed: dict[tuple[str, str], int] = {}
    if decisions:
        frame = pl.DataFrame(
            decisions,
            schema={"source": pl.String, "lboard": pl.String, "remove_fresh": pl.Boolean,
                    "remove_confirmed": pl.Boolean},
            orient="row",
        )  # fmt: skip
        unseen = (
            "postings.source = d.source AND lower(postings.board) = d.lboard AND postings.is_active "
            "AND postings.last_run_id IS DISTINCT FROM $run"
        )
        with registered(con, decisions=frame):
            rows = con.execute(
                f"""UPDATE postings SET is_active = FALSE, removed_at = $now, removed_run_id = $run
                    FROM decisions d
                    WHERE {unseen}
                      AND CASE WHEN postings.missing_since IS NULL THEN d.remove_fresh ELSE d.remove_confirmed END
                    RETURNING postings.source, lower(postings.board), postings.posting_key""",
                {"now": now, "run": run_id},
            ).fetchall()
            _x(
                con,
                f"""UPDATE postings SET missing_since = $now, missing_run_id = $run FROM decisions d
                    WHERE {unseen} AND postings.missing_since IS NULL AND NOT d.remove_fresh""",
                {"now": now, "run": run_id},
            )
        _facts_inactive(con, [r[2] for r in rows])
        for src, lboard, _ in rows:
            removed[(src, lboard)] = removed.get((src, lboard), 0) + 1
    return {(o.source, o.board): (removed.get(k, 0), held.get(k, 0)) for k, o in by_key.items()}


def _facts_inactive(con: duckdb.DuckDBPyConnection, keys: list[int]) -> None:
    """band_facts follows the postings just marked removed."""
    if not keys:
        return
    with registered(con, removed_keys=pl.DataFrame({"posting_key": keys}, schema={"posting_key": pl.Int64})):
        sync_band_facts(con, "SELECT posting_key FROM removed_keys")


class CrawlLock:
    """One crawl per database: an flock on '<db>.lock', released by the OS if we die."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> CrawlLock:
        try:
            Store.faults.check("lock")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except IsADirectoryError:
            raise StorageError(
                f"cannot lock database {str(self.path.with_suffix(''))!r}: its lock file {str(self.path)!r} is a "
                "directory; remove it (no crawl uses it) and run again"
            ) from None
        except OSError as exc:
            raise storage_error(self.path.with_suffix(""), exc, "lock") or StorageError(
                f"cannot lock database {str(self.path.with_suffix(''))!r}: cannot create {str(self.path)!r} "
                f"({exc.strerror or exc})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise StoreLocked(
                f"another paybands crawl (pid {holder}) is already writing to {self.path.with_suffix('')}; "
                "wait for it to finish"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass  # the pid is only for the "already writing" message; the lock itself is held
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
