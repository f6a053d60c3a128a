"""Re-derive bands from stored raw payloads, offline: a better normalizer improves history."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import CompanyConfig
from .enrich import refresh_database
from .models import Posting
from .sources import get_source
from .store import CompanyOutcome, CrawlLock, Store, WriteCounts


@dataclass(slots=True)
class ReparseResult:
    run_id: int
    postings: int = 0
    changed: int = 0
    skipped: list[str] = field(default_factory=list)  # boards whose source cannot reparse, or bad payloads
    reclassified: int = 0  # postings whose role taxonomy changed (the current taxonomy, re-applied)


_LATEST_RAW = """
    SELECT p.posting_id, r.payload
    FROM postings p
    JOIN (SELECT posting_id, arg_max(payload, fetched_at) AS payload FROM posting_raw GROUP BY posting_id) r
      USING (posting_id)
    WHERE p.source = ? AND p.board = ?
"""


def reparse(db_path: str | Path, progress: Callable[[str], None] | None = None) -> ReparseResult:
    with CrawlLock(db_path):
        store = Store(db_path)
        run_id = store.begin_run("reparse")
        result = ReparseResult(run_id)
        outcomes: list[CompanyOutcome] = []  # one per board: crawl_runs.companies counts boards, not 1
        with store.hold(), store.connection() as con:
            boards = con.execute(
                "SELECT source, board, any_value(company) FROM postings GROUP BY 1, 2 ORDER BY 1, 2"
            ).fetchall()
            for source_name, board, company in boards:
                source_cls = get_source(source_name)
                if source_cls is None:
                    result.skipped.append(f"{source_name}:{board} (source no longer exists)")
                    continue
                source = source_cls(CompanyConfig(name=company, source=source_name, board=board))
                postings: list[Posting] = []
                for pid, payload in con.execute(_LATEST_RAW, [source_name, board]).fetchall():
                    try:
                        posting = source.parse_raw(json.loads(payload))
                    except NotImplementedError:
                        result.skipped.append(f"{source_name}:{board} (cannot reparse)")
                        break
                    except (ValueError, TypeError, KeyError, AttributeError) as exc:
                        result.skipped.append(f"{pid} ({type(exc).__name__}: {exc})")
                        continue
                    if posting.posting_id == pid:
                        postings.append(posting)
                changed = store.reparse_bands(run_id, postings)
                result.postings += len(postings)
                result.changed += changed
                counts = WriteCounts(postings=len(postings), changed_bands=changed)
                outcomes.append(CompanyOutcome(company, source_name, board, "ok", counts=counts))
                if progress:
                    progress(
                        f"{company} ({source_name}:{board}): {len(postings)} postings, {changed} with new bands"
                    )
        store.finish_run(run_id, outcomes, requests=0, status="ok")
        store.close()
        # The taxonomy too is re-derived from what is stored: a reparse leaves the file as a crawl
        # with today's code would.
        result.reclassified = refresh_database(db_path, force=True)
        return result
