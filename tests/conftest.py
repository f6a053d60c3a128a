"""Shared fixtures: the local replay server, a temporary database, crawl helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.config import CrawlSettings
from scraper.replay import ReplayServer
from tests.helpers import FIXTURES


@pytest.fixture
def replay() -> ReplayServer:
    with ReplayServer(FIXTURES) as server:
        yield server


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    return tmp_path / "paybands.duckdb"


@pytest.fixture
def crawl_settings() -> CrawlSettings:
    return CrawlSettings(per_host_delay_s=0.0, timeout_s=5.0, max_retries=1)
