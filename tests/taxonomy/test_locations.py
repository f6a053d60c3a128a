"""Location normalization and remote/hybrid/onsite on strings the boards really send."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.locations import Location as LocationFromModule
from scraper.taxonomy import Location, classify_remote, normalize_location


@pytest.mark.parametrize(
    ("raw", "city", "region", "country"),
    [
        # the brief's examples
        ("San Francisco, CA", "San Francisco", "CA", "US"),
        ("Remote - North America", None, None, None),
        ("USA - Remote", None, None, "US"),
        ("London, UK", "London", None, "GB"),
        ("New York, NY | San Francisco, CA", "New York", "NY", "US"),
        ("Remote (US)", None, None, "US"),
        ("Bengaluru, Karnataka, India", "Bengaluru", "Karnataka", "IN"),
        ("Hybrid - Berlin", "Berlin", None, "DE"),
        ("Los Gatos, California", "Los Gatos", "CA", "US"),
        ("Israel-Yokneam", "Yokneam", None, "IL"),
        ("Taipei", "Taipei", None, "TW"),
        ("San Francisco Office", "San Francisco", "CA", "US"),
        ("Remote, Italy", None, None, "IT"),
        # shapes seen in the fixtures (Netflix/Eightfold, Workday, Ashby, Lever)
        ("Los Gatos,California,United States of America", "Los Gatos", "CA", "US"),
        ("US, CA, Santa Clara", "Santa Clara", "CA", "US"),
        ("US CA Santa Clara", "Santa Clara", "CA", "US"),
        ("US OR Hillsboro", "Hillsboro", "OR", "US"),
        ("US, NC, Remote", None, "NC", "US"),
        ("Israel, Tel Aviv", "Tel Aviv", None, "IL"),
        ("Israel Tel Aviv", "Tel Aviv", None, "IL"),
        ("India Bengaluru", "Bengaluru", "Karnataka", "IN"),
        ("Poland Warsaw", "Warsaw", None, "PL"),
        ("Germany Remote", None, None, "DE"),
        ("*HQ - San Francisco, CA", "San Francisco", "CA", "US"),
        ("New York, NY (HQ)", "New York", "NY", "US"),
        ("Kansas City, MO - Data Center", "Kansas City", "MO", "US"),
        ("Bengaluru, KA, IN", "Bengaluru", "Karnataka", "IN"),
        ("Mumbai, MH, IN", "Mumbai", "Maharashtra", "IN"),
        ("Bombay, MH", "Mumbai", "Maharashtra", "IN"),
        ("London, England, United Kingdom", "London", "England", "GB"),
        ("Glasgow, Scotland, United Kingdom", "Glasgow", "Scotland", "GB"),
        ("Toronto, ON, Canada", "Toronto", "ON", "CA"),
        ("Vancouver,Canada", "Vancouver", "BC", "CA"),
        ("Seoul, South Korea", "Seoul", None, "KR"),
        ("NY, United States", None, "NY", "US"),
        ("Washington, D.C.", "Washington", "DC", "US"),
        ("São José Dos Campos", "São José dos Campos", None, "BR"),
        ("Argentina / Hybrid", None, None, "AR"),
        ("UK & Europe - Remote", None, None, "GB"),
        ("Munich, Bavaria, Germany", "Munich", "Bavaria", "DE"),
        ("Sydney, NSW, Australia", "Sydney", "NSW", "AU"),
        ("Bay Area", None, "CA", "US"),
        ("Greater Seattle Area", "Seattle", "WA", "US"),
        # ambiguity resolved by the other parts of the string
        ("Indianapolis, IN", "Indianapolis", "IN", "US"),  # Indiana
        ("Bengaluru, IN", "Bengaluru", "Karnataka", "IN"),  # India
        ("Perth, WA", "Perth", "WA", "AU"),  # Western Australia, not Washington
        ("Seattle, WA", "Seattle", "WA", "US"),
        ("San Jose Office", "San Jose", "CA", "US"),  # not San José, Costa Rica
        ("San José, Costa Rica", "San José", None, "CR"),
        ("Glasgow, Kentucky", "Glasgow", "KY", "US"),
        ("Portland, Tennessee", "Portland", "TN", "US"),
        ("Ontario, Ohio", "Ontario", "OH", "US"),
        ("London, Ontario", "London", "ON", "CA"),
        ("Atlanta, Georgia", "Atlanta", "GA", "US"),
        ("Tbilisi, Georgia", "Tbilisi", None, "GE"),
        ("Trinidad and Tobago", None, None, "TT"),
        # an unknown town keeps its name; its state still gives the country
        ("Wildwood, Missouri", "Wildwood", "MO", "US"),
        # nothing placeable
        ("NAMER", None, None, None),
        ("EMEA", None, None, None),
        ("2 Locations", None, None, None),
        ("Remote", None, None, None),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_normalize_location(raw, city, region, country):
    assert normalize_location(raw) == Location(city, region, country)


def test_location_type():
    assert Location is LocationFromModule
    loc = normalize_location("Paris, France")
    assert loc == Location("Paris", None, "FR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.city = "Lyon"  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_normalizes_without_error(raw):
    loc = normalize_location(raw)
    assert loc.country is None or (len(loc.country) == 2 and loc.country.isupper())


@pytest.mark.parametrize(
    ("location", "title", "description", "hint", "expected"),
    [
        ("Remote - North America", None, None, None, "remote"),
        ("USA - Remote", None, None, "onsite", "remote"),  # Netflix's own field says onsite for these
        ("Remote (US)", None, None, None, "remote"),
        ("New York, NY; Remote - US", None, None, None, "remote"),
        ("TELECOMMUTE", None, None, None, "remote"),
        ("Hybrid - Berlin", None, None, None, "hybrid"),
        ("Argentina / Hybrid", None, None, None, "hybrid"),
        ("San Francisco, CA", "Senior NodeJS Engineer - Remote Europe", None, None, "remote"),
        ("San Francisco, CA", None, None, "hybrid", "hybrid"),
        ("San Francisco, CA", None, None, True, "remote"),
        ("San Francisco, CA", None, None, "On-Site", "onsite"),
        # a place and nothing else: an office job
        ("San Francisco, CA", None, None, None, "onsite"),
        ("San Francisco Office", None, None, None, "onsite"),
        # nothing at all
        (None, None, None, None, None),
        ("NAMER", None, None, None, None),
        # the description's statements about this job
        (None, None, "This role is fully remote within the US.", None, "remote"),
        (None, None, "We are a remote-first company.", None, "remote"),
        (
            "San Francisco, CA",
            None,
            "This position requires presence in our San Francisco office location 4 days per week; "
            "our designated work from home day is Tuesday.",
            None,
            "hybrid",
        ),
        (None, None, "This is a hybrid role: 3 days a week in the office.", None, "hybrid"),
        (None, None, "This role is not eligible for remote work.", None, "onsite"),
        (None, None, "This role is based on-site in Austin.", None, "onsite"),
        # not about the arrangement
        (None, None, "We run a hybrid cloud and an on-site gym.", None, None),
        (None, None, "Benefits: a work from home stipend.", None, None),
    ],
)
def test_classify_remote(location, title, description, hint, expected):
    assert classify_remote(location, title, description, hint=hint) == expected


def test_classify_remote_positional_call():
    # scraper/enrich.py calls it positionally with three arguments.
    assert classify_remote("Remote, Italy", "Software Engineer", None) == "remote"


def test_may_name_a_place_is_false_only_where_the_parser_finds_no_country() -> None:
    """The cheap test in front of normalize_location (used by the salary zones) never hides a place."""
    from scraper.locations import may_name_a_place, normalize_location

    places = ["San Francisco Bay Area", "US-based roles", "Remote (US)", "NYC or SF", "Toronto, ON",
              "Cluj-Napoca", "Trinidad and Tobago", "U.S.", "Greater London", "Bengaluru", "Canada (MG4)"]  # fmt: skip
    for text in places:
        assert normalize_location(text).country is not None, text
        assert may_name_a_place(text), text
    for text in ["Sazba", "Welfare", "Compensation Tier", "Gehaltsband", "Schedule", ""]:
        assert not may_name_a_place(text), text
        assert normalize_location(text).country is None, text


# -- the description search near its words gives the whole-text search's answer ---------------------
def _whole_text(text: str) -> str | None:
    """_from_description as it was: every pattern over the whole text (the reference)."""
    from scraper import locations as loc

    hybrid = ("hybrid" in text or "office" in text) and loc._DESC_HYBRID.search(text)
    if ("remote" in text and loc._DESC_NOT_REMOTE.search(text)) or (
        ("site" in text or "office" in text or "person" in text) and loc._DESC_ONSITE.search(text)
    ):
        return "hybrid" if hybrid else "onsite"
    if hybrid:
        return "hybrid"
    if ("remote" in text or "anywhere" in text or "from home" in text) and loc._DESC_REMOTE.search(text):
        return "remote"
    return None


def _real_descriptions() -> list[str]:
    """Every long text in the real recordings (descriptions, as the crawl stores them: visible text)."""
    import json
    from pathlib import Path

    from scraper.text import has_markup, html_to_text

    out: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and len(v) > 400:
            text = html_to_text(v, unescape_first="&lt;" in v) if has_markup(v) or "&lt;" in v else v
            out.append(text[:20_000].lower())

    for path in sorted((Path(__file__).resolve().parents[1] / "fixtures" / "real").rglob("*.json")):
        try:
            walk(json.loads(path.read_bytes()))
        except ValueError:
            continue
    return out


def test_description_search_near_words_matches_the_whole_text_search():
    from scraper.locations import _from_description

    texts = _real_descriptions()
    assert len(texts) > 1000
    said = [_whole_text(t) for t in texts]
    assert [_from_description(t) for t in texts] == said
    assert {"remote", "hybrid", "onsite", None} <= set(said)  # every answer is exercised


@pytest.mark.parametrize(
    "text, expected",
    [
        # the word right at a stretch's edge: "remotes" is not "remote" (\b sees the real next letter)
        ("x" * 900 + " fully remotes " + "y" * 900, None),
        ("x" * 900 + " fully remote " + "y" * 900, "remote"),
        # two mentions far apart: each is searched
        ("we are fully remote. " + "z " * 2000 + "this role is not remote.", "onsite"),
        # a lookahead past a stretch's end still sees the text
        ("a " * 600 + "work from home stipend " + "b " * 600, None),
        ("a " * 600 + "work from home " + "b " * 600, "remote"),
        ("one " * 300 + "three days a week in the office" + " two" * 300, "hybrid"),
    ],
)
def test_description_search_edges(text, expected):
    from scraper.locations import _from_description

    assert _from_description(text) == _whole_text(text) == expected
