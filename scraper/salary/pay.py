"""Annualization constants, the dated FX table, and the one band constructor.

Every PayBand in paybands is built by `make_band`, so annual and USD values
are always derived the same way, and every band (structured or text) passes the
same plausibility rule, `band_problem`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..models import Origin, PayBand, PayType, Period
from .iso4217 import ACTIVE
from .numbers import describe

# Working time per year: 40 h x 52 weeks, 5 days x 52 weeks.
ANNUAL_FACTOR: dict[str, int] = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}

# --- plausibility ---------------------------------------------------------------------------------
# Annualized pay outside [floor of its currency, 5M] USD is not a salary: a parse error, a unit
# mistake, a funding round, a revenue figure. Precision first: no band.
MAX_PLAUSIBLE_ANNUAL_USD = 5_000_000.0

# The floor: the least a salaried role paid in that currency can believably pay in a year (hourly
# pay annualized at 2080 h, like every other period). It exists to catch the 100x unit mistake
# (cents read as dollars: "180000" cents is $1,800 a year, no engineer's pay), so it sits well
# below the lowest full-time legal minimum wage among the places that pay in the currency (2024-25
# figures at the FX table's rates), leaving room for interns' stipends and part-time hours:
#
# - 6,000: currencies of high-wage economies whose lowest full-time minimum (statutory or
#   collective) is $13k-40k a year: AUD (A$24.10/h), CAD (C$17.30/h), GBP (£11.44/h), NZD, CHF,
#   the Nordic kroner (collective agreements), ILS (₪5,880/month), JPY (lowest prefecture ¥951/h:
#   ~$13k), KRW (₩9,860/h: ~$15k). Catches a cents mistake on any range whose minimum is under
#   ~$600k; accepts hourly pay of $2.90 and up.
# - 4,000: USD and EUR. USD's own floor would be far higher (federal $7.25/h = $15,080), but USD is
#   also the pay of Ecuador ($470/month), El Salvador ($365/month: $4,380), Panama and of remote
#   contractors everywhere; EUR is also paid in Kosovo and Montenegro (€350-€600/month). Catches
#   the cents mistake on ranges whose minimum is under $400k (the 180,000-cents case: $1,800).
# - 300: currencies of economies where a real full-time monthly wage is tens of dollars to ~$150
#   (NGN's ₦70,000/month minimum is ~$540 a year; India's ₹178/day floor ~$550; interns' stipends
#   of ₹5,000/month ~$700): INR, PKR, BDT, NGN, EGP, KES and the others listed below. Here a cents
#   mistake is caught only on ranges under ~30,000 USD; real low pay is kept.
# - 1,500 for every other currency (middle-income: CNY's lowest ~CNY 1,700/month = $2,800, BRL,
#   MXN, ZAR, TRY, THB, PHP ~$1,800, the Gulf's migrant wages ~$3,000, eastern Europe).
#
# A currency missing from the FX table has no USD value, so no floor and no USD ceiling apply
# (its stated amounts are kept, its USD columns are null: a rate is never guessed); only the
# currency-blind bound below does.
_FLOOR_TIERS: dict[float, str] = {
    6_000.0: "AUD CAD CHF DKK GBP ILS ISK JPY KRW NOK NZD SEK",
    4_000.0: "USD EUR",
    300.0: (
        "AFN BDT BIF CDF EGP ETB GHS GMD GNF HTG IDR INR IRR KES KGS KHR LAK LBP LKR LRD MGA MMK MRU MWK "
        "MZN NGN NPR PKR RWF SDG SLE SLL SOS SSP SYP TJS TZS UGX UZS VES VND XAF XOF YER ZMW ZWG"
    ),
}
ANNUAL_FLOOR_USD: dict[str, float] = {
    c: floor for floor, codes in _FLOOR_TIERS.items() for c in codes.split()
}
DEFAULT_ANNUAL_FLOOR_USD = 1_500.0
# Currency-blind bound on a year's pay in stated units: $5M is ~5e12 in the weakest currency in use
# (IRR at ~10^6 per USD), so more than 1e13 units a year is no salary in any currency (10**400, a
# 400-digit string, ...).
MAX_ANNUAL_UNITS = 1e13


def annual_floor_usd(currency: str) -> float:
    """The least annual pay (USD) believable for a salaried role paid in `currency` (see above)."""
    return ANNUAL_FLOOR_USD.get(currency, DEFAULT_ANNUAL_FLOOR_USD)


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


def _amount_problem(value: object) -> str | None:
    if type(value) is float and 0 < value <= MAX_ANNUAL_UNITS:
        return None  # the common case, decided at once (NaN and inf fail the comparison)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"amount {describe(value)} is not a number"
    try:
        v = float(value)
    except OverflowError:
        return f"amount {describe(value)} is too large to be pay"
    if not math.isfinite(v):
        return f"amount {describe(value)} is not a finite number"
    if v <= 0:
        return f"amount {describe(value)} is not a positive amount"
    if v > MAX_ANNUAL_UNITS:
        return f"amount {describe(value)} is too large to be pay"
    return None


def band_problem(min_amount: object, max_amount: object, currency: object, period: object) -> str | None:
    """Why these numbers cannot be a real pay band (one sentence, no trailing period), or None.

    The one plausibility rule of paybands: make_band applies it to every band, structured or
    text. A side that is present but invalid rejects the whole band (never an open band).
    """
    if not isinstance(period, str) or period not in ANNUAL_FACTOR:
        return f"period {describe(period)} is not a pay period"
    code = currency.upper() if isinstance(currency, str) else None
    rates = fx_table().usd_per_unit
    if code is None or (code not in ACTIVE and code not in rates):
        return f"currency {describe(currency)} is not an ISO 4217 currency"
    vals = [v for v in (min_amount, max_amount) if v is not None]
    if not vals:
        return "no amount"
    for v in vals:
        problem = _amount_problem(v)
        if problem is not None:
            return problem
    lo = float(min_amount) if min_amount is not None else None  # type: ignore[arg-type]
    hi = float(max_amount) if max_amount is not None else None  # type: ignore[arg-type]
    if lo is not None and hi is not None and lo > hi:
        return f"minimum {_num(lo)} is above maximum {_num(hi)}"
    factor = ANNUAL_FACTOR[period]
    top = max(v for v in (lo, hi) if v is not None)
    if top * factor > MAX_ANNUAL_UNITS:
        return f"{_num(top)} {code} a {period} is too large to be pay"
    rate = rates.get(code)
    if rate is None:
        return None  # no rate: the amounts stand as stated, without USD values or a USD window
    floor = annual_floor_usd(code)
    for v in (lo, hi):
        if v is None:
            continue
        usd = round(v * factor * rate, 2)
        if usd < floor:
            return (
                f"{_num(v)} {code} a {period} is {usd:,.0f} USD a year, below the {floor:,.0f} USD "
                f"floor for {code} (a unit mistake, such as cents read as whole units?)"
            )
        if usd > MAX_PLAUSIBLE_ANNUAL_USD:
            return (
                f"{_num(v)} {code} a {period} is {usd:,.0f} USD a year, above the "
                f"{MAX_PLAUSIBLE_ANNUAL_USD:,.0f} USD ceiling"
            )
    return None


def _num(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


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
    """Build a band, or None when the numbers cannot be a real pay band (`band_problem` says why).

    Never raises on odd input. A currency missing from the FX table keeps its stated amounts
    with null USD values.
    """
    if band_problem(min_amount, max_amount, currency, period) is not None:
        return None
    currency = currency.upper()
    lo = float(min_amount) if min_amount is not None else None
    hi = float(max_amount) if max_amount is not None else None
    fx = fx_table()
    annual_min, annual_max = annualize(lo, period), annualize(hi, period)
    return PayBand(
        min_amount=lo,
        max_amount=hi,
        currency=currency,
        period=period,
        annual_min=annual_min,
        annual_max=annual_max,
        annual_min_usd=fx.to_usd(annual_min, currency),
        annual_max_usd=fx.to_usd(annual_max, currency),
        pay_type=pay_type,
        zone=zone or None,
        origin=origin,
        source_text=source_text,
        is_estimate=is_estimate,
        span=span,
        rule=rule or origin,
    )
