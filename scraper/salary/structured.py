"""Pay bands from structured fields: ATS salary ranges and schema.org baseSalary / estimatedSalary."""

from __future__ import annotations

import json

from ..models import PayBand, PayType
from .pay import fx_table, make_band
from . import currency
from .numbers import to_float
from .periods import normalize_interval

# schema.org values without a unitText: yearly only when annual-sized (as in free text).
_ANNUAL_SIZE_USD = 10_000.0


def _currency_code(value: object) -> str | None:
    """'usd' / 'USD' / '$' / 'US$' -> ISO code; None when missing or unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    code = raw.upper()
    if code in currency.ISO_CODES:
        return code
    marker = currency.marker_currency(raw)
    if marker is None:
        return None
    if currency.is_generic(marker):
        return currency.resolve(marker, "", default_currency="USD")
    return marker


def structured_band(
    min_amount: object,
    max_amount: object,
    currency: object,
    interval: object,
    *,
    pay_type: PayType = "unknown",
    zone: str | None = None,
    source_text: str = "",
    cents: bool = False,
    is_estimate: bool = False,
) -> PayBand | None:
    """One band from ATS fields (Lever salaryRange, Ashby component, Greenhouse pay_input_ranges).

    `interval` takes every spelling the sources use ("per-year-salary", "1 HOUR",
    "YEAR", "hourly" ...); one-time and unknown intervals give None. Amounts may be
    str / int / float / None; `cents=True` divides by 100.
    """
    period = normalize_interval(interval)
    code = _currency_code(currency)
    if period is None or code is None:
        return None
    lo, hi = to_float(min_amount), to_float(max_amount)
    if cents:
        lo = lo / 100 if lo is not None else None
        hi = hi / 100 if hi is not None else None
    return make_band(
        lo,
        hi,
        code,
        period,
        pay_type=pay_type,
        zone=zone,
        origin="structured",
        source_text=source_text,
        is_estimate=is_estimate,
    )


def _summary(obj: object) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)[:300]
    except (TypeError, ValueError):
        return str(obj)[:300]


def schema_org_bands(
    base_salary: object, *, estimate: bool = False, currency_hint: str | None = None
) -> list[PayBand]:
    """Bands from a JobPosting's baseSalary (or estimatedSalary with estimate=True).

    Accepts a MonetaryAmount {currency|salaryCurrency, value: number | str |
    QuantitativeValue {value|minValue|maxValue, unitText}}, unitText on either
    level, a list of those, a bare number, or null/empty (-> []).
    baseSalary bands are "base"; estimatedSalary bands are estimates of unknown kind.
    """
    if base_salary is None or base_salary == "" or base_salary == [] or base_salary == {}:
        return []
    if isinstance(base_salary, list | tuple):
        out: list[PayBand] = []
        for item in base_salary:
            out.extend(schema_org_bands(item, estimate=estimate, currency_hint=currency_hint))
        return out
    pay_type: PayType = "unknown" if estimate else "base"
    if isinstance(base_salary, str):
        # Some sites put the human text there ("$120,000 - $150,000 a year").
        from .text import parse_pay_text

        texts: list[PayBand] = []
        for b in parse_pay_text(base_salary, default_currency=currency_hint or "USD"):
            band = make_band(
                b.min_amount,
                b.max_amount,
                b.currency,
                b.period,
                pay_type=b.pay_type if b.pay_type != "unknown" else pay_type,
                zone=b.zone,
                origin="structured",
                source_text=b.source_text,
                is_estimate=estimate,
            )
            if band is not None:
                texts.append(band)
        return texts
    if isinstance(base_salary, int | float) and not isinstance(base_salary, bool):
        base_salary = {"value": base_salary}
    if not isinstance(base_salary, dict):
        return []

    outer = base_salary
    cur = outer.get("currency") or outer.get("salaryCurrency")
    value = outer.get("value")
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, dict):  # QuantitativeValue
            lo = v.get("minValue")
            hi = v.get("maxValue")
            single = v.get("value")
            unit = v.get("unitText") or outer.get("unitText")
            cur_v = cur or v.get("currency") or v.get("salaryCurrency")
        else:
            lo, hi, single = outer.get("minValue"), outer.get("maxValue"), v
            unit = outer.get("unitText")
            cur_v = cur
        lo_f, hi_f = to_float(lo), to_float(hi)
        if lo_f is None and hi_f is None:
            lo_f = hi_f = to_float(single)
        if lo_f is None and hi_f is None:
            continue
        code = _currency_code(cur_v) or _currency_code(currency_hint)
        if code is None:
            continue
        period = normalize_interval(unit) if unit else None
        if period is None:
            if unit:  # a unit we do not know ("PIECE", "1 TIME"): not a wage
                continue
            rate = fx_table().usd_per_unit.get(code)
            vals = [x for x in (lo_f, hi_f) if x is not None]
            if rate is None or not all(x * rate >= _ANNUAL_SIZE_USD for x in vals):
                continue
            period = "year"
        band = make_band(
            lo_f,
            hi_f,
            code,
            period,
            pay_type=pay_type,
            origin="structured",
            source_text=_summary(base_salary),
            is_estimate=estimate,
        )
        if band is not None:
            out.append(band)
    return out
