"""One crawl run: every company of a config, concurrently, each stored as it finishes."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from .config import CompanyConfig, Config
from .enrich import refresh_database
from .errors import StorageError
from .fetch import Fetcher, FetchError
from .merge import record_shard
from .models import Posting
from .politeness import Politeness
from .robots import RobotsCache
from .shard import Shard
from .shard import select as select_shard
from .sources import CrawlContext, SourceError, get_source
from .store import CompanyOutcome, CrawlLock, RemovalPolicy, Store, WriteCounts, now_utc, storage_cause

# attention: every company stored, but a board's listing was partial or its removals are held.
RunStatus = Literal["ok", "attention", "partial", "failed"]

# The exit codes for cron live with the CLI (paybands/exit_codes.py): a run says its status.


@dataclass(slots=True)
class RunResult:
    run_id: int
    status: RunStatus
    outcomes: list[CompanyOutcome] = field(default_factory=list)
    requests: int = 0
    # Pay values the sources rejected, "{company}: {sentence}" (Posting.warnings of stored postings).
    warnings: list[str] = field(default_factory=list)
    # Boards the config replaced for a company: (company, source, old board, postings marked removed).
    retired: list[tuple[str, str, str, int]] = field(default_factory=list)
    reclassified: int = 0  # postings whose role taxonomy (ML/AI, family, seniority, place) changed
    taxonomy_error: str | None = None  # the taxonomy could not be refreshed (the crawl itself is stored)

    @property
    def attention(self) -> list[CompanyOutcome]:
        """Boards stored whose listing was partial, skipped postings, or had its removals held."""
        return [o for o in self.outcomes if o.status != "failed" and o.needs_attention]


Progress = Callable[[str, CompanyConfig, CompanyOutcome | None], None]  # event: start | done


class StoreWriter:
    """The store's one thread. Keeps the database open while writes are queued, closes it when idle.

    Opening and closing a DuckDB file costs ~0.1-0.4 s (open, WAL replay, checkpoint on close): once
    per company that was most of a crawl's time. The connection is now shared by writes that queue
    up behind each other, closed as soon as the queue is empty, and after `max_hold_s` of
    back-to-back writes closed for `reader_gap_s` (readers such as `paybands query` retry every
    0.1 s for 3 s), so readers still get in during a long crawl.

    Each company is its own transaction, except under a backlog: when `batch_after` or more
    company writes are queued, they go to `Store.write_companies` together (one transaction, one
    join of the postings table for all of them, up to `batch_postings` postings). If such a batch
    fails it is rolled back and its companies are written one by one, so a bad company still fails
    alone and the others are stored.

    Memory: postings stream through to the store. A batch's frames and staging cost several times
    its postings' text (a 25,000-posting batch of ~15 KB postings peaked ~1.4 GB above the rest),
    so batches stop at `batch_postings`; and `write` waits while `max_queued` postings or more are
    queued, so a slow write (a checkpoint) holds fetching back instead of every company fetched
    meanwhile piling up in memory (and then going to the store as one huge batch).
    """

    def __init__(
        self,
        store: Store,
        max_hold_s: float = 2.0,
        reader_gap_s: float = 0.15,
        batch_after: int = 4,
        batch_postings: int = 2_000,
        max_queued: int = 4_000,
        memory_limit: str = "256MB",
    ) -> None:
        self.store = store
        self.max_hold_s = max_hold_s
        self.reader_gap_s = reader_gap_s
        self.batch_after = batch_after
        self.batch_postings = batch_postings
        self.max_queued = max_queued
        self.memory_limit = memory_limit
        self._queued: collections.deque[tuple[Future[Any], int]] = collections.deque()  # write jobs, postings
        self._queued_postings = 0
        self.batches = 0  # batched writes done (for the bench and tests)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._opened_at: float | None = None
        self._thread = threading.Thread(target=self._loop, name="paybands-store", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        job = _Job(fn, args)
        self._queue.put(job)
        return job.future

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.wrap_future(self.submit(fn, *args))

    async def write(self, run_id: int, outcome: CompanyOutcome, postings: list[Posting]) -> Any:
        await self._room()
        job = _Job(self.store.write_company, (run_id, outcome, postings), write=True)
        self._queued.append((job.future, len(postings)))
        self._queued_postings += len(postings)
        self._queue.put(job)
        return await asyncio.wrap_future(job.future)

    async def _room(self) -> None:
        """Wait (oldest write first) until fewer than `max_queued` postings wait for the store."""
        while True:
            while self._queued and self._queued[0][0].done():
                self._queued_postings -= self._queued.popleft()[1]
            if self._queued_postings < self.max_queued or not self._queued:
                return
            oldest = asyncio.wrap_future(self._queued[0][0])
            # Its outcome is the queuing company's to report; here it only means room was made.
            oldest.add_done_callback(lambda f: f.cancelled() or f.exception())
            await asyncio.wait([oldest])

    def shutdown(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self.store.close()

    # -- the thread ---------------------------------------------------------------------------
    def _loop(self) -> None:
        carry: list[_Job | None] = []
        while True:
            job = carry.pop(0) if carry else self._queue.get()
            if job is None:
                return
            jobs = [job]
            if job.write and self._queue.qsize() + 1 >= self.batch_after:
                size = len(job.args[2])
                while size < self.batch_postings:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None or not nxt.write:
                        carry.append(nxt)
                        break
                    jobs.append(nxt)
                    size += len(nxt.args[2])
            try:
                if self._opened_at is None:
                    self.store.open()
                    self._opened_at = time.monotonic()
                    self._limit_memory()
                if len(jobs) > 1:
                    self._write_batch(jobs)
                else:
                    job.run()
            except BaseException as exc:  # opening failed: every job of this round fails the same way
                for j in jobs:
                    if not j.future.done():
                        j.future.set_exception(exc)
            idle = self._queue.empty() and not carry
            held_too_long = time.monotonic() - (self._opened_at or 0.0) >= self.max_hold_s
            if idle or held_too_long:
                self.store.close()
                self._opened_at = None
                if held_too_long and not idle:
                    time.sleep(self.reader_gap_s)

    def _limit_memory(self) -> None:
        """Cap DuckDB's memory on the writer's connection (it lives until the next close).

        The checkpoints of a long crawl vacuum: they merge the small row groups each commit leaves
        into row groups of up to 122,880 rows, built in memory. Uncapped, a merge of `posting_raw`
        (the verbatim payloads) took 1-2 GB at 100,000-200,000 postings; capped, DuckDB spills the
        merge to `<db>.tmp` and the crawl's peak RSS stays flat.
        """
        with self.store.connection() as con:  # already open: this neither opens nor closes it
            con.execute(f"SET memory_limit = '{self.memory_limit}'").fetchall()

    def _write_batch(self, jobs: list[_Job]) -> None:
        run_id = jobs[0].args[0]
        try:
            counts = self.store.write_companies(run_id, [(j.args[1], j.args[2]) for j in jobs])
        except Exception:
            for j in jobs:  # rolled back: each company alone, so only a bad one fails
                j.run()
            return
        self.batches += 1
        for j, c in zip(jobs, counts, strict=True):
            j.future.set_result(c)


class _Job:
    __slots__ = ("fn", "args", "write", "future")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], write: bool = False) -> None:
        self.fn, self.args, self.write = fn, args, write
        self.future: Future[Any] = Future()

    def run(self) -> None:
        try:
            self.future.set_result(self.fn(*self.args))
        except BaseException as exc:
            self.future.set_exception(exc)


def _host(company: CompanyConfig) -> str:
    url = company.base_url or getattr(get_source(company.source), "default_base_url", "")
    url = company.options.get("url", url) if company.options else url
    return urlsplit(url or "").netloc.lower()


def interleave_by_host(companies: tuple[CompanyConfig, ...]) -> list[int]:
    """Indexes of `companies` in round-robin order over their hosts (config order kept within a host).

    `company_concurrency` slots are taken in this order: with the config's order, 16 companies on one
    host would take every slot and wait on that host's politeness while other hosts sit idle.
    """
    by_host: dict[str, list[int]] = {}
    for i in range(len(companies)):
        by_host.setdefault(_host(companies[i]), []).append(i)
    queues = list(by_host.values())
    out: list[int] = []
    for i in range(max((len(q) for q in queues), default=0)):
        out.extend(q[i] for q in queues if i < len(q))
    return out


def _describe(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, FetchError):
        if exc.kind == "not_found":
            return "not_found", f"board not found (gone or misspelled): {exc}"
        return exc.kind, str(exc)
    if isinstance(exc, SourceError):
        return "source", str(exc)
    if isinstance(exc, asyncio.TimeoutError):
        return "timeout", "timed out"
    # First line only, bounded: some errors carry a whole browser log.
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return "internal", f"unexpected {type(exc).__name__}: {first}".rstrip(": ")


async def _crawl_company(
    company: CompanyConfig,
    ctx: CrawlContext,
    store: Store,
    run_id: int,
    writer: StoreWriter,
    warnings: list[str] | None = None,
) -> CompanyOutcome:
    outcome = CompanyOutcome(company.name, company.source, company.board, status="ok", started_at=now_utc())
    source_cls = get_source(company.source)
    assert source_cls is not None  # validated with the config
    try:
        source = source_cls(company)
        postings = await source.crawl(ctx)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # one company's failure never stops the others
        outcome.status = "failed"
        outcome.error_kind, outcome.error = _describe(exc)
        outcome.finished_at = now_utc()
        await writer.run(store.record_failure, run_id, outcome)
        return outcome
    if not postings:
        outcome.status = "empty"
    _take_report(outcome, source)
    if warnings is not None:
        warnings.extend(f"{company.name}: {w}" for p in postings for w in p.warnings)
    # The store runs on its own thread so fetching continues while a company is written.
    try:
        await writer.write(run_id, outcome, postings)
    except StorageError as exc:
        if storage_cause(exc) is not None:
            raise  # the file itself (full, read-only, damaged): every other company would fail the same way
        await _store_failed(outcome, exc, store, run_id, writer)
    except Exception as exc:  # rolled back: this company fails alone, the others are still written
        await _store_failed(outcome, exc, store, run_id, writer)
    return outcome


async def _store_failed(
    outcome: CompanyOutcome, exc: Exception, store: Store, run_id: int, writer: StoreWriter
) -> None:
    outcome.status, outcome.counts, outcome.finished_at = "failed", WriteCounts(), now_utc()
    outcome.error_kind = "store"
    outcome.error = f"could not be stored: {_describe(exc)[1].removeprefix('unexpected ')}"
    await writer.run(store.record_failure, run_id, outcome)


def _take_report(outcome: CompanyOutcome, source: Any) -> None:
    """Copy what the source said about its listing (sources.base.BoardReport) onto the outcome: the
    store holds the board's removals when the listing is partial or postings were skipped."""
    report = getattr(source, "report", None)
    if report is None:
        return
    outcome.complete = bool(report.complete)
    outcome.skipped = int(report.skipped)
    outcome.notes = [str(n) for n in report.notes]
    outcome.uncertain_end = bool(report.uncertain_end)


def _cancel_on_sigterm() -> None:
    """cron/systemd stop with SIGTERM: cancel the crawl like Ctrl-C (the write in progress finishes).

    Through the loop, not a Python signal handler that raises: an exception raised inside whatever
    task happens to run would be lost as "Task exception was never retrieved".
    """
    task = asyncio.current_task()
    if task is None or threading.current_thread() is not threading.main_thread():
        return
    with contextlib.suppress(NotImplementedError, RuntimeError):  # platforms without loop signals
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


async def run_crawl_async(
    config: Config,
    store: Store,
    progress: Progress | None = None,
    started: list[int] | None = None,
    politeness: Politeness | None = None,
) -> RunResult:
    """The crawl itself. `politeness`: the per-host gates to use instead of ones built from
    config.crawl (tests pass one on a virtual clock); it should carry the same concurrency and delay."""
    _cancel_on_sigterm()
    run_id = await asyncio.to_thread(store.begin_run, "crawl", str(config.path) if config.path else None)
    if started is not None:
        started.append(run_id)
    result = RunResult(run_id=run_id, status="ok")
    store.removal = RemovalPolicy(config.crawl.max_removed_share, config.crawl.max_removed_share_min_board)
    gate = asyncio.Semaphore(config.crawl.company_concurrency)
    writer = StoreWriter(store)
    try:
        async with Fetcher(config.crawl, politeness, robots=RobotsCache) as fetcher:
            ctx = CrawlContext(fetcher=fetcher, settings=config.crawl)
            try:

                async def one(company: CompanyConfig) -> CompanyOutcome:
                    async with gate:
                        if progress:
                            progress("start", company, None)
                        outcome = await _crawl_company(company, ctx, store, run_id, writer, result.warnings)
                        if progress:
                            progress("done", company, outcome)
                        return outcome

                # Started host by host in turn; outcomes stay in config order.
                order = interleave_by_host(config.companies)
                tasks = {i: asyncio.ensure_future(one(config.companies[i])) for i in order}
                try:
                    result.outcomes = list(await asyncio.gather(*(tasks[i] for i in range(len(tasks)))))
                except BaseException:
                    # A storage error (the file is full, read-only or damaged) ends the run: the other
                    # companies stop instead of each failing on the same file.
                    for task in tasks.values():
                        task.cancel()
                    await asyncio.gather(*tasks.values(), return_exceptions=True)
                    raise
            finally:
                await ctx.close()
            result.requests = fetcher.requests_made
        # A company whose listing was stored: the boards the config names for it are its boards now.
        named: dict[tuple[str, str], list[str]] = {}
        for c in config.companies:
            named.setdefault((c.source, c.name), []).append(c.board)
        stored = {(o.source, o.company) for o in result.outcomes if o.status != "failed"}
        replaced = [(s, n, boards) for (s, n), boards in named.items() if (s, n) in stored]
        result.retired = await writer.run(store.retire_replaced_boards, run_id, replaced)
        failed = sum(o.status == "failed" for o in result.outcomes)
        result.status = "ok" if failed == 0 else ("failed" if failed == len(result.outcomes) else "partial")
        if result.status == "ok" and result.attention:
            result.status = "attention"
        await writer.run(store.finish_run, run_id, result.outcomes, result.requests, result.status)
    finally:
        writer.shutdown()
    return result


def run_crawl(
    config: Config, db_path: str, progress: Progress | None = None, shard: Shard | None = None
) -> RunResult:
    """Crawl every company of `config` into the database at `db_path` (holding the crawl lock).
    With `shard`, only the companies whose hosts fall to that shard (scraper/shard.py); the file
    notes the shard and its hosts, for `paybands merge`."""
    hosts: list[str] = []
    if shard is not None:
        config, hosts = select_shard(config, shard)
    with CrawlLock(db_path):
        # verify: a damaged file is refused here, before a run row is written into it.
        store = Store(db_path, verify=True)
        if shard is not None:
            try:
                with store.transaction() as con:
                    record_shard(con, shard, hosts)
            except BaseException:  # the file holds another shard: nothing was written, the file is let go
                store.close()
                raise
        started: list[int] = []
        try:
            result = asyncio.run(run_crawl_async(config, store, progress, started))
        except StorageError as exc:
            # The run row says the run failed (when the file still takes that much), then the one
            # sentence naming the file and the cause goes to the caller. Damage found mid-run: not
            # one more write (the next run, after a restore, marks the row 'incomplete').
            if started and storage_cause(exc) != "corrupted":
                store.fail_run(started[0], str(exc))
            store.close()
            raise
        except (KeyboardInterrupt, asyncio.CancelledError):
            # Companies already written stay committed; the run says it did not finish.
            if started:
                store.mark_run_incomplete(started[0], "interrupted (SIGINT/SIGTERM)")
            store.close()
            raise KeyboardInterrupt from None
        store.close()
        # The derived columns (role taxonomy, remote, place) of what was just stored: every caller of
        # run_crawl gets a classified database, not only the CLI. A failure here loses no posting.
        try:
            result.reclassified = refresh_database(db_path)
        except StorageError as exc:
            result.taxonomy_error = str(exc)
        return result
