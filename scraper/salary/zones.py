"""Which pay zone / location a band in free text belongs to.

Postings list one range per zone in a few shapes:
  "San Francisco Bay Area: $X–$Y; New York: $A–$B"      (label opening the clause)
  "For candidates located in NYC or SF, the pay range is $X"  ("located in ...")
  "For New York, NY-based roles: ..."                   ("... -based roles")
  "The hiring range for this position in Burbank, CA is $X" ("in ... is")
  "54,000 – 84,000 GBP in the UK"                        (after the amount)
A label is kept only if something capitalized remains once pay words are removed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..locations import may_name_a_place, normalize_location
from .cues import PAY_RE
from .currency import ISO_CODES

# Pure functions of short strings: boards repeat the same blurbs and labels in every posting.
_CACHE = 8192

_LOCATED = re.compile(
    r"(?:located|based|living|working|hired|residing|reside)\s+(?:in|within|outside(?:\s+of)?)\s+(?:the\s+)?"
    r"(?P<z>[^,.:;()\n]{2,60}?)\s*(?:,|:|\bis\b|\bare\b|\bthe\b|$)",
    re.IGNORECASE,
)
_BASED_ROLES = re.compile(
    r"(?:\b(?i:for)\s+|^\W*)(?P<z>[A-Z][^,:;.\n]{1,50}?(?:,\s*[A-Z]{2})?)[- ]based\s+"
    r"(?:roles?|candidates?|employees?|positions?|hires?|applicants?|team\s+members?)"
)
_IN_IS = re.compile(
    r"\bin\s+(?:the\s+)?(?P<z>[A-Z][A-Za-z.'’/&\- ]{1,40}?(?:,\s*[A-Z]{2})?)(?:\s+(?:metro(?:politan)?\s+)?area)?"
    r"\s+(?:is|are|will\s+be)\b"
)
# "... in New York", "... for Level 4" (NVIDIA: "X USD - Y USD for Level 3, and X USD - Y USD for Level 4")
_AFTER_IN = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:in|for)\s+(?:the\s+)?(?P<z>[A-Z][\w.]*(?:[ /][A-Z0-9][\w.]*){0,3})"
)

# A sentence ends at ". " after a number, a word of 3+ letters or a capitalised abbreviation ("US"),
# not after "St" of "St. Louis".
_SENTENCE_END = re.compile(r"(?:(?<=\d)|(?<=[^\W\d_]{3})|(?<=[A-Z]{2}))\.\s.*$")

_STOP = frozenset(
    [
        "salary",
        "salaries",
        "range",
        "ranges",
        "base",
        "basic",
        "pay",
        "paid",
        "compensation",
        "comp",
        "target",
        "targeted",
        "estimated",
        "est",
        "est.",
        "expected",
        "annual",
        "annually",
        "yearly",
        "hourly",
        "monthly",
        "weekly",
        "daily",
        "rate",
        "rates",
        "wage",
        "wages",
        "ote",
        "on-target",
        "earnings",
        "total",
        "competitive",
        "local",
        "hiring",
        "the",
        "for",
        "this",
        "role",
        "position",
        "is",
        "of",
        "typical",
        "starting",
        "up",
        "to",
        "gross",
        "net",
        "package",
        "band",
        "pay-range",
        "salary-range",
        "rango",
        "salarial",
        "salario",
        "sueldo",
        "gehalt",
        "salaire",
        "rémunération",
        "remuneración",
        "remuneração",
        "salário",
        "compensación",
        "compensation:",
        "range:",
        "pay:",
        "salary:",
        "listed",
        "full",
        "approx.",
        "approximately",
        "our",
        "your",
        "new-hire",
        "cash",
        "usd",
        "eur",
        "gbp",
        "cad",
        "aud",
        "inr",
        "jpy",
        "chf",
        "sgd",
        "plus",
        "bonus",
        "equity",
        "offers",
        "benefits",
        "perks",
        # Range words that open a label but name no place: "From $X to $Y", "Between $X and $Y".
        "from",
        "between",
        "starting",
        "starts",
        "at",
        "range",
        "min",
        "max",
        "minimum",
        "maximum",
        "gross",
        "brutto",
        "bruto",
        "net",
        "netto",
        "per",
        "year",
        "month",
        "hour",
    ]
)
# Labels that are the name of a field, not of a zone ("Compensation Tier", "Pay Zone", "Location").
_GENERIC_LABELS = frozenset({"tier", "zone", "level", "band", "grade", "location", "locations", "region", "area",
                             "geo", "geography", "market", "all", "other", "default", "us$", "ca$"})  # fmt: skip
_CONNECTORS = frozenset({"or", "and", "&", "/", "-", "–", "of", "de", "du", "del"})
_PROSE = re.compile(r"[$€£¥₹!?=]|\.\s|\d{3}")
_CURRENCY_WORDS = re.compile(
    r"^(?:" + "|".join(sorted(ISO_CODES)) + r"|RMB|dollars?|euros?|pounds?)$", re.IGNORECASE
)


@lru_cache(maxsize=_CACHE)
def _keep(word: str) -> bool:
    low = word.lower()
    if not word or low in _STOP:
        return False
    m = PAY_RE.fullmatch(low)  # "Salari", "Gehalt", "Lønn", "Wynagrodzenie", "年収" ...
    return m is None and not _CURRENCY_WORDS.match(word)


@lru_cache(maxsize=_CACHE)
def _clean_label(label: str) -> str | None:
    label = label.strip(" \t-–—:•*|/,(")
    # Money or sentence punctuation in it: prose, not a label.
    if not label or len(label) > 70 or _PROSE.search(label):
        return None
    # "... for Level 3, and" before the next amount: the end of the previous amount's clause.
    if label.rsplit(None, 1)[-1].lower() in ("and", "or", "&"):
        return None
    words = [w for w in label.split() if _keep(w.strip(":,()"))]
    if not words or len(words) > 8:
        return None
    depth = 0  # words inside parentheses may be lowercase: "Zone C (all other US locations)"
    for w in words:
        core = w.strip(":,()")
        inside = depth > 0 or w.startswith("(")
        depth += w.count("(") - w.count(")")
        if core.lower() in _CONNECTORS or inside:
            continue
        if not (core[:1].isupper() or core[:1].isdigit()):
            return None
    if all(w.strip(":,()").lower() in _CONNECTORS for w in words):
        return None
    zone = " ".join(words).strip(" :,-–—/&")
    if zone.startswith("(") and zone.endswith(")") and zone.count("(") == 1:
        zone = zone[1:-1].strip()  # "Annual salary range (NYC):" -> "NYC"
    for c in ("or ", "and ", "& ", "of "):  # a connector left at the start by a removed pay word
        if zone.lower().startswith(c):
            zone = zone[len(c) :]
    if not any(ch.isalpha() for ch in zone) or _CURRENCY_WORDS.match(zone) or zone.lower() in _GENERIC_LABELS:
        return None
    return zone


# Words that make a label a named pay zone or level rather than a field name ("Zone A", "Tier 1",
# "Level 4", "EMEA", "All other US locations", "NYC/SF metro").
_ZONE_WORDS = re.compile(
    r"(?i)\b(?:level|lvl|zone|tier|band|grade|step|stufe|niveau|nivel|geo|region|regions|market|markets|metro|area"
    r"|locations?|remote|nationwide|national|international|global|emea|apac|latam|amer|americas|europe|eu|asia"
    r"|office|hq|city|state|province|country|countries|campus)\b|\b[A-Z]{1,3}-?\d{1,2}\b"
)


@lru_cache(maxsize=4096)
def plausible_zone(zone: str | None) -> str | None:
    """`zone` when it names a place, a level or a pay zone; None for a field name or other word
    ("Sazba", "Welfare", "Compensation Tier", "Neto"): never a zone that is not one."""
    if not zone:
        return None
    if _ZONE_WORDS.search(zone):
        return zone
    if not may_name_a_place(zone):
        return None  # no word of it is in the gazetteer: the full parse would find no place
    loc = normalize_location(zone)
    return zone if loc.country is not None or loc.region is not None else None


_LAST_PART = re.compile(r"\s[—–-]\s|:\s")
_SENTENCE_ZONES = (
    (_LOCATED, ("locat", "based", "living", "working", "hired", "resid")),
    (_BASED_ROLES, ("based",)),
    (_IN_IS, ("in ",)),
)


@lru_cache(maxsize=_CACHE)
def zone_before(sentence_before: str, label: str) -> str | None:
    """Zone named before an amount: `sentence_before` is the sentence so far, `label` the clause opening."""
    low = sentence_before.lower()
    for rx, keys in _SENTENCE_ZONES:
        if not any(k in low for k in keys):
            continue  # each pattern needs one of its words: skip the regex when none is there
        m = None
        for found in rx.finditer(sentence_before):  # the last one is nearest the amount
            m = found
        if m is not None:
            z = _LAST_PART.split(m.group("z"))[-1].strip()  # "Base salary ranges — US-based roles" -> US
            if z and not _CURRENCY_WORDS.match(z):
                return z
    return plausible_zone(_clean_label(label))


@lru_cache(maxsize=_CACHE)
def zone_label(heading: str) -> str | None:
    """Zone named by the label line above an amount ("United States Salary Range")."""
    return plausible_zone(_clean_label(heading.rstrip(":")))


# "£38,000 - £42,500 (National)", "$52,000 – $58,000 per year (Halifax, NS)", "(Level 2)", "(Band 15)"
_AFTER_PAREN = re.compile(
    r"^[ ,]*(?:[A-Za-z.\- ]{0,24}?\s)?\((?P<z>[^()\d$€£¥]{2,40}|(?i:level|band|grade|tier|zone|l)\s*[\w.]{1,4})\)"
)


@lru_cache(maxsize=_CACHE)
def zone_in_parentheses(tail: str) -> str | None:
    """A place, level or pay zone in the parentheses right after an amount (and its period)."""
    m = _AFTER_PAREN.match(tail)
    if m is None:
        return None
    return plausible_zone(m.group("z").strip())


@lru_cache(maxsize=_CACHE)
def zone_after(tail: str) -> str | None:
    m = _AFTER_IN.match(tail)
    if m is None:
        return None
    z = _SENTENCE_END.sub("", m.group("z")).rstrip(".")  # "Level 4. You will" -> "Level 4"
    return None if _CURRENCY_WORDS.match(z) else plausible_zone(z)


# "This salary range is reflective of a position based in New York City": the place a range
# stated elsewhere (a structured field) applies to, named in the sentence about it.
_STATEMENT_PLACE = re.compile(
    r"(?i:\b(?:salary|pay|compensation|range)\b)[^.\n]{0,80}?\b(?i:based|located)\s+(?i:in)\s+(?:the\s+)?"
    r"(?P<z>[A-Z][\w'’-]*(?:[ ,]+[A-Z][\w'’-]*){0,3})"
)


def zone_of_statement(text: str | None) -> str | None:
    """The one place a pay statement says its range applies to, or None (none, or several)."""
    if not text:
        return None
    places = {m.group("z").strip(" ,.") for m in _STATEMENT_PLACE.finditer(text)}
    if len(places) != 1:
        return None
    return plausible_zone(places.pop())
