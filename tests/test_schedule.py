"""`paybands schedule`: the systemd service it prints is hardened and parses cleanly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on cli)
from paybands.cli import cli
from paybands.commands.schedule import default_user


def _units(tmp_path: Path, *args: str) -> dict[str, str]:
    config = tmp_path / "companies.toml"
    config.write_text('[[company]]\nname = "Lambda"\nsource = "ashby"\nboard = "Lambda"\n')
    res = CliRunner().invoke(
        cli, ["schedule", "--config", str(config), "--db", str(tmp_path / "data" / "p.duckdb"), *args]
    )
    assert res.exit_code == 0, res.output
    units: dict[str, str] = {}
    name = None
    for line in res.stdout.splitlines(keepends=True):
        if line.startswith("# --- systemd: save as "):
            name = Path(line.split("save as ", 1)[1].split()[0]).name
            units[name] = ""
        elif name:
            units[name] += line
    return units


def test_service_runs_hardened_as_a_user_with_a_start_timeout(tmp_path):
    service = _units(tmp_path, "--user", "crawler", "--timeout", "12h")["paybands-crawl.service"]
    lines = set(service.splitlines())
    assert "User=crawler" in lines and "TimeoutStartSec=12h" in lines
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "CapabilityBoundingSet="):
        assert option in lines
    # Only the database's and the log's folder are writable.
    assert f"ReadWritePaths={tmp_path / 'data'}" in lines


def test_default_user_is_never_root(tmp_path):
    service = _units(tmp_path)["paybands-crawl.service"]
    user = next(line for line in service.splitlines() if line.startswith("User="))
    assert user == f"User={default_user()}" and user != "User=root"


@pytest.mark.parametrize(
    ("option", "value"), [("--user", "root; rm -rf /"), ("--timeout", "soon"), ("--timeout", "")]
)
def test_bad_values_are_refused(tmp_path, option, value):
    config = tmp_path / "c.toml"
    config.write_text("")
    res = CliRunner().invoke(cli, ["schedule", "--config", str(config), option, value])
    assert res.exit_code == 2 and option in res.output


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_parses_every_line_of_the_units(tmp_path):
    for name, text in _units(tmp_path, "--user", "root").items():  # root: a user that exists here
        path = tmp_path / name
        path.write_text(text)
        done = subprocess.run(
            ["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60
        )
        # verify exits 0 even on unparsable values; it says so on stderr ("Failed to parse ...").
        problems = [
            line for line in done.stderr.splitlines() if "Failed to parse" in line or "Unknown" in line
        ]
        assert not problems, problems
