"""Currency markers (symbols, ISO codes, words) and how an ambiguous one is resolved.

A marker is either an ISO 4217 code or one of the generic symbols "$", "¥",
"kr" whose currency depends on the text around it (and on default_currency).
Only currencies of the FX table are produced: a band in a currency we cannot
convert could not be checked for plausibility.
"""

from __future__ import annotations

import re

from .pay import fx_table

DOLLAR = "$"
YEN = "¥"
KRONA = "kr"

# Currencies written with a bare "$" in their own country.
DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "COP", "CLP", "ARS"})
KRONA_CURRENCIES = frozenset({"SEK", "DKK", "NOK", "ISK"})

# ISO codes we accept next to a number: every currency of the FX table.
# Built once from the table so that adding a rate is enough to accept a code.
ISO_CODES: frozenset[str] = frozenset(fx_table().usd_per_unit)
_CODES_RE = "|".join(sorted(ISO_CODES, key=len, reverse=True))

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
}
# Codes in use that are not ISO 4217.
_ALIASES = {"RMB": "CNY", "CNH": "CNY"}

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
    "zł": "PLN",
    "Kč": "CZK",
    "元": "CNY",
    "円": "JPY",
    "원": "KRW",
}

# Letter abbreviations that are currencies only right next to a number.
_ABBREVIATIONS = {
    "Rs": "INR",
    "Rs.": "INR",
    "RM": "MYR",
    "Rp": "IDR",
    "SFr.": "CHF",
    "Fr.": "CHF",
    "zl": "PLN",
    "kr": KRONA,
    "kr.": KRONA,
    "Ft": "HUF",
    "lei": "RON",
    "Dhs": "AED",
    "Dh": "AED",
    "TL": "TRY",
}

# Words after a number ("86,000 - 120,000 Euro", "£88,000 - £110,000 pounds").
_WORDS = {
    "dollar": DOLLAR,
    "dollars": DOLLAR,
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "rupees": "INR",
    "rupee": "INR",
    "yen": "JPY",
    "yuan": "CNY",
    "złotych": "PLN",
    "zlotych": "PLN",
    "zloty": "PLN",
    "zlotys": "PLN",
    "francs": "CHF",
    "franken": "CHF",
    "reais": "BRL",
    "kronor": "SEK",
    "kroner": KRONA,
    "pesos mexicanos": "MXN",
    "pesos": DOLLAR,  # "$25,000 pesos": a peso, which one from context/default
    "rand": "ZAR",
    "ringgit": "MYR",
    "baht": "THB",
}

_esc = re.escape
_PREFIX_ALTS = (
    [_esc(k) for k in sorted(_DOLLAR_PREFIXES, key=len, reverse=True)]
    + [rf"(?:{_CODES_RE}|RMB)(?:[ ]?\$)?"]  # "USD 140,000", "USD $1,200.00", "USD140,000"
    + [
        _esc(k)
        for k in sorted(_ABBREVIATIONS, key=len, reverse=True)
        if k not in ("kr", "kr.", "Ft", "lei", "TL")
    ]
)
# Prefix marker: letter-based ones must not be the tail of a word ("ABCUSD 1").
PREFIX = (
    r"(?:(?<![A-Za-z])(?:" + "|".join(_PREFIX_ALTS) + r")(?![A-Za-z])"
    r"|[$£€¥￥₹₩₱₪฿₺])"
)
SUFFIX = (
    r"(?:(?<![A-Za-z])(?:" + _CODES_RE + r"|RMB)(?![A-Za-z])"
    r"|[£€¥￥₹₩₱₪฿₺元円원]|zł|Kč|人民币"
    r"|\$(?![ ]?\d)"  # "50 000 $" (fr-CA), never the "$" that starts the next amount
    r"|(?<![A-Za-z])(?:kr\.?|Ft|lei|zl|Dhs|TL|CHF|Fr\.)(?![A-Za-z])"
    r"|(?i:(?<![a-z])(?:pounds[ ]sterling|pesos[ ]mexicanos|"
    + "|".join(sorted((w for w in _WORDS if " " not in w), key=len, reverse=True))
    + r")(?![a-z])))"
)


def marker_currency(marker: str | None) -> str | None:
    """The ISO code or generic symbol a matched prefix/suffix stands for."""
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


# Context naming the dollar: "CAD", "Canadian dollars", "(AUD)", "pesos mexicanos" ...
_DOLLAR_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?P<code>USD|CAD|AUD|NZD|SGD|HKD|MXN|TWD|COP|CLP|ARS)(?![A-Za-z])"
    r"|(?P<cad>Canadian|(?<![A-Za-z])CDN(?![A-Za-z]))"
    r"|(?P<aud>Australian)|(?P<nzd>New Zealand dollars?)|(?P<sgd>Singapore dollars?)"
    r"|(?P<hkd>Hong Kong dollars?)|(?P<mxn>pesos? mexicanos?|Mexican pesos?|(?<![A-Za-z])M\.?N\.?(?![A-Za-z]))"
    r"|(?P<usd>US dollars?|U\.S\. dollars?)"
)
_NAMED = {"cad": "CAD", "aud": "AUD", "nzd": "NZD", "sgd": "SGD", "hkd": "HKD", "mxn": "MXN", "usd": "USD"}
_CANADA_ZONE = re.compile(r"Canad|Toronto|Vancouver|Montr[eé]al|Ottawa|Calgary|Waterloo|\bCAN\b")
_YUAN_CONTEXT = re.compile(r"(?<![A-Za-z])(?:CNY|RMB)(?![A-Za-z])|元|人民币|年薪|月薪|薪资")
_KRONA_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?P<code>SEK|DKK|NOK|ISK)(?![A-Za-z])"
    r"|(?P<dkk>\bløn\b|årsløn|månedsløn|om måneden|pr\. måned|Danmark|København)"
    r"|(?P<nok>lønn|årslønn|månedslønn|Norge|Oslo)"
)


def resolve(generic: str, context: str, *, default_currency: str) -> str:
    """Turn "$" / "¥" / "kr" into an ISO code, using the words near the amount."""
    default = default_currency.upper()
    if generic == DOLLAR:
        m = _DOLLAR_CONTEXT.search(context)
        if m:
            return m.group("code") or _NAMED[m.lastgroup or "usd"]
        return default if default in DOLLAR_CURRENCIES else "USD"
    if generic == YEN:
        if _YUAN_CONTEXT.search(context) or default == "CNY":
            return "CNY"
        return "JPY"
    if generic == KRONA:
        m = _KRONA_CONTEXT.search(context)
        if m:
            return m.group("code") or m.lastgroup.upper()  # type: ignore[union-attr]
        return default if default in KRONA_CURRENCIES else "SEK"
    return generic


def dollar_named(context: str) -> bool:
    """The words near a bare "$" say which dollar ("CAD", "Canadian", "USD" ...)."""
    return _DOLLAR_CONTEXT.search(context) is not None


def canadian_zone(zone: str | None) -> bool:
    """A Canadian zone label: its bare "$" amounts are Canadian dollars ("Toronto: $120,000 - $150,000")."""
    return bool(zone) and _CANADA_ZONE.search(zone) is not None  # type: ignore[arg-type]


def yuan_context(context: str) -> bool:
    return _YUAN_CONTEXT.search(context) is not None


def is_generic(code: str | None) -> bool:
    return code in (DOLLAR, YEN, KRONA)


_CODE_NEAR = re.compile(r"(?<![A-Za-z])(?P<code>" + _CODES_RE + r"|RMB)(?![A-Za-z])")


def code_in(context: str) -> str | None:
    """An ISO code stated near numbers that carry no marker ("Salary (EUR): 50.000-60.000", "(RMB)")."""
    m = _CODE_NEAR.search(context)
    if m is None:
        return None
    return _ALIASES.get(m.group("code"), m.group("code"))
