"""Currency markers (symbols, ISO codes, words) and how an ambiguous one is resolved.

A marker is either an ISO 4217 code or a generic mark whose currency depends on
where the posting is: "$" (US, Canada, Australia, Mexico ...), "kr" (Sweden,
Norway, Denmark, Iceland), "¥" (Japan, China), "Rs" (India, Pakistan, Sri Lanka,
Nepal), "pesos", "dirham", "riyal", "R" (South Africa only). Resolution order:
the text names the currency ("CAD", "Canadian dollars", "+ super", "Lønn") >
the posting's country > the caller's default. A mark that stays unnamed gives
no band, never USD.

Every active ISO 4217 code is a currency (iso4217.py); whether it converts to
USD is the FX table's business (pay.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..locations import may_name_a_place, normalize_location
from .alternation import by_first_char
from .iso4217 import ACTIVE, WORD_LIKE

DOLLAR = "$"
YEN = "¥"
KRONA = "kr"
RUPEE = "Rs"
PESO = "pesos"
DIRHAM = "dirham"
RIYAL = "riyal"
RAND = "R"
SHILLING = "shilling"
YUAN = "元"
NAIRA_N = "N₦"  # a bare "N" before digits: the naira, in Nigeria only
GENERIC = frozenset({DOLLAR, YEN, KRONA, RUPEE, PESO, DIRHAM, RIYAL, RAND, SHILLING, YUAN, NAIRA_N})

# Which currency a generic mark means in each country (ISO 3166 alpha-2), and without one.
_BY_COUNTRY: dict[str, dict[str, str]] = {
    DOLLAR: {
        "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN",
        "TW": "TWD", "CO": "COP", "CL": "CLP", "AR": "ARS", "UY": "UYU", "DO": "DOP", "JM": "JMD",
        "TT": "TTD", "BS": "BSD", "BB": "BBD", "BZ": "BZD", "FJ": "FJD", "LR": "LRD", "NA": "NAD",
        "GY": "GYD", "SR": "SRD", "BN": "BND", "KY": "KYD", "BM": "BMD", "CU": "CUP", "NI": "NIO",
        "EC": "USD", "SV": "USD", "PA": "USD", "PR": "USD", "TL": "USD", "ZW": "USD",
    },
    KRONA: {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "FO": "DKK", "GL": "DKK"},
    YEN: {"JP": "JPY", "CN": "CNY"},
    RUPEE: {"IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR", "MU": "MUR", "SC": "SCR", "ID": "IDR"},
    PESO: {
        "MX": "MXN", "CO": "COP", "CL": "CLP", "AR": "ARS", "UY": "UYU", "DO": "DOP", "PH": "PHP",
        "CU": "CUP",
    },
    DIRHAM: {"AE": "AED", "MA": "MAD"},
    RIYAL: {"SA": "SAR", "QA": "QAR", "OM": "OMR", "YE": "YER", "IR": "IRR"},
    RAND: {"ZA": "ZAR", "LS": "ZAR", "NA": "ZAR", "SZ": "ZAR"},
    SHILLING: {"KE": "KES", "UG": "UGX", "TZ": "TZS", "SO": "SOS"},
    YUAN: {"CN": "CNY", "TW": "TWD", "HK": "HKD", "MO": "MOP"},
    NAIRA_N: {"NG": "NGN"},
}  # fmt: skip
_WITHOUT_COUNTRY: dict[str, str | None] = {
    DOLLAR: "USD",
    KRONA: "SEK",
    YEN: "JPY",
    RUPEE: "INR",
    PESO: "MXN",
    DIRHAM: "AED",
    RIYAL: "SAR",
    RAND: None,  # "R45 000" is rand only where the posting is
    SHILLING: "KES",
    YUAN: "CNY",
    NAIRA_N: None,
}

# The local currency of a country: unmarked amounts in a posting located there.
COUNTRY_CURRENCY: dict[str, str] = {
    "US": "USD", "CA": "CAD", "MX": "MXN", "BR": "BRL", "AR": "ARS", "CL": "CLP", "CO": "COP", "PE": "PEN",
    "UY": "UYU", "PY": "PYG", "BO": "BOB", "EC": "USD", "VE": "VES", "CR": "CRC", "PA": "USD", "GT": "GTQ",
    "DO": "DOP", "PR": "USD", "JM": "JMD", "GB": "GBP", "IE": "EUR", "DE": "EUR", "AT": "EUR", "CH": "CHF",
    "LI": "CHF", "FR": "EUR", "BE": "EUR", "NL": "EUR", "LU": "EUR", "ES": "EUR", "PT": "EUR", "IT": "EUR",
    "GR": "EUR", "CY": "EUR", "MT": "EUR", "FI": "EUR", "EE": "EUR", "LV": "EUR", "LT": "EUR", "SK": "EUR",
    "SI": "EUR", "HR": "EUR", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN", "RS": "RSD",
    "BA": "BAM", "MK": "MKD", "AL": "ALL", "MD": "MDL", "UA": "UAH", "BY": "BYN", "RU": "RUB", "GE": "GEL",
    "AM": "AMD", "AZ": "AZN", "TR": "TRY", "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "IL": "ILS",
    "AE": "AED", "SA": "SAR", "QA": "QAR", "KW": "KWD", "BH": "BHD", "OM": "OMR", "JO": "JOD", "LB": "LBP",
    "EG": "EGP", "MA": "MAD", "TN": "TND", "DZ": "DZD", "NG": "NGN", "GH": "GHS", "KE": "KES", "UG": "UGX",
    "TZ": "TZS", "RW": "RWF", "ET": "ETB", "ZA": "ZAR", "NA": "NAD", "BW": "BWP", "ZM": "ZMW", "MU": "MUR",
    "SN": "XOF", "CI": "XOF", "CM": "XAF", "IN": "INR", "PK": "PKR", "BD": "BDT", "LK": "LKR", "NP": "NPR",
    "CN": "CNY", "HK": "HKD", "MO": "MOP", "TW": "TWD", "JP": "JPY", "KR": "KRW", "SG": "SGD", "MY": "MYR",
    "ID": "IDR", "TH": "THB", "VN": "VND", "PH": "PHP", "KH": "KHR", "MM": "MMK", "MN": "MNT", "KZ": "KZT",
    "UZ": "UZS", "KG": "KGS", "AU": "AUD", "NZ": "NZD", "FJ": "FJD",
}  # fmt: skip

# Codes read next to a number: every active ISO 4217 code but those that are also words.
ISO_CODES: frozenset[str] = ACTIVE
_TEXT_CODES = sorted(ACTIVE - WORD_LIKE, key=len, reverse=True)


_CODES_RE = by_first_char("|".join(_TEXT_CODES))  # codes hold no regex syntax

# "$"-prefixes naming their country: longest first so "US$" is not read as "$".
_DOLLAR_PREFIXES = {
    "US$": "USD",
    "U$S": "USD",
    "USD$": "USD",
    "CA$": "CAD",
    "CAN$": "CAD",
    "CDN$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "NZD$": "NZD",
    "SG$": "SGD",
    "S$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "MX$": "MXN",
    "Mex$": "MXN",
    "NT$": "TWD",
    "E£": "EGP",
}
# Codes in use that are not ISO 4217.
_ALIASES = {"RMB": "CNY", "CNH": "CNY", "NIS": "ILS", "VNĐ": "VND", "VNDĐ": "VND"}

# One-character symbols (also read as a prefix).
_SYMBOLS = {
    "$": DOLLAR,
    "£": "GBP",
    "€": "EUR",
    "¥": YEN,
    "￥": YEN,
    "₹": "INR",
    "₩": "KRW",
    "₱": "PHP",
    "₪": "ILS",
    "฿": "THB",
    "₺": "TRY",
    "₦": "NGN",
    "₵": "GHS",
    "₴": "UAH",
    "₸": "KZT",
    "₽": "RUB",
    "₾": "GEL",
    "₼": "AZN",
    "₫": "VND",
    "₭": "LAK",
    "₮": "MNT",
    "₡": "CRC",
    "₲": "PYG",
    "৳": "BDT",
    "៛": "KHR",
    "元": "元",  # yuan, or the Taiwan / Hong Kong dollar where the posting is
    "円": "JPY",
    "원": "KRW",
}
_SYMBOL_CHARS = "".join(k for k in _SYMBOLS if k not in "元円원")

# Letter abbreviations that are currencies only right next to a number.
_ABBREVIATIONS = {
    "Rs": RUPEE,
    "Rs.": RUPEE,
    "RM": "MYR",
    "Php": "PHP",
    "PhP": "PHP",
    "Rp": "IDR",
    "Rp.": "IDR",
    "SFr.": "CHF",
    "Fr.": "CHF",
    "zł": "PLN",
    "zl": "PLN",
    "Kč": "CZK",
    "лв": "BGN",
    "лв.": "BGN",
    "Tk": "BDT",
    "Tk.": "BDT",
    "KSh": "KES",
    "Ksh": "KES",
    "USh": "UGX",
    "TSh": "TZS",
    "SR": "SAR",
    "LE": "EGP",
    "N": NAIRA_N,
    "Kshs": "KES",
    "Kshs.": "KES",
    "KShs": "KES",
    "Ksh.": "KES",
    "QR": "QAR",
    "R": RAND,
    "kr": KRONA,
    "kr.": KRONA,
    "Ft": "HUF",
    "lei": "RON",
    "Dhs": DIRHAM,
    "Dh": DIRHAM,
    "DH": DIRHAM,
    "TL": "TRY",
    "грн": "UAH",
    "руб": "RUB",
    "руб.": "RUB",
    "₽": "RUB",
    "тг": "KZT",
    "ден": "MKD",
    "дин": "RSD",
    "din": "RSD",
    "đ": "VND",
}
# Abbreviations read before a number ("Rs. 25,000", "RM 8,000", "zł 15 000", "R45 000").
_PREFIX_ABBREVIATIONS = ("Rs", "Rs.", "RM", "Php", "PhP", "Rp", "Rp.", "SFr.", "Fr.", "zł", "Kč", "лв", "Tk", "Tk.", "KSh", "Ksh",
                         "USh", "TSh", "SR", "QR", "R", "kr", "kr.", "LE", "N", "Kshs", "Kshs.", "KShs", "Ksh.",
                         "Dhs", "Dh", "DH")  # fmt: skip
# Abbreviations read after a number ("45 000 kr", "800 000 Ft", "3 000 лв", "15 000 DH").
_SUFFIX_ABBREVIATIONS = ("kr", "kr.", "Ft", "lei", "zl", "zł", "Kč", "лв", "лв.", "Dhs", "Dh", "DH", "TL", "CHF",
                         "Fr.", "грн", "руб", "руб.", "тг", "ден", "дин", "din", "đ", "Tk", "KSh", "Ksh")  # fmt: skip

# Words after a number ("86,000 - 120,000 Euro", "£88,000 - £110,000 pounds").
_WORDS = {
    "dollar": DOLLAR,
    "dollars": DOLLAR,
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "rupees": RUPEE,
    "rupee": RUPEE,
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "złotych": "PLN",
    "zlotych": "PLN",
    "zloty": "PLN",
    "zlotys": "PLN",
    "korun": "CZK",
    "koruna": "CZK",
    "forint": "HUF",
    "leva": "BGN",
    "лева": "BGN",
    "francs": "CHF",
    "franken": "CHF",
    "reais": "BRL",
    "real": "BRL",
    "kronor": "SEK",
    "kroner": KRONA,
    "kronur": "ISK",
    "pesos mexicanos": "MXN",
    "pesos": PESO,
    "peso": PESO,
    "rand": "ZAR",
    "ringgit": "MYR",
    "rupiah": "IDR",
    "baht": "THB",
    "dong": "VND",
    "shekel": "ILS",
    "shekels": "ILS",
    "naira": "NGN",
    "cedis": "GHS",
    "shillings": SHILLING,
    "lira": "TRY",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "tenge": "KZT",
    "тенге": "KZT",
    "rubles": "RUB",
    "roubles": "RUB",
    "taka": "BDT",
    "dirhams": DIRHAM,
    "dirham": DIRHAM,
    "riyals": RIYAL,
    "riyal": RIYAL,
    "dinars": "RSD",
    "soles": "PEN",
    "quetzales": "GTQ",
    "colones": "CRC",
    "guaraníes": "PYG",
    "dinara": "RSD",
    "динара": "RSD",
    "гривень": "UAH",
    "гривні": "UAH",
    "gryvnia": "UAH",
    "бата": "THB",
    "บาท": "THB",
    "đồng": "VND",
    "vnđ": "VND",
    "ريال": RIYAL,
    "ر.س": "SAR",
    "درهم": DIRHAM,
    "جنيه": "EGP",
    "روپے": "PKR",
    "روپیہ": "PKR",
    "টাকা": "BDT",
    'ש"ח': "ILS",
    "שקל": "ILS",
    "₪": "ILS",
    "лв.": "BGN",
    "сом": "KGS",
    "manat": "AZN",
    "теңге": "KZT",
    "lari": "GEL",
    "denari": "MKD",
}

_esc = re.escape
_PREFIX_ALTS = (
    [_esc(k) for k in sorted(_DOLLAR_PREFIXES, key=len, reverse=True)]
    + [rf"(?:{_CODES_RE}|RMB|NIS)(?:[ ]?\$)?"]  # "USD 140,000", "USD $1,200.00", "USD140,000"
    + [_esc(k) for k in sorted(_PREFIX_ABBREVIATIONS, key=len, reverse=True)]
)
# Prefix marker: letter-based ones must not be the tail of a word ("ABCUSD 1").
PREFIX = r"(?:(?<![A-Za-z])(?:" + "|".join(_PREFIX_ALTS) + r")(?![A-Za-z])" + rf"|[{_SYMBOL_CHARS}])"
SUFFIX = (
    r"(?:(?<![A-Za-z])(?:" + _CODES_RE + r"|RMB|NIS|VNĐ)(?![A-Za-z])"
    rf"|[{_SYMBOL_CHARS}元円원]|人民币"
    r"|\$(?![ ]?\d)"  # "50 000 $" (fr-CA), never the "$" that starts the next amount
    r"|(?<![\w])(?:"
    + "|".join(_esc(k) for k in sorted(_SUFFIX_ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w])"
    r"|(?i:(?<![a-z])(?:pounds[ ]sterling|pesos[ ]mexicanos|"
    + "|".join(sorted((w for w in _WORDS if " " not in w), key=len, reverse=True))
    + r")(?!\w)))"
)
# Characters a prefix can start with: the regex is tried only there (text.py).
PREFIX_START: frozenset[str] = frozenset(
    _SYMBOL_CHARS
    + "".join(k[0] for k in _DOLLAR_PREFIXES)
    + "".join(k[0] for k in _PREFIX_ABBREVIATIONS)
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def marker_currency(marker: str | None) -> str | None:
    """The ISO code or generic mark a matched prefix/suffix stands for."""
    if not marker:
        return None
    m = marker.strip()
    if m in _DOLLAR_PREFIXES:
        return _DOLLAR_PREFIXES[m]
    if m in _SYMBOLS:
        return _SYMBOLS[m]
    if m in _ABBREVIATIONS:
        return _ABBREVIATIONS[m]
    code = m.rstrip("$").strip()
    if code in ISO_CODES:
        return code
    if code in _ALIASES:
        return _ALIASES[code]
    if m == "人民币":
        return "CNY"
    return _WORDS.get(m.lower())


# Words that name which currency a generic mark is. Each named group's name is a code.
_NAMING = {
    DOLLAR: re.compile(
        r"(?<![A-Za-z])(?P<code>USD|CAD|AUD|NZD|SGD|HKD|MXN|TWD|COP|CLP|ARS|UYU)(?![A-Za-z])"
        r"|(?P<CAD>Canadian|(?<![A-Za-z])CDN(?![A-Za-z]))"
        r"|(?P<AUD>Australian|\+\s*super(?:annuation)?\b|plus\s+super(?:annuation)?\b|incl\.?\s+super\b"
        r"|including\s+super\b|superannuation)"
        r"|(?P<NZD>New Zealand dollars?|\bKiwiSaver\b)|(?P<SGD>Singapore dollars?)"
        r"|(?P<HKD>Hong Kong dollars?)"
        r"|(?P<MXN>pesos? mexicanos?|Mexican pesos?|(?<![A-Za-z])M\.?N\.?(?![A-Za-z]))"
        r"|(?P<USD>US dollars?|U\.S\. dollars?)"
    ),
    KRONA: re.compile(
        r"(?i)(?<![A-Za-z])(?P<code>SEK|DKK|NOK|ISK)(?![A-Za-z])"
        r"|(?P<DKK>(?<!\w)løn(?!n)|årsløn(?!n)|månedsløn(?!n)|om måneden|pr\. måned|Danmark|København|Aarhus|Odense)"
        r"|(?P<NOK>lønn|årslønn|månedslønn|Norge|Oslo|Bergen|Trondheim|Stavanger)"
        r"|(?P<SEK>lön|årslön|månadslön|Sverige|Stockholm|Göteborg|Malmö|kronor)"
    ),
    YEN: re.compile(
        r"(?<![A-Za-z])(?P<CNY>CNY|RMB)(?![A-Za-z])|(?P<CNY2>元|人民币|年薪|月薪|薪资)|(?P<JPY>円|万円|JPY)"
    ),
    RUPEE: re.compile(r"(?<![A-Za-z])(?P<code>INR|PKR|LKR|NPR|MUR)(?![A-Za-z])|(?P<PKR>Pakistan)"),
    PESO: re.compile(r"(?<![A-Za-z])(?P<code>MXN|COP|CLP|ARS|UYU|DOP|PHP)(?![A-Za-z])"),
    DIRHAM: re.compile(r"(?<![A-Za-z])(?P<code>AED|MAD)(?![A-Za-z])|(?P<MAD>Maroc|Morocco|Casablanca|Rabat)"),
    RIYAL: re.compile(r"(?<![A-Za-z])(?P<code>SAR|QAR|OMR|YER)(?![A-Za-z])|(?P<QAR>Qatar|Doha)"),
    RAND: re.compile(r"(?<![A-Za-z])(?P<ZAR>ZAR|rand|South Africa)(?![A-Za-z])"),
    SHILLING: re.compile(r"(?<![A-Za-z])(?P<code>KES|UGX|TZS)(?![A-Za-z])"),
    YUAN: re.compile(
        r"(?<![A-Za-z])(?P<code>CNY|TWD|HKD|RMB)(?![A-Za-z])|(?P<TWD>新台幣|台幣|NT\$)|(?P<CNY>人民币)"
    ),
}


def resolve(generic: str, context: str, *, default_currency: str, country: str | None = None) -> str | None:
    """Turn a generic mark ("$", "kr", "¥", "Rs", "pesos" ...) into an ISO code: the words near
    the amount first, then the posting's country, then `default_currency` when it is one the mark
    can mean, then the mark's usual currency. None when the mark cannot be named ("R" outside
    South Africa)."""
    naming = _NAMING.get(generic)
    by_country = _BY_COUNTRY.get(generic, {})
    if naming is not None:
        m = naming.search(context)
        if m is not None:
            name = m.lastgroup or ""
            code = m.group("code").upper() if name == "code" else name[:3]
            # Nordic words ("lønnen" is Danish and Norwegian) name the krone less surely than the
            # posting's country does; a code always names it.
            if name == "code" or generic != KRONA or not (country and country.upper() in by_country):
                return _ALIASES.get(code, code)
    if country and country.upper() in by_country:
        return by_country[country.upper()]
    default = default_currency.upper()
    if default in by_country.values():
        return default
    if generic in (DOLLAR,) and country:
        return "USD"  # a "$" in a UK or German posting is the US dollar
    return _WITHOUT_COUNTRY.get(generic, generic if generic in ISO_CODES else None)


def local_currency(country: str | None) -> str | None:
    return COUNTRY_CURRENCY.get(country.upper()) if country else None


def yuan_context(context: str) -> bool:
    m = _NAMING[YEN].search(context)
    return m is not None and (m.lastgroup or "").startswith("CNY")


def is_generic(code: str | None) -> bool:
    return code in GENERIC


_CODE_NEAR = re.compile(r"(?<![A-Za-z])(?P<code>" + _CODES_RE + r"|RMB)(?![A-Za-z])")


def code_in(context: str) -> str | None:
    """An ISO code stated near numbers that carry no marker ("Salary (EUR): 50.000-60.000", "(RMB)")."""
    m = _CODE_NEAR.search(context)
    if m is None:
        return None
    return _ALIASES.get(m.group("code"), m.group("code"))


# An upper-case word or a non-Latin word right after a number that is no currency we know
# ("3,500 XYZ", "5 000 сом"): the text names a currency, just not one we can name.
_UNNAMED_AFTER = re.compile(r"^[ ]?(?:[A-Z]{3}|[^\W\dA-Za-z_]{2,4}\.?)(?![\w])")
_PAY_ABBREVIATIONS = frozenset(
    {"OTE", "DOE", "DOQ", "CTC", "LPA", "PCM", "TBD", "TBC", "AND", "PER", "THE", "FOR"}
)


def unnamed_after(after: str) -> bool:
    m = _UNNAMED_AFTER.match(after)
    if m is None:
        return False
    word = m.group(0).strip().rstrip(".")
    if word in _PAY_ABBREVIATIONS or word in ISO_CODES or word in _ALIASES:
        return False
    return marker_currency(word) is None and not any(
        "\u3040" <= ch <= "\u9fff" or ch >= "\uac00" for ch in word
    )


# The place a zone label names decides a "$" / "kr" / "¥" ("Canada-based roles: $X" in a US posting,
# "US: $Y" in a posting located in Toronto): a zone's place wins over the posting's location.
@lru_cache(maxsize=4096)
def zone_country(zone: str | None) -> str | None:
    """The country a zone label names (the location gazetteer), for resolving a generic mark."""
    return normalize_location(zone).country if zone and may_name_a_place(zone) else None
