"""Shared fixtures: the local replay server, a temporary database, crawl helpers."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from scraper.config import CrawlSettings
from scraper.replay import ReplayServer
from tests.helpers import FIXTURES, REAL

# Tests never touch a live host: every name lookup and connection from the test process, and from
# the Python subprocesses it starts, must be loopback (the replay servers bind 127.0.0.x). Anything
# else is refused and fails the test, even one that expects its crawl to fail (a refused live host
# would otherwise look like a bad board). Chromium is not covered: it only ever gets replay URLs.
_GUARD_DIR = Path(__file__).parent / "netguard"
sys.path.insert(0, str(_GUARD_DIR))
import netguard  # noqa: E402

netguard.install()
_GUARD_LOG = Path(tempfile.mkstemp(prefix="paybands-netguard-", suffix=".log")[1])
os.environ["PAYBANDS_NETGUARD_LOG"] = str(_GUARD_LOG)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_GUARD_DIR), os.environ.get("PYTHONPATH")]))


@pytest.fixture(autouse=True)
def no_live_hosts() -> Any:
    yield
    reached, netguard.refused[:] = list(netguard.refused), []
    in_subprocesses = _GUARD_LOG.read_text(encoding="utf-8").split()
    _GUARD_LOG.write_text("", encoding="utf-8")
    assert not reached, f"a test reached for live hosts {reached}; tests use the local replay server"
    assert not in_subprocesses, (
        f"a subprocess of this test reached for live hosts {sorted(set(in_subprocesses))}; "
        "tests use the local replay server"
    )


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


@pytest.fixture
def week_boards(replay, tmp_path):
    """WEEK's board files the test may change between 'weeks', served from a temp synth/ folder."""
    synth = tmp_path / "rec" / "synth"
    (synth / "ashby").mkdir(parents=True)
    (synth / "lever").mkdir(parents=True)
    shutil.copy(REAL / "ashby/browserbase_board_comp.json", synth / "ashby/browserbase.json")
    shutil.copy(REAL / "ashby/stapply_sierra_board_comp.json", synth / "ashby/sierra.json")
    shutil.copy(REAL / "lever/matchgroup_postings_2jobs.json", synth / "lever/matchgroup.json")
    replay.recordings = tmp_path / "rec"
    return synth
