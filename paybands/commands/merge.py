"""`paybands merge`: one database from the shards of a crawl (scraper/merge.py)."""

from __future__ import annotations

from pathlib import Path

import click

from scraper.errors import StorageError
from scraper.merge import MergeError, merge_shards

from ..cli import cli
from ..options import quiet_option


@cli.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--into",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The merged database file; built beside it and renamed over it, so readers never see half of it.",
)
@quiet_option
def merge_cmd(shards: tuple[Path, ...], into: Path, quiet: bool) -> None:
    """Build one database from shard databases or their export folders.

    Each shard was crawled with `paybands crawl --shard K/N` (and may have
    been carried over as `paybands export --tables all --out DIR`). Run ids
    and posting keys of shard K of N become id*N + K, so history stays apart;
    the derived tables are rebuilt. Re-running it after every weekly crawl
    rebuilds the same file from the same shards. Shards of another schema
    version, cut for different N, or claiming the same host are refused
    (exit 2).

    \b
    Example:
      paybands merge shard0/ shard1/ shard2.duckdb --into data/paybands.duckdb
    """
    try:
        merged = merge_shards(list(shards), into)
    except MergeError as exc:
        raise click.UsageError(str(exc)) from None
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        runs = sum(len(s.run_ids) for s in merged)
        hosts = sum(len(s.hosts) for s in merged)
        click.echo(f"merged {len(merged)} shards ({hosts} hosts, {runs} runs) into {into}", err=True)
