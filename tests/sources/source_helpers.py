"""Helpers for the tests of the Recruitee, Pinpoint, Teamtailor and Workable sources: a crawl in
process (the Posting objects, not the database) and the careers URLs of the shared registry."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from pathlib import Path
from typing import Any

from scraper.config import CompanyConfig, CrawlSettings
from scraper.fetch import Fetcher
from scraper.models import Posting
from scraper.sources import get_source
from scraper.sources.base import BoardReport, CrawlContext

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO.parent / "shared" / "registry"  # absent outside the workspace: those tests skip


def crawl_postings(
    source: str, board: str, base_url: str, **options: Any
) -> tuple[list[Posting] | Exception, BoardReport]:
    """The source's crawl against `base_url`, in process: its postings (or the error) and report."""
    company = CompanyConfig(name=board, source=source, board=board, base_url=base_url, options=options)
    src = get_source(source)(company)  # type: ignore[misc]
    settings = CrawlSettings(per_host_delay_s=0.0, timeout_s=5.0, max_retries=0)

    async def run() -> list[Posting] | Exception:
        async with Fetcher(settings) as fetcher:
            try:
                return await src.crawl(CrawlContext(fetcher, settings))
            except Exception as exc:  # noqa: BLE001 - the test inspects what the board failed with
                return exc

    return asyncio.run(run()), src.report


def reparsed(source: str, board: str, postings: list[Posting]) -> list[Posting]:
    """Each posting re-derived from its stored raw payload, offline (what `paybands reparse` does)."""
    src = get_source(source)(CompanyConfig(name=board, source=source, board=board))  # type: ignore[misc]
    return [src.parse_raw(json.loads(p.raw)) for p in postings]


def registry_rows(ats: str | None = None) -> list[dict[str, str]]:
    """ai_companies.csv rows (of one ATS, or all)."""
    with (REGISTRY / "ai_companies.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if ats is None or r["ats"] == ats]


def jobseek_boards(monitor_type: str) -> list[tuple[str, dict[str, Any]]]:
    """(board_url, monitor_config) of jobseek's boards.csv rows of one ATS."""
    with (REGISTRY / "sources" / "jobseek" / "boards.csv").open(encoding="utf-8", newline="") as f:
        return [
            (r["board_url"], json.loads(r["monitor_config"] or "{}"))
            for r in csv.DictReader(f)
            if r["monitor_type"] == monitor_type
        ]


def openings_mcp(ats: str, key: str) -> list[str]:
    """The `key` values (slug, host, account) of an openings-mcp roster."""
    text = (REGISTRY / "sources" / "openings-mcp" / f"{ats}__companies.yaml").read_text("utf-8")
    return [m.strip().strip("\"'") for m in re.findall(rf"^\s+{key}:\s*(.+)$", text, re.MULTILINE)]
