"""One crawl run: every company of a config, concurrently, each stored as it finishes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

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
    company: CompanyConfig, ctx: CrawlContext, store: Store, run_id: int, writer: ThreadPoolExecutor
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
        await asyncio.get_running_loop().run_in_executor(writer, store.record_failure, run_id, outcome)
        return outcome
    if not postings:
        outcome.status = "empty"
    # The store runs on its own thread so fetching continues while a company is written.
    await asyncio.get_running_loop().run_in_executor(writer, store.write_company, run_id, outcome, postings)
    return outcome


async def run_crawl_async(
    config: Config, store: Store, progress: Progress | None = None, started: list[int] | None = None
) -> RunResult:
    run_id = await asyncio.to_thread(store.begin_run, "crawl", str(config.path) if config.path else None)
    if started is not None:
        started.append(run_id)
    result = RunResult(run_id=run_id, status="ok")
    gate = asyncio.Semaphore(config.crawl.company_concurrency)
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paybands-store")
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

                result.outcomes = list(await asyncio.gather(*(one(c) for c in config.companies)))
            finally:
                await ctx.close()
            result.requests = fetcher.requests_made
        failed = sum(o.status == "failed" for o in result.outcomes)
        result.status = "ok" if failed == 0 else ("failed" if failed == len(result.outcomes) else "partial")
        await asyncio.get_running_loop().run_in_executor(
            writer, store.finish_run, run_id, result.outcomes, result.requests, result.status
        )
    finally:
        writer.shutdown(wait=True)
        store.close()
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
