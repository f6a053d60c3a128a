"""History and storage under a hostile board and a hostile disk (#13 items 1, 3 and 9).

A glitching listing (a board of 100 answering with 1, ids that vanish, Lever paging that ends early)
must never rewrite history: its removals are held, the run says the board needs attention, and when
the board recovers nothing comes back as "new". A genuine removal still happens. A storage fault is
one sentence naming the file and the cause, with its own exit code; a damaged file is never written.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from paybands.cli import cli, main  # noqa: F401  (main registers the commands)
from paybands.commands import COMMANDS  # noqa: F401
from paybands.exit_codes import EXIT_ATTENTION, EXIT_OK, EXIT_STORAGE
from scraper.errors import SourceError
from scraper.sources.greenhouse import Greenhouse
from scraper.store import FaultPlan, Store
from tests.helpers import crawl
from tests.reliability.hostile_server import HostileServer
from tests.reliability.support import rows, write_config

ACME = {"name": "Acme", "source": "greenhouse", "board": "acme"}
ACME_PATH = "/v1/boards/acme/jobs"
LEVER = {"name": "Leverco", "source": "lever", "board": "leverco"}
LEVER_PATH = "/v0/postings/leverco"


@pytest.fixture
def srv() -> Iterator[HostileServer]:
    with HostileServer(max_requests=2_000, max_seconds=120) as server:
        yield server


def history(db: Path, board: str = "acme") -> dict[str, tuple]:
    """posting_id -> (is_active, first_seen, first_run_id, removed_run_id, missing_since IS NOT NULL)."""
    return {
        r[0]: r[1:]
        for r in rows(
            db,
            "SELECT posting_id, is_active, first_seen, first_run_id, removed_run_id, missing_since IS NOT NULL "
            "FROM postings WHERE lower(board) = ?",
            [board],
        )
    }


def company_row(db: Path, run_id: int, company: str = "Acme") -> dict[str, Any]:
    cols = ["status", "postings", "new_postings", "removed_postings", "held_removals", "skipped", "notes"]
    (row,) = rows(
        db,
        f"SELECT {', '.join(cols)} FROM crawl_run_companies WHERE run_id = ? AND company = ?",
        [run_id, company],
    )
    return dict(zip(cols, row, strict=True))


def cli_crawl(tmp_path: Path, db: Path, url: str, *companies: dict[str, Any], **settings: Any):
    config = write_config(tmp_path / "companies.toml", url, list(companies), **settings)
    return CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(db)])


def glitch_then_recover(srv: HostileServer, tmp_path: Path, db: Path, arm: tuple[str, dict], company=ACME):
    """Run 1 healthy, run 2 glitching (via the CLI), run 3 healthy again; returns what each saw."""
    name, kwargs = arm
    path = kwargs["path"]
    healthy = ("lever-board" if company is LEVER else "gh-board", {"path": path, "total": kwargs["total"]})
    srv.arm(healthy[0], **healthy[1])
    assert crawl(db, srv.url, company).status == "ok"
    before = history(db, company["board"])
    srv.arm(name, **kwargs)
    glitch = cli_crawl(tmp_path, db, srv.url, company)
    during = history(db, company["board"])
    srv.arm(healthy[0], **healthy[1])
    recovered = crawl(db, srv.url, company)
    after = history(db, company["board"])
    return before, glitch, during, recovered, after


GLITCHES = [
    ("a board of 100 answers 200 with 1 job", ("board-shrinks", {"path": ACME_PATH, "total": 100, "keep": 1}), ACME),
    ("99 of 100 jobs lose their id", ("ids-lost", {"path": ACME_PATH, "total": 100, "lose": 99}), ACME),
    ("Lever page 2 answers [] after a full page 1 (250 postings)",
     ("lever-page2-empty", {"path": LEVER_PATH, "total": 250}), LEVER),
]  # fmt: skip


@pytest.mark.parametrize(("what", "arm", "company"), GLITCHES, ids=[g[0] for g in GLITCHES])
def test_glitching_listing_holds_removals_and_recovery_changes_nothing(
    what, arm, company, srv, tmp_path, tmp_db, rel
) -> None:
    before, glitch, during, recovered, after = glitch_then_recover(srv, tmp_path, tmp_db, arm, company)
    total = arm[1]["total"]
    glitch_row = company_row(tmp_db, 2, company["name"])
    missing = total - glitch_row["postings"]
    recovered_row = company_row(tmp_db, 3, company["name"])
    came_back_new = recovered_row["new_postings"]
    first_seen_same = {p: v[1] for p, v in after.items()} == {p: v[1] for p, v in before.items()}
    removals = [p for p, v in after.items() if v[3] is not None]
    rel.record(
        "Faults",
        f"{what}, then the board recovers",
        tries=3,
        outcome=f"glitch: exit {glitch.exit_code}, {glitch_row['status']}, {glitch_row['removed_postings']} removed, "
        f"{glitch_row['held_removals']} held; recovery: {came_back_new} new, first_seen kept: {first_seen_same}",
        lost="nothing"
        if not removals and came_back_new == 0 and not glitch_row["removed_postings"]
        else f"{glitch_row['removed_postings']} marked removed by the glitch, {came_back_new} back as new",
    )
    # The glitch: nothing removed, every missing posting held (active, missing_since), exit 6.
    assert glitch.exit_code == EXIT_ATTENTION, glitch.output
    assert "needs attention" in glitch.stderr and "held" in glitch.stderr
    assert glitch_row["status"] == "attention" and glitch_row["removed_postings"] == 0
    assert glitch_row["held_removals"] == missing > 0
    assert all(v[0] for v in during.values()) and sum(v[4] for v in during.values()) == missing
    assert rows(tmp_db, "SELECT status FROM crawl_runs WHERE run_id = 2") == [("attention",)]
    # The recovery: nothing new, first_seen and first_run_id as before, no removal, no hold left.
    assert recovered.status == "ok" and recovered_row["status"] == "ok"
    assert came_back_new == 0 and first_seen_same and not removals
    assert {p: v[:4] for p, v in after.items()} == {p: v[:4] for p, v in before.items()}
    assert not any(v[4] for v in after.values())


def test_held_removals_are_confirmed_by_a_second_listing(srv, tmp_path, tmp_db, rel) -> None:
    """A board that really shrank (100 -> 1) keeps shrinking on the next crawl: then it is removed."""
    srv.arm("gh-board", path=ACME_PATH, total=100)
    crawl(tmp_db, srv.url, ACME)
    srv.arm("board-shrinks", path=ACME_PATH, total=100, keep=1)
    held = crawl(tmp_db, srv.url, ACME)
    confirmed = crawl(tmp_db, srv.url, ACME)
    h = history(tmp_db)
    removed = sum(not v[0] and v[3] == 3 for v in h.values())
    row = company_row(tmp_db, 3)
    rel.record(
        "Faults",
        "a board shrinks 100 -> 1 and stays shrunk for a second crawl",
        tries=3,
        outcome=f"crawl 2: {held.status}, held {company_row(tmp_db, 2)['held_removals']}; "
        f"crawl 3: {confirmed.status}, {row['removed_postings']} removed",
    )
    assert held.status == "attention" and confirmed.status == "ok"
    assert row["removed_postings"] == removed == 99 and row["held_removals"] == 0
    assert sum(v[0] for v in h.values()) == 1
    # band_facts follows: the removed postings' bands say so.
    assert rows(tmp_db, "SELECT count(DISTINCT posting_key) FROM band_facts WHERE is_active") == [(1,)]


def test_lever_listing_that_may_be_cut_holds_once_then_confirms(srv, tmp_db, rel) -> None:
    """Lever gives no total: a board of 130 that now lists exactly one full page (100, then an empty
    page) may have been cut. Its 30 missing postings are held one crawl, then removed when the next
    listing agrees; a board of exactly 100 that loses nothing is not flagged at all."""
    path = "/v0/postings/leverco"
    company = {"name": "Leverco", "source": "lever", "board": "leverco"}
    srv.arm("lever-board", path=path, total=130)
    crawl(tmp_db, srv.url, company)
    srv.arm("lever-board", path=path, total=100)
    held = crawl(tmp_db, srv.url, company)
    confirmed = crawl(tmp_db, srv.url, company)
    again = crawl(tmp_db, srv.url, company)
    first, second = company_row(tmp_db, 2, "Leverco"), company_row(tmp_db, 3, "Leverco")
    rel.record(
        "Faults",
        "Lever board of 130 lists exactly one full page (may be cut: no total to tell)",
        tries=3,
        outcome=f"crawl 2: {held.status}, held {first['held_removals']}; crawl 3: {confirmed.status}, "
        f"{second['removed_postings']} removed; crawl 4: {again.status}",
    )
    assert held.status == "attention" and first["held_removals"] == 30 and first["removed_postings"] == 0
    assert confirmed.status == "ok" and second["removed_postings"] == 30
    assert again.status == "ok"  # exactly 100, nothing missing: nothing to hold, nothing to flag


def test_a_small_share_is_removed_at_once(srv, tmp_path, tmp_db, rel) -> None:
    srv.arm("gh-board", path=ACME_PATH, total=100)
    crawl(tmp_db, srv.url, ACME)
    srv.arm("board-drops", path=ACME_PATH, total=100, gone=frozenset({3, 50, 97}))
    res = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    row = company_row(tmp_db, 2)
    rel.record(
        "Faults",
        "3 of 100 postings really closed",
        outcome=f"exit {res.exit_code}, {row['removed_postings']} removed, {row['held_removals']} held",
    )
    assert res.exit_code == EXIT_OK and row["status"] == "ok"
    assert row["removed_postings"] == 3 and row["held_removals"] == 0
    assert sum(not v[0] for v in history(tmp_db).values()) == 3


def test_small_boards_are_not_held(srv, tmp_db) -> None:
    """Under `max_removed_share_min_board` (10) postings the share rule does not apply: 5 -> 1 removes 4."""
    srv.arm("gh-board", path=ACME_PATH, total=5)
    crawl(tmp_db, srv.url, ACME)
    srv.arm("board-shrinks", path=ACME_PATH, total=5, keep=1)
    assert crawl(tmp_db, srv.url, ACME).status == "ok"
    assert company_row(tmp_db, 2)["removed_postings"] == 4


def test_max_removed_share_is_configurable(srv, tmp_db) -> None:
    srv.arm("gh-board", path=ACME_PATH, total=20)
    crawl(tmp_db, srv.url, ACME)
    srv.arm("board-drops", path=ACME_PATH, total=20, gone=frozenset({1, 2, 3}))  # 15%
    assert crawl(tmp_db, srv.url, ACME, max_removed_share=0.1).status == "attention"
    assert company_row(tmp_db, 2)["held_removals"] == 3


def _partial_greenhouse(monkeypatch: pytest.MonkeyPatch, *, skipped: int = 0, partial: bool = True) -> None:
    """Greenhouse as a source that reports its listing partial / postings skipped (sources.base.BoardReport)."""
    original = Greenhouse.crawl

    async def crawl_and_report(self, ctx):
        postings = await original(self, ctx)
        if partial:
            self.report.partial("paging ended before the listing said it would (test)")
        for _ in range(skipped):
            self.report.skip("a job without an id was skipped (test)")
        return postings

    monkeypatch.setattr(Greenhouse, "crawl", crawl_and_report)


@pytest.mark.parametrize("how", ["partial", "skipped"])
def test_a_listing_the_source_reports_partial_never_removes(
    how, srv, tmp_path, tmp_db, monkeypatch, rel
) -> None:
    """2 of 20 gone is under the share rule, but the source said its listing is partial (or it skipped
    2 jobs): nothing is removed, not even on a second such listing; the notes are stored and printed."""
    srv.arm("gh-board", path=ACME_PATH, total=20)
    crawl(tmp_db, srv.url, ACME)
    srv.arm("board-drops", path=ACME_PATH, total=20, gone=frozenset({4, 5}))
    _partial_greenhouse(monkeypatch, skipped=2 if how == "skipped" else 0, partial=how == "partial")
    first = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    second = crawl(tmp_db, srv.url, ACME)
    monkeypatch.undo()
    complete = crawl(tmp_db, srv.url, ACME)  # a complete listing that still lacks them: removed
    r2, r3, r4 = (company_row(tmp_db, i) for i in (2, 3, 4))
    rel.record(
        "Faults",
        f"the source reports its listing {'partial' if how == 'partial' else 'with 2 skipped jobs'} (2 of 20 gone)",
        tries=3,
        outcome=f"exit {first.exit_code}; removed {r2['removed_postings']}/{r3['removed_postings']}, held "
        f"{r2['held_removals']}/{r3['held_removals']}; then a complete listing removed {r4['removed_postings']}",
    )
    assert first.exit_code == EXIT_ATTENTION and "(test)" in first.stderr
    assert r2["status"] == r3["status"] == "attention" and second.status == "attention"
    assert (
        r2["removed_postings"] == r3["removed_postings"] == 0
        and r2["held_removals"] == r3["held_removals"] == 2
    )
    assert r2["notes"] and "(test)" in r2["notes"] and r2["skipped"] == (2 if how == "skipped" else 0)
    assert complete.status == "ok" and r4["removed_postings"] == 2


def test_board_token_case_change_still_removes(srv, tmp_db, rel) -> None:
    """`board = "Acme"` becomes "acme" in the config: the same board; a posting gone is removed."""
    srv.arm("gh-board", path="/v1/boards/Acme/jobs", total=3)
    crawl(tmp_db, srv.url, {**ACME, "board": "Acme"})
    srv.arm("board-shrinks", path=ACME_PATH, total=3, keep=2)
    res = crawl(tmp_db, srv.url, ACME)
    active = rows(tmp_db, "SELECT count(*) FILTER (is_active), count(*) FROM postings")[0]
    rel.record(
        "Faults",
        'the config\'s board token changes case ("Acme" -> "acme") and a posting closes',
        outcome=f"{res.status}; {active[0]} of {active[1]} postings active",
        lost="nothing" if active == (2, 3) else "a closed posting stays active",
    )
    assert res.status == "ok" and active == (2, 3)
    assert company_row(tmp_db, 2)["removed_postings"] == 1


# -- storage -----------------------------------------------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _good_db(srv: HostileServer, db: Path, total: int = 100) -> None:
    srv.arm("gh-board", path=ACME_PATH, total=total)
    assert crawl(db, srv.url, ACME).status == "ok"


def error_line(res) -> str:
    """The CLI's error lines (progress lines dropped), as a user reads them."""
    return " / ".join(line for line in res.stderr.splitlines() if not line.startswith("crawling "))


def _assert_one_sentence(res, *words: str) -> None:
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert res.exit_code == EXIT_STORAGE, res.output
    assert "Traceback" not in res.output and len(errors) == 1, res.stderr
    err = errors[0]
    for w in words:
        assert w in err, err


def test_lock_path_is_a_directory(srv, tmp_path, tmp_db, rel) -> None:
    Path(str(tmp_db) + ".lock").mkdir(parents=True)
    res = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    rel.record(
        "Durability",
        "the crawl lock path is a directory",
        outcome=f"exit {res.exit_code}: {error_line(res)}",
    )
    _assert_one_sentence(res, "is a directory", str(tmp_db))


def _damage(db: Path, how: str) -> None:
    size = db.stat().st_size
    if how == "truncated":
        os.truncate(db, size // 2)
    else:  # a damaged block in the middle of the file (the postings' data)
        with db.open("r+b") as f:
            f.seek(size // 2)
            f.write(os.urandom(8192))


@pytest.mark.parametrize("how", ["truncated", "corrupted"])
def test_damaged_database_is_refused_and_never_written(how, srv, tmp_path, tmp_db, rel) -> None:
    _good_db(srv, tmp_db, total=400)
    _damage(tmp_db, how)
    digest = _digest(tmp_db)
    res = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    unchanged = _digest(tmp_db) == digest and not Path(str(tmp_db) + ".wal").exists()
    rel.record(
        "Durability",
        f"a {how} database file",
        outcome=f"exit {res.exit_code}: {error_line(res)[:300]}; file unchanged: {unchanged}",
        lost="nothing (file untouched)" if unchanged else "the damaged file was written to",
    )
    _assert_one_sentence(res, "damaged", str(tmp_db))
    assert unchanged


@pytest.mark.parametrize("point", ["write", "commit"])
def test_disk_full_mid_run_is_one_sentence_and_the_run_is_failed(
    point, srv, tmp_path, tmp_db, monkeypatch, rel
):
    """ENOSPC in a company's write (injected through Store.faults): the run stops with exit 7, one
    sentence naming the file and the cause, and its row is closed as 'failed', not left 'running'."""
    _good_db(srv, tmp_db)
    before = history(tmp_db)
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    # "commit": the begin_run's commit goes through, the company's fails.
    faults.inject(
        point, lambda: OSError(errno.ENOSPC, "No space left on device"), skip=point == "commit", times=1
    )
    res = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    status = rows(tmp_db, "SELECT status FROM crawl_runs ORDER BY run_id")
    rel.record(
        "Durability",
        f"disk full at the store's '{point}' (injected ENOSPC)",
        outcome=f"exit {res.exit_code}: {error_line(res)}; runs {status}",
        lost="nothing" if history(tmp_db) == before else "postings changed",
    )
    _assert_one_sentence(res, "disk is full", str(tmp_db))
    assert status == [("ok",), ("failed",)] and history(tmp_db) == before


def test_read_only_lock_file_system_is_one_sentence(srv, tmp_path, tmp_db, monkeypatch, rel) -> None:
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    faults.inject("lock", OSError(errno.EROFS, "Read-only file system"))
    res = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    rel.record("Durability", "read-only file system at the lock (injected EROFS)", outcome=error_line(res))
    _assert_one_sentence(res, "read-only", str(tmp_db))


# -- real file systems (root: a tmpfs per test) ------------------------------------------------------
@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the injected cases cover the same paths")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_real_full_disk(srv, tmp_path, tiny_fs, rel) -> None:
    """A 6 MB file system fills up during the crawl: exit 7, the cause named, no rollback error."""
    db = tiny_fs / "paybands.duckdb"
    srv.arm("gh-board", path=ACME_PATH, total=5)
    assert crawl(db, srv.url, ACME).status == "ok"
    srv.arm("gh-board", path=ACME_PATH, total=3000)  # ~3,000 postings do not fit
    res = cli_crawl(tmp_path, db, srv.url, ACME)
    status = rows(db, "SELECT status FROM crawl_runs ORDER BY run_id") if db.exists() else []
    rel.record(
        "Durability",
        "a real full disk (6 MB tmpfs) during a company's write",
        outcome=f"exit {res.exit_code}: {error_line(res)[:300]}; runs {status}",
    )
    _assert_one_sentence(res, "disk is full", str(db))
    assert "no transaction is active" not in res.stderr
    assert status == [("ok",), ("failed",)]


def test_real_read_only_mount(srv, tmp_path, tiny_fs, rel) -> None:
    db = tiny_fs / "paybands.duckdb"
    _good_db(srv, db, total=5)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    res = cli_crawl(tmp_path, db, srv.url, ACME)
    rel.record(
        "Durability", "a read-only mount (remount,ro)", outcome=f"exit {res.exit_code}: {error_line(res)}"
    )
    _assert_one_sentence(res, "read-only", str(db))


def test_server_error_text_is_stored_clean(srv, tmp_db, monkeypatch, rel) -> None:
    async def hostile(self, ctx):
        raise SourceError("Lever says: \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\x9b31m")

    monkeypatch.setattr(Greenhouse, "crawl", hostile)
    crawl(tmp_db, srv.url, ACME)
    (error,) = rows(tmp_db, "SELECT error FROM crawl_run_companies")[0]
    rel.record("Durability", "server error text with OSC-8, CSI and C1 stored", outcome=repr(error))
    assert "\x1b" not in error and "\x9b" not in error and "\x07" not in error and "click" in error


def test_unknown_fault_point_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault point"):
        FaultPlan().inject("mark_removd", RuntimeError())


def test_read_commands_name_a_damaged_file_with_exit_7(srv, tmp_db, rel) -> None:
    _good_db(srv, tmp_db, total=20)
    os.truncate(tmp_db, 5000)  # cut inside its header blocks: nothing of it can be read
    res = CliRunner().invoke(cli, ["sql", "SELECT count(*) FROM postings", "--db", str(tmp_db)])
    rel.record(
        "Durability",
        "`paybands sql` on a truncated database file",
        outcome=f"exit {res.exit_code}: {error_line(res)}",
    )
    assert res.exit_code == EXIT_STORAGE and "damaged" in res.stderr and "Traceback" not in res.output


def test_damage_found_mid_run_stops_the_run_without_another_write(srv, tmp_path, tmp_db, monkeypatch, rel):
    """A block that fails its checksum during a company's write (injected): one sentence, exit 7, and
    not even the run row is written again (the next run marks it 'incomplete')."""
    _good_db(srv, tmp_db)
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    faults.inject(
        "write", RuntimeError("Corrupt database file: computed checksum 1 does not match stored checksum 2")
    )
    res = cli_crawl(tmp_path, tmp_db, srv.url, ACME)
    status = rows(tmp_db, "SELECT status FROM crawl_runs ORDER BY run_id")
    rel.record(
        "Durability",
        "damage found mid-run (injected checksum error)",
        outcome=f"exit {res.exit_code}: {error_line(res)}; runs {status}",
    )
    _assert_one_sentence(res, "damaged", str(tmp_db))
    assert status == [("ok",), ("running",)]
