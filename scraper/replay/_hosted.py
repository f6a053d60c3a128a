"""Which board a request is for, on the ATSs whose board is a host (Recruitee, Pinpoint, Teamtailor).

Every board sits behind the replay's one address, at the board's real path, so the host the request
is meant for comes in `X-Forwarded-Host` (what the sources send with a `base_url`:
scraper/sources/_hosted.py), or else in `Host` (a client that resolves the board's name to 127.0.0.1).
"""

from __future__ import annotations

from .server import ReplayRequest


def board_host(req: ReplayRequest) -> str:
    value = req.headers.get("x-forwarded-host") or req.headers.get("host") or ""
    host = value.split(",", 1)[0].strip().lower()  # a proxy chain lists the first host first
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host  # no port
