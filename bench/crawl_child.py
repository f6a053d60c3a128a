"""One crawl in a fresh process (so its peak RSS is its own): JSON args on stdin, JSON result on stdout.

args: {"config": {...parse_config dict...}, "db": path, "profile": optional path for a pyinstrument HTML}
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time

import psutil

import scraper
from scraper.config import parse_config
from scraper.crawl import run_crawl


def main() -> None:
    args = json.loads(sys.stdin.read())
    config = parse_config(args["config"])
    proc = psutil.Process()
    peak = [proc.memory_info().rss]
    stop = threading.Event()

    # CPU by thread, sampled with the memory (a thread that ends loses at most 50 ms): the event
    # loop ("MainThread"), the store thread, and DuckDB's and polars' own workers.
    seen: dict[int, tuple[str, float]] = {}
    names = {}

    def threads_seen() -> None:
        names.update({t.native_id: t.name for t in threading.enumerate()})
        for t in proc.threads():
            name = names.get(t.id)
            if name is None:
                try:
                    with open(f"/proc/self/task/{t.id}/comm") as f:
                        name = f.read().strip()
                except OSError:
                    name = "?"
            seen[t.id] = (name, t.user_time + t.system_time)

    def sample() -> None:  # ru_maxrss also counts; this adds a time series' peak for cross-checking
        while not stop.wait(0.05):
            peak[0] = max(peak[0], proc.memory_info().rss)
            threads_seen()

    sampler = threading.Thread(target=sample, name="sampler", daemon=True)
    sampler.start()
    profiler = None
    if args.get("profile"):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002, async_mode="disabled")
        profiler.start()

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    # CPU seconds next to wall seconds: on a shared 2-core machine the wall time of a CPU-bound
    # crawl says as much about the other processes as about the crawler.
    t0, c0, m0 = time.perf_counter(), cpu(), time.thread_time()
    result = run_crawl(config, args["db"])
    elapsed = time.perf_counter() - t0
    cpu_s, main_cpu_s = cpu() - c0, time.thread_time() - m0
    if profiler is not None:
        profiler.stop()
        with open(args["profile"], "w") as f:
            f.write(profiler.output_text(unicode=False, color=False, show_all=False))
    stop.set()
    threads_seen()
    by_thread: dict[str, float] = {}
    for name, cpu_t in seen.values():
        by_thread[name] = round(by_thread.get(name, 0.0) + cpu_t, 2)

    postings = sum(o.counts.postings for o in result.outcomes)
    failed = [(o.company, o.error) for o in result.outcomes if o.status == "failed"]
    print(
        json.dumps(
            {
                "elapsed_s": elapsed,
                # all threads of the crawl (store thread, DuckDB's own threads), less this bench's
                # sampler thread, which is not the crawl's work
                "cpu_s": cpu_s - by_thread.get("sampler", 0.0),
                "main_cpu_s": main_cpu_s,  # the event loop's thread: fetch, parse, normalize
                "thread_cpu_s": by_thread,  # by thread name, from process start
                "postings": postings,
                "bands": sum(o.counts.bands for o in result.outcomes),
                "requests": result.requests,
                "status": result.status,
                "scraper": scraper.__file__,  # which tree's code ran (a side-by-side run checks it)
                "failed": failed[:5],
                "n_failed": len(failed),
                "peak_rss_mb": max(
                    peak[0] / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
