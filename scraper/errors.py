"""Every error paybands raises on purpose, in one module.

Each is worded for the person who has to act on it; the CLI turns them into one sentence and an exit
code. Modules import their errors from here, so raising one never needs an import of the module that
usually raises it (that was how `fetch` <-> `robots` and `browser` <-> `sources.base` became cycles).
"""

from __future__ import annotations

from typing import Any, Literal

FetchErrorKind = Literal[
    "not_found", "http", "timeout", "network", "too_large", "bad_json", "budget", "robots", "redirect"
]


class FetchError(Exception):
    """A request failed: the board cannot be read this time (the crawl goes on with other boards)."""

    def __init__(self, kind: FetchErrorKind, url: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.status = status

    def __str__(self) -> str:
        return str(self.args[0])


class SourceError(Exception):
    """A board-level problem a source detected itself (e.g. 'no postings')."""


class BrowserError(SourceError):
    """The browser failed on a page (a crash, a network error it reports)."""


class BrowserUnavailable(BrowserError):
    """No Chromium, or it would not start: every page of the crawl would fail the same way."""


class RenderTimeout(SourceError):
    """The page did not load, or what we waited for never appeared.

    `html` and `responses` are what the page showed and fetched by then (a caller may still use them);
    `responses` holds `scraper.browser.CapturedResponse` records.
    """

    def __init__(self, message: str, html: str = "", responses: list[Any] | None = None) -> None:
        super().__init__(message)
        self.html = html
        self.responses = responses or []


class ConfigError(ValueError):
    """A config problem, worded for the user who has to fix the file."""


class StorageError(RuntimeError):
    """A problem with the database file, worded for the user (names the file and the cause)."""


# The store's historical names: StoreError is StorageError.
StoreError = StorageError


class StoreBusy(StorageError):
    """Another process holds the database file."""


class StoreLocked(StorageError):
    """Another crawl holds the crawl lock of this database."""


class SchemaError(RuntimeError):
    """The database's schema is newer or foreign: paybands will not write to it."""
