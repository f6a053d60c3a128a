"""Location strings from job boards -> (city, region, country), and remote/hybrid/onsite.

Boards write locations every which way: "San Francisco, CA", "Los Gatos,
California,United States of America", "US, CA, Santa Clara", "Israel-Yokneam",
"Remote (US)", "*HQ - San Francisco, CA", "New York, NY | San Francisco, CA".
The rules here are small and table-driven (no geocoder, no network): they
run on every posting, at crawl time (sources pass the country to the pay
normalizer) and in analysis (`analysis.locations` re-exports this module:
one implementation for both sides).

Conventions (docs/TAXONOMY.md):
- country is ISO 3166-1 alpha-2 ("US", "GB", "IN"), None when the string names
  no country and the city is not in the small gazetteer below.
- region is the state/province code for US, Canada and Australia ("CA", "ON",
  "NSW"), otherwise the region name as written or from the gazetteer
  ("Karnataka", "England").
- A posting listing several locations is normalized to the first one that
  names a place ("New York, NY | San Francisco, CA" -> New York).
- Macro-regions ("Remote - North America", "EMEA") name no country: all None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Remote = Literal["remote", "hybrid", "onsite"]


@dataclass(slots=True, frozen=True)
class Location:
    city: str | None = None
    region: str | None = None
    country: str | None = None


_EMPTY = Location()

# ---------------------------------------------------------------- tables

# ISO 3166-1 alpha-2 code: names and aliases (lowercase, accents kept and stripped variants added below).
_COUNTRIES_TEXT = """
AD andorra|AE united arab emirates,uae,u.a.e.,emirates|AF afghanistan|AG antigua and barbuda|AL albania|
AM armenia|AO angola|AR argentina|AT austria,österreich|AU australia|AZ azerbaijan|BA bosnia and herzegovina,bosnia|
BB barbados|BD bangladesh|BE belgium,belgique,belgië|BG bulgaria|BH bahrain|BM bermuda|BN brunei|BO bolivia|
BR brazil,brasil|BS bahamas|BT bhutan|BW botswana|BY belarus|BZ belize|CA canada|CD democratic republic of the congo,drc|
CG congo|CH switzerland,schweiz,suisse|CI côte d'ivoire,cote d'ivoire,ivory coast|CL chile|CM cameroon|
CN china,mainland china,prc,people's republic of china|CO colombia|CR costa rica|CU cuba|CV cape verde,cabo verde|
CW curaçao|CY cyprus|CZ czechia,czech republic|DE germany,deutschland|DK denmark,danmark|DO dominican republic|
DZ algeria|EC ecuador|EE estonia|EG egypt|ES spain,españa|ET ethiopia|FI finland,suomi|FJ fiji|FR france|GA gabon|
GB united kingdom,uk,u.k.,great britain,britain|GE georgia (country)|GH ghana|GI gibraltar|GR greece|GT guatemala|GU guam|
GY guyana|HK hong kong,hong kong sar|HN honduras|HR croatia|HT haiti|HU hungary|ID indonesia|IE ireland|IL israel|
IM isle of man|IN india|IQ iraq|IR iran|IS iceland|IT italy,italia|JM jamaica|JO jordan|JP japan|KE kenya|
KG kyrgyzstan|KH cambodia|KR south korea,korea,republic of korea,korea, republic of|KW kuwait|KY cayman islands|
KZ kazakhstan|LA laos|LB lebanon|LI liechtenstein|LK sri lanka|LT lithuania|LU luxembourg|LV latvia|LY libya|
MA morocco|MC monaco|MD moldova|ME montenegro|MG madagascar|MK north macedonia,macedonia|MM myanmar|MN mongolia|
MO macau,macao|MT malta|MU mauritius|MV maldives|MX mexico,méxico|MY malaysia|MZ mozambique|NA namibia|NG nigeria|
NI nicaragua|NL netherlands,the netherlands,holland,nederland|NO norway,norge|NP nepal|NZ new zealand|OM oman|
PA panama|PE peru|PG papua new guinea|PH philippines|PK pakistan|PL poland,polska|PR puerto rico|PS palestine|
PT portugal|PY paraguay|QA qatar|RO romania|RS serbia|RU russia,russian federation|RW rwanda|SA saudi arabia,ksa|
SE sweden,sverige|SG singapore|SI slovenia|SK slovakia|SN senegal|SV el salvador|SY syria|TH thailand|TN tunisia|
TR turkey,türkiye,turkiye|TT trinidad and tobago|TW taiwan|TZ tanzania|UA ukraine|UG uganda|
US united states,united states of america,usa,u.s.a.,u.s.,us,america|UY uruguay|UZ uzbekistan|VE venezuela|
VN vietnam,viet nam|ZA south africa|ZM zambia|ZW zimbabwe
"""

_US_STATES_TEXT = """
AL alabama|AK alaska|AZ arizona|AR arkansas|CA california|CO colorado|CT connecticut|DE delaware|
DC district of columbia,washington dc,washington d.c.,d.c.,d.c|FL florida|GA georgia|HI hawaii|ID idaho|IL illinois|
IN indiana|IA iowa|KS kansas|KY kentucky|LA louisiana|ME maine|MD maryland|MA massachusetts|MI michigan|
MN minnesota|MS mississippi|MO missouri|MT montana|NE nebraska|NV nevada|NH new hampshire|NJ new jersey|
NM new mexico|NY new york state|NC north carolina|ND north dakota|OH ohio|OK oklahoma|OR oregon|PA pennsylvania|
RI rhode island|SC south carolina|SD south dakota|TN tennessee|TX texas|UT utah|VT vermont|VA virginia|
WA washington state|WV west virginia|WI wisconsin|WY wyoming
"""
_CA_PROVINCES_TEXT = """
AB alberta|BC british columbia|MB manitoba|NB new brunswick|NL newfoundland and labrador,newfoundland|
NS nova scotia|NT northwest territories|NU nunavut|ON ontario|PE prince edward island|QC quebec,québec|
SK saskatchewan|YT yukon
"""
_AU_STATES_TEXT = """
NSW new south wales|VIC victoria|QLD queensland|WA western australia|SA south australia|TAS tasmania|
ACT australian capital territory|NT northern territory
"""
# Regions written by name (code -> name where boards use codes: "Bengaluru, KA, IN").
_NAMED_REGIONS_TEXT = """
IN:Karnataka=ka|IN:Maharashtra=mh|IN:Telangana=tg,ts|IN:Tamil Nadu=tn|IN:Delhi=dl,new delhi,nct|IN:Haryana=hr|
IN:Uttar Pradesh=up|IN:West Bengal=wb|IN:Gujarat=gj|IN:Kerala=kl|IN:Andhra Pradesh=ap|IN:Rajasthan=rj|
GB:England|GB:Scotland|GB:Wales|GB:Northern Ireland|DE:Bavaria=bayern|DE:Baden-Württemberg|
DE:North Rhine-Westphalia=nrw,nordrhein-westfalen|DE:Hesse=hessen|ES:Catalonia=cataluña,catalunya|
ES:Community of Madrid|CN:Guangdong|CN:Zhejiang|CN:Jiangsu|FR:Île-de-France|IT:Lombardy=lombardia|
NL:North Holland=noord-holland
"""
# city -> (canonical city, region, country); aliases after a comma. Ambiguous
# names (Cambridge, Arlington, Richmond) are left out on purpose: a lone
# "Cambridge" stays a city with no country rather than a wrong guess.
_CITIES_TEXT = """
San Francisco|CA|US sf,san fran|San Jose|CA|US|Santa Clara|CA|US|Sunnyvale|CA|US|Mountain View|CA|US|
Palo Alto|CA|US|Menlo Park|CA|US|Redwood City|CA|US|Cupertino|CA|US|Los Gatos|CA|US|Oakland|CA|US|
Berkeley|CA|US|San Mateo|CA|US|Foster City|CA|US|Emeryville|CA|US|Milpitas|CA|US|Fremont|CA|US|
South San Francisco|CA|US|Los Angeles|CA|US la,l.a.|Santa Monica|CA|US|Culver City|CA|US|Irvine|CA|US|
San Diego|CA|US|Pasadena|CA|US|Burbank|CA|US|West Hollywood|CA|US|Beverly Hills|CA|US|Sacramento|CA|US|
Seattle|WA|US|Bellevue|WA|US|Redmond|WA|US|Kirkland|WA|US|Portland|OR|US|Hillsboro|OR|US|Beaverton|OR|US|
New York|NY|US nyc,new york city,manhattan,brooklyn|Boston|MA|US|Somerville|MA|US|Waltham|MA|US|
Austin|TX|US|Dallas|TX|US|Houston|TX|US|Plano|TX|US|San Antonio|TX|US|Chicago|IL|US|Denver|CO|US|
Boulder|CO|US|Colorado Springs|CO|US|Atlanta|GA|US|Alpharetta|GA|US|Miami|FL|US|Tampa|FL|US|Orlando|FL|US|
Jacksonville|FL|US|Washington|DC|US washington dc,washington d.c.,dc|Reston|VA|US|McLean|VA|US|
Herndon|VA|US|Philadelphia|PA|US|Pittsburgh|PA|US|Newtown Square|PA|US|Raleigh|NC|US|Durham|NC|US|
Charlotte|NC|US|Research Triangle Park|NC|US rtp|Salt Lake City|UT|US|Lehi|UT|US|Phoenix|AZ|US|
Scottsdale|AZ|US|Tempe|AZ|US|Minneapolis|MN|US|Detroit|MI|US|Ann Arbor|MI|US|Columbus|OH|US|Cleveland|OH|US|
Nashville|TN|US|Indianapolis|IN|US|Kansas City|MO|US|St. Louis|MO|US st louis,saint louis|Las Vegas|NV|US|
Baltimore|MD|US|Madison|WI|US|Milwaukee|WI|US|Honolulu|HI|US|Jersey City|NJ|US|Hoboken|NJ|US|Princeton|NJ|US|
Toronto|ON|CA|Waterloo|ON|CA|Ottawa|ON|CA|Kitchener|ON|CA|Montreal|QC|CA montréal|Quebec City|QC|CA|
Vancouver|BC|CA|Victoria|BC|CA|Calgary|AB|CA|Edmonton|AB|CA|Winnipeg|MB|CA|Halifax|NS|CA|
London||GB|Manchester||GB|Edinburgh|Scotland|GB|Glasgow|Scotland|GB|Bristol||GB|Oxford||GB|Leeds||GB|
Belfast|Northern Ireland|GB|Dublin||IE|Cork||IE|Paris||FR|Lyon||FR|Toulouse||FR|Berlin||DE|Munich||DE münchen|
Hamburg||DE|Frankfurt||DE frankfurt am main|Cologne||DE köln|Stuttgart||DE|Düsseldorf||DE dusseldorf|
Amsterdam||NL|Rotterdam||NL|Eindhoven||NL|Utrecht||NL|The Hague||NL|Brussels||BE|Antwerp||BE|
Luxembourg||LU|Zurich||CH zürich|Geneva||CH|Lausanne||CH|Basel||CH|Vienna||AT wien|Madrid||ES|Barcelona||ES|
Valencia||ES|Lisbon||PT lisboa|Porto||PT|Milan||IT milano|Rome||IT roma|Turin||IT torino|Stockholm||SE|
Gothenburg||SE göteborg|Copenhagen||DK københavn|Oslo||NO|Helsinki||FI|Reykjavik||IS|Warsaw||PL warszawa|
Krakow||PL kraków|Wroclaw||PL wrocław|Prague||CZ praha|Brno||CZ|Budapest||HU|Bucharest||RO|Cluj-Napoca||RO cluj|
Sofia||BG|Athens||GR|Belgrade||RS|Zagreb||HR|Vilnius||LT|Riga||LV|Tallinn||EE|Kyiv||UA kiev|Lviv||UA|
Istanbul||TR|Tel Aviv||IL tel aviv-yafo,tel-aviv|Jerusalem||IL|Haifa||IL|Herzliya||IL|
Yokneam||IL yokneam illit|Raanana||IL ra'anana|Petah Tikva||IL|Dubai||AE|Abu Dhabi||AE|Riyadh||SA|Doha||QA|
Cairo||EG|Tbilisi||GE|Lagos||NG|Nairobi||KE|Cape Town||ZA|Johannesburg||ZA|
Bengaluru|Karnataka|IN bangalore|Mumbai|Maharashtra|IN bombay|Pune|Maharashtra|IN|Hyderabad|Telangana|IN|
Chennai|Tamil Nadu|IN|New Delhi|Delhi|IN delhi|Gurugram|Haryana|IN gurgaon|Noida|Uttar Pradesh|IN|
Kolkata|West Bengal|IN|Ahmedabad|Gujarat|IN|Singapore||SG|Kuala Lumpur||MY|Jakarta||ID|Bangkok||TH|
Ho Chi Minh City||VN saigon|Hanoi||VN|Manila||PH|Makati||PH|Taguig||PH|Cebu||PH|Hong Kong||HK|
Taipei||TW|Hsinchu||TW|Tokyo||JP|Osaka||JP|Kyoto||JP|Seoul||KR|Beijing||CN|Shanghai||CN|Shenzhen||CN|
Hangzhou||CN|Guangzhou||CN|Sydney|NSW|AU|Melbourne|VIC|AU|Brisbane|QLD|AU|Perth|WA|AU|Canberra|ACT|AU|
Auckland||NZ|Wellington||NZ|Mexico City||MX ciudad de méxico,cdmx|Guadalajara||MX|Monterrey||MX|
São Paulo||BR sao paulo|Rio de Janeiro||BR|Belo Horizonte||BR|Curitiba||BR|Florianópolis||BR florianopolis|
Campinas||BR|Porto Alegre||BR|Recife||BR|São José dos Campos||BR sao jose dos campos|Buenos Aires||AR|
Córdoba||AR cordoba|Santiago||CL|Bogotá||CO bogota|Medellín||CO medellin|Lima||PE|Montevideo||UY|
Guatemala City||GT
"""
# Metro-area names -> (region, country), no city.
_AREAS = {
    "bay area": ("CA", "US"),
    "sf bay area": ("CA", "US"),
    "san francisco bay area": ("CA", "US"),
    "silicon valley": ("CA", "US"),
    "greater london": (None, "GB"),
}
# Names that place nothing precise: macro-regions, counts, placeholders.
_MACRO = re.compile(
    r"""^(?:north(?:\s+to\s+south)?\s+america|south\s+america|latin\s+america|central\s+america|namer|\bna\b|
    amer|americas|emea|apac|apj|latam|europe|eu|european\s+union|asia|asia\s+pacific|middle\s+east|africa|oceania|
    nordics|dach|benelux|cee|worldwide|global|anywhere|international|multiple\s+locations|various|tbd|any|
    \d+\s+locations?|us\s+time\s*zones?|.*\btime\s*zones?)$""",
    re.IGNORECASE | re.VERBOSE,
)
# Words that say how, not where: removed before parsing the place.
_NOISE = re.compile(
    r"""\b(?:remote|hybrid|on[\s-]?site|in[\s-]office|telecommute|work\s+from\s+home|wfh|home[\s-]based|
    virtual|distributed|headquarters|hq|office|campus|data\s+center|based|only|flexible|metro(?:politan)?\s+area|
    metro|greater|city\s+of|fully|first|friendly|eligible|location)\b|\*""",
    re.IGNORECASE | re.VERBOSE,
)


def _fold(s: str) -> str:
    """Lowercase without accents: 'São Paulo' and 'Sao Paulo' are one key."""
    decomposed = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def _parse_table(text: str) -> list[tuple[str, list[str]]]:
    out = []
    for entry in " ".join(text.split()).split("|"):
        entry = entry.strip()
        if entry:
            code, _, names = entry.partition(" ")
            out.append((code, [n.strip() for n in names.split(",") if n.strip()]))
    return out


_COUNTRY: dict[str, str] = {}
for _code, _names in _parse_table(_COUNTRIES_TEXT):
    for _n in _names:
        _COUNTRY[_fold(_n)] = _code
    _COUNTRY.setdefault(_code.lower(), _code)
_CODES = frozenset(code for code, _ in _parse_table(_COUNTRIES_TEXT))
_COUNTRY["uk"] = "GB"
_COUNTRY.pop("ge", None)  # GE is Georgia the country only by name ("Tbilisi, Georgia (country)")
# Names that are also US states, used only when a gazetteer city pins the country.
_COUNTRY_NAME = {"GE": "georgia"}

_US_STATE_CODE: dict[str, str] = {}  # name or code -> code
for _code, _names in _parse_table(_US_STATES_TEXT):
    _US_STATE_CODE[_code.lower()] = _code
    for _n in _names:
        _US_STATE_CODE[_fold(_n)] = _code
_US_STATE_CODE["new york"] = "NY"
_US_STATE_CODE["washington"] = "WA"
_US_STATE_CODE["pr"] = "PR"
_US_STATE_CODE["puerto rico"] = "PR"

_CA_PROVINCE_CODE: dict[str, str] = {}
for _code, _names in _parse_table(_CA_PROVINCES_TEXT):
    _CA_PROVINCE_CODE[_code.lower()] = _code
    for _n in _names:
        _CA_PROVINCE_CODE[_fold(_n)] = _code

_AU_STATE_CODE: dict[str, str] = {}
for _code, _names in _parse_table(_AU_STATES_TEXT):
    _AU_STATE_CODE[_code.lower()] = _code
    for _n in _names:
        _AU_STATE_CODE[_fold(_n)] = _code

_NAMED_REGION: dict[str, dict[str, str]] = {}  # country -> folded name or alias -> canonical name
for _entry in " ".join(_NAMED_REGIONS_TEXT.split()).split("|"):
    if not _entry.strip():
        continue
    _cc, _, _rest = _entry.strip().partition(":")
    _name, _, _aliases = _rest.partition("=")
    _table = _NAMED_REGION.setdefault(_cc, {})
    for _a in [_name, *_aliases.split(",")]:
        if _a.strip():
            _table[_fold(_a)] = _name

_CITY: dict[str, tuple[str, str | None, str]] = {}
# The city table is a flat run of "name|region|COUNTRY aliases" triples.
_parts = [p.strip() for p in " ".join(_CITIES_TEXT.split()).split("|")]
for _i in range(0, len(_parts) - 2, 3):
    _cname, _cregion, _ccountry_aliases = _parts[_i], _parts[_i + 1], _parts[_i + 2]
    _ccountry, _, _calias = _ccountry_aliases.partition(" ")
    _value = (_cname, _cregion or None, _ccountry)
    _CITY[_fold(_cname)] = _value
    for _a in _calias.split(","):
        if _a.strip():
            _CITY[_fold(_a)] = _value


# Every key of the gazetteer: a location string none of whose word runs is one names no place.
_PLACE_KEYS: frozenset[str] = frozenset(
    [*_COUNTRY, *_US_STATE_CODE, *_CA_PROVINCE_CODE, *_AU_STATE_CODE, *_CITY, *_AREAS]
    + [key for table in _NAMED_REGION.values() for key in table]
)
_PLACE_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*")


@lru_cache(maxsize=65_536)
def may_name_a_place(text: str | None) -> bool:
    """False when no run of one to five words of `text` (nor the whole of it) is a gazetteer key, so
    that normalize_location(text) finds no place: a cheap test before the full parse."""
    if not text:
        return False
    folded = _fold(text)
    if folded in _PLACE_KEYS or folded.rstrip(".") in _PLACE_KEYS:
        return True
    for words in (_PLACE_WORD.findall(folded), folded.replace("-", " ").split()):  # "Cluj-Napoca", "US-based"
        words = [w.strip(".,()") for w in words]
        for n in range(1, 6):
            for i in range(len(words) - n + 1):
                run = " ".join(words[i : i + n])
                if run in _PLACE_KEYS or run + "." in _PLACE_KEYS:
                    return True
    return any(p.strip(" .") in _PLACE_KEYS for p in re.split(r"[,()/|:;&]|\s[-–—]\s", folded))


# ---------------------------------------------------------------- parsing

# Lowercase "or" only: "US OR Hillsboro" is Oregon.
_MULTI_SPLIT = re.compile(r"\s*(?:;|\||\n|\s/\s|\s+or\s+|\s&\s)\s*")
_TOKEN_SPLIT = re.compile(r"\s*(?:,|\(|\)|\s-\s|\s–\s|\s—\s|:)\s*")


def _country_of(token: str) -> str | None:
    key = _fold(token).rstrip(".")
    if key in _COUNTRY:
        return _COUNTRY[key]
    # "U.S" / "U.K" without the final dot
    return _COUNTRY.get(key + ".")


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a filter value names: a code ("de", "GE") or a name ("Germany")."""
    key = _fold(" ".join(text.split()))
    if len(key) == 2 and key.isalpha() and key.upper() in _CODES:
        return key.upper()
    return _country_of(text)


def _region_in(token: str, country: str | None) -> tuple[str, str] | None:
    """(region, country) for a state/province token, using the country when known."""
    key = _fold(token)
    if country in (None, "US") and key in _US_STATE_CODE:
        return _US_STATE_CODE[key], "US"
    if country in (None, "CA") and key in _CA_PROVINCE_CODE:
        return _CA_PROVINCE_CODE[key], "CA"
    if country == "AU" and key in _AU_STATE_CODE:
        return _AU_STATE_CODE[key], "AU"
    if country is not None and key in _NAMED_REGION.get(country, {}):
        return _NAMED_REGION[country][key], country
    if country is None:
        for cc in ("GB", "IN", "DE", "ES", "CN", "FR", "IT", "CH", "NL"):
            # Full names only: two-letter codes of other countries' regions are too ambiguous.
            if len(key) > 3 and key in _NAMED_REGION.get(cc, {}):
                return _NAMED_REGION[cc][key], cc
        if len(key) > 3 and key in _AU_STATE_CODE:
            return _AU_STATE_CODE[key], "AU"
    return None


def _split_prefix(token: str) -> list[str]:
    """'US CA Santa Clara' -> ['US', 'CA', 'Santa Clara']; 'Israel Tel Aviv' -> ['Israel', 'Tel Aviv']."""
    words = token.split()
    out: list[str] = []
    while len(words) > 1:
        for n in (4, 3, 2, 1):
            head = " ".join(words[:n])
            if n < len(words) and (
                _country_of(head)
                or (n == 1 and len(head) == 2 and head.isupper() and _fold(head) in _US_STATE_CODE)
            ):
                out.append(head)
                words = words[n:]
                break
        else:
            break
    if words:
        out.append(" ".join(words))
    return out


def _tokens(part: str) -> list[str]:
    tokens: list[str] = []
    for t in _TOKEN_SPLIT.split(part):
        if _fold(t.strip(" .")) in _AREAS:  # before noise removal eats "area"
            tokens.append(t.strip(" ."))
            continue
        t = " ".join(_NOISE.sub(" ", t).split()).strip(" .-–—/")
        t = re.sub(r"\s+area$", "", t, flags=re.IGNORECASE)
        if not t or _MACRO.match(t):
            continue
        if _POSTAL.match(t):
            continue  # "Bangalore, IN, 560066": a postal code, and then "IN" is India's code, not Indiana
        t = _POSTAL_TAIL.sub("", t) or t  # "NSW 2120"
        pieces = _country_split(t)
        if pieces:
            tokens.extend(p for p in pieces if not _MACRO.match(p))
            continue
        if " " in t and not _known(t):
            tokens.extend(_split_prefix(t))
            continue
        tokens.append(t)
    return tokens


def _country_split(token: str) -> list[str]:
    """'Israel-Yokneam' and 'India/Mumbai' -> their pieces when one is a country; [] otherwise, so
    'Cluj-Napoca' and 'Winston-Salem' stay whole."""
    if _known(token):
        return []
    for sep in "-/":
        pieces = [p.strip() for p in token.split(sep) if p.strip()]
        # a country by name, or by a code in capitals ("Mozambique Main Office/Ma" is not Morocco)
        if len(pieces) > 1 and any(_country_of(p) and (len(p) > 3 or p.isupper()) for p in pieces):
            return pieces
    return []


_POSTAL = re.compile(r"^\d[\d\s-]*$")
_POSTAL_TAIL = re.compile(r"\s+\d{4,6}$")


def _known(token: str) -> bool:
    key = _fold(token)
    return key in _CITY or key in _COUNTRY or key in _US_STATE_CODE or key in _AREAS


def _parse_part(part: str) -> Location:
    tokens = _tokens(part)
    if not tokens:
        return _EMPTY
    # Country-first forms ("Israel, Tel Aviv", "US, CA, Santa Clara") read right to left.
    if len(tokens) > 1 and _country_of(tokens[0]) and not _country_of(tokens[-1]):
        tokens = tokens[::-1]
    country: str | None = None
    if len(tokens) > 1 or not _region_in(tokens[0], None):
        last = tokens[-1]
        cc = _country_of(last)
        two_letter_state = len(last) == 2 and _fold(last) in _US_STATE_CODE | _CA_PROVINCE_CODE
        if cc and not (two_letter_state and len(tokens) == 2 and last.isupper()):
            country = cc
            tokens = tokens[:-1]
        elif cc and len(tokens) == 2:
            # "Bengaluru, IN" is India, "Indianapolis, IN" is Indiana: ask the gazetteer.
            known = _CITY.get(_fold(tokens[0]))
            if known and known[2] == cc:
                country, tokens = cc, tokens[:-1]
    if not tokens:
        return Location(None, None, country)
    if len(tokens) == 1:
        only = tokens[0]
        area = _AREAS.get(_fold(only))
        if area:
            return Location(None, area[0], area[1] if country is None else country)
        known = _CITY.get(_fold(only))
        if known and (country is None or known[2] == country):
            return Location(known[0], known[1], known[2])
        reg = _region_in(only, country)
        if reg and (country is not None or len(only) > 2 or only.isupper()):
            return Location(None, reg[0], reg[1])
        if _country_of(only) and country is None:
            return Location(None, None, _country_of(only))
        return Location(only, None, country)
    city_token, region_tokens = tokens[0], tokens[1:]
    area = _AREAS.get(_fold(city_token))
    if area:  # "SF Bay Area, CA"
        return Location(None, area[0], country or area[1])
    known = _CITY.get(_fold(city_token))
    resolved: tuple[str | None, str | None] | None = None
    if known and country in (None, known[2]):
        # "Perth, WA" is Western Australia and "Bombay, MH" Maharashtra: read the
        # region in the gazetteer city's country first, then anywhere.
        resolved = _regions(region_tokens, known[2], strict=True)
    if resolved is None:
        resolved = _regions(region_tokens, country, strict=False)
    region, reg_country = resolved or (None, None)
    country = country or reg_country
    if (
        known
        and (country is None or known[2] == country)
        and (region is None or _same_region(region, known[1]))
    ):
        city = known[0]
        region = region or known[1]
        country = country or known[2]
    else:
        city = city_token
    return Location(city, region, country)


def _regions(tokens: list[str], country: str | None, *, strict: bool) -> tuple[str | None, str | None] | None:
    """(region, country) from the tokens between city and country; None if `strict` and one is unknown."""
    region: str | None = None
    for rt in tokens:
        reg = _region_in(rt, country)
        if reg is None and country is not None and _fold(rt) == _fold(_COUNTRY_NAME.get(country, "")):
            continue  # "Tbilisi, Georgia": the token is the gazetteer city's own country
        if reg:
            region, country = reg[0], reg[1]
        elif strict:
            return None
        elif region is None and not _country_of(rt):
            region = rt
    return region, country


def _same_region(a: str, b: str | None) -> bool:
    return b is None or _fold(a) == _fold(b)


@lru_cache(maxsize=65_536)
def normalize_location(location: str | None) -> Location:
    """(city, region, country) of the first place a location string names; all None when it names none."""
    if not location or not location.strip():
        return _EMPTY
    text = unicodedata.normalize("NFKC", location).strip()
    whole = _country_of(text)
    if whole:  # "Trinidad and Tobago", "Bosnia & Herzegovina" before the connector split
        return Location(None, None, whole)
    for part in _MULTI_SPLIT.split(text):
        if not part.strip():
            continue
        loc = _parse_part(part)
        if loc != _EMPTY:
            return loc
    return _EMPTY


# ---------------------------------------------------------------- remote / hybrid / onsite

_LOC_REMOTE = re.compile(
    r"\bremote\b|\btelecommute\b|work\s+from\s+home|\bwfh\b|\bhome[\s-]based\b|\banywhere\b|\bvirtual\b|"
    r"\bdistributed\b|\bhome\s+office\b",
    re.IGNORECASE,
)
_LOC_HYBRID = re.compile(r"\bhybrid\b|\bflex(?:ible)?\s+(?:office|work)", re.IGNORECASE)
_LOC_ONSITE = re.compile(r"\bon[\s-]?site\b|\bin[\s-]office\b|\bin[\s-]person\b", re.IGNORECASE)
_TITLE_REMOTE = re.compile(r"\bremote\b|\bwork\s+from\s+home\b|\btelecommute\b", re.IGNORECASE)
_TITLE_HYBRID = re.compile(r"\bhybrid\b(?!\s+(?:cloud|search|retrieval|app))", re.IGNORECASE)
_TITLE_ONSITE = re.compile(r"\bon[\s-]?site\b|\bin[\s-]office\b", re.IGNORECASE)

# Description phrases about *this* job's arrangement; "hybrid cloud" and
# "on-site gym" are not. Negated remote ("not eligible for remote") means onsite.
_DESC_NOT_REMOTE = re.compile(
    r"\b(?:not|no|isn't|is\s+not|cannot\s+be|can't\s+be)\s+(?:a\s+|eligible\s+for\s+|open\s+to\s+|available\s+for\s+|"
    r"performed\s+)?(?:fully\s+)?remote(?:ly)?\b|\bremote\s+work\s+is\s+not\b"
)
_DESC_HYBRID = re.compile(
    r"\bhybrid\s+(?:role|position|work|working|schedule|model\s+of\s+work|arrangement|environment|setup|set-up|"
    r"policy|opportunity|basis|workplace|work\s+model|work\s+schedule)\b|\b(?:this|the)\s+(?:role|position|job)\s+is\s+"
    r"(?:a\s+)?hybrid\b|\b(?:[1-4]|one|two|three|four)\s*(?:days?|x)\s+(?:a|per|each)\s+week\s+(?:in|at|from)\s+"
    r"(?:the\s+|our\s+)?(?:[\w/,]+\s+){0,4}?(?:office|hq|studio)|\bin[\s-]office\s+(?:\w+\s+)?(?:[1-4]|one|two|three|four)"
    r"\s+days\b|\b(?:office|in[\s-]person|on[\s-]?site)\b[^.;\n]{0,80}?\b(?:[1-4]|one|two|three|four)\s*(?:days?|x)\s+"
    r"(?:a|per|each)\s+week\b"
)
_DESC_REMOTE = re.compile(
    r"\b(?:fully|100%)\s+remote\b|\bremote[\s-](?:first|friendly|eligible|ok|position|role|opportunity|work(?:ing)?|"
    r"option|company|team)\b|\bwork\s+from\s+anywhere\b|\bwork\s+anywhere\b|\b(?:this|the)\s+(?:role|position|job)\s+"
    r"(?:is|can\s+be)\s+(?:fully\s+|100%\s+)?remote\b|\bremote\s+within\b|\bopen\s+to\s+remote\b|"
    # "work from home" as the arrangement, not "work from home day" / "work from home stipend"
    r"\bwork\s+from\s+home\b(?!\s+(?:days?|stipend|allowance|budget|equipment|set-?up|reimbursement|fridays?))"
)
_DESC_ONSITE = re.compile(
    r"\b(?:this|the)\s+(?:role|position|job)\s+is\s+(?:based\s+)?(?:fully\s+)?(?:on[\s-]?site|in[\s-]office|"
    r"in[\s-]person)\b|\b(?:fully|100%)\s+(?:on[\s-]?site|in[\s-]office|in[\s-]person)\b|\b(?:5|five)\s+days\s+"
    r"(?:a|per)\s+week\s+in\s+(?:the\s+)?office\b|\bmust\s+(?:be\s+able\s+to\s+)?(?:work|commute|report)\s+"
    r"(?:on[\s-]?site|in[\s-]office|in[\s-]person|to\s+(?:the|our)\s+office)\b"
)
_HINTS: dict[str, Remote] = {
    "remote": "remote",
    "fully remote": "remote",
    "remote first": "remote",
    "telecommute": "remote",
    "work from home": "remote",
    "hybrid": "hybrid",
    "onsite": "onsite",
    "on site": "onsite",
    "on-site": "onsite",
    "in office": "onsite",
    "in-office": "onsite",
    "office": "onsite",
    "in person": "onsite",
}


# Every match of a _DESC_* pattern holds one of its words; the words each pattern needs. Some words
# count only as the patterns write them (_AS_WRITTEN): "site" in "on-site", not "website";
# "person" in "in person", not "personal"; "hq" after a space.
_HYBRID_WORDS = ("hybrid", "office", "hq", "studio", "person", "site")
_NOT_REMOTE_WORDS = ("remote",)
_ONSITE_WORDS = ("site", "office", "person")
_REMOTE_WORDS = ("remote", "anywhere", "from home")
# How far a match reaches from the word it holds: the longest is a hybrid statement's 80 characters
# between "office" and "N days a week", or its four words before "office"; 250 is past both.
_REACH = 250


def _after(text: str, i: int, before: str) -> bool:
    r"""Whether `before`, then one optional space or hyphen, ends at i (on[\s-]?site, in[\s-]person)."""
    k = len(before)
    if text[i - k : i] == before:
        return True
    return i > k and (text[i - 1].isspace() or text[i - 1] == "-") and text[i - k - 1 : i - 1] == before


_AS_WRITTEN: dict[str, Callable[[str, int], bool]] = {
    "site": lambda text, i: _after(text, i, "on"),
    "person": lambda text, i: (
        i > 3 and (text[i - 1].isspace() or text[i - 1] == "-") and text[i - 3 : i - 1] == "in"
    ),
    "hq": lambda text, i: i > 0 and text[i - 1].isspace(),
}


def _search_near(pattern: re.Pattern[str], text: str, words: tuple[str, ...]) -> bool:
    r"""pattern.search(text), run only on the stretches within _REACH of one of `words`.

    A description mentions "remote" or "office" a few times in 5-20k characters, and these
    patterns (each alternative opening on \b) make sre try every position: searching the
    stretches around the words alone costs a fraction, with the same answer for any match
    shorter than _REACH on either side of its word. A stretch ends where a word ends (the next
    character is no word character), so a \b or lookahead at its end sees what the text has."""
    starts: list[int] = []
    for word in words:
        written = _AS_WRITTEN.get(word)
        i = text.find(word)
        while i >= 0:
            if written is None or written(text, i):
                starts.append(i)
            i = text.find(word, i + 1)
    if not starts:
        return False
    starts.sort()
    n = len(text)
    lo, hi = max(0, starts[0] - _REACH), starts[0] + _REACH
    for i in starts[1:]:
        if i - _REACH <= hi:
            hi = i + _REACH
            continue
        if _search_span(pattern, text, lo, hi, n):
            return True
        lo, hi = max(0, i - _REACH), i + _REACH
    return _search_span(pattern, text, lo, hi, n)


def _search_span(pattern: re.Pattern[str], text: str, lo: int, hi: int, n: int) -> bool:
    if hi >= n:
        return pattern.search(text, lo) is not None
    while hi < n and (text[hi].isalnum() or text[hi] == "_"):
        hi += 1
    # pos keeps the characters before it for \b (sre looks at the real string there)
    return pattern.search(text, lo, hi) is not None


def _from_description(text: str) -> Remote | None:
    # Literal pre-checks (C speed) so most postings never run the regexes, and then only near the
    # words a match needs (_search_near).
    has_remote = "remote" in text
    has_office = "office" in text
    hybrid = ("hybrid" in text or has_office) and _search_near(_DESC_HYBRID, text, _HYBRID_WORDS)
    if (has_remote and _search_near(_DESC_NOT_REMOTE, text, _NOT_REMOTE_WORDS)) or (
        ("site" in text or has_office or "person" in text) and _search_near(_DESC_ONSITE, text, _ONSITE_WORDS)
    ):
        return "hybrid" if hybrid else "onsite"
    if hybrid:
        return "hybrid"
    if (has_remote or "anywhere" in text or "from home" in text) and _search_near(
        _DESC_REMOTE, text, _REMOTE_WORDS
    ):
        return "remote"
    return None


def _from_hint(hint: str | bool | None) -> Remote | None:
    if hint is True:
        return "remote"
    if not isinstance(hint, str):
        return None  # False / None: an unset flag says nothing about hybrid vs onsite
    key = " ".join(hint.strip().lower().replace("_", " ").split())
    return _HINTS.get(key) or _HINTS.get(key.replace(" ", ""))


def classify_remote(
    location: str | None,
    title: str | None = None,
    description: str | None = None,
    *,
    hint: str | bool | None = None,
) -> Remote | None:
    """remote / hybrid / onsite for a posting, None when nothing says.

    Order: the location and title say it explicitly ("Remote - US", "Hybrid -
    Berlin", "Engineer (Remote)"); then the source's own field (`hint`); then
    the description's statements about this job; then a concrete place alone
    ("San Francisco, CA") means onsite.
    """
    loc = location or ""
    if loc:
        if _LOC_REMOTE.search(loc):
            return "remote"  # any listed location being remote makes the job remote-eligible
        if _LOC_HYBRID.search(loc):
            return "hybrid"
        if _LOC_ONSITE.search(loc):
            return "onsite"
    if title:
        if _TITLE_REMOTE.search(title):
            return "remote"
        if _TITLE_HYBRID.search(title):
            return "hybrid"
        if _TITLE_ONSITE.search(title):
            return "onsite"
    from_hint = _from_hint(hint)
    if from_hint is not None:
        return from_hint
    if description:
        said = _from_description(description[:20_000].lower())
        if said is not None:
            return said
    if loc and normalize_location(loc) != _EMPTY:
        return "onsite"
    return None
