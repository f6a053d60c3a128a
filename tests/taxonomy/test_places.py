"""Places on real strings: posting locations and pay-zone labels, labeled by hand without the code.

places_labeled.jsonl holds 335 strings copied verbatim from the real recordings (every line names
its file; 23 ATSs), labeled independently of scraper/places.py and scraper/locations.py: city,
metro, region, country, remote, the level a zone names, how many places, and whether a careful
reader can tell at all. A place filter (--country, --metro) that puts a band somewhere wrong costs
trust; one that finds nothing costs little. So the hard rule is on false answers, and coverage is
a floor that says how much the filters find.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.places import METROS, canonical_city, canonical_metro, parse_zone, place_of

LABELED = [
    json.loads(line) for line in (Path(__file__).parent / "places_labeled.jsonl").open(encoding="utf-8")
]
LOCATIONS = [r for r in LABELED if r["kind"] == "location"]
ZONES = [r for r in LABELED if r["kind"] == "zone"]

# Where the labels and the code follow different, documented conventions (not errors of either):
# - a location listing several offices is read as its first place (scraper/locations.py: a
#   posting's city is where it is first listed); the labels keep only what all places share;
# - "UK & Europe - Remote" is the UK for the code (its only country); the label reads a macro-region.
FIRST_PLACE = {r["text"] for r in LOCATIONS if r["places"] > 1}
CONVENTION = {"UK & Europe - Remote"}


def _got_location(text: str) -> dict:
    p = place_of(text)
    return {"city": p.city, "metro": p.metro, "region": p.region, "country": p.country}


def _got_zone(text: str) -> dict:
    z = parse_zone(text)
    return {"city": z.city, "metro": z.metro, "region": z.region, "country": z.country, "level": z.level}


def _false(rows: list[dict], got, fields: tuple[str, ...]) -> list[tuple]:
    """(text, field, got, label) where the code names a value the label does not."""
    out = []
    for r in rows:
        g = got(r["text"])
        for f in fields:
            if g[f] is not None and g[f] != r[f]:
                out.append((r["text"], f, g[f], r[f]))
    return out


def test_the_corpus_is_real_and_well_formed():
    assert len(LOCATIONS) >= 200 and len(ZONES) >= 100
    assert all(r["source"] and "synth" not in r["source"] for r in LABELED)
    assert {r["metro"] for r in LABELED} - {None} <= set(METROS)


def test_no_false_country_or_metro_for_a_location():
    """The two fields the filters use: never a wrong country or metro for a single-place location."""
    single = [r for r in LOCATIONS if r["text"] not in FIRST_PLACE | CONVENTION and not r["ambiguous"]]
    assert _false(single, _got_location, ("country", "metro")) == []


def test_a_multi_office_location_keeps_its_first_place_within_the_shared_country():
    rows = [r for r in LOCATIONS if r["text"] in FIRST_PLACE and r["country"]]
    assert rows
    assert _false(rows, _got_location, ("country",)) == []


def test_location_coverage():
    """How much the filters find: share of labeled countries and metros the code names too."""
    single = [r for r in LOCATIONS if r["text"] not in FIRST_PLACE | CONVENTION]
    countries = [r for r in single if r["country"]]
    metros = [r for r in single if r["metro"]]
    found_c = sum(_got_location(r["text"])["country"] == r["country"] for r in countries)
    found_m = sum(_got_location(r["text"])["metro"] == r["metro"] for r in metros)
    print(f"countries {found_c}/{len(countries)}, metros {found_m}/{len(metros)}")
    assert found_c / len(countries) >= 0.85
    assert found_m / len(metros) >= 0.75


def test_no_false_place_for_a_zone():
    sure = [r for r in ZONES if not r["ambiguous"]]
    assert _false(sure, _got_zone, ("city", "metro", "region", "country")) == []


def test_an_ambiguous_zone_places_nothing():
    for r in (r for r in ZONES if r["ambiguous"]):
        z = parse_zone(r["text"])
        assert (z.city, z.metro, z.country) == (None, None, None), r["text"]


def test_zone_places_found():
    sure = [r for r in ZONES if not r["ambiguous"]]
    with_country = [r for r in sure if r["country"]]
    found = sum(parse_zone(r["text"]).country == r["country"] for r in with_country)
    assert found / len(with_country) >= 0.9, (found, len(with_country))
    named = [r for r in sure if r["places"] > 0]
    assert sum(parse_zone(r["text"]).places > 0 for r in named) / len(named) >= 0.9


def test_zone_levels_are_split_from_places():
    """The level or role a zone names is its own field, never read as a place."""
    levels = [r for r in ZONES if r["level"]]
    assert len(levels) >= 30
    agree = sum(parse_zone(r["text"]).level == r["level"] for r in levels)
    assert agree / len(levels) >= 0.9, agree
    # A level never makes a place: "Level 4" alone is no place at all
    for r in levels:
        if r["places"] == 0:
            assert parse_zone(r["text"]).places == 0, r["text"]


def test_remote_in_a_zone():
    for r in ZONES:
        assert parse_zone(r["text"]).remote == r["remote"], r["text"]


@pytest.mark.parametrize(
    ("zone", "places", "country", "metro", "level", "metros"),
    [
        ("EU - Level 4", 1, None, None, "Level 4", ()),
        ("United States (MG5)", 1, "US", None, "MG5", ()),
        ("GBP Principal", 0, None, None, "Principal", ()),
        ("San Francisco/San Jose", 2, "US", "San Francisco Bay Area", None, ("San Francisco Bay Area",)),
        ("NYC or SF", 2, "US", None, None, ("New York metro", "San Francisco Bay Area")),
        ("US/Canada- Remote (Outside of NY and SF)", 2, None, None, None, ()),
        ("Data Engineer (level 3) - Ireland or Spain", 2, None, None, "Data Engineer (level 3)", ()),
        ("US - NY or SF", 2, "US", None, None, ("New York metro", "San Francisco Bay Area")),
        ("all other locations", 0, None, None, None, ()),
    ],
)
def test_zone_table(zone, places, country, metro, level, metros):
    z = parse_zone(zone)
    assert (z.places, z.country, z.metro, z.level, z.metros) == (places, country, metro, level, metros)


@pytest.mark.parametrize(
    ("value", "metro"),
    [("bay area", "San Francisco Bay Area"), ("NYC metro", "New York metro"), ("Greater London", "Greater London"),
     ("silicon valley", "San Francisco Bay Area"), ("dfw", "Dallas-Fort Worth"), ("planet", None), ("", None)],
)  # fmt: skip
def test_metro_filter_values(value, metro):
    assert canonical_metro(value) == metro


def test_city_filter_values_take_the_gazetteer_name():
    assert canonical_city("bangalore") == "Bengaluru"
    assert canonical_city("NYC") == "New York"
    assert canonical_city("Springfield") == "Springfield"  # not in the gazetteer: looked for as given
