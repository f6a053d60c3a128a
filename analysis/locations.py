"""Location normalization and remote/hybrid/onsite: the one implementation lives in
`scraper/locations.py` (sources need a posting's country at crawl time); this module
re-exports it for analysis code.
"""

from __future__ import annotations

from scraper.locations import (  # noqa: F401 - re-exported
    _COUNTRIES_TEXT,
    Location,
    Remote,
    _parse_table,
    classify_remote,
    normalize_location,
)

__all__ = ["Location", "Remote", "classify_remote", "normalize_location"]
