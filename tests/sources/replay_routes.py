"""Which replay routes answer a path: the replay serves every source on one host, so a source's
paths must be answered by its own routes only (a route that also matches another source's path
would serve that source's recordings)."""

from __future__ import annotations

from scraper.replay.server import _ROUTES, _load_routes


def routes_matching(method: str, path: str) -> list[str]:
    """`module.function` of every registered route that matches METHOD and path."""
    _load_routes()
    return [
        f"{fn.__module__}.{fn.__name__}" for m, pattern, fn in _ROUTES if m == method and pattern.match(path)
    ]
