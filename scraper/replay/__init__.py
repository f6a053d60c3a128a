"""A local replay server: real recorded ATS responses served on 127.0.0.1.

The crawl code runs unchanged against it (every source takes `base_url`).
Each source's routes live in their own module here (`greenhouse.py`, ...),
mimicking the real paths and query-parameter behaviour (paging, flags).
Tests add per-path overrides and faults (see `Fault`).
"""

from __future__ import annotations

from .server import Fault, ReplayRequest, ReplayResponse, ReplayServer, default_recordings, route

__all__ = ["Fault", "ReplayRequest", "ReplayResponse", "ReplayServer", "default_recordings", "route"]
