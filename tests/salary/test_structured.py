"""structured_band / schema_org_bands: every spelling the sources use, as tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.salary import parse_pay_text, schema_org_bands, structured_band

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


# --- Greenhouse pay_input_ranges: cents -----------------------------------------------------
@pytest.mark.parametrize(
    ("lo", "hi", "cur", "exp_lo", "exp_hi"),
    [
        (22280000, 29000000, "USD", 222800.0, 290000.0),  # anthropic_job_4461450008_pay_transparency.json
        ("22280000", "29000000", "USD", 222800.0, 290000.0),
        (10840000, 12960000, "usd", 108400.0, 129600.0),  # lowercase currency
        (9999, 19999, "USD", None, None),  # $99.99-$199.99 a year: implausible
        (1500050, 2000000, "EUR", 15000.5, 20000.0),
    ],
)
def test_greenhouse_cents(lo, hi, cur, exp_lo, exp_hi) -> None:
    band = structured_band(lo, hi, cur, "year", cents=True)
    if exp_lo is None:
        assert band is None
        return
    assert band is not None
    assert (band.min_amount, band.max_amount, band.currency, band.period) == (
        exp_lo,
        exp_hi,
        cur.upper(),
        "year",
    )
    assert band.origin == "structured"


# --- Lever salaryRange.interval --------------------------------------------------------------
@pytest.mark.parametrize(
    ("interval", "lo", "hi", "period", "annual_lo"),
    [
        ("per-year-salary", 150000, 180000, "year", 150000.0),  # matchgroup_postings_2jobs.json
        ("per-month-salary", 8000, 9000, "month", 96000.0),
        ("per-week-salary", 2000, 2400, "week", 104000.0),
        ("per-day-wage", 500, 650, "day", 130000.0),
        ("per-hour-wage", 25, 35, "hour", 52000.0),
        ("one-time", 5000, 5000, None, None),
        ("per-fortnight", 4000, 5000, None, None),  # unknown spelling
    ],
)
def test_lever_intervals(interval, lo, hi, period, annual_lo) -> None:
    band = structured_band(lo, hi, "USD", interval, source_text="salaryRange")
    if period is None:
        assert band is None
        return
    assert band is not None and band.period == period and band.annual_min == annual_lo


# --- Ashby compensation component intervals ---------------------------------------------------
@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("1 YEAR", "year"),
        ("1 HOUR", "hour"),
        ("1 MONTH", "month"),
        ("1 WEEK", "week"),
        ("1 DAY", "day"),
        ("NONE", None),
        ("1 TIME", None),
        ("1 year", "year"),
        (" 1  Hour ", "hour"),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_ashby_intervals(interval, period) -> None:
    lo, hi = (
        (40, 60)
        if period == "hour"
        else (6000, 9000)
        if period in ("month", "week", "day")
        else (90000, 120000)
    )
    if period == "week":
        lo, hi = 1500, 2000
    if period == "day":
        lo, hi = 400, 500
    band = structured_band(lo, hi, "USD", interval)
    assert (band.period if band else None) == period


@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("YEAR", "year"),
        ("HOUR", "hour"),
        ("MONTH", "month"),
        ("WEEK", "week"),
        ("DAY", "day"),
        ("year", "year"),
        ("annual", "year"),
        ("Annually", "year"),
        ("yearly", "year"),
        ("hourly", "hour"),
        ("monthly", "month"),
        ("weekly", "week"),
        ("daily", "day"),
        ("per annum", "year"),
        ("P1Y", "year"),
        ("PT1H", "hour"),
        ("fortnightly", None),
    ],
)
def test_plain_interval_words(interval, period) -> None:
    lo = {"hour": 30, "day": 300, "week": 1500, "month": 6000}.get(period or "", 100000)
    band = structured_band(lo, lo * 1.2, "EUR", interval)
    assert (band.period if band else None) == period


@pytest.mark.parametrize(
    ("lo", "hi", "exp"),
    [
        (None, 180000, (None, 180000.0)),
        (150000, None, (150000.0, None)),
        ("150,000", "180,000.00", (150000.0, 180000.0)),
        ("$150,000", "$180,000", (150000.0, 180000.0)),
        (150000.0, 180000.0, (150000.0, 180000.0)),
        (None, None, None),
        ("", "", None),
        ("abc", "def", None),
        (180000, 150000, None),  # min > max
        (0, 0, None),
        (-5, 10, None),
        (float("nan"), 100000, (None, 100000.0)),  # NaN is a missing value, like None
        (True, 100000, (None, 100000.0)),  # a bool is not an amount
    ],
)
def test_amount_types(lo, hi, exp) -> None:
    band = structured_band(lo, hi, "USD", "per-year-salary")
    assert ((band.min_amount, band.max_amount) if band else None) == exp


@pytest.mark.parametrize("cur", ["USD", "usd", " usd ", "$", "US$"])
def test_currency_spellings(cur) -> None:
    band = structured_band(100000, 120000, cur, "YEAR")
    assert band is not None and band.currency == "USD"


@pytest.mark.parametrize("cur", [None, "", "XYZ", 5])
def test_unknown_currency_gives_none(cur) -> None:
    assert structured_band(100000, 120000, cur, "YEAR") is None


def test_structured_passes_fields_through() -> None:
    band = structured_band(
        100000, 120000, "GBP", "1 YEAR", pay_type="ote", zone="UK", source_text="OTE £100K", is_estimate=True
    )
    assert band is not None
    assert (band.pay_type, band.zone, band.source_text, band.is_estimate, band.origin) == (
        "ote",
        "UK",
        "OTE £100K",
        True,
        "structured",
    )
    assert band.annual_min_usd == pytest.approx(100000 * 1.3716)


# --- schema.org baseSalary / estimatedSalary --------------------------------------------------
# Verbatim baseSalary objects from tests/fixtures/real/jsonld/*.html (see PROVENANCE.md).
ENGAGE_MIN_ONLY = {
    "@type": "MonetaryAmount",
    "currency": "JPY",
    "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": "3600000"},
}
HRMOS_VISIONAL = {
    "@type": "MonetaryAmount",
    "currency": "JPY",
    "value": {"@type": "QuantitativeValue", "minValue": 6000000, "maxValue": 10000000, "unitText": "YEAR"},
}
MYNAVI_STRINGS = {
    "@type": "MonetaryAmount",
    "currency": "JPY",
    "value": {
        "@type": "QuantitativeValue",
        "minValue": "4200000",
        "maxValue": "10000000",
        "unitText": "YEAR",
    },
}
NODESK_FLOATS = {
    "@type": "MonetaryAmount",
    "currency": "USD",
    "value": {"@type": "QuantitativeValue", "minValue": 150000.0, "maxValue": 250000.0, "unitText": "YEAR"},
}
SYNOPSYS_EMPTY = {
    "@type": "MonetaryAmount",
    "currency": "",
    "value": {"@type": "QuantitativeValue", "unitText": ""},
}


@pytest.mark.parametrize(
    ("base_salary", "expected"),
    [
        (ENGAGE_MIN_ONLY, [(3600000.0, None, "JPY", "year")]),
        (HRMOS_VISIONAL, [(6000000.0, 10000000.0, "JPY", "year")]),
        (MYNAVI_STRINGS, [(4200000.0, 10000000.0, "JPY", "year")]),
        (NODESK_FLOATS, [(150000.0, 250000.0, "USD", "year")]),
        (SYNOPSYS_EMPTY, []),
        (None, []),  # hrmos_moneyforward: "baseSalary": null
        ({}, []),
        ([], []),
        ("", []),
        # value a number, unitText on the MonetaryAmount
        (
            {"@type": "MonetaryAmount", "currency": "USD", "value": 45, "unitText": "HOUR"},
            [(45.0, 45.0, "USD", "hour")],
        ),
        # value a string number
        ({"currency": "EUR", "value": "4200", "unitText": "MONTH"}, [(4200.0, 4200.0, "EUR", "month")]),
        # QuantitativeValue with a single value
        (
            {"currency": "GBP", "value": {"value": 65000, "unitText": "YEAR"}},
            [(65000.0, 65000.0, "GBP", "year")],
        ),
        # unitText on the outer level, min/max inside
        (
            {"currency": "USD", "unitText": "YEAR", "value": {"minValue": 120000, "maxValue": 150000}},
            [(120000.0, 150000.0, "USD", "year")],
        ),
        # salaryCurrency instead of currency, lowercase code
        (
            {
                "salaryCurrency": "cad",
                "value": {"minValue": "95000", "maxValue": "115000", "unitText": "YEAR"},
            },
            [(95000.0, 115000.0, "CAD", "year")],
        ),
        # min/max directly on the MonetaryAmount
        (
            {"currency": "USD", "minValue": 30, "maxValue": 40, "unitText": "HOUR"},
            [(30.0, 40.0, "USD", "hour")],
        ),
        # list of MonetaryAmounts
        (
            [
                {"currency": "USD", "value": {"minValue": 150000, "maxValue": 180000, "unitText": "YEAR"}},
                {"currency": "CAD", "value": {"minValue": 140000, "maxValue": 170000, "unitText": "YEAR"}},
            ],
            [(150000.0, 180000.0, "USD", "year"), (140000.0, 170000.0, "CAD", "year")],
        ),
        # no unitText: yearly only when annual-sized, otherwise nothing (precision first)
        (
            {"currency": "USD", "value": {"minValue": 120000, "maxValue": 150000}},
            [(120000.0, 150000.0, "USD", "year")],
        ),
        ({"currency": "USD", "value": {"minValue": 20, "maxValue": 30}}, []),
        # a unit that is not a period
        ({"currency": "USD", "value": {"minValue": 500, "maxValue": 900, "unitText": "PIECE"}}, []),
        # no currency anywhere
        ({"value": {"minValue": 120000, "maxValue": 150000, "unitText": "YEAR"}}, []),
        # values that are not numbers
        ({"currency": "USD", "value": {"minValue": "competitive", "unitText": "YEAR"}}, []),
        # human text in baseSalary
        ("$120,000 - $150,000 a year", [(120000.0, 150000.0, "USD", "year")]),
        # a bare annual-sized number (currency from the hint)
        (135000, []),
    ],
)
def test_schema_org_variants(base_salary, expected) -> None:
    got = [(b.min_amount, b.max_amount, b.currency, b.period) for b in schema_org_bands(base_salary)]
    assert got == expected
    assert all(b.origin == "structured" and not b.is_estimate for b in schema_org_bands(base_salary))


def test_schema_org_currency_hint() -> None:
    bands = schema_org_bands(
        {"value": {"minValue": 120000, "maxValue": 150000, "unitText": "YEAR"}}, currency_hint="EUR"
    )
    assert [(b.currency, b.min_amount) for b in bands] == [("EUR", 120000.0)]
    assert [b.currency for b in schema_org_bands(135000, currency_hint="USD")] == ["USD"]


def test_schema_org_base_vs_estimate() -> None:
    base = schema_org_bands(NODESK_FLOATS)
    est = schema_org_bands(NODESK_FLOATS, estimate=True)
    assert [b.is_estimate for b in base] == [False] and base[0].pay_type == "base"
    assert [b.is_estimate for b in est] == [True] and est[0].pay_type == "unknown"
    assert (est[0].min_amount, est[0].max_amount) == (base[0].min_amount, base[0].max_amount)


@pytest.mark.parametrize(
    "junk", [object(), 3.5j, {"value": object()}, [None, {}, "x"], {"value": [1, {"minValue": None}]}]
)
def test_schema_org_never_raises(junk) -> None:
    assert schema_org_bands(junk) == [] or isinstance(schema_org_bands(junk), list)


# --- real Ashby tiers: the text summary says what the structured fields say -------------------
def _ashby_tiers():
    for path in sorted((REAL / "ashby").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        for job in data.get("jobs", []):
            for tier in (job.get("compensation") or {}).get("compensationTiers") or []:
                salary = [c for c in tier["components"] if c["compensationType"] == "Salary"]
                if salary and tier.get("tierSummary"):
                    yield path.name, tier["tierSummary"], salary[0]


def test_ashby_tier_text_agrees_with_structured() -> None:
    """574 real tiers: parse_pay_text(tierSummary) ~= structured_band(component) (summaries round to 0.1K)."""
    tiers = list(_ashby_tiers())
    if not tiers:
        pytest.skip("tests/fixtures/real/ashby not present")
    bad = []
    for name, summary, comp in tiers:
        sb = structured_band(comp["minValue"], comp["maxValue"], comp["currencyCode"], comp["interval"])
        tb = parse_pay_text(summary)
        if sb is None:
            ok = tb == []
        else:
            ok = bool(tb) and (tb[0].currency, tb[0].period) == (sb.currency, sb.period)
            for a, b in ((tb[0].min_amount, sb.min_amount), (tb[0].max_amount, sb.max_amount)) if tb else ():
                ok = ok and a is not None and b is not None and abs(a - b) <= 0.01 * b
        if not ok:
            bad.append(f"{name}: {summary!r} text={tb[:1]} structured={sb}")
    assert len(tiers) > 500
    assert not bad, "\n".join(bad[:20])
