"""`paybands` console script: a thin click layer over scraper/ and analysis/."""

from __future__ import annotations

import click

from . import __doc__ as _pkg_doc  # noqa: F401


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="paybands")
def cli() -> None:
    """Crawl ML/AI job postings, normalize pay bands, query them in DuckDB.

    \b
    Example:
      paybands crawl --config companies.toml
      paybands query pay-ranges --title "machine learning"
    """


def _register() -> None:
    from . import commands  # noqa: F401  (each module adds its command to `cli`)


def main() -> None:
    _register()
    cli(prog_name="paybands")
