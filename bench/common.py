"""Shared bench plumbing: replay servers in their own processes, child crawls, timing, tables."""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable


# -- replay servers --------------------------------------------------------------------------
def _serve(recordings: str, host: str, delay_s: str, cache: str) -> None:
    """Server process body: a real ReplayServer over `recordings` (a generated farm)."""
    from scraper.replay import ReplayServer
    from scraper.replay import server as core

    recordings_path = Path(recordings)
    if (recordings_path / "manifest.json").exists():
        from bench.farm import register_workday

        register_workday(recordings_path)
    if cache:
        # Parse each recording once: the server process then spends its CPU on json.dumps and HTTP only.
        # Handlers only reassign top-level keys of what they load (Workday slices jobPostings), so a
        # shallow copy per request keeps the cache intact.
        import importlib

        parsed: dict[Path, Any] = {}
        original = core.load_json

        def cached_load(path: Path) -> Any:
            data = parsed.get(path)
            if data is None:
                data = parsed[path] = original(path)
            return dict(data) if isinstance(data, dict) else data

        for mod in ("greenhouse", "lever", "ashby", "workday"):
            importlib.import_module(f"scraper.replay.{mod}").load_json = cached_load
    srv = ReplayServer(recordings_path, port=0, host=host)
    srv.delay_s = float(delay_s)
    srv._httpd.request_queue_size = 256  # many concurrent connects from the crawler
    print(srv.url, flush=True)
    srv.serve_forever()


class ServerURLs(list):
    """The servers' base URLs, and their process ids (`cpu_s()`: CPU the servers have used so far)."""

    def __init__(self) -> None:
        super().__init__()
        self.pids: list[int] = []

    def cpu_s(self) -> float:
        import psutil

        return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in self.pids)


@contextmanager
def replay_servers(
    recordings: Path, n: int = 1, delay_s: float = 0.0, cache: bool = True, distinct_ips: bool = False
) -> Iterator[ServerURLs]:
    """`n` replay servers, each in its own process; yields their base URLs. 127.0.0.2.. with distinct_ips."""
    procs: list[subprocess.Popen[str]] = []
    urls = ServerURLs()
    try:
        for i in range(n):
            host = f"127.0.0.{i + 2}" if distinct_ips else "127.0.0.1"
            p = subprocess.Popen(
                [PY, "-c", "import sys, bench.common as c; c._serve(*sys.argv[1:])",
                 str(recordings), host, str(delay_s), "1" if cache else ""],
                stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            procs.append(p)
            assert p.stdout is not None
            urls.append(p.stdout.readline().strip())
            urls.pids.append(p.pid)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)


# -- the tree before an issue, beside this one ---------------------------------------------------
@contextmanager
def baseline_tree(commit: str, prefix: str = "paybands-base-") -> Iterator[tuple[Path, Path]]:
    """(checkout of `commit`, a scratch folder beside it): a `git worktree` in a temporary folder,
    removed (and pruned) afterwards, whatever happened. A child run with `run_child(..., code=tree)`
    imports that commit's `scraper`."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    tree = tmp / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True,
                   capture_output=True, text=True)  # fmt: skip
    try:
        yield tree, tmp
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def short_commit(commit: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip


# -- child processes -----------------------------------------------------------------------
def run_child(module: str, args: dict[str, Any], timeout: float = 900, code: Path = ROOT) -> dict[str, Any]:
    """Run `python -m module` with JSON args on stdin; returns its JSON result (last stdout line).

    `code`: the tree whose `scraper` package the child imports (a baseline worktree for a
    side-by-side run); the bench module itself is always this tree's file, run by path."""
    cmd = [PY, "-m", module] if code == ROOT else [PY, str(ROOT / (module.replace(".", "/") + ".py"))]
    proc = subprocess.run(
        cmd,
        input=json.dumps(args),
        capture_output=True,
        text=True,
        cwd=code,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- timing --------------------------------------------------------------------------------
def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_time(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def machine() -> dict[str, Any]:
    import duckdb
    import polars

    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "mem_gib": round(mem, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header, *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join(
        [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])]
    )


# -- the previous run, beside this one ------------------------------------------------------------

RESULTS = Path(__file__).with_name("RESULTS.md")
WORSE = " (>10% worse)"
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
# A figure whose unit says lower is better (times, sizes, memory); anything else (rates, ratios)
# is better higher.
_LOWER_IS_BETTER = re.compile(r"^\s*-?[\d,.]+\s*(?:s|ms|MB|µs|us)\b")


def read_previous(path: Path) -> dict[str, str]:
    """bench label -> figure, from the table of the last bench/RESULTS.md."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and cells[0][0].isdigit() and not set(cells[1]) <= {"-"}:
            out.setdefault(cells[0], cells[1])
    return out


def _first_number(text: str) -> float | None:
    m = _NUMBER.search(text)
    return float(m.group(0).replace(",", "")) if m else None


def with_previous(rows: list[list[Any]], previous: dict[str, str]) -> list[list[Any]]:
    """Each row with the previous run's figure beside it; the status says when the figure got more
    than 10% worse (by the first number of the figure, in the direction its unit says)."""
    out = []
    for label, figure, *rest in rows:
        before = previous.get(str(label), "")
        now_n, before_n = _first_number(str(figure)), _first_number(before)
        status = list(rest)
        if now_n is not None and before_n and str(status[-1]) not in ("FAILED", "ERROR"):
            lower = bool(_LOWER_IS_BETTER.match(str(figure)))
            change = (now_n - before_n) / abs(before_n)
            if (change > 0.10) if lower else (change < -0.10):
                status[-1] = f"{status[-1]}{WORSE}"
        out.append([label, figure, before or "-", *status])
    return out
