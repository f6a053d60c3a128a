"""The reliability suite's results collector.

Each test calls `rel.record(area, case, tries=..., outcome=..., lost=...)` for every fault or bad
input it tried. After the session the rows, each with its test's pass/fail, are merged into
`build/reliability/results.jsonl` (env PAYBANDS_RELIABILITY_RESULTS), from which
`tests/reliability/make_report.py` renders docs/RELIABILITY.md. Rows are recorded before a test's
final assertions, so a failing test still shows what happened and what was lost.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(
    os.environ.get("PAYBANDS_RELIABILITY_RESULTS", ROOT / "build" / "reliability" / "results.jsonl")
)


@dataclass(slots=True)
class Row:
    area: str
    case: str
    tries: int
    outcome: str
    lost: str
    test: str = ""
    passed: bool | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class Recorder:
    test: str
    rows: list[Row] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def record(self, area: str, case: str, *, tries: int = 1, outcome: str, lost: str = "nothing") -> None:
        self.rows.append(Row(area, case, tries, outcome, lost, self.test))


_RECORDERS = pytest.StashKey[Recorder]()
_FINISHED: list[Row] = []
_RAN: set[str] = set()


@pytest.fixture
def rel(request: pytest.FixtureRequest) -> Recorder:
    rec = Recorder(request.node.nodeid)
    request.node.stash[_RECORDERS] = rec
    return rec


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    rec = item.stash.get(_RECORDERS, None)
    if rec is None:
        return
    # A test that fails in setup, call or teardown failed; skipped tests record nothing.
    if report.failed or (report.when == "call" and report.passed):
        ok = report.passed and report.when == "call"
        for row in rec.rows:
            row.passed = ok if row.passed is None else (row.passed and ok)
            row.seconds = round(time.monotonic() - rec.started, 2)
    if report.when == "teardown":
        _RAN.add(item.nodeid)
        _FINISHED.extend(r for r in rec.rows if r.passed is not None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _RAN:
        return
    # Merge: a partial run replaces only the rows of the tests it ran.
    kept: list[dict] = []
    if RESULTS.exists():
        for line in RESULTS.read_text("utf-8").splitlines():
            row = json.loads(line)
            if row.get("test") not in _RAN:
                kept.append(row)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("w", encoding="utf-8") as out:
        for row in [*kept, *(asdict(r) for r in _FINISHED)]:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
