"""Places a recruiter asks about: metro areas on top of (city, region, country), and the place a
pay band's zone label names ("SF Bay Area", "EU - Level 4", "US/Canada- Remote (Outside of NY and SF)").

`scraper.locations` reads a posting's location string; this module adds
- the metro area (a closed list, `METROS`: "San Francisco Bay Area", "New York metro", ...), from
  the city (with its state where a city name is shared: Portland OR, Cambridge MA) or from an
  area name ("Bay Area", "Greater London");
- `parse_zone`: a zone label split into the place(s) it names and the level or role it names
  ("Level 4", "MG5", "Staff Data Scientist"), which is kept in its own field, not taken for a
  place. A zone that names a place is the band's place (it wins over the posting's location);
  an ambiguous one ("CA" alone: California or Canada) names a place that cannot be told, and
  places the band nowhere rather than somewhere wrong.

No geocoder and no network: tables, as in scraper.locations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import polars as pl

from .locations import _AREAS, _CITY, _COUNTRY, _MACRO, _US_STATE_CODE, _fold, normalize_location


@dataclass(slots=True, frozen=True)
class Place:
    city: str | None = None
    metro: str | None = None
    region: str | None = None
    country: str | None = None


# name|country|area names (aliases that name the whole area)|member cities ("City" or "City/ST" where
# the name is shared: Portland/OR is not Portland, Maine). Cities a metro holds are its core counties'
# (US census metropolitan statistical areas, their cores, not the combined areas).
_METROS_TEXT = """
San Francisco Bay Area|US|bay area,sf bay area,san francisco bay area,silicon valley,sfba,bay area ca|
 San Francisco,San Jose,Santa Clara,Sunnyvale,Mountain View,Palo Alto,Menlo Park,Redwood City,Cupertino,
 Los Gatos,Oakland,Berkeley,San Mateo,Foster City,Emeryville,Milpitas,Fremont,South San Francisco,San Bruno,
 Burlingame,San Carlos,Campbell,Los Altos,Pleasanton,Hayward,Walnut Creek,Alameda,Belmont,Brisbane/CA,
 Newark/CA,Santa Clara County,Daly City,Millbrae,Saratoga,East Palo Alto,Dublin/CA,San Ramon,Concord/CA
New York metro|US|nyc metro,new york metro,new york metro area,new york city metro,greater new york,
 nyc metropolitan area,new york metropolitan area,tri-state area|
 New York,Jersey City,Hoboken,Newark/NJ,Stamford/CT,White Plains,Long Island City,Yonkers,Weehawken
Greater London|GB|greater london,london area|London
Seattle area|US|greater seattle,seattle area,seattle metro,puget sound|
 Seattle,Bellevue,Redmond,Kirkland,Bothell,Everett/WA,Tacoma,Issaquah,Renton
Los Angeles area|US|greater los angeles,los angeles area,la area,la metro,southern california los angeles|
 Los Angeles,Santa Monica,Culver City,Pasadena,Burbank,Glendale/CA,West Hollywood,Beverly Hills,
 Long Beach,Irvine,El Segundo,Playa Vista,Venice/CA,Marina del Rey,Hawthorne/CA
Boston area|US|greater boston,boston area,boston metro|
 Boston,Cambridge/MA,Somerville,Waltham,Burlington/MA,Lexington/MA,Woburn,Bedford/MA,Newton/MA
Washington DC area|US|dc metro,dc area,washington dc metro,washington metro,dmv area,greater washington|
 Washington/DC,Arlington/VA,Alexandria/VA,Reston,McLean,Herndon,Tysons,Bethesda,Rockville,Chantilly,Fairfax/VA
Chicago area|US|chicagoland,greater chicago,chicago area|Chicago,Evanston/IL,Schaumburg,Naperville
Austin area|US|austin area,greater austin|Austin/TX,Round Rock
Dallas-Fort Worth|US|dfw,dallas-fort worth,dallas fort worth,dallas/fort worth|
 Dallas,Fort Worth,Plano,Irving/TX,Richardson/TX,Frisco/TX,Addison/TX
Denver area|US|denver metro,denver area|Denver,Aurora/CO,Englewood/CO,Lakewood/CO
Research Triangle|US|research triangle,raleigh-durham,triangle area|
 Raleigh,Durham/NC,Cary/NC,Research Triangle Park,Morrisville/NC,Chapel Hill
Portland area|US|portland metro|Portland/OR,Hillsboro/OR,Beaverton
San Diego area|US|san diego area,greater san diego|San Diego
Atlanta area|US|atlanta metro,greater atlanta,atlanta area|Atlanta,Alpharetta
Toronto area|CA|greater toronto area,gta,toronto area|Toronto,Mississauga,Markham,Vaughan
Paris area|FR|ile-de-france,paris area,greater paris|Paris
Berlin|DE|berlin area|Berlin
Munich area|DE|munich area|Munich
Tel Aviv area|IL|tel aviv area,gush dan,greater tel aviv|
 Tel Aviv,Herzliya,Raanana,Petah Tikva,Ramat Gan,Givatayim,Hod Hasharon,Bnei Brak
Bengaluru|IN|bangalore area|Bengaluru
Hyderabad|IN|hyderabad area|Hyderabad
Delhi NCR|IN|delhi ncr,ncr,national capital region|New Delhi,Gurugram,Noida
Mumbai|IN|mumbai area,mmr|Mumbai,Navi Mumbai,Thane
Singapore|SG|singapore|Singapore
Sydney|AU|greater sydney|Sydney
Tokyo|JP|greater tokyo|Tokyo
Zurich|CH|zurich area|Zurich
Amsterdam|NL|amsterdam area|Amsterdam
Dublin|IE|dublin area|Dublin
"""


def _parse_metros(text: str) -> tuple[dict[str, str], dict[tuple[str, str | None, str], str], dict[str, str]]:
    by_area: dict[str, str] = {}  # folded area name -> metro
    by_city: dict[tuple[str, str | None, str], str] = {}  # (folded city, state or None, country) -> metro
    names: dict[str, str] = {}  # folded name or alias -> metro (the filter's vocabulary)
    for line in re.sub(r"\n\s+", "", text).strip().splitlines():
        name, country, areas, cities = line.split("|")
        names[_fold(name)] = name
        for area in filter(None, (a.strip() for a in areas.split(","))):
            by_area[_fold(area)] = name
            names[_fold(area)] = name
        for member in filter(None, (c.strip() for c in cities.split(","))):
            city, _, state = member.partition("/")
            by_city[(_fold(city), state or None, country)] = name
    return by_area, by_city, names


_METRO_BY_AREA, _METRO_BY_CITY, _METRO_NAMES = _parse_metros(_METROS_TEXT)
METROS: tuple[str, ...] = tuple(dict.fromkeys(_METRO_NAMES.values()))
# The older area table of scraper.locations ("bay area" -> CA, US) places the same names.
for _area in _AREAS:
    assert _fold(_area) in _METRO_BY_AREA, _area


def canonical_metro(text: str | None) -> str | None:
    """The metro a filter value names ("bay area", "NYC metro", "san francisco bay area"), or None."""
    if not text or not text.strip():
        return None
    key = _fold(" ".join(text.replace("-", " ").split()))
    return _METRO_NAMES.get(key) or _METRO_NAMES.get(_fold(" ".join(text.split())))


def canonical_city(text: str | None) -> str | None:
    """A city filter value as stored: the gazetteer's name for an alias ("bangalore" -> "Bengaluru",
    "NYC" -> "New York"), the text as given for a city the gazetteer does not hold."""
    if not text or not text.strip():
        return None
    known = _CITY.get(_fold(text))
    return known[0] if known else " ".join(text.split())


def metro_of(city: str | None, region: str | None, country: str | None) -> str | None:
    """The metro area a city is in; None outside the table, or when the city's state is needed
    and unknown (a lone "Portland")."""
    if not city or not country:
        return None
    key = _fold(city)
    return _METRO_BY_CITY.get((key, region, country)) or _METRO_BY_CITY.get((key, None, country))


_AREA_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(map(re.escape, _METRO_BY_AREA), key=len, reverse=True)) + r")(?![\w-])"
)


@lru_cache(maxsize=65_536)
def place_of(location: str | None) -> Place:
    """city, metro, region, country of a posting's location string (its first place)."""
    loc = normalize_location(location)
    metro = metro_of(loc.city, loc.region, loc.country)
    if metro is None and loc.city is None and location:
        # "SF Bay Area", "Greater London": an area name, no city
        m = _AREA_RE.search(_fold(location))
        if m:
            metro = _METRO_BY_AREA[m.group(0)]
    return Place(loc.city, metro, loc.region, loc.country)


# ---------------------------------------------------------------- zones


@dataclass(slots=True, frozen=True)
class ZonePlace:
    """What a band's zone label says. `places` counts the places it names (0: none, so the posting's
    location is the band's); city/metro/region/country hold what all of them share; `metros`,
    `cities` list each place's, so a posting in one of several named places keeps its own."""

    places: int = 0
    city: str | None = None
    metro: str | None = None
    region: str | None = None
    country: str | None = None
    remote: bool = False
    level: str | None = None
    ambiguous: bool = False
    cities: tuple[str, ...] = ()
    metros: tuple[str, ...] = ()


_NO_ZONE = ZonePlace()

# ISO alpha-3 codes and currency codes zone labels use for a country ("GBR - Level 4", "CAN").
_ALPHA3 = {
    "usa": "US", "gbr": "GB", "can": "CA", "deu": "DE", "fra": "FR", "irl": "IE", "esp": "ES", "nld": "NL",
    "ind": "IN", "aus": "AU", "jpn": "JP", "sgp": "SG", "isr": "IL", "che": "CH", "pol": "PL", "bra": "BR",
    "mex": "MX", "kor": "KR", "swe": "SE", "dnk": "DK", "nor": "NO", "fin": "FI", "ita": "IT", "prt": "PT",
    "aut": "AT", "bel": "BE", "nzl": "NZ", "arg": "AR", "col": "CO", "chl": "CL", "phl": "PH", "twn": "TW",
}  # fmt: skip
# A currency names the band's money, not where it applies: "GBP Principal" is a level in pounds.
_CURRENCY = re.compile(r"^(?:usd|gbp|eur|cad|aud|inr|jpy|sgd|chf|ils|sek|nok|dkk|pln|brl|mxn)$")
# Names of places the zone leaves out ("Outside of NY and SF", "excluding California").
_EXCLUDED = re.compile(
    r"\(?\b(?:outside(?:\s+of)?|excluding|except(?:\s+for)?|other\s+than|not\s+in|non)\b[^()]*\)?", re.I
)
# Words that say which part of a place, or none: kept neither as place nor as level.
_FILLER = re.compile(
    r"\b(?:all|other|others|rest\s+of|the|locations?|location|areas?|average|avg|nationwide|national|"
    r"based|only|metro(?:politan)?|region|country|countries|offices?|hubs?|city|cities|in|of|and|or|"
    r"within|anywhere|based)\b",
    re.I,
)
_REMOTE = re.compile(r"\bremote\b|\bwork\s+from\s+home\b|\banywhere\b", re.I)
# Separators between a zone's parts: " - ", "/", " or ", "&", ",", "|", ";" and brackets.
_PART_SPLIT = re.compile(r"\s+[-–—]\s*|\s*[-–—]\s+|\s*[/|,;&()]\s*|\s+(?:or|and)\s+", re.I)
# A bare 2-letter code that is both a US state and a country: which one a lone zone means cannot be told.
_STATE_OR_COUNTRY = frozenset(
    code for code in (k for k in _US_STATE_CODE if len(k) == 2) if code in _COUNTRY and code != "us"
)


def _place_of_part(part: str) -> tuple[Place | None, bool]:
    """(place, ambiguous) for one part of a zone label, strictly: only what the tables know."""
    key = _fold(part).strip(" .")
    if not key:
        return None, False
    if key in _METRO_BY_AREA:
        metro = _METRO_BY_AREA[key]
        country = next(c for (_, _, c), m in _METRO_BY_CITY.items() if m == metro)
        return Place(None, metro, None, country), False
    if key in _ALPHA3:
        return Place(None, None, None, _ALPHA3[key]), False
    if key in _STATE_OR_COUNTRY:
        return None, True
    if _MACRO.match(part.strip()):
        return Place(), False  # a place with no country ("EU", "EMEA")
    if key in _CITY or key in _COUNTRY or key.rstrip(".") in _COUNTRY or key in _US_STATE_CODE:
        loc = normalize_location(part)
        return Place(loc.city, metro_of(loc.city, loc.region, loc.country), loc.region, loc.country), False
    if " " in key and not _FILLER.fullmatch(key):
        loc = normalize_location(part)  # "San Francisco, CA" came in whole: a city with its state
        if loc.city and _fold(loc.city) in _CITY:
            return Place(
                loc.city, metro_of(loc.city, loc.region, loc.country), loc.region, loc.country
            ), False
    return None, False


def _words_place(words: list[str]) -> tuple[Place | None, int, int]:
    """The longest run of words at the start or the end of a part that names a place: (place, start, end)."""
    n = len(words)
    for size in range(min(n, 4), 0, -1):
        for start in (0, n - size):
            place, _ = _place_of_part(" ".join(words[start : start + size]))
            if place is not None:
                return place, start, start + size
    return None, 0, 0


_NEW_YORK_STATE = Place(None, None, "NY", "US")
_NEW_YORK = Place("New York", "New York metro", "NY", "US")


def _shared(values: list[str | None]) -> str | None:
    return values[0] if values and all(v == values[0] for v in values) else None


@lru_cache(maxsize=16_384)
def parse_zone(zone: str | None) -> ZonePlace:
    """The place(s) and the level a pay band's zone label names."""
    if not zone or not zone.strip():
        return _NO_ZONE
    text = unicodedata.normalize("NFKC", zone).strip()
    text = _EXCLUDED.sub(" ", text)
    remote = bool(_REMOTE.search(text))
    text = _REMOTE.sub(" ", text)
    places: list[Place] = []
    level_parts: list[str] = []
    ambiguous = False
    for raw in _PART_SPLIT.split(text):
        part = raw.strip(" .:-–—")
        if not part or _FILLER.sub(" ", part).strip() == "":
            continue
        place, unsure = _place_of_part(part)
        if unsure:
            ambiguous = True
            continue
        if place is not None:
            # "San Francisco, CA": a state after its own city refines it, it is not a second place
            if (
                places
                and place.city is None
                and place.metro is None
                and places[-1].city is not None
                and place.country == places[-1].country
                and place.region in (None, places[-1].region)
            ):
                continue
            places.append(place)
            continue
        words = part.split()
        found, start, end = _words_place(words) if len(words) > 1 else (None, 0, 0)
        if found is not None:
            places.append(found)
            words = words[:start] + words[end:]
        rest = " ".join(w for w in words if not _CURRENCY.match(w.lower()))
        if rest and _FILLER.sub(" ", rest).strip():
            level_parts.append(rest)
    level = _level_label(zone, level_parts)
    if any(p.city or p.metro for p in places):
        # Beside a city, a zone's bare "NY" is New York City ("SF/NY", "NY or SF"), as pay zones write it.
        places = [_NEW_YORK if p == _NEW_YORK_STATE else p for p in places]
    # "US - NY or SF": the country contains the places after it; it is not a third place.
    places = [
        p
        for p in places
        if not (p.city is None and p.metro is None and p.region is None and p.country is not None)
        or not any(q is not p and q.country == p.country and (q.city or q.metro or q.region) for q in places)
    ]
    if ambiguous and not places:
        return ZonePlace(places=1, remote=remote, level=level, ambiguous=True)
    if not places:
        return ZonePlace(remote=remote, level=level)
    return ZonePlace(
        places=len(places),
        city=_shared([p.city for p in places]),
        metro=_shared([p.metro for p in places]),
        region=_shared([p.region for p in places]),
        country=_shared([p.country for p in places]),
        remote=remote,
        level=level,
        ambiguous=ambiguous,
        cities=tuple(dict.fromkeys(p.city for p in places if p.city)),
        metros=tuple(dict.fromkeys(p.metro for p in places if p.metro)),
    )


def _level_label(zone: str, parts: list[str]) -> str | None:
    """The level part as the label wrote it: "Data Engineer (level 3)" from "Data Engineer (level 3) -
    Canada", "MG5" from "United States (MG5)"; None when the label names only places."""
    if not parts:
        return None
    if len(parts) == 2 and f"{parts[0]} ({parts[1]})" in zone:
        return f"{parts[0]} ({parts[1]})"
    return " ".join(parts)


# ---------------------------------------------------------------- the zone_places table

# Bump when parse_zone or the tables change what a zone names: the taxonomy refresh re-parses them.
PLACES_VERSION = "2026.12.1"

_ZONE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "zone": pl.String,
    "places": pl.Int32,
    "city": pl.String,
    "metro": pl.String,
    "region": pl.String,
    "country": pl.String,
    "remote": pl.Boolean,
    "level": pl.String,
    "ambiguous": pl.Boolean,
    "cities": pl.List(pl.String),
    "metros": pl.List(pl.String),
    "version": pl.String,
}


def sync_zone_places(con: duckdb.DuckDBPyConnection, keys: str | None = None) -> int:
    """Parse the zone labels zone_places lacks (or holds from another PLACES_VERSION), for the
    bands of the postings `keys` selects (SQL yielding posting_key), or every band; returns how
    many labels it wrote. Distinct labels are few (hundreds), whatever the number of bands."""
    scope = f"AND posting_key IN (SELECT posting_key FROM ({keys})) AND valid_to IS NULL" if keys else ""
    zones = [
        z
        for (z,) in con.execute(
            f"""SELECT DISTINCT zone FROM pay_band_versions WHERE zone IS NOT NULL {scope}
                AND zone NOT IN (SELECT zone FROM zone_places WHERE version = $v)""",
            {"v": PLACES_VERSION},
        ).fetchall()
    ]
    if not zones:
        return 0
    parsed = [parse_zone(z) for z in zones]
    frame = pl.DataFrame(
        {
            "zone": zones,
            "places": [p.places for p in parsed],
            "city": [p.city for p in parsed],
            "metro": [p.metro for p in parsed],
            "region": [p.region for p in parsed],
            "country": [p.country for p in parsed],
            "remote": [p.remote for p in parsed],
            "level": [p.level for p in parsed],
            "ambiguous": [p.ambiguous for p in parsed],
            "cities": [list(p.cities) for p in parsed],
            "metros": [list(p.metros) for p in parsed],
            "version": [PLACES_VERSION] * len(zones),
        },
        schema=_ZONE_SCHEMA,
    )
    con.register("zone_frame", frame)
    try:
        con.execute("INSERT OR REPLACE INTO zone_places BY NAME SELECT * FROM zone_frame").fetchall()
    finally:
        con.unregister("zone_frame")
    return len(zones)


def stale_zone_places(con: duckdb.DuckDBPyConnection) -> int:
    """How many stored zone labels another PLACES_VERSION parsed."""
    return int(
        con.execute("SELECT count(*) FROM zone_places WHERE version <> $v", {"v": PLACES_VERSION}).fetchall()[
            0
        ][0]
    )
