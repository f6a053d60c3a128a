"""Pay bands from structured fields: ATS salary ranges and schema.org baseSalary / estimatedSalary."""

from __future__ import annotations

import json

from ..models import PayBand, PayType
from . import currency
from .iso4217 import ACTIVE
from .numbers import AmountError, amount_of, describe
from .pay import band_problem, fx_table, make_band
from .periods import normalize_interval

# schema.org values without a unitText: yearly only when annual-sized (as in free text).
_ANNUAL_SIZE_USD = 10_000.0


def _currency_code(value: object) -> str | None:
    """'usd' / 'USD' / '$' / 'US$' / 'KZT' -> ISO 4217 code; None when missing or not a currency.

    Any active ISO 4217 code is accepted, with or without a rate in the FX table (a band in a
    currency without a rate keeps its amounts and has null USD values).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    code = raw.upper()
    if code in ACTIVE or code in fx_table().usd_per_unit:
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
    currency_code: object,
    interval: object,
    *,
    pay_type: PayType = "unknown",
    zone: str | None = None,
    source_text: str = "",
    cents: bool = False,
    is_estimate: bool = False,
    rule: str = "structured",
    warnings: list[str] | None = None,
    label: str | None = None,
) -> PayBand | None:
    """One band from ATS fields (Lever salaryRange, Ashby component, Greenhouse pay_input_ranges).

    `interval` takes every spelling the sources use ("per-year-salary", "1 HOUR",
    "YEAR", "hourly" ...); one-time and unknown intervals give None. Amounts may be
    str / int / float / None; `cents=True` divides by 100. `rule` says which source's
    fields the band came from ("structured:greenhouse").

    Never raises. A stated amount that is not a finite number (a bool, a list, NaN, "inf",
    10**400), a currency that is not one, or numbers that fail `pay.band_problem` (the cents
    mistake, more than 5M USD a year) give no band - never an open band when one side is bad -
    and one sentence appended to `warnings`: "{label}: {why}; no band" (`label` defaults to
    `rule`). Both amounts missing is no pay stated: None without a warning.
    """
    where = label or rule

    def reject(reason: str) -> None:
        if warnings is not None:
            warnings.append(f"{where}: {reason}; no band")

    try:
        lo, hi = amount_of(min_amount), amount_of(max_amount)
    except AmountError as exc:
        reject(str(exc))
        return None
    if lo is None and hi is None:
        return None
    period = normalize_interval(interval)
    if period is None:
        return None  # one-time, "NONE" or no period stated: not a periodic wage
    code = _currency_code(currency_code)
    if code is None:
        reject(f"currency {describe(currency_code)} is not an ISO 4217 currency")
        return None
    if cents:
        lo = lo / 100 if lo is not None else None
        hi = hi / 100 if hi is not None else None
    problem = band_problem(lo, hi, code, period)
    if problem is not None:
        reject(f"{problem}{' (amounts in cents)' if cents else ''}")
        return None
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
        rule=rule,
    )


def _summary(obj: object) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)[:300]
    except (TypeError, ValueError, RecursionError):  # ValueError: an int too long to print
        return describe(obj, 300)


def schema_org_bands(
    base_salary: object,
    *,
    estimate: bool = False,
    currency_hint: str | None = None,
    country: str | None = None,
    warnings: list[str] | None = None,
) -> list[PayBand]:
    """Bands from a JobPosting's baseSalary (or estimatedSalary with estimate=True).

    Accepts a MonetaryAmount {currency|salaryCurrency, value: number | str |
    QuantitativeValue {value|minValue|maxValue, unitText}}, unitText on either
    level, a list of those, a bare number, or null/empty (-> []).
    baseSalary bands are "base" (rule `schema_org`); estimatedSalary bands are estimates of
    unknown kind (rule `schema_org:estimate`). `country` (ISO 3166 alpha-2 of the posting) goes
    to the text normalizer when the field holds text. Never raises; a value that is present
    but unusable (see structured_band) adds a sentence to `warnings`.
    """
    field = "estimatedSalary" if estimate else "baseSalary"
    rule = "schema_org:estimate" if estimate else "schema_org"
    if base_salary is None or base_salary == "" or base_salary == [] or base_salary == {}:
        return []
    if isinstance(base_salary, list | tuple):
        out: list[PayBand] = []
        for item in base_salary:
            out.extend(
                schema_org_bands(
                    item, estimate=estimate, currency_hint=currency_hint, country=country, warnings=warnings
                )
            )
        return out
    pay_type: PayType = "unknown" if estimate else "base"
    if isinstance(base_salary, str):
        # Some sites put the human text there ("$120,000 - $150,000 a year").
        from .text import parse_pay_text

        texts: list[PayBand] = []
        for b in parse_pay_text(base_salary, default_currency=currency_hint or "USD", country=country):
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
                rule=rule,
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
        try:
            lo_f, hi_f = amount_of(lo), amount_of(hi)
            if lo_f is None and hi_f is None:
                lo_f = hi_f = amount_of(single)
        except AmountError as exc:
            if warnings is not None:
                warnings.append(f"schema.org {field}: {exc}; no band")
            continue
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
                continue  # no period and no rate to tell an annual size by: never a guess
            period = "year"
        problem = band_problem(lo_f, hi_f, code, period)
        if problem is not None:
            if warnings is not None:
                warnings.append(f"schema.org {field}: {problem}; no band")
            continue
        band = make_band(
            lo_f,
            hi_f,
            code,
            period,
            pay_type=pay_type,
            origin="structured",
            source_text=_summary(base_salary),
            is_estimate=estimate,
            rule=rule,
        )
        if band is not None:
            out.append(band)
    return out
