"""Shared fixtures: the local replay server, a temporary database, crawl helpers."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from scraper.config import CrawlSettings
from scraper.replay import ReplayServer
from tests.helpers import FIXTURES, REAL

# Tests never touch a live host: every name lookup and connection from the test process must be
# loopback (the replay servers bind 127.0.0.x). Anything else is refused and fails the test, even
# one that expects its crawl to fail (a refused live host would otherwise look like a bad board).
_OFF_HOST: list[str] = []
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback(host: Any) -> bool:
    name = host.decode() if isinstance(host, bytes) else str(host or "")
    return name in ("", "localhost", "::1") or name.startswith("127.")


def _refuse(host: Any) -> OSError:
    _OFF_HOST.append(str(host))
    return OSError(f"test tried to reach {host!r}: tests use the local replay server (127.0.0.1)")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _loopback(host):
        raise _refuse(host)
    return _real_getaddrinfo(host, *args, **kwargs)


def _connect(self: socket.socket, address: Any) -> Any:
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise _refuse(address[0])
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> Any:
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise _refuse(address[0])
    return _real_connect_ex(self, address)


socket.getaddrinfo = _getaddrinfo
socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def no_live_hosts() -> Any:
    yield
    reached, _OFF_HOST[:] = list(_OFF_HOST), []
    assert not reached, f"a test reached for live hosts {reached}; tests use the local replay server"


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
