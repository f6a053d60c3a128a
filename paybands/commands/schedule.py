"""`paybands schedule`: a crontab line and a systemd service + timer for the weekly crawl."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click

from ..cli import cli
from ..options import db_option

_DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}


def schedule_text(config: Path, db: Path, day: str, at: str, log: Path) -> str:
    exe = shutil.which("paybands") or str(Path(sys.executable).with_name("paybands"))
    hour, minute = (int(x) for x in at.split(":"))
    workdir = Path.cwd()
    crawl = (
        f"{shlex.quote(exe)} crawl --config {shlex.quote(str(config))} --db {shlex.quote(str(db))} --quiet"
    )
    return f"""# --- crontab (crontab -e): weekly crawl, {day.title()} {at}; exit 3 = some companies failed ---
{minute} {hour} * * {_DAYS[day]} cd {shlex.quote(str(workdir))} && {crawl} >> {shlex.quote(str(log))} 2>&1

# --- systemd: save as /etc/systemd/system/paybands-crawl.service ---
[Unit]
Description=paybands weekly crawl
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart={crawl}
# 3 = some companies failed (the rest stored): not a unit failure
SuccessExitStatus=3
TimeoutStopSec=120
KillSignal=SIGTERM
Nice=10

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
def schedule_cmd(config_path: Path, db_path: Path, day: str, at: str, log: Path | None) -> None:
    """Print a ready crontab line and a systemd service + timer for a weekly crawl.

    Paths are made absolute for this install.

    \b
    Example:
      paybands schedule --config companies.toml --db data/paybands.duckdb
      paybands schedule --day sun --at 02:30 | less
    """
    try:
        hour, minute = (int(x) for x in at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise click.BadParameter("use HH:MM, e.g. 03:17", param_hint="--at") from None
    db = db_path.resolve()
    log = (log or db.with_name("crawl.log")).resolve()
    click.echo(schedule_text(config_path.resolve(), db, day, f"{hour:02d}:{minute:02d}", log), nl=False)
