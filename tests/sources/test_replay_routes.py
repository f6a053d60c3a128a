"""The replay server serves every source on one host: no route may answer another ATS's real paths.

The paths are the recorded requests of every ATS in PROVENANCE.md (../shared/fixtures/real/, which
lists ATSs paybands has no source for yet, else tests/fixtures/real/). Each recorded path must be
answered only by routes of its own ATS's replay module, and each ATS with a replay module must
answer its recorded paths.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scraper.replay import server
from tests.helpers import REAL

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "real" / "PROVENANCE.md"
# Replay modules that serve another ATS's recordings under their own paths (not an ATS of their own).
NOT_AN_ATS = {"pages": "jsonld", "careersites": None, "data_status": None}
_REQUEST_RE = re.compile(r"\b(GET|POST) (https?://[^\s|`,]+)")


def recorded_requests() -> list[tuple[str, str, str]]:
    """(ats, method, path) of every request URL in PROVENANCE.md's `## <ats>/` sections."""
    text = (SHARED if SHARED.is_file() else REAL / "PROVENANCE.md").read_text("utf-8")
    out, ats = set(), None
    for line in text.splitlines():
        heading = re.match(r"^## ([\w-]+)/\s*$", line)
        if heading:
            ats = heading.group(1)
        elif line.startswith("## "):
            ats = None  # a section that is not one ATS's folder
        elif ats and line.startswith("|"):
            for method, url in _REQUEST_RE.findall(line):
                path = urlsplit(url).path
                if "{" not in path and "…" not in path:
                    out.add((ats, method, path))
    return sorted(out)


def routes() -> list[tuple[str, str, re.Pattern[str]]]:
    """(module, method, pattern) of every replay route."""
    server._load_routes()
    return [(fn.__module__.rsplit(".", 1)[-1], method, pattern) for method, pattern, fn in server._ROUTES]


def _ats(module: str) -> str | None:
    return NOT_AN_ATS.get(module, module)


REQUESTS = recorded_requests()
ROUTE_ATS = {a for m, _, _ in routes() if (a := _ats(m))}


@pytest.mark.parametrize(("ats", "method", "path"), REQUESTS, ids=lambda v: str(v))
def test_a_recorded_path_is_answered_only_by_its_own_ats(ats, method, path):
    if ats == "jsonld":
        # Pages of any site (one is iCIMS's, which the icims routes serve too); the jsonld source reads
        # them from /static-careers/, never at their own paths.
        pytest.skip("jsonld/ holds pages of many sites, replayed under /static-careers/")
    owners = {_ats(module) for module, m, pattern in routes() if m == method and pattern.match(path)}
    assert owners <= {ats}, f"{method} {path} ({ats}) also matches the replay routes of {owners - {ats}}"


@pytest.mark.parametrize("ats", sorted({"avature", "icims", "phenom", "successfactors"}))
def test_every_recorded_path_of_a_replayed_ats_is_routed(ats):
    paths = [(m, p) for a, m, p in REQUESTS if a == ats]
    assert paths, f"no recorded requests for {ats} in PROVENANCE.md"
    mine = [(m, pattern) for module, m, pattern in routes() if _ats(module) == ats]
    unrouted = [(m, p) for m, p in paths if not any(rm == m and pattern.match(p) for rm, pattern in mine)]
    # SuccessFactors' facet catalogue (POST /services/jobs/options/facetValues/) is not crawled.
    assert unrouted == ([("POST", "/services/jobs/options/facetValues/")] if ats == "successfactors" else [])


def test_the_check_sees_the_sources():
    assert {"avature", "icims", "phenom", "successfactors", "lever", "workday"} <= ROUTE_ATS
    assert len(REQUESTS) > 40
