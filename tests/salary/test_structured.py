"""structured_band / schema_org_bands: every spelling the sources use, as tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.salary import cues, parse_pay_text, pay, schema_org_bands, structured_band
from scraper.salary.extract import pay_type_from_context
from scraper.salary.pay import (
    DEFAULT_ANNUAL_FLOOR_USD,
    annual_floor_usd,
    band_problem,
    fx_table,
    make_band,
)

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
        # A side that is present but not a number rejects the whole band: never "up to $100,000".
        (float("nan"), 100000, None),
        (True, 100000, None),
        ("null", 150000, (None, 150000.0)),  # a JSON null written as text is a missing value
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


# --- issue 12: values that are not amounts give no band and one warning, never an exception -------
BAD_AMOUNTS = [
    pytest.param(float("nan"), "not a finite number", id="nan"),
    pytest.param(float("inf"), "not a finite number", id="inf"),
    pytest.param(float("-inf"), "not a finite number", id="-inf"),
    pytest.param(True, "not a number", id="true"),
    pytest.param(False, "not a number", id="false"),
    pytest.param([150000], "not a number", id="list"),
    pytest.param({"amount": 150000}, "not a number", id="dict"),
    pytest.param("NaN", "not a finite number", id="str-NaN"),
    pytest.param("inf", "not a finite number", id="str-inf"),
    pytest.param("-Infinity", "not a finite number", id="str-minus-infinity"),
    pytest.param("competitive", "not a number", id="words"),
    pytest.param("150,000 or so", "not a number", id="number-and-words"),
    pytest.param(10**400, "too large", id="10**400"),  # float(10**400) raises OverflowError
    pytest.param(10**5000, "too large", id="5001-digit-int"),  # str() of it raises ValueError
    pytest.param("9" * 400, "too large", id="400-digit-string"),
    pytest.param(1e300, "too large", id="1e300"),
    pytest.param(-120000, "not a positive amount", id="negative"),
]


@pytest.mark.parametrize("side", ["min", "max"])
@pytest.mark.parametrize("cents", [False, True], ids=["units", "cents"])
@pytest.mark.parametrize(("bad", "why"), BAD_AMOUNTS)
def test_bad_amount_gives_no_band_and_one_warning(bad, why, side, cents) -> None:
    good = 18_000_000 if cents else 180_000
    lo, hi = (bad, good) if side == "min" else (good, bad)
    warnings: list[str] = []
    band = structured_band(
        lo,
        hi,
        "USD",
        "YEAR",
        cents=cents,
        rule="structured:lever",
        warnings=warnings,
        label="lever salaryRange",
    )
    assert band is None  # not an open band ("up to $180,000")
    assert len(warnings) == 1
    assert warnings[0].startswith("lever salaryRange: amount ")
    assert why in warnings[0] and warnings[0].endswith("; no band")


@pytest.mark.parametrize(("bad", "why"), BAD_AMOUNTS)
def test_bad_amount_in_schema_org_gives_no_band_and_one_warning(bad, why) -> None:
    warnings: list[str] = []
    value = {"@type": "QuantitativeValue", "minValue": bad, "maxValue": 200000, "unitText": "YEAR"}
    assert schema_org_bands({"currency": "USD", "value": value}, warnings=warnings) == []
    assert len(warnings) == 1 and why in warnings[0] and warnings[0].startswith("schema.org baseSalary: ")
    if not isinstance(bad, list | dict):  # a list of values / a QuantitativeValue are shapes of "value"
        warnings.clear()
        assert (
            schema_org_bands({"currency": "USD", "value": bad, "unitText": "YEAR"}, warnings=warnings) == []
        )
        assert len(warnings) == 1 and why in warnings[0]


@pytest.mark.parametrize(("bad", "why"), BAD_AMOUNTS)
def test_make_band_refuses_bad_amounts_for_text_too(bad, why) -> None:
    # text.py builds its bands with make_band: the same rule, the same refusal.
    assert make_band(bad, 200000.0, "USD", "year") is None
    assert make_band(100000.0, bad, "USD", "year") is None
    # make_band takes numbers: a string is refused as such (structured_band parses strings first).
    assert (why if not isinstance(bad, str) else "not a number") in (
        band_problem(bad, 2e5, "USD", "year") or ""
    )


def test_missing_amounts_are_no_pay_not_a_warning() -> None:
    warnings: list[str] = []
    for lo, hi in ((None, None), ("", ""), ("null", None), (" ", None)):
        assert structured_band(lo, hi, "USD", "YEAR", warnings=warnings) is None
    assert warnings == []


# --- the per-currency annual floor: the cents-versus-dollars mistake is rejected -----------------
@pytest.mark.parametrize(
    ("lo", "hi", "cur", "interval", "cents", "ok"),
    [
        # Greenhouse pay_input_ranges are cents: 18,000,000 cents = $180,000 a year.
        (18_000_000, 24_000_000, "USD", "year", True, True),
        # The 100x mistake: 180,000 cents = $1,800 a year for an engineer.
        (180_000, 240_000, "USD", "year", True, False),
        # Lever / SmartRecruiters amounts are major units: 180,000 is $180,000.
        (180_000, 240_000, "USD", "per-year-salary", False, True),
        (1_800, 2_400, "USD", "per-year-salary", False, False),
        (7.25, 9.00, "USD", "per-hour-wage", False, True),  # US federal minimum, x2080 = $15,080
        (1.50, 1.80, "USD", "per-hour-wage", False, False),  # $3,120 a year
        (2_000, 2_400, "USD", "per-month-salary", False, True),
        (1_500, 1_800, "EUR", "per-year-salary", False, False),  # 150,000 euro cents
        (1_400, 1_900, "EUR", "per-month-salary", False, True),  # a Portuguese monthly salary
        (11.44, 14.00, "GBP", "per-hour-wage", False, True),  # UK national living wage
        (1.50, 2.00, "GBP", "per-hour-wage", False, False),
        (1_100, 1_500, "JPY", "per-hour-wage", False, True),  # arubaito hourly pay
        (30_000, 45_000, "JPY", "per-year-salary", False, False),  # 3,000,000 yen read as cents
        # Low-wage currencies keep real low pay (the floor is 300 USD a year there) ...
        (10_000, 15_000, "INR", "per-month-salary", False, True),  # an intern's stipend, ~$1,700 a year
        (70_000, 90_000, "NGN", "per-month-salary", False, True),  # Nigeria's minimum wage
        (7_000, 9_000, "EGP", "per-month-salary", False, True),
        (37_000, 45_000, "PKR", "per-month-salary", False, True),
        # ... and still refuse the cents mistake on an engineer's pay.
        (18_000, 30_000, "INR", "per-year-salary", False, False),  # 1.8M-3M rupees read as paise
    ],
)
def test_annual_floor_per_currency(lo, hi, cur, interval, cents, ok) -> None:
    if cur not in fx_table().usd_per_unit:
        pytest.skip(f"{cur} has no rate in the FX table: no USD floor applies")
    warnings: list[str] = []
    band = structured_band(lo, hi, cur, interval, cents=cents, warnings=warnings, label="pay")
    assert (band is not None) == ok, warnings
    if not ok:
        assert len(warnings) == 1 and "USD floor" in warnings[0]
        assert cents == ("(amounts in cents)" in warnings[0])


def test_floor_tiers_are_ordered_and_documented() -> None:
    assert annual_floor_usd("USD") == annual_floor_usd("EUR") == 4_000
    assert (
        annual_floor_usd("GBP") > annual_floor_usd("USD") > annual_floor_usd("CNY") > annual_floor_usd("INR")
    )
    for cur in ("INR", "PKR", "NGN", "EGP", "BDT", "KES"):
        assert annual_floor_usd(cur) == 300
    assert annual_floor_usd("XXX-unknown") == DEFAULT_ANNUAL_FLOOR_USD
    # The ceiling stays: 5M USD a year.
    assert structured_band(4_000_000, 5_000_000, "USD", "YEAR") is not None
    assert structured_band(4_000_000, 6_000_000, "USD", "YEAR") is None


# --- a currency missing from the FX table keeps its amounts, with null USD values ------------------
def _without_rates(monkeypatch, *codes: str) -> None:
    table = pay.fx_table()
    rates = {k: v for k, v in table.usd_per_unit.items() if k not in codes}
    monkeypatch.setattr(pay, "fx_table", lambda: pay.FxTable(table.as_of, rates))


@pytest.mark.parametrize(
    ("lo", "hi", "cur", "interval", "cents", "exp"),
    [
        (1_200_000_000, 1_800_000_000, "kzt", "year", True, (12_000_000.0, 18_000_000.0, "KZT", "year")),
        (
            15_000_000,
            20_000_000,
            "UZS",
            "per-month-salary",
            False,
            (15_000_000.0, 20_000_000.0, "UZS", "month"),
        ),
        ("450000", "600000", "AMD", "1 MONTH", False, (450_000.0, 600_000.0, "AMD", "month")),
    ],
)
def test_currency_without_rate_keeps_amounts(monkeypatch, lo, hi, cur, interval, cents, exp) -> None:
    _without_rates(monkeypatch, exp[2])
    warnings: list[str] = []
    band = structured_band(lo, hi, cur, interval, cents=cents, warnings=warnings, rule="structured:ashby")
    assert band is not None and warnings == []
    assert (band.min_amount, band.max_amount, band.currency, band.period) == exp
    assert band.annual_min is not None and band.annual_max is not None
    assert (band.annual_min_usd, band.annual_max_usd) == (None, None)  # a rate is never guessed
    # Absurd magnitudes are refused without a rate too.
    assert structured_band(10**400, None, cur, interval, warnings=warnings) is None
    assert structured_band(1e14, None, cur, "YEAR") is None


def test_schema_org_currency_without_rate(monkeypatch) -> None:
    _without_rates(monkeypatch, "KZT")
    value = {"minValue": 6_000_000, "maxValue": 9_000_000, "unitText": "YEAR"}
    (band,) = schema_org_bands({"currency": "KZT", "value": value})
    assert (band.currency, band.min_amount, band.annual_min_usd, band.rule) == (
        "KZT",
        6e6,
        None,
        "schema_org",
    )
    # Without a unitText the period would have to be guessed from a USD size: no band.
    assert schema_org_bands({"currency": "KZT", "value": {"minValue": 6_000_000}}) == []


@pytest.mark.parametrize("code", ["XYZ", "ABC", "US", "XAU", "XXX"])
def test_codes_that_are_not_currencies_give_no_band_and_a_warning(code) -> None:
    warnings: list[str] = []
    assert structured_band(100000, 120000, code, "YEAR", warnings=warnings) is None
    assert len(warnings) == 1 and "not an ISO 4217 currency" in warnings[0]


# --- rules ----------------------------------------------------------------------------------------
def test_rules() -> None:
    assert structured_band(100000, 120000, "USD", "YEAR", rule="structured:ashby").rule == "structured:ashby"
    assert structured_band(100000, 120000, "USD", "YEAR").rule == "structured"
    assert [b.rule for b in schema_org_bands(NODESK_FLOATS)] == ["schema_org"]
    assert [b.rule for b in schema_org_bands(NODESK_FLOATS, estimate=True)] == ["schema_org:estimate"]
    assert [b.rule for b in schema_org_bands("$120,000 - $150,000 a year")] == ["schema_org"]


# --- one pay-type classifier for structured labels and text ----------------------------------------
@pytest.mark.parametrize(
    ("label", "title", "expected"),
    [
        ("On-Target Earnings", "", "ote"),
        ("on-target earnings (OTE)", "", "ote"),
        ("OTE", "", "ote"),
        ("Remote - US", "", "unknown"),  # "ote" inside "Remote" is not OTE
        ("Remote - US. Annual Salary", "", "base"),
        ("Annual Salary:. The annual compensation range for this role is listed below.", "", "base"),
        ("Total Target Compensation", "", "total"),
        ("Total cash", "", "total"),
        ("Base salary", "", "base"),
        ("Pay range", "", "unknown"),
        # Greenhouse's blurb: OTE only for a sales role; otherwise the label decides.
        (
            "Annual Salary. For sales roles, the range provided is the role's On Target Earnings "
            '("OTE") range, meaning that the range includes both the sales commissions and base salary.',
            "Account Executive, AI Native",
            "ote",
        ),
        (
            "Annual Salary. For sales roles, the range provided is the role's On Target Earnings "
            '("OTE") range, meaning that the range includes both the sales commissions and base salary.',
            "Research Engineer",
            "base",
        ),
        ("For commission-eligible roles, the range is OTE. Salary", "Machine Learning Engineer", "base"),
        ("$125K – $145K • On-Target Earnings (OTE) • salary", "", "ote"),
    ],
)
def test_pay_type_from_context_agrees_with_text_cues(label, title, expected) -> None:
    assert pay_type_from_context(label, title) == expected
    if "for sales roles" not in label.lower() and "for commission" not in label.lower():
        # The same words in free text give the same kind (cues.pay_kind on the lowercased label).
        assert (cues.pay_kind(label.lower()) or "unknown") == expected
