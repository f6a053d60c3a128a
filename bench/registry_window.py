"""The weekly window per host for crawling the whole registry at default politeness (docs/SCALING.md).

Counts the registry's boards per ATS host, multiplies by the requests one board costs (each source's
paging, or the recorded request shapes where no source exists yet), and by `per_host_delay_s`.
Nothing is fetched: the board sizes are planning figures (see SIZES), not measurements.

    .venv/bin/python -m bench.registry_window [--registry ../shared/registry/ai_companies.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT.parent / "shared" / "registry" / "ai_companies.csv"
WEEK_S = 7 * 24 * 3600
DELAY_S = 1.0  # [crawl] per_host_delay_s, the default


def _workday_requests(n: int) -> int:
    """NVIDIA's recorded unfiltered search (2,548 postings behind a total of 2000) split as the source
    splits it: its first page, one search per value of the facet chosen, one detail per posting."""
    from scraper.sources import workday

    data = json.loads((ROOT / "tests/fixtures/real/workday/nvidia_jobs_limit1_facets.json").read_text())
    facets = workday.facets_of(data["facets"])
    if n < workday.TOTAL_CAP:
        return math.ceil(n / workday.PAGE_SIZE) + n
    facet = workday.split_facet(facets, {}, data["total"])
    assert facet is not None
    return 1 + sum(math.ceil(v.count / workday.PAGE_SIZE) for v in facet.values) + n


@dataclass(frozen=True)
class Model:
    host: str | None  # the one API host of every board; None: each board is on its own host
    per_board: Callable[[int], int]  # requests of one board of n postings
    how: str  # where per_board comes from
    size: int = 100  # postings per board assumed (planning figure)
    size_basis: str = "assumed"


MODELS: dict[str, Model] = {
    "greenhouse": Model("boards-api.greenhouse.io", lambda n: 1, "1 list with content (source)"),
    "ashby": Model("api.ashbyhq.com", lambda n: 1, "1 list with compensation (source)"),
    "lever": Model("api.lever.co", lambda n: n // 100 + 1, "pages of 100 until a short one (source)"),
    "smartrecruiters": Model(
        "api.smartrecruiters.com", lambda n: math.ceil(n / 100) + n, "pages of 100 + a detail each (source)"
    ),
    "workday": Model(
        None,
        _workday_requests,
        "pages of 20, split by facet past 2,000, + a detail each (source)",
        2548,
        "NVIDIA, recorded facet counts",
    ),  # fmt: skip
    "eightfold": Model(
        None,
        lambda n: math.ceil(n / 10) + n,
        "pages of 10 + a detail each (source)",
        1330,
        "Morgan Stanley, recorded count",
    ),  # fmt: skip
    "workable": Model(
        "apply.workable.com",
        lambda n: math.ceil(n / 10) + n,
        "v3 pages of 10 + a v2 detail each (recorded shape)",
    ),
    "gem": Model(None, lambda n: 1 + n, "no recording: list + a detail each, assumed"),
    "rippling": Model("api.rippling.com", lambda n: 1 + n, "1 list + a detail each (recorded shape)"),
    "join": Model("join.com", lambda n: 1 + n, "1 GraphQL list + a job page each (recorded shape)"),
    "bamboohr": Model(None, lambda n: 1 + n, "1 list + a detail each (recorded shape)"),
    "recruitee": Model(None, lambda n: 1, "1 offers list, no paging (recorded shape)"),
    "teamtailor": Model(None, lambda n: 1, "1 jobs.json, no paging (recorded shape)"),
    "comeet": Model(None, lambda n: 1 + n, "no recording: list + a detail each, assumed"),
    "breezy": Model(None, lambda n: 1, "1 /json list (recorded shape)"),
    "pinpoint": Model(None, lambda n: 1, "1 postings.json (recorded shape)"),
    "personio": Model(None, lambda n: 1, "no recording: 1 XML feed, assumed"),
    "avature": Model(
        None,
        lambda n: math.ceil(n / 12) + n,
        "search pages of 12 + a job page each (recorded shape)",
        436,
        "Bloomberg, recorded count",
    ),  # fmt: skip
    "icims": Model(None, lambda n: math.ceil(n / 20) + n, "search pages + a job page each (recorded shape)"),
    "ukg": Model(
        "recruiting.ultipro.com",
        lambda n: math.ceil(n / 20) + n,
        "pages of 20 + a detail each (recorded shape)",
        90,
        "recorded totalCount",
    ),  # fmt: skip
    "other": Model(None, lambda n: 1 + n, "jsonld: 1 listing + a job page each (source)"),
}


def _host(ats: str, careers_url: str) -> str:
    model = MODELS[ats]
    netloc = urlsplit(careers_url).netloc.lower()
    if model.host is None:
        return netloc or f"({ats} board)"
    if ".eu." in netloc:  # EU-hosted boards answer on the ATS's EU API host: a host of its own
        return model.host.replace(".", ".eu.", 1) if ats != "greenhouse" else "boards-api.eu.greenhouse.io"
    return model.host


def window(registry: Path = REGISTRY) -> list[dict]:
    with registry.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    per_host: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        per_host[(r["ats"], _host(r["ats"], r["careers_url"]))] += 1
    out = []
    for ats, model in MODELS.items():
        hosts = {h: n for (a, h), n in per_host.items() if a == ats}
        if not hosts:
            continue
        per_board = model.per_board(model.size)
        busiest = max(hosts.values())
        requests = busiest * per_board + 1  # + robots.txt, once per host per run
        out.append(
            {
                "ats": ats,
                "boards": sum(hosts.values()),
                "hosts": len(hosts),
                "size": model.size,
                "size_basis": model.size_basis,
                "per_board": per_board,
                "how": model.how,
                "busiest_boards": busiest,
                "busiest_requests": requests,
                "busiest_s": requests * DELAY_S,
                "week_share": requests * DELAY_S / WEEK_S,
                "all_requests": sum(hosts.values()) * per_board + len(hosts),
            }
        )
    return sorted(out, key=lambda r: -r["busiest_s"])


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def markdown(rows: list[dict]) -> str:
    lines = [
        "| ATS | boards | hosts | postings/board | requests/board | busiest host: boards → requests | its time at 1 s | of the week |",
        "|---|---:|---:|---|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['ats']} | {r['boards']} | {r['hosts']} | {r['size']:,} ({r['size_basis']}) | "
            f"{r['per_board']:,}: {r['how']} | {r['busiest_boards']} → {r['busiest_requests']:,} | "
            f"{_duration(r['busiest_s'])} | {100 * r['week_share']:.2f} % |"
        )
    total = sum(r["all_requests"] for r in rows)
    lines.append(
        f"| **all** | {sum(r['boards'] for r in rows):,} | {sum(r['hosts'] for r in rows):,} | | "
        f"{total:,} requests in all | | **{_duration(rows[0]['busiest_s'])}** (busiest host) | |"
    )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--registry", type=Path, default=REGISTRY)
    print(markdown(window(ap.parse_args().registry)))


if __name__ == "__main__":
    main()
