"""Checks every replayed source's tests share: which replay routes a path reaches, offline re-parsing
against what a crawl stored, and the registry's real careers URLs of an ATS."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from scraper.config import CompanyConfig
from scraper.replay import server
from scraper.sources import get_source
from tests.helpers import query

REGISTRY = Path(__file__).resolve().parents[2].parent / "shared" / "registry"

# One real request path of every replayed source (method, path, the replay module that must answer it).
KNOWN_PATHS = [
    ("GET", "/v1/boards/anthropic/jobs", "greenhouse"),
    ("GET", "/v0/postings/matchgroup", "lever"),
    ("GET", "/posting-api/job-board/ramp", "ashby"),
    ("GET", "/api/apply/v2/jobs", "eightfold"),
    ("GET", "/api/apply/v2/jobs/790313310792", "eightfold"),
    ("GET", "/api/pcsx/search", "eightfold"),
    ("GET", "/api/pcsx/position_details", "eightfold"),
    ("POST", "/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs", "workday"),
    ("GET", "/wday/cxs/nvidia/NVIDIAExternalCareerSite/job/US-CA-Santa-Clara/Engineer_JR1", "workday"),
    ("GET", "/v1/companies/equinox/postings", "smartrecruiters"),
    ("GET", "/v1/companies/equinox/postings/744000137225639", "smartrecruiters"),
    ("GET", "/careers/", "pages"),
    ("GET", "/careers/job/ml-research-engineer", "pages"),
    ("GET", "/static-careers/job/x", "pages"),
    ("GET", "/json", "breezy"),
    ("GET", "/hcmRestApi/resources/latest/recruitingCEJobRequisitions", "oracle"),
    ("GET", "/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails", "oracle"),
    (
        "POST",
        "/TEC1006TESER/JobBoard/18180d88-ced0-4361-bd09-d5eef66dab24/JobBoardView/LoadSearchResults",
        "ultipro",
    ),
    ("GET", "/TEC1006TESER/JobBoard/18180d88-ced0-4361-bd09-d5eef66dab24/OpportunityDetail", "ultipro"),
    ("GET", "/companies/routinelabs", "join"),
    ("GET", "/companies/routinelabs/16397229-senior-software-engineer-backend-llm-infrastructure", "join"),
    ("POST", "/candidate-api/graphql", "join"),
]


def routes_matching(method: str, path: str) -> list[str]:
    """The replay modules (short names) whose routes match METHOD path."""
    server._load_routes()
    return [
        fn.__module__.rsplit(".", 1)[-1]
        for m, pattern, fn in server._ROUTES
        if m == method and pattern.match(path)
    ]


def assert_routes_alone(module: str) -> None:
    """`module`'s paths reach only its routes, and no other source's path reaches them."""
    for method, path, owner in KNOWN_PATHS:
        got = routes_matching(method, path)
        if owner == module:
            assert got == [module], (method, path, got)
        else:
            assert module not in got, (method, path, got)


def assert_reparse_same(db: Path, company: dict[str, Any]) -> int:
    """Each stored payload re-parsed offline (`parse_raw`) gives the posting and bands the crawl
    stored; returns how many postings were compared."""
    cfg = CompanyConfig(
        name=company["name"],
        source=company["source"],
        board=company["board"],
        base_url=company.get("base_url"),
        options={k: v for k, v in company.items() if k not in ("name", "source", "board", "base_url")},
    )
    source_cls = get_source(cfg.source)
    assert source_cls is not None
    source = source_cls(cfg)
    stored = query(
        db,
        "SELECT p.posting_id, p.external_id, p.title, p.url, p.location, p.department, p.employment_type,"
        " p.description, r.payload FROM postings p JOIN posting_raw r USING (posting_id)"
        " WHERE p.company = ? ORDER BY 1",
        [cfg.name],
    )
    assert stored
    for pid, ext, title, url, location, department, employment_type, description, payload in stored:
        again = source.parse_raw(json.loads(payload))
        assert again.posting_id == pid
        got = (again.external_id, again.title, again.url, again.location, again.department)
        assert got == (ext, title, url, location, department)
        assert (again.employment_type, again.description) == (employment_type, description)
        bands = query(
            db,
            "SELECT min_amount, max_amount, currency, period, pay_type, zone, origin FROM pay_bands"
            " WHERE posting_id = ? ORDER BY band_no",
            [pid],
        )
        assert [
            (b.min_amount, b.max_amount, b.currency, b.period, b.pay_type, b.zone, b.origin)
            for b in again.bands
        ] == bands
    return len(stored)


def registry_rows(ats: str) -> list[dict[str, str]]:
    """The registry's companies on `ats` (../shared/registry/ai_companies.csv)."""
    path = REGISTRY / "ai_companies.csv"
    if not path.is_file():
        pytest.skip("../shared/registry is absent")
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["ats"] == ats]


def roster(name: str, *keys: str) -> list[dict[str, str]]:
    """openings-mcp's roster `{name}__companies.yaml` (../shared/registry/sources/openings-mcp): its
    entries' `keys`, read line by line (the files are flat lists of `- company:` entries)."""
    path = REGISTRY / "sources" / "openings-mcp" / f"{name}__companies.yaml"
    if not path.is_file():
        pytest.skip("../shared/registry is absent")
    entries: list[dict[str, str]] = []
    for line in path.read_text("utf-8").splitlines():
        m = re.match(r"(-| ) (\w+): (.*)$", line)
        if not m:
            continue
        if m.group(1) == "-":
            entries.append({})
        if entries:
            entries[-1][m.group(2)] = m.group(3).strip().strip('"')
    return [e for e in entries if all(k in e for k in keys)]
