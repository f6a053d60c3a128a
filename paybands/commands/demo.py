"""`paybands demo`: the offline demo in one command (replay server, crawl, report), checkout or wheel."""

from __future__ import annotations

import importlib.resources
import tempfile
from pathlib import Path

import click

from scraper.replay import ReplayServer
from scraper.replay.data_status import STATUS_WORDS, load_rules, mark_data_status

from ..cli import cli
from ..options import db_option, quiet_option

# demo/replay.toml points every company at the replay's usual port; the demo serves on a free one.
_DEMO_BASE_URL = "http://127.0.0.1:8765"


def demo_config_text(base_url: str) -> str:
    """demo/replay.toml with every base_url set to `base_url`: the checkout's file, or in a wheel the
    package data `paybands.demo` (pyproject.toml maps demo/ there)."""
    checkout = Path(__file__).resolve().parents[2] / "demo" / "replay.toml"
    if checkout.is_file():
        text = checkout.read_text("utf-8")
    else:
        text = importlib.resources.files("paybands").joinpath("demo", "replay.toml").read_text("utf-8")
    return text.replace(_DEMO_BASE_URL, base_url)


def _mark(db_path: Path) -> dict[str, int]:
    """Mark the postings that are not recordings (scraper/replay/data_status.py)."""
    from scraper.store import connect

    con = connect(db_path)
    try:
        return mark_data_status(con, load_rules())
    finally:
        con.close()


@cli.command("demo")
@db_option
@quiet_option
@click.option(
    "--report/--no-report", default=True, show_default=True, help="Print the pay report after the crawl."
)
@click.pass_context
def demo_cmd(ctx: click.Context, db_path: Path, quiet: bool, report: bool) -> None:
    """Crawl the recorded boards offline into --db, then print the report.

    Serves the recordings (real board responses, and the generated and reconstructed ones the
    README lists) on a free port of 127.0.0.1 for the length of the crawl: no internet needed.

    \b
    Example:
      paybands demo --db data/paybands.duckdb
      paybands demo --db /tmp/demo.duckdb --no-report && paybands query pay-ranges --db /tmp/demo.duckdb
    """
    from .crawl import crawl_cmd
    from .report import report_cmd

    try:
        server = ReplayServer(port=0).start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1 for the replay ({exc.strerror})") from None
    code = 0
    try:
        with tempfile.TemporaryDirectory(prefix="paybands-demo-") as tmp:
            config = Path(tmp) / "replay.toml"
            config.write_text(demo_config_text(server.url), "utf-8")
            try:
                ctx.invoke(crawl_cmd, config_path=config, db_path=db_path, quiet=quiet)
            except SystemExit as exc:  # the crawl's exit code, for cron; 3 = some boards failed
                code = int(exc.code or 0)
            except click.exceptions.Exit as exc:
                code = exc.exit_code
    finally:
        server.stop()
    if code not in (0, 3):
        ctx.exit(code)
    counts = _mark(db_path)
    if not quiet:
        for status, n in sorted(counts.items()):
            what = f"{n:,} posting{'s are' if n != 1 else ' is'} {STATUS_WORDS[status]}"
            click.echo(f"demo data: {what} (postings.data_status = {status!r})", err=True)
        click.echo(
            "demo data: every other posting is a byte-for-byte recording (tests/fixtures/real/PROVENANCE.md)",
            err=True,
        )
    if report:
        ctx.invoke(report_cmd, db_path=db_path)
    ctx.exit(code)
