"""Boards that are a host of their own (Recruitee, Pinpoint, Teamtailor).

Their API path is the same on every board (`/api/offers/`, `/postings.json`, `/jobs.json`): the host
alone says whose board it is. The `board` in config is that host, or only its first label when the
board sits on the ATS's own domain ("bunq" for bunq.recruitee.com); a custom domain
("careers.bunq.com") is written out.

With `base_url` (a mirror, the replay server) every board of the source is behind one address, so
the host the request is meant for travels in `X-Forwarded-Host`, the header a proxy uses for exactly
that. The path is the board's real one. On a board's own host the header is not sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ConfigError

BOARD_HOST_HEADER = "X-Forwarded-Host"

# A DNS name: labels of letters, digits and inner hyphens, dot-separated (no scheme, port or path).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


@dataclass(slots=True, frozen=True)
class BoardTarget:
    """Where a hosted board's requests go: `origin` + the API path, with `headers`."""

    host: str  # the board's own host, e.g. "bunq.recruitee.com"
    origin: str  # "https://bunq.recruitee.com", or the base_url that stands in for it
    headers: dict[str, str]

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"


def board_host(board: str, ats_domain: str) -> str:
    """The host a board names: 'bunq' -> 'bunq.recruitee.com'; a name with a dot is a host already."""
    name = board.strip().lower().rstrip(".")
    return name if "." in name else f"{name}.{ats_domain}"


def board_target(board: str, ats_domain: str, base_url: str | None) -> BoardTarget:
    host = board_host(board, ats_domain)
    if base_url:
        return BoardTarget(host, base_url.rstrip("/"), {BOARD_HOST_HEADER: host})
    return BoardTarget(host, f"https://{host}", {})


def check_board(board: str, ats_domain: str, source: str) -> None:
    """ConfigError when `board` is not a host name (a URL, a path, a port, spaces)."""
    name = board.strip().lower().rstrip(".")
    if _HOST_RE.fullmatch(name) and len(name) <= 253:
        return
    raise ConfigError(
        f"{source} board {board!r} is not a host name: write the subdomain of {ats_domain} "
        f"(e.g. 'acme' for acme.{ats_domain}) or the board's own host (e.g. 'careers.acme.com'), "
        "without https:// or a path"
    )
