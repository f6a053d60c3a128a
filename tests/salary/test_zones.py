"""Zones: labels written as sentences, list items, headings and parentheses; words that are not zones.

Texts follow real postings' wording (Greenhouse / Ashby pay-transparency blurbs, UK civil-service
grades, Nordic and Czech postings); each row names the zone every band must carry, in order.
"""

from __future__ import annotations

import pytest

from scraper.salary import parse_pay_text
from scraper.salary.zones import plausible_zone

ZONES = [
    # sentence zones
    ("US-based roles: $150,000 - $200,000. Canada-based roles: $130,000 - $170,000.", None, ["US", "Canada"]),
    (
        "For candidates located in NYC or SF, the pay range for this role is $205,000 - $300,000. "
        "For candidates located in all other locations, the pay range for this role is $185,000-$270,000.",
        None,
        ["NYC or SF", "all other locations"],
    ),
    (
        "The hiring range for this position in Burbank, CA is $120,000 to $150,000 per year.",
        None,
        ["Burbank, CA"],
    ),
    ("54,000 – 84,000 GBP in the UK", None, ["UK"]),
    # list items and labels
    (
        "San Francisco Bay Area: $180,000–$240,000; New York: $170,000–$230,000; Remote (US): $150,000–$200,000",
        None,
        ["San Francisco Bay Area", "New York", "Remote (US)"],
    ),
    ("Remote - US: $100,000 - $140,000", None, ["US"]),
    (
        "Cape Town: R45 000 – R55 000 pm | Johannesburg: R48 000 – R58 000 pm",
        "ZA",
        ["Cape Town", "Johannesburg"],
    ),
    ("Annual salary range (NYC): $120K–$145K", None, ["NYC"]),
    # parentheses after the amount
    ("Salary £38,000 - £42,500 (National) / £42,000 - £46,950 (London)", "GB", ["National", "London"]),
    ("Salary band: £47,000 – £58,000 (Level 3); £58,000 – £72,000 (Level 4)", "GB", ["Level 3", "Level 4"]),
    ("Estimated salary: $52,000 – $58,000 per year (Halifax, NS)", "CA", ["Halifax, NS"]),
    # words that are not zones
    ("From $120,000 to $150,000", None, [None]),
    ("Between $100,000 and $140,000", None, [None]),
    ("Lønn: kr 600 000 – 750 000 per år", "NO", [None]),
    ("Salary: SAR 10,000 - 15,000 per month", "SA", [None]),
    ("Sazba: 6 000 – 7 500 Kč/měsíc", "CZ", [None]),
    ("Compensation Tier: $120,000 - $150,000", None, [None]),
    ("Wynagrodzenie: zł 15 000 - 20 000 miesięcznie", "PL", [None]),
]


@pytest.mark.parametrize(("text", "country", "zones"), ZONES, ids=[z[0][:40] for z in ZONES])
def test_zone_of_each_band(text: str, country: str | None, zones: list[str | None]) -> None:
    assert [b.zone for b in parse_pay_text(text, country=country)] == zones


@pytest.mark.parametrize(
    ("label", "zone"),
    [
        ("Zone B", "Zone B"),
        ("Tier 1", "Tier 1"),
        ("EMEA", "EMEA"),
        ("Berlin", "Berlin"),
        ("Seattle, WA", "Seattle, WA"),
        ("United States (MG4)", "United States (MG4)"),
        ("Welfare", None),
        ("Sazba", None),
        ("Neto", None),
        ("Compensation", None),
        ("", None),
    ],
)
def test_a_label_is_a_zone_only_when_it_names_a_place_level_or_pay_zone(label: str, zone: str | None) -> None:
    assert plausible_zone(label) == zone
