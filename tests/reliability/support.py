"""Helpers for the reliability suite: database snapshots, loss accounting, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

PAYBANDS = shutil.which("paybands", path=str(Path(sys.executable).parent)) or "paybands"

# Three small boards, one per API source: the "other companies" of every fault test.
BOARDS: list[dict[str, Any]] = [
    {"name": "Browserbase", "source": "ashby", "board": "browserbase"},  # 5 postings
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},  # 2
    {"name": "GitLab", "source": "greenhouse", "board": "gitlab"},  # 2
]
BOARD_PATHS = {
    "Browserbase": "/posting-api/job-board/browserbase",
    "Match Group": "/v0/postings/matchgroup",
    "GitLab": "/v1/boards/gitlab/jobs",
}
EXPECTED = {"Browserbase": 5, "Match Group": 2, "GitLab": 2}


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@dataclass(slots=True, frozen=True)
class Snapshot:
    """What a user would call 'the data': postings (content + active flag) and their current bands."""

    postings: dict[str, tuple]
    bands: frozenset[tuple]


def snapshot(db: Path) -> Snapshot:
    postings = {
        r[0]: r[1:]
        for r in rows(
            db,
            "SELECT posting_id, company, title, location, description, content_hash, is_active FROM postings",
        )
    }
    bands = frozenset(
        rows(
            db,
            "SELECT posting_id, band_no, min_amount, max_amount, currency, period, pay_type, zone FROM pay_bands",
        )
    )
    return Snapshot(postings, bands)


def losses(before: Snapshot, db: Path, ended: frozenset[str] = frozenset()) -> str:
    """'nothing', or what of `before` is gone, changed or was marked inactive in `db`.

    `ended`: postings the test made disappear from their board, whose removal is correct.
    """
    after = snapshot(db)
    after = Snapshot(
        {p: (*v[:-1], True) if p in ended else v for p, v in after.postings.items()},
        after.bands,
    )
    missing = [p for p in before.postings if p not in after.postings]
    inactive = [
        p for p, v in before.postings.items() if v[-1] and p in after.postings and not after.postings[p][-1]
    ]
    changed = [
        p
        for p, v in before.postings.items()
        if p in after.postings and after.postings[p][:-1] != v[:-1] and p not in inactive
    ]
    lost_bands = before.bands - after.bands
    parts = []
    if missing:
        parts.append(f"{len(missing)} postings missing")
    if inactive:
        parts.append(f"{len(inactive)} postings wrongly marked inactive")
    if changed:
        parts.append(f"{len(changed)} postings changed")
    if lost_bands:
        parts.append(f"{len(lost_bands)} bands missing or changed")
    return "; ".join(parts) or "nothing"


def last_run(db: Path) -> dict[str, Any]:
    run_id, status, errors = rows(
        db, "SELECT run_id, status, errors FROM crawl_runs ORDER BY run_id DESC LIMIT 1"
    )[0]
    companies = {
        r[0]: {"status": r[1], "error_kind": r[2], "error": r[3], "postings": r[4]}
        for r in rows(
            db,
            "SELECT company, status, error_kind, error, postings FROM crawl_run_companies WHERE run_id = ?",
            [run_id],
        )
    }
    return {"run_id": run_id, "status": status, "errors": json.loads(errors or "[]"), "companies": companies}


def integrity(db: Path, expected: dict[str, int]) -> list[str]:
    """Problems with a database after a crash: per-company all-or-nothing, no duplicates, no orphans."""
    problems: list[str] = []
    tables = {t for (t,) in rows(db, "SELECT table_name FROM information_schema.tables")}
    if "postings" not in tables:
        return problems  # killed before the schema existed: an empty database is intact
    for company, n in rows(db, "SELECT company, count(*) FROM postings GROUP BY 1"):
        if n != expected.get(company):
            problems.append(f"{company}: {n} postings (expected 0 or {expected.get(company)})")
    # The latest run: a company it recorded has all its postings stamped with that run; others none.
    latest = rows(db, "SELECT max(run_id) FROM crawl_runs")[0][0]
    if latest is not None:
        recorded = {
            c for (c,) in rows(db, "SELECT company FROM crawl_run_companies WHERE run_id = ?", [latest])
        }
        stamped = dict(
            rows(db, "SELECT company, count(*) FROM postings WHERE last_run_id = ? GROUP BY 1", [latest])
        )
        for company, n in stamped.items():
            if company not in recorded or n != expected.get(company):
                problems.append(
                    f"run {latest}: {company} half-written ({n} postings, recorded={company in recorded})"
                )
    checks = {
        "duplicate posting ids": "SELECT count(*) - count(DISTINCT posting_id) FROM postings",
        "bands without posting": "SELECT count(*) FROM pay_band_versions WHERE posting_id NOT IN (SELECT posting_id FROM postings)",
        "two current versions": "SELECT count(*) FROM (SELECT posting_id FROM posting_versions WHERE valid_to IS NULL GROUP BY 1 HAVING count(*) > 1)",
        "duplicate current bands": "SELECT count(*) FROM (SELECT posting_id, band_no FROM pay_bands GROUP BY 1, 2 HAVING count(*) > 1)",
        "postings without a version": "SELECT count(*) FROM postings WHERE posting_id NOT IN (SELECT posting_id FROM posting_versions)",
        "postings without raw payload": "SELECT count(*) FROM postings WHERE posting_id NOT IN (SELECT posting_id FROM posting_raw)",
    }
    for what, sql in checks.items():
        n = rows(db, sql)[0][0]
        if n:
            problems.append(f"{n} {what}")
    return problems


def paybands(*args: str, timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess:
    """The installed console script, as cron or a user runs it."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **kw.pop("env", {})}
    return subprocess.run([PAYBANDS, *args], capture_output=True, text=True, timeout=timeout, env=env, **kw)


def write_config(path: Path, base_url: str, companies: list[dict[str, Any]], **crawl: Any) -> Path:
    settings = {"per_host_delay_s": 0.0, "timeout_s": 5, "max_retries": 1, **crawl}
    text = "[crawl]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    for c in companies:
        text += "\n[[company]]\n" + "".join(
            f"{k} = {json.dumps(v)}\n" for k, v in {"base_url": base_url, **c}.items()
        )
    path.write_text(text)
    return path
