"""Two crawls on one database, and readers during a crawl (real processes, as cron and users run them)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import duckdb

from scraper.replay import ReplayServer
from tests.reliability.support import PAYBANDS, paybands, write_config

SLOW = [
    {"name": "Lambda", "source": "ashby", "board": "Lambda"},
    {"name": "Cartesia", "source": "ashby", "board": "cartesia"},
    {"name": "Decagon", "source": "ashby", "board": "decagon"},
    {"name": "Sierra", "source": "ashby", "board": "sierra"},
    {"name": "Ramp", "source": "ashby", "board": "ramp"},
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
]
SLOW_COUNTS = {"Lambda": 50, "Cartesia": 23, "Decagon": 40, "Sierra": 40, "Ramp": 40, "Anthropic": 1}


def start_crawl(cfg: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PAYBANDS, "crawl", "-q", "--config", str(cfg), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_requests(server: ReplayServer, n: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while len(server.log) < n and time.monotonic() < deadline:
        time.sleep(0.02)


def error_line(stderr: str) -> str:
    return next((line for line in stderr.splitlines() if line.startswith("Error")), stderr.strip()[:120])


def test_two_crawls_at_once(replay: ReplayServer, tmp_path: Path, tmp_db: Path, rel) -> None:
    first_cfg = write_config(
        tmp_path / "a.toml", replay.url, SLOW, per_host_delay_s=0.4, per_host_concurrency=1
    )
    second_cfg = write_config(
        tmp_path / "b.toml", replay.url, [{"name": "GitLab", "source": "greenhouse", "board": "gitlab"}]
    )
    first = start_crawl(first_cfg, tmp_db)
    wait_for_requests(replay, 1)
    started = time.monotonic()
    second = paybands("crawl", "--config", str(second_cfg), "--db", str(tmp_db))
    waited = time.monotonic() - started
    out, err = first.communicate(timeout=120)
    rel.record(
        "Concurrency",
        "a second `paybands crawl` on a database another crawl is writing",
        outcome=f"second: exit {second.returncode} after {waited:.1f} s, {error_line(second.stderr)!r}; "
        f"requests by the second: {replay.requests_to('/v1/boards/gitlab')}; first: exit {first.returncode}",
        lost="nothing" if first.returncode == 0 else f"first crawl failed: {err[-200:]}",
    )
    assert second.returncode == 5 and "another paybands crawl" in second.stderr
    assert "Traceback" not in second.stderr + err
    assert replay.requests_to("/v1/boards/gitlab") == 0  # refused before fetching anything
    assert first.returncode == 0, err


def test_readers_during_a_crawl(replay: ReplayServer, tmp_path: Path, tmp_db: Path, rel) -> None:
    """`paybands query` and a plain read-only DuckDB client, again and again while a crawl writes."""
    cfg = write_config(tmp_path / "a.toml", replay.url, SLOW, per_host_delay_s=0.5, per_host_concurrency=1)
    crawl = start_crawl(cfg, tmp_db)
    seen = {"query ok": 0, "query busy": 0, "client ok": 0, "client busy": 0}
    problems: list[str] = []
    while crawl.poll() is None:
        if tmp_db.exists():
            res = paybands("query", "pay-ranges", "--format", "csv", "--db", str(tmp_db), timeout=60)
            if res.returncode == 0:
                seen["query ok"] += 1
            elif "busy" in res.stderr and "try again" in res.stderr:
                seen["query busy"] += 1
            elif "does not exist" not in res.stderr and "no such table" not in res.stderr.lower():
                problems.append(f"query: exit {res.returncode}: {res.stderr.strip()[:200]}")
            if "Traceback" in res.stderr:
                problems.append(f"query traceback: {res.stderr[-300:]}")
            try:
                con = duckdb.connect(str(tmp_db), read_only=True)
            except duckdb.IOException as exc:  # DuckDB's own answer while a writer holds the file
                seen["client busy"] += 1
                if "lock" not in str(exc).lower():
                    problems.append(f"client: {exc}")
            else:
                try:
                    tables = {
                        t
                        for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
                    }
                    if "postings" in tables:
                        for company, n in con.execute(
                            "SELECT company, count(*) FROM postings GROUP BY 1"
                        ).fetchall():
                            if n != SLOW_COUNTS[company]:
                                problems.append(f"client saw {company} half-written: {n}")
                    seen["client ok"] += 1
                finally:
                    con.close()
        time.sleep(0.05)
    _, err = crawl.communicate()
    rel.record(
        "Concurrency",
        "readers during a crawl: `paybands query` and a read-only duckdb client, repeatedly",
        tries=sum(seen.values()),
        outcome=", ".join(f"{k}: {v}" for k, v in seen.items())
        + f"; committed data only (no half-written company): {not problems}; crawl exit {crawl.returncode}",
        lost="nothing" if crawl.returncode == 0 else f"crawl failed: {err[-200:]}",
    )
    assert not problems, problems
    assert crawl.returncode == 0, err
    assert seen["query ok"] + seen["client ok"] >= 1  # readers get in between writes
