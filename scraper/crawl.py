"""One crawl run: every company of a config, concurrently, each stored as it finishes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from .config import CompanyConfig, Config
from .fetch import Fetcher, FetchError
from .sources import CrawlContext, SourceError, get_source
from .store import CompanyOutcome, CrawlLock, Store, now_utc

RunStatus = Literal["ok", "partial", "failed"]

# Exit codes for cron (documented in README): 0 all ok, 3 some failed, 4 nothing crawled.
EXIT_OK, EXIT_PARTIAL, EXIT_FAILED, EXIT_LOCKED, EXIT_CONFIG, EXIT_INTERRUPTED = 0, 3, 4, 5, 2, 130


@dataclass(slots=True)
class RunResult:
    run_id: int
    status: RunStatus
    outcomes: list[CompanyOutcome] = field(default_factory=list)
    requests: int = 0

    @property
    def exit_code(self) -> int:
        return {"ok": EXIT_OK, "partial": EXIT_PARTIAL, "failed": EXIT_FAILED}[self.status]


Progress = Callable[[str, CompanyConfig, CompanyOutcome | None], None]  # event: start | done


class StoreWriter:
    """The store's one thread. Keeps the database open while writes are queued, closes it when idle.

    Opening and closing a DuckDB file costs ~0.1-0.4 s (open, WAL replay, checkpoint on close): once
    per company that was most of a crawl's time. Each company is still its own transaction; only the
    connection is shared by writes that queue up behind each other. It is closed as soon as the
    queue is empty, and after `max_hold_s` of back-to-back writes it is closed for `reader_gap_s`
    (readers such as `paybands query` retry every 0.1 s for 3 s), so readers still get in during a
    long crawl.
    """

    def __init__(self, store: Store, max_hold_s: float = 2.0, reader_gap_s: float = 0.15) -> None:
        self.store = store
        self.max_hold_s = max_hold_s
        self.reader_gap_s = reader_gap_s
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paybands-store")
        self._lock = threading.Lock()
        self._queued = 0
        self._opened_at: float | None = None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        with self._lock:
            self._queued += 1
        return self._pool.submit(self._run, fn, *args)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.wrap_future(self.submit(fn, *args))

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            if self._opened_at is None:
                self.store.open()
                self._opened_at = time.monotonic()
            return fn(*args)
        finally:
            with self._lock:
                self._queued -= 1
                idle = self._queued == 0
            held_too_long = time.monotonic() - (self._opened_at or 0.0) >= self.max_hold_s
            if idle or held_too_long:
                self.store.close()
                self._opened_at = None
                if held_too_long and not idle:
                    time.sleep(self.reader_gap_s)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        self.store.close()


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
    return "internal", f"unexpected {type(exc).__name__}: {exc}"


async def _crawl_company(
    company: CompanyConfig, ctx: CrawlContext, store: Store, run_id: int, writer: StoreWriter
) -> CompanyOutcome:
    outcome = CompanyOutcome(company.name, company.source, company.board, status="ok", started_at=now_utc())
    source_cls = get_source(company.source)
    assert source_cls is not None  # validated with the config
    try:
        postings = await source_cls(company).crawl(ctx)
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
    # The store runs on its own thread so fetching continues while a company is written.
    await writer.run(store.write_company, run_id, outcome, postings)
    return outcome


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
    config: Config, store: Store, progress: Progress | None = None, started: list[int] | None = None
) -> RunResult:
    _cancel_on_sigterm()
    run_id = await asyncio.to_thread(store.begin_run, "crawl", str(config.path) if config.path else None)
    if started is not None:
        started.append(run_id)
    result = RunResult(run_id=run_id, status="ok")
    gate = asyncio.Semaphore(config.crawl.company_concurrency)
    writer = StoreWriter(store)
    try:
        async with Fetcher(config.crawl) as fetcher:
            ctx = CrawlContext(fetcher=fetcher, settings=config.crawl)
            try:

                async def one(company: CompanyConfig) -> CompanyOutcome:
                    async with gate:
                        if progress:
                            progress("start", company, None)
                        outcome = await _crawl_company(company, ctx, store, run_id, writer)
                        if progress:
                            progress("done", company, outcome)
                        return outcome

                # Started host by host in turn; outcomes stay in config order.
                order = interleave_by_host(config.companies)
                tasks = {i: asyncio.ensure_future(one(config.companies[i])) for i in order}
                result.outcomes = list(await asyncio.gather(*(tasks[i] for i in range(len(tasks)))))
            finally:
                await ctx.close()
            result.requests = fetcher.requests_made
        failed = sum(o.status == "failed" for o in result.outcomes)
        result.status = "ok" if failed == 0 else ("failed" if failed == len(result.outcomes) else "partial")
        await writer.run(store.finish_run, run_id, result.outcomes, result.requests, result.status)
    finally:
        writer.shutdown()
    return result


def run_crawl(config: Config, db_path: str, progress: Progress | None = None) -> RunResult:
    """Crawl every company of `config` into the database at `db_path` (holding the crawl lock)."""
    with CrawlLock(db_path):
        store = Store(db_path)
        started: list[int] = []
        try:
            return asyncio.run(run_crawl_async(config, store, progress, started))
        except (KeyboardInterrupt, asyncio.CancelledError):
            # Companies already written stay committed; the run says it did not finish.
            if started:
                store.mark_run_incomplete(started[0], "interrupted (SIGINT/SIGTERM)")
            store.close()
            raise KeyboardInterrupt from None
