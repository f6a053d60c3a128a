"""Annualization constants, the dated FX table, and the one band constructor.

Every PayBand in paybands is built by `make_band`, so annual and USD values
are always derived the same way.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..models import Origin, PayBand, PayType, Period

# Working time per year: 40 h x 52 weeks, 5 days x 52 weeks.
ANNUAL_FACTOR: dict[str, int] = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}

# Annualized pay outside this window (USD) is not a salary: a parse error,
# a funding round, a revenue figure. Precision first: drop it.
MIN_PLAUSIBLE_ANNUAL_USD = 1_000.0
MAX_PLAUSIBLE_ANNUAL_USD = 5_000_000.0


@dataclass(slots=True, frozen=True)
class FxTable:
    as_of: str
    usd_per_unit: dict[str, float]

    def to_usd(self, amount: float | None, currency: str) -> float | None:
        rate = self.usd_per_unit.get(currency)
        if amount is None or rate is None:
            return None
        return round(amount * rate, 2)


@cache
def fx_table() -> FxTable:
    data = json.loads(resources.files("scraper.data").joinpath("fx_rates.json").read_text("utf-8"))
    return FxTable(as_of=data["as_of"], usd_per_unit={k: float(v) for k, v in data["usd_per_unit"].items()})


def annualize(amount: float | None, period: str) -> float | None:
    if amount is None:
        return None
    return round(amount * ANNUAL_FACTOR[period], 2)


def make_band(
    min_amount: float | None,
    max_amount: float | None,
    currency: str,
    period: Period,
    *,
    pay_type: PayType = "unknown",
    zone: str | None = None,
    origin: Origin = "text",
    source_text: str = "",
    is_estimate: bool = False,
    span: tuple[int, int] | None = None,
    rule: str = "",
) -> PayBand | None:
    """Build a band, or None when the numbers cannot be a real pay band."""
    if period not in ANNUAL_FACTOR:
        return None
    vals = [v for v in (min_amount, max_amount) if v is not None]
    if not vals or any(not math.isfinite(v) or v <= 0 for v in vals):
        return None
    if min_amount is not None and max_amount is not None and min_amount > max_amount:
        return None
    currency = currency.upper()
    fx = fx_table()
    annual_min, annual_max = annualize(min_amount, period), annualize(max_amount, period)
    min_usd, max_usd = fx.to_usd(annual_min, currency), fx.to_usd(annual_max, currency)
    for usd in (min_usd, max_usd):
        if usd is not None and not (MIN_PLAUSIBLE_ANNUAL_USD <= usd <= MAX_PLAUSIBLE_ANNUAL_USD):
            return None
    return PayBand(
        min_amount=float(min_amount) if min_amount is not None else None,
        max_amount=float(max_amount) if max_amount is not None else None,
        currency=currency,
        period=period,
        annual_min=annual_min,
        annual_max=annual_max,
        annual_min_usd=min_usd,
        annual_max_usd=max_usd,
        pay_type=pay_type,
        zone=zone or None,
        origin=origin,
        source_text=source_text,
        is_estimate=is_estimate,
        span=span,
        rule=rule or origin,
    )
