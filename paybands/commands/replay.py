"""`paybands replay`: serve the recorded boards on 127.0.0.1 (offline demo, tests)."""

from __future__ import annotations

from pathlib import Path

import click

from scraper.replay import ReplayServer

from ..cli import cli
from ..options import quiet_option


@cli.command("replay")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port on 127.0.0.1."
)
@click.option(
    "--recordings",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder with real/ and synth/ recordings (default: tests/fixtures of this checkout).",
)
@quiet_option
def replay_cmd(port: int, recordings: Path | None, quiet: bool) -> None:
    """Serve recorded job-board responses at their real paths, for offline crawls.

    Runs until interrupted. Point a config's base_url at it.

    \b
    Example:
      paybands replay --port 8765 &
      paybands crawl --config demo/replay.toml
    """
    try:
        server = ReplayServer(recordings, port=port)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); pick another --port"
        ) from None
    if not quiet:
        click.echo(f"replaying {server.recordings} at {server.url} (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
