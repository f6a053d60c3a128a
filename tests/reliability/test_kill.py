"""SIGKILL at many points of a crawl: the database always opens, each company is all-or-nothing,
and the next run completes with nothing duplicated.

Kill delays are spread over a whole run (process start, schema, fetching, writes, taxonomy refresh),
in chains on one database: each chain's kills land on the state the previous kill left, and a
complete run closes the chain.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from scraper.replay import ReplayServer
from tests.reliability.support import PAYBANDS, integrity, paybands, rows, write_config

COMPANIES = [
    *({"name": n, "source": "ashby", "board": b} for n, b in (
        ("Lambda", "Lambda"), ("Cartesia", "cartesia"), ("Decagon", "decagon"), ("Sierra", "sierra"),
        ("Ramp", "ramp"), ("Zapier", "zapier"), ("Ashby", "ashby"))),
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
]  # fmt: skip
EXPECTED = {"Lambda": 50, "Cartesia": 23, "Decagon": 40, "Sierra": 40, "Ramp": 40, "Zapier": 33, "Ashby": 49,
            "Anthropic": 1, "Match Group": 2}  # fmt: skip
CHAINS, KILLS_PER_CHAIN = 4, 6


def check_open_and_intact(db: Path) -> list[str]:
    if not db.exists():
        return []  # killed before the file was created
    try:
        return integrity(db, EXPECTED)
    except Exception as exc:  # the database did not open: the worst outcome
        return [f"database does not open: {type(exc).__name__}: {exc}"]


@pytest.mark.slow
def test_sigkill_at_random_points(replay: ReplayServer, tmp_path: Path, rel) -> None:
    cfg = write_config(
        tmp_path / "c.toml", replay.url, COMPANIES, per_host_delay_s=0.1, per_host_concurrency=1
    )
    probe = tmp_path / "probe.duckdb"
    started = time.monotonic()
    assert paybands("crawl", "-q", "--config", str(cfg), "--db", str(probe)).returncode == 0
    full = time.monotonic() - started  # a whole run, from process start
    rng = random.Random(20261125)
    problems: list[str] = []
    delays: list[float] = []
    states: dict[str, int] = {
        "no file yet": 0,
        "schema only or empty file": 0,
        "some companies": 0,
        "all companies": 0,
    }
    for chain in range(CHAINS):
        db = tmp_path / f"chain{chain}.duckdb"
        for k in range(KILLS_PER_CHAIN):
            # Stratified over the run: every slice of it gets kills, at a random point within the slice.
            i = chain * KILLS_PER_CHAIN + k
            delay = full * (i + rng.random()) / (CHAINS * KILLS_PER_CHAIN)
            delays.append(delay)
            proc = subprocess.Popen(
                [PAYBANDS, "crawl", "-q", "--config", str(cfg), "--db", str(db)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            found = check_open_and_intact(db)
            problems += [f"kill at {delay:.2f}s (chain {chain}): {p}" for p in found]
            if not db.exists():
                states["no file yet"] += 1
            else:
                # A kill between file creation and the schema commit leaves a file without tables.
                tables = rows(
                    db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'postings'"
                )
                has_postings = tables != [(0,)] and not found
                stored = rows(db, "SELECT count(DISTINCT company) FROM postings")[0][0] if has_postings else 0
                key = "schema only or empty file" if stored == 0 else (
                    "all companies" if stored == len(EXPECTED) else "some companies")  # fmt: skip
                states[key] += 1
        done = paybands("crawl", "-q", "--config", str(cfg), "--db", str(db))
        if done.returncode != 0:
            problems.append(f"chain {chain}: the run after the kills failed: {done.stderr[-300:]}")
        problems += [f"chain {chain} after the complete run: {p}" for p in integrity(db, EXPECTED)]
        total = rows(db, "SELECT count(*), count(DISTINCT posting_id) FROM postings")[0]
        if total != (sum(EXPECTED.values()),) * 2:
            problems.append(f"chain {chain}: {total} postings after the complete run")
        statuses = [s for (s,) in rows(db, "SELECT status FROM crawl_runs ORDER BY run_id")]
        if statuses[-1] != "ok" or "running" in statuses:
            problems.append(f"chain {chain}: run statuses {statuses}")
        dead = rows(db, "SELECT count(*) FROM crawl_runs WHERE status = 'incomplete' AND pid IS NULL")[0][0]
        if dead:
            problems.append(f"chain {chain}: {dead} incomplete runs without the pid that ran them")
    kills = CHAINS * KILLS_PER_CHAIN
    rel.record(
        "Durability",
        f"SIGKILL during `paybands crawl` ({len(EXPECTED)} companies, {sum(EXPECTED.values())} postings), "
        f"kills spread over a {full:.1f} s run ({min(delays):.2f}-{max(delays):.2f} s), "
        f"{CHAINS} chains of {KILLS_PER_CHAIN} on one database each",
        tries=kills,
        outcome="database opened after every kill; state at the kill: "
        + ", ".join(f"{k} {v}" for k, v in states.items())
        + f"; {CHAINS} runs after the kills all completed with no duplicates"
        if not problems
        else f"{len(problems)} problems: {problems[:3]}",
        lost="nothing" if not problems else "see outcome",
    )
    assert not problems, problems
