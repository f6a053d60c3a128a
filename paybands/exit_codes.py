"""The exit codes of `paybands`, for cron and scripts (the README's table): they belong to the CLI.

The library says what happened (`RunResult.status`, the errors of scraper/errors.py); this module is
the one place that turns that into a number.
"""

from __future__ import annotations

from scraper.crawl import RunStatus

EXIT_OK = 0  # every company crawled
EXIT_ERROR = 1  # any other error (click.ClickException: one sentence on stderr)
EXIT_CONFIG = 2  # bad config or usage: nothing was fetched (click's usage errors are 2 as well)
EXIT_PARTIAL = 3  # some companies failed; the others were stored
EXIT_FAILED = 4  # nothing could be crawled
EXIT_LOCKED = 5  # another crawl holds this database, or another process keeps it busy
EXIT_ATTENTION = 6  # every company stored, but a board needs attention (removals held, listing partial)
EXIT_STORAGE = 7  # the database file cannot be used (disk full, read-only, permission, damaged)
EXIT_UNKNOWN = 8  # `detect`: some URLs have no known source and board (the others were answered)
EXIT_INTERRUPTED = 130  # SIGINT / SIGTERM

_FOR_STATUS: dict[RunStatus, int] = {
    "ok": EXIT_OK,
    "attention": EXIT_ATTENTION,
    "partial": EXIT_PARTIAL,
    "failed": EXIT_FAILED,
}


def for_run(status: RunStatus) -> int:
    """The exit code of a crawl that ended with `status`."""
    return _FOR_STATUS[status]
