"""Helpers shared by tests: build configs, crawl the replay server, query the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from scraper.config import Config, parse_config
from scraper.crawl import RunResult, run_crawl

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real"

# Three boards of the weekly-crawl tests (served from the `week_boards` fixture).
WEEK = [
    {"name": "Browserbase", "source": "ashby", "board": "browserbase"},
    {"name": "Sierra", "source": "ashby", "board": "sierra"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
]


def make_config(base_url: str, *companies: dict[str, Any], **crawl: Any) -> Config:
    """A validated config whose companies all point at `base_url` (unless they set their own)."""
    settings = {"per_host_delay_s": 0.0, "timeout_s": 5, "max_retries": 1, **crawl}
    return parse_config({"crawl": settings, "company": [{"base_url": base_url, **c} for c in companies]})


def crawl(db: Path, base_url: str, *companies: dict[str, Any], **crawl_settings: Any) -> RunResult:
    return run_crawl(make_config(base_url, *companies, **crawl_settings), str(db))


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def load_real(relative: str) -> Any:
    return json.loads((REAL / relative).read_text("utf-8"))


def edit_json(path: Path, fn: Any) -> None:
    """Change a served recording in place: `fn` edits its parsed JSON."""
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


def band_dicts(bands) -> list[dict]:
    """The fields the salary corpora label, one dict a band (tests/salary/test_corpus*.py)."""
    return [
        {
            "min": b.min_amount,
            "max": b.max_amount,
            "currency": b.currency,
            "period": b.period,
            "pay_type": b.pay_type,
            "zone": b.zone,
        }
        for b in bands
    ]
