"""paybands installed from its wheel works outside the checkout: the named queries and the demo's
replay data ship as package data, found with importlib.resources (not by walking up from the code)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools stages the build in ./build: a module deleted from the tree must not ride along from there.
    for stale in ("lib", f"bdist.{sysconfig.get_platform()}"):
        shutil.rmtree(ROOT / "build" / stale, ignore_errors=True)
    # No build isolation: the setuptools of the test extra builds it, offline (the network guard is on).
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    (whl,) = out.glob("paybands-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; its dependencies are this venv's, by a path entry.

    A plain path entry (not a site dir) does not run this venv's .pth files, so the checkout's
    editable install stays out: every paybands module comes from the wheel.
    """
    env = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    site = Path(subprocess.check_output([str(env / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())  # fmt: skip
    (site / "paybands-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return env


def test_wheel_holds_the_queries_and_the_recordings(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    sql = {n for n in names if n.startswith("queries/") and n.endswith(".sql")}
    assert sql == {f"queries/{p.name}" for p in (ROOT / "queries").glob("*.sql")}
    recorded = {n for n in names if n.startswith("scraper/replay/recordings/real/")}
    assert "scraper/replay/recordings/real/PROVENANCE.md" in recorded and len(recorded) > 30
    assert "paybands/demo/replay.toml" in names
    assert "scraper/data/registry.csv.gz" in names  # `paybands companies` reads it with importlib.resources


def test_installed_wheel_lists_queries_and_runs_the_demo_outside_the_checkout(venv, tmp_path):
    exe = venv / "bin" / "paybands"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PAYBANDS_QUERIES", "PAYBANDS_DB")}
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import scraper, queries, analysis; print(scraper.__file__, queries.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert where.returncode == 0 and str(ROOT) not in where.stdout and str(venv) in where.stdout, where
    listed = subprocess.run([str(exe), "query", "--list"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert all(p.stem in listed.stdout for p in (ROOT / "queries").glob("*.sql"))
    db = tmp_path / "demo.duckdb"
    demo = subprocess.run(
        [str(exe), "demo", "--db", str(db), "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Base-salary ranges" in demo.stdout and "Netflix" in demo.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        companies = con.execute("SELECT count(DISTINCT company) FROM postings").fetchone()[0]
        netflix = con.execute(
            "SELECT count(*) FROM pay_bands b JOIN postings p USING (posting_id) "
            "WHERE p.company = 'Netflix' AND b.pay_type = 'total'"
        ).fetchone()[0]
    finally:
        con.close()
    assert companies >= 15 and netflix > 0
