"""`paybands schedule`: a crontab line and a systemd service + timer for the weekly crawl."""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import sys
from pathlib import Path

import click

from ..cli import cli
from ..options import db_option, quiet_option

_DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}


def schedule_text(
    config: Path, db: Path, day: str, at: str, log: Path, user: str | None = None, timeout: str = "6h"
) -> str:
    exe = shutil.which("paybands") or str(Path(sys.executable).with_name("paybands"))
    hour, minute = (int(x) for x in at.split(":"))
    workdir = Path.cwd()
    crawl = (
        f"{shlex.quote(exe)} crawl --config {shlex.quote(str(config))} --db {shlex.quote(str(db))} --quiet"
    )
    user = user or default_user()
    write_dirs = " ".join(shlex.quote(str(d)) for d in sorted({db.parent, log.parent}))
    make_user = (
        f"# first, once: useradd --system --home-dir /var/lib/paybands --create-home {user}\n"
        f"#   and give it the database folder: chown -R {user}: {shlex.quote(str(db.parent))}\n"
        if user == _SERVICE_USER
        else ""
    )
    return f"""# --- crontab (crontab -e): weekly crawl, {day.title()} {at}; exit 3 = some companies failed ---
{minute} {hour} * * {_DAYS[day]} cd {shlex.quote(str(workdir))} && {crawl} >> {shlex.quote(str(log))} 2>&1

# --- systemd: save as /etc/systemd/system/paybands-crawl.service ---
{make_user}[Unit]
Description=paybands weekly crawl
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
# Never root: the crawl reads what remote servers send.
User={user}
WorkingDirectory={workdir}
ExecStart={crawl}
# 3 = some companies failed (the rest stored): not a unit failure
SuccessExitStatus=3
# A crawl that hangs past this is stopped (SIGTERM: the company being written finishes, the run is
# marked interrupted) instead of blocking next week's run; raise it for very large configs.
TimeoutStartSec={timeout}
TimeoutStopSec=120
KillSignal=SIGTERM
Nice=10
# Hardening (systemd.exec(5)): the file system is read-only but for the database and log folders.
NoNewPrivileges=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectSystem=strict
ProtectHome=read-only
ReadWritePaths={write_dirs}
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
LockPersonality=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
CapabilityBoundingSet=
UMask=0027
# JavaScript career pages start Chromium: it needs its user namespaces (no RestrictNamespaces=) and
# writable JIT memory (no MemoryDenyWriteExecute=).

# --- systemd: save as /etc/systemd/system/paybands-crawl.timer ---
[Unit]
Description=Run paybands-crawl weekly

[Timer]
OnCalendar={day.title()} *-*-* {hour:02d}:{minute:02d}:00
RandomizedDelaySec=15m
Persistent=true

[Install]
WantedBy=timers.target

# then: systemctl daemon-reload && systemctl enable --now paybands-crawl.timer
"""


_SERVICE_USER = "paybands"


def default_user() -> str:
    """The user the service runs as: whoever asks for it, or a system user `paybands` when that is root."""
    if os.geteuid() == 0:
        return _SERVICE_USER
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return _SERVICE_USER


@cli.command("schedule")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=Path("companies.toml"),
    show_default=True,
    help="Config the scheduled crawl uses.",
)
@db_option
@click.option(
    "--day", type=click.Choice(list(_DAYS)), default="mon", show_default=True, help="Day of the week."
)
@click.option("--at", "at", default="03:17", show_default=True, help="Time of day, HH:MM (local time).")
@click.option(
    "--log", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Log file for cron."
)
@click.option(
    "--user",
    default=None,
    help="User the systemd service runs as (default: you; a system user 'paybands' when you are root).",
)
@click.option(
    "--timeout",
    default="6h",
    show_default=True,
    help="systemd TimeoutStartSec: a crawl running longer is stopped (e.g. 90min, 12h).",
)
@quiet_option
def schedule_cmd(
    config_path: Path,
    db_path: Path,
    day: str,
    at: str,
    log: Path | None,
    user: str | None,
    timeout: str,
    quiet: bool,
) -> None:
    """Print a ready crontab line and a systemd service + timer for a weekly crawl.

    Paths are made absolute for this install.

    \b
    Example:
      paybands schedule --config companies.toml --db data/paybands.duckdb
      paybands schedule --day sun --at 02:30 --user crawler --timeout 12h | less
    """
    try:
        hour, minute = (int(x) for x in at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise click.BadParameter("use HH:MM, e.g. 03:17", param_hint="--at") from None
    if user is not None and not user.replace("-", "").replace("_", "").isalnum():
        raise click.BadParameter("a user name: letters, digits, '-' and '_'", param_hint="--user")
    if (
        not timeout
        or not all(part[:1].isdigit() for part in timeout.split())
        or not timeout.replace(" ", "").isalnum()
    ):
        raise click.BadParameter("a systemd time span, e.g. 90min or 6h", param_hint="--timeout")
    db = db_path.resolve()
    log = (log or db.with_name("crawl.log")).resolve()
    text = schedule_text(config_path.resolve(), db, day, f"{hour:02d}:{minute:02d}", log, user, timeout)
    click.echo(text, nl=False)
