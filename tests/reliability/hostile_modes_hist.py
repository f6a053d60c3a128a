"""Hostile modes for history and storage (#13 items 1 and 3): boards whose listing glitches.

Each mode serves a generated board through a path override of the hostile server, so a test can
crawl the same board healthy, glitching, and healthy again, and check what history kept.
"""

from __future__ import annotations

from typing import Any

from scraper.replay import ReplayRequest, ReplayResponse
from tests.reliability.hostile_server import HostileServer, mode


def greenhouse_jobs(n: int, prefix: str = "job") -> list[dict[str, Any]]:
    """`n` Greenhouse jobs with stable ids (ids 1000.. by position) and a pay range in the text."""
    return [
        {
            "id": 1000 + i,
            "title": f"Machine Learning Engineer {prefix} {i}",
            "absolute_url": f"https://boards.example/{prefix}/{1000 + i}",
            "location": {"name": "San Francisco, CA"},
            "updated_at": "2026-01-05T00:00:00Z",
            "first_published": "2026-01-01T00:00:00Z",
            "content": f"<p>Build models ({prefix} {i}).</p><p>Salary $180,000 - $240,000 per year.</p>",
            "departments": [{"name": "Research"}],
        }
        for i in range(n)
    ]


def lever_postings(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"lever-{i:05d}",
            "text": f"Research Engineer {i}",
            "categories": {"location": "Remote - US", "team": "Research", "commitment": "Full-time"},
            "descriptionPlain": f"Train models ({i}). Pay: $150,000 - $200,000 per year.",
            "hostedUrl": f"https://jobs.example/lever-{i:05d}",
            "createdAt": 1767225600000,
        }
        for i in range(n)
    ]


def _serve_greenhouse(srv: HostileServer, path: str, jobs: list[dict[str, Any]]) -> None:
    def handler(req: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.json({"jobs": jobs, "meta": {"total": len(jobs)}})

    srv.overrides[("GET", path)] = handler


@mode("gh-board", "a healthy Greenhouse board of `total` generated jobs")
def _gh_board(srv: HostileServer, *, path: str, total: int) -> None:
    _serve_greenhouse(srv, path, greenhouse_jobs(total))


@mode("board-shrinks", "a Greenhouse board of `total` jobs answers 200 with only its first `keep`")
def _board_shrinks(srv: HostileServer, *, path: str, total: int, keep: int) -> None:
    _serve_greenhouse(srv, path, greenhouse_jobs(total)[:keep])


@mode("board-drops", "a Greenhouse board of `total` jobs answers without the jobs at positions `gone`")
def _board_drops(srv: HostileServer, *, path: str, total: int, gone: frozenset[int]) -> None:
    _serve_greenhouse(srv, path, [j for i, j in enumerate(greenhouse_jobs(total)) if i not in gone])


@mode("ids-lost", "a Greenhouse board of `total` jobs where `lose` of them come without an `id`")
def _ids_lost(srv: HostileServer, *, path: str, total: int, lose: int) -> None:
    jobs = greenhouse_jobs(total)
    for job in jobs[total - lose :]:
        del job["id"]
    _serve_greenhouse(srv, path, jobs)


@mode("lever-board", "a healthy Lever site of `total` postings, paged by skip/limit")
def _lever_board(srv: HostileServer, *, path: str, total: int) -> None:
    items = lever_postings(total)

    def handler(req: ReplayRequest) -> ReplayResponse:
        skip, limit = max(req.int_arg("skip", 0), 0), req.int_arg("limit", 0)
        return ReplayResponse.json(items[skip : skip + limit] if limit > 0 else items[skip:])

    srv.overrides[("GET", path)] = handler


@mode("lever-page2-empty", "a Lever site of `total` postings whose pages after the first answer []")
def _lever_page2_empty(srv: HostileServer, *, path: str, total: int) -> None:
    items = lever_postings(total)

    def handler(req: ReplayRequest) -> ReplayResponse:
        skip, limit = max(req.int_arg("skip", 0), 0), req.int_arg("limit", 0)
        return ReplayResponse.json(items[:limit] if skip == 0 else [])

    srv.overrides[("GET", path)] = handler
