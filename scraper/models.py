"""Typed records passed between crawl stages.

One unit per field: amounts are always in major currency units (dollars,
euros, ...) of the stated period; never cents, never "k".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

Period = Literal["year", "month", "week", "day", "hour"]
PayType = Literal["base", "total", "ote", "unknown"]
Origin = Literal["structured", "text"]
Remote = Literal["remote", "hybrid", "onsite"]

PERIODS: tuple[str, ...] = get_args(Period)
PAY_TYPES: tuple[str, ...] = get_args(PayType)
ORIGINS: tuple[str, ...] = get_args(Origin)


@dataclass(slots=True, frozen=True)
class PayBand:
    """One stated pay range (or single amount) for one zone of one posting."""

    min_amount: float | None  # None = open lower side ("up to $X")
    max_amount: float | None  # None = open upper side ("from $X")
    currency: str  # ISO 4217
    period: Period
    annual_min: float | None
    annual_max: float | None
    annual_min_usd: float | None
    annual_max_usd: float | None
    pay_type: PayType = "unknown"
    zone: str | None = None  # pay zone / location the band applies to
    origin: Origin = "text"
    source_text: str = ""  # the text (or structured summary) the band came from
    is_estimate: bool = False  # e.g. schema.org estimatedSalary: not posted pay
    span: tuple[int, int] | None = None  # character offsets in the parsed text
    # Why the band exists: the rule that produced it ("structured:greenhouse", "text:range",
    # "text:open-min" ...). `span` (text) or `source_text` (structured) is its evidence.
    rule: str = ""


@dataclass(slots=True)
class Posting:
    """One job posting as extracted from a source, before storage."""

    source: str
    board: str
    company: str
    external_id: str
    title: str
    url: str | None = None
    location: str | None = None
    department: str | None = None
    employment_type: str | None = None
    remote: Remote | None = None
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    description: str | None = None  # clean text, no markup
    # The employer's own requisition number when the board states it (Greenhouse requisition_id,
    # Workday jobReqId, SmartRecruiters refNumber, Eightfold ats_job_id): the same requisition on two
    # boards is one posting (scraper.dedupe).
    requisition_id: str | None = None
    raw: str = "{}"  # the source's own JSON for this posting, verbatim
    bands: list[PayBand] = field(default_factory=list)
    # One sentence per pay value the source rejected ("greenhouse pay range 'Remote - US':
    # amount 'NaN' is not a number; no band"); counted per company in crawl_run_companies.warnings.
    warnings: list[str] = field(default_factory=list)
    # Built from the board's list alone: its detail page was refused or failed, so it has no
    # description or pay. A posting already stored keeps its stored version (description, bands,
    # payload); only that it is still listed is recorded. A new one is stored as it is.
    list_only: bool = False

    @property
    def posting_id(self) -> str:
        return posting_id(self.source, self.board, self.external_id)


def posting_id(source: str, board: str, external_id: str) -> str:
    """Stable, readable key: the same posting always gets the same id."""
    return f"{source}:{board.lower()}:{external_id}"
