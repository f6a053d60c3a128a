"""Pay bands from free text.

Pipeline: repair encoding -> scan amount tokens (currency + number + "k"/"lakh"
+ currency) -> join tokens into ranges ("-", "to", "between ... and", "/")
-> for each range or single amount decide, from the words around it, whether
it is pay, its currency, period, pay type and zone -> make_band.

Precision first: when the words do not say it is pay (or say it is a bonus,
a stipend, funding, revenue ...), no band. A single amount must be named as pay
(a pay word, its own label line, a zone, a wage unit); a range of money reads as
one. An ambiguous mark ("$", "kr", "¥") is named by the text, the zone's place or
the posting's country (`country=`). Each band records the rule that made it
(`text:range`, `text:single`, `text:open-min`, `text:open-max`) and its span;
`explain_pay_text` returns every amount found with that rule or the reason it
gave no band (`paybands salary --explain`). docs/SALARY.md has the conventions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from ..models import PayBand, PayType, Period
from . import cues, currency, periods, zones
from .alternation import by_first_char
from .encoding import ODD_SPACES, repair
from .numbers import MULTIPLIER, NUM, Multiplier, multiplier_of, parse_number
from .pay import (
    ANNUAL_FACTOR,
    MAX_PLAUSIBLE_ANNUAL_USD,
    annual_floor_usd,
    fx_table,
    make_band,
)

_TOKEN_RE = re.compile(
    rf"""
    (?:(?P<pre>{currency.PREFIX})[ ]?)?
    (?(pre)|(?<![A-Za-z0-9.,'’]))
    (?P<num>{NUM})
    (?P<junk>[.,][-–]{{1,2}}(?!\d)|/-)?
    (?:[ ]?(?P<mult>{MULTIPLIER}))?
    (?P<plus>\+)?
    (?:[ ]?(?P<suf>{currency.SUFFIX}))?
    """,
    re.VERBOSE,
)

# Cheap gate: no digit, or no currency symbol / code / pay word anywhere -> no pay in this text.
# Substring tests run at C speed, far faster than one big regex over a long description.
_DIGIT_RE = re.compile(r"\d")
_HINT_SYMBOLS = tuple("$£€¥￥₹₩₱₪฿₺₦₵₴₸₽₾₼₫₭₮₡₲৳៛元円원万만억")
# Lowercase substrings; leading spaces keep "learning" from reading as "earn", "years " as "rs ".
_HINT_WORDS = (
    "salar", "pay", "compens", "wage", " earn", "gehalt", "lohn", "vergüt", "vergut", "salaire", "rémun", "remun",
    "sueldo", "retribu", "wynagr", "wideł", "stawk", "pensj", "lön", "løn", "salaris", " loon", "stipend", "ctc",
    "lpa", "lakh", " lac", "crore", " euro", "dollar", " pound", "peso", "rupee", "zł", "zlot", "kč", " kr",
    " rs.", " rs ", " rm ", " rp ", " tjm", " ral", " ft", " lei", "gaji", "fizet", "年収", "月給", "給", "薪", "연봉",
    "月薪", "时薪", "報酬", "лв", "ksh", "riyal", "dirham", "naira", "shilling", "rand", "ringgit", "rupiah",
    "baht", " dong", "shekel", "lira", "forint", " leva", " real", "tenge", " taka", "lương", "gaji", "bulan",
    " tk", " dh", "kroner", "kronor", " ral", "плат", "динар", "зарплат", "оклад", "заработ", "доход", "оплат",
    "тенге", "теңге", "жалақы", "บาท", "เงินเดือน", "ค่าจ้าง", "ريال", "راتب", "درهم", "جنيه", "روپے", "تنخواہ",
    "টাকা", "বেতন", "ש\"ח", "שכר", "тг", "тенге", "грн", "din", "zarad", "plata", "platu", "plať", "plać", "plač", "triệu", "tr ",
    "juta", "jt", "ribu", "tis.", "ezer", "millió", "тыс", "тис", "млн", "maaş", "ücret", "μισθ", "αποδοχ", "palk",
    "mzd", "odměn", "alga", "atlygin", "bér", "fizet", "salariu", "loon", "palga", "renta", "sahod", "sweldo",
)  # fmt: skip
_HINT_AT_START = ("rs.", "rs ", "rm ", "rp ", "ral ")  # "Rs. 25,000" opening the text
# Starts with a character class (not the lookbehind) so that sre scans for it at C speed.
_CODE_WORD_RE = re.compile(r"[A-Z](?<![A-Za-z][A-Z])[A-Z]{2}(?![A-Za-z])")
_CODES = currency.ISO_CODES | {"RMB"}


_HINT_SYMBOLS_RE = re.compile(f"[{re.escape(''.join(_HINT_SYMBOLS))}]")
# One search instead of ~200 substring tests in a Python loop (3 us a text, more than the search).
_HINT_WORDS_RE = re.compile(by_first_char("|".join(re.escape(w) for w in _HINT_WORDS)))


def _has_hint(text: str) -> bool:
    if _HINT_SYMBOLS_RE.search(text) is not None:
        return True
    # A (lowercase) hint word already in the text is in its lowercased copy too: most postings say
    # "salary" or "pay" as written, and lowering a long description costs more than this search.
    if len(text) > 256 and _HINT_WORDS_RE.search(text) is not None:
        return True
    low = text.lower()
    if _HINT_WORDS_RE.search(low) is not None or low.startswith(_HINT_AT_START):
        return True
    if any(m.group(0) in _CODES for m in _CODE_WORD_RE.finditer(text)):
        return True
    # Letter marks and period words without a pay word are pay fields and short statements ("R45 000 pm",
    # "Tk. 35000 - 45000 (Monthly)"); a long description that states pay names it, so the regex pass
    # (slow on megabytes) is kept to short texts.
    return len(text) <= _SHORT_TEXT and _MARK_NEAR_DIGIT_RE.search(text) is not None


_SHORT_TEXT = 2_000


# Letter marks next to digits ("R45 000", "Tk. 35000", "QR 12,000", "40.000 TL", "500 Ft").
_MARK_NEAR_DIGIT_RE = re.compile(
    r"(?<![A-Za-z])(?:R|RM|Rp|Rs|Php|Tk|Ksh|Kshs|KSh|SR|QR|LE|N|Dhs|Dh)\.? ?\d|\d ?[kK] ?[-–~] ?\d|\d ?[-–~] ?\d+ ?[kK]\b"
    r"|\d ?(?:TL|Ft|kr|lei|DH|Dhs|zł|Kč|lv|đ|VNĐ|din)(?![A-Za-z])"
    r"|(?i:monthly|per month|per hour|hourly|per annum|p\.a\.|per year|yearly|annual|/hr|/month|/mo\b|\(\w{3}\))"
)


def _anchors(work: str, low: str) -> list[int]:
    """Sorted offsets of currency marks, codes and pay words: an amount far from all of them
    cannot be pay (its currency or its pay word would be one), so its digits are skipped."""
    pos: list[int] = []
    if low.startswith(_HINT_AT_START):
        pos.append(0)
    for s in (*_HINT_SYMBOLS, *_HINT_WORDS):
        i = low.find(s)
        while i >= 0:
            pos.append(i)
            i = low.find(s, i + 1)
    for m in _CODE_WORD_RE.finditer(work):
        if m.group(0) in _CODES:
            pos.append(m.start())
    pos.sort()
    return pos


# Range separators between two amounts. "and"-like words need "between" before the first amount.
_SEP_RE = re.compile(
    r"[ .]*(?:\((?:min|minimum|low)\)[ ]*)?"
    r"(?P<sep>-{1,2}[ ]*(?:and|to)(?![a-z])|-{1,2}|[–—−‒~～〜]|to|bis|à|a|au|y|e|en|do|till?|tot|and|und|et|through"
    r"|thru|až|ile|og|och|és|și|ve|đến|tới|sampai|hingga|ถึง|до|iki|kuni|έως|から|至|到|إلى|עד|سے|থেকে|s/d|s\.d\.|_|/)[ ]*",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(
    r"(?:between|zwischen|entre|tussen|mellan|pomi[eę]dzy|mi[eę]dzy|fra|tra|între|arasında|من)\s*$",
    re.IGNORECASE,
)
_AND_WORDS = frozenset({"and", "und", "et", "y", "e", "en", "og", "och", "és", "și", "ve"})
# A separator alone on its line joins amounts split over lines ("$222,800\n—\n$290,000 USD" from HTML).
_LINE_SEP_RE = re.compile(r"[ ]*\n[\n ]*(?:[-–—−‒~]|to|bis|à|a|til|tot|do|au)[ ]*\n[\n ]*", re.IGNORECASE)
# A range broken over two lines by HTML-to-text: "Salary: $100,000\n- $140,000", "$100,000 -\n$140,000".
_LINE_RANGE_RE = re.compile(
    r"[ ]*(?:\n[ ]*(?:[-–—~]|a|à|to|bis|tot|do|til|au|до)[ ]*|[-–—~][ ]*\n[ ]*)", re.IGNORECASE
)
# Chinese boards: "15k-25k·14薪" = monthly pay (in CNY), 14 months a year.
_CN_MONTHS_RE = re.compile(r"\s*[·・*x×]\s*1\d\s*薪")
_MIN_LABEL = re.compile(r"^[ ]*\((?:min|minimum)\)", re.IGNORECASE)
_MAX_LABEL = re.compile(r"^[ ]*\((?:max|maximum)\)", re.IGNORECASE)

# Open ranges: "up to $180,000" (max only), "starting at $25/hour" (min only).
_MAX_ONLY_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:(?:maximum|max\.?)\s+(?:annual\s+|hourly\s+|base\s+)?(?:salary|pay|rate|wage|compensation)"
    r"|up\s*to|to\s+a\s+max(?:imum)?\s+of|max(?:imum)?(?:\s+of)?|max\.|not\s+to\s+exceed|no\s+more\s+than|capped\s+at"
    r"|bis\s+zu|jusqu['’]\s*(?:à|a)|hasta|at[ée]|do|maks\.?|maximal|opptil|op\s+til|upp\s+till|tot|fino\s+a"
    r"|до|tới|đến|lên\s+đến|hingga|sampai|legfeljebb|p[âa]n[ăa]\s+la|max\.?|až|jopa|έως|iki|kuni|enintään|สูงสุด"
    r"|bis|maximaal|maksimalt|högst|höchstens|עד|akár|valued\s+to|최대"
    r"|(?:maximum|max\b\.?|höchst\w*)[^.\d$€£¥₹]{0,40})[:\s]*"
    r"(?:(?:brutt?[oó]|gross|nett?[oó]|net|brut)\s*)?$",  # "Maximum US Base Salary USD $200,000"
    re.IGNORECASE,
)
_MIN_ONLY_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:(?:minimum|min\.?)\s+(?:annual\s+|hourly\s+|base\s+)?(?:salary|pay|rate|wage|compensation)"
    r"|starting\s+(?:at|from)|starts?\s+at|from|at\s+least|min(?:imum)?(?:\s+of)?|min\.|upwards\s+of|in\s+excess\s+of"
    r"|ab|à\s+partir\s+de|a\s+partir\s+de|desde|od|mindestens|minimal|fra|fr[åa]n|vanaf|a\s+partire\s+da"
    r"|dès|от|від|từ|mulai|minimum|minimal|legalább|de\s+la|alkaen|nuo|από|beginnt\s+bei|od\s+úrovne|alates"
    r"|يبدأ\s+من|تبدأ\s+من|einstiegsgehalt\s+ab|minimaal|minimalt|lägst|vanaf|החל\s+מ-?|מ-|vähintään|최소|mulai\s+dari"
    r"|(?:minimum|min\b\.?|mindest(?!lohn)\w*)[^.\d$€£¥₹]{0,40})[:\s]*"
    r"(?:(?:brutt?[oó]|gross|nett?[oó]|net|brut)\s*)?$",  # "Minimum US Base Salary USD $190,000"
    re.IGNORECASE,
)
_MIN_ONLY_AFTER = re.compile(
    r"^\s*(?:or\s+more|and\s+(?:up|above)|or\s+above|以上|～(?!\s*\d)|〜(?!\s*\d)|trở\s+lên|alkaen|이상|起|ขึ้นไป|或以上"
    r"|(?:TL|₺)?['’]?(?:den|dan|ten|tan)\s+başlayan|-?t[óő]l\b|부터|থেকে\s+শুরু"
    r"|[-–~]\s*(?:[(（]|$))",  # "NT$ 60,000 - (月薪)": a range left open at the top
    re.IGNORECASE,
)
_MAX_ONLY_AFTER = re.compile(r"^\s*(?:以下|まで|이하|까지|(?:TL|₺)?['’]?(?:ye|ya)\s+kadar|kadar)")

# Where a clause (zone label, pay-type words) and a sentence start.
_SENTENCE_END_RE = re.compile(r"\n|[.!?。](?=\s|$)")
_FULL_STOP_RE = re.compile(
    r"(?<!\s\d)(?<!\s\d\d)[.!?。](?=\s|$)"
)  # not an ordinal's dot ("2. Jahr")  # "Minimum:\n$X\nMaximum:\n$Y" is one statement
# Where the words belonging to an amount stop.
# (An abbreviation's dot - "inkl.", "approx.", "mtl." - does not end the words of an amount.)
_TAIL_STOP_RE = re.compile(
    r"[;\n•|,·]|\s[-–—]\s|\+(?!\s*VAT)|(?<!pr)(?<!inkl)(?<!incl)(?<!excl)(?<!approx)(?<!ca)(?<!mtl)(?<!mies)(?<!godz)(?<!std)(?<!Std)[.!?。](?:\s|$)"
    r"|\s(?:plus|and|with|und|et|y|o|or)\s",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^(?:19|20)\d\d$")

# make_band's plausibility window, checked early to skip the costly zone / kind work.
_MAX_USD = MAX_PLAUSIBLE_ANNUAL_USD
# Amounts without a period word: yearly only when annual-sized (USD >= this as a year).
_ANNUAL_SIZE_USD = 10_000.0
# Locales that state pay monthly: without a period word, amounts below the bound are monthly
# (a Polish "15 000 - 20 000 PLN", a Brazilian "R$ 8.000 a R$ 12.000", a Singapore "S$8,000").
_MONTHLY_CONVENTION: dict[str, float] = {
    "BRL": 80_000,
    "MXN": 250_000,
    "ARS": 10_000_000,
    "COP": 30_000_000,
    "CLP": 8_000_000,
    "PLN": 60_000,
    "CZK": 300_000,
    "HUF": 4_000_000,
    "RON": 50_000,
    "PHP": 600_000,
    "MYR": 50_000,
    "THB": 400_000,
    "IDR": 200_000_000,
    "SGD": 30_000,
    "ILS": 100_000,
    "HKD": 150_000,
    "AED": 60_000,
    "CNY": 100_000,
    "TWD": 200_000,
    "PKR": 1_500_000,
    "KES": 1_500_000,
    "EGP": 500_000,
    "NGN": 5_000_000,
    "VND": 300_000_000,
    "BDT": 600_000,
    "LKR": 1_000_000,
    "SAR": 60_000,
    "QAR": 60_000,
    "KWD": 5_000,
    "BHD": 5_000,
    "OMR": 5_000,
    "MAD": 100_000,
    "TRY": 500_000,
    "UAH": 300_000,
    "KZT": 3_000_000,
    "RSD": 600_000,
    "BGN": 15_000,
    "RUB": 600_000,
    "GEL": 20_000,
    "ZAR": 150_000,
}
# Countries whose postings state yearly pay: a small amount without a period word there is an hourly
# rate or a perk, never read as monthly. Elsewhere a posting's amount too small to be yearly is monthly.
_YEARLY_COUNTRIES = frozenset({"US", "CA", "GB", "IE", "AU", "NZ", "IN"})
# Indian postings state annual CTC; a lakh-sized amount without a period word is yearly.
_INR_ANNUAL_SIZE = 200_000.0
# Spanish / Portuguese pay words: Latin American pay is monthly ("Salario: USD 1,200 - 1,500").
_IBERIAN_PAY_RE = re.compile(
    r"salario|sueldo|remuneraci[oó]n|retribuci[oó]n|renta\b|sal[aá]rio|remunera[cç][aã]o", re.IGNORECASE
)
_JAPANESE_RE = re.compile(r"円|年収|月給|給与|時給|賞与")
_PLUS_SUPER_RE = re.compile(
    r"\s*(?:\+|plus|incl\.?|including|inclusive\s+of)\s*(?:super|kiwisaver)", re.IGNORECASE
)


@dataclass(slots=True, frozen=True)
class Decision:
    """What the parser decided about one amount or range it found in a text."""

    span: tuple[int, int]  # offsets of the amounts in the caller's text
    found: str  # the text of the amounts
    rule: str | None  # the rule that made a band ("text:range" ...), None when rejected
    verdict: str  # "band", or why it is not one
    band: PayBand | None


@dataclass(slots=True)
class _Amount:
    start: int
    end: int
    raw: float  # the number as written
    value: float  # raw x multiplier
    mult: Multiplier | None
    cur: str | None  # ISO code, a generic "$"/"¥"/"kr", or None
    plus: bool
    grouped: bool  # written with separators ("120,000") or a multiplier: looks like money
    implied: bool = False  # the currency comes from the multiplier only ("8 Lac" -> INR)


@dataclass(slots=True)
class _Candidate:
    lo: _Amount
    hi: _Amount
    open: str | None = None  # "min": only a minimum; "max": only a maximum (read by _side)
    lo_period: Period | None = None  # period written between the two amounts ("$70,000/year to ...")
    # A single amount's open side is read when first needed (_side), from the text after the
    # candidate before it (which ended here): most single numbers of a description are rejected
    # before anything asks, and the four searches per amount were 15% of the parse.
    open_after: int = -1


def _side(c: _Candidate, work: str) -> str | None:
    """c.open, read from the text first (see _Candidate.open_after)."""
    if c.open_after >= 0:
        c.open = _open_side(c, work, c.open_after)
        c.open_after = -1
    return c.open


_DIGITS_RE = re.compile(r"\d\d*")  # not \d+: a leading class lets sre skip to digits at C speed
_PREFIX_REACH = 10  # longest currency prefix before the digits ("USD $ ", "CAN$ ", "SFr. ")


# How far from an anchor an amount's digits may be: the before-window (120) plus a prefix,
# and a suffix currency / "·14薪" after the digits.
_ANCHOR_BEFORE = 135
_ANCHOR_AFTER = 60
# Texts with few numbers are scanned directly; past this many digit runs (a huge text)
# only the digits near an anchor are looked at.
_RUNS_BEFORE_ANCHORS = 200
# Characters a currency prefix can start with ("$", "€", "USD", "US$", "Rs.", "zł" ...).
_PREFIX_START = currency.PREFIX_START


def _token_matches(work: str) -> Iterator[re.Match[str]]:
    """Token matches. The token regex is costly at every position, so it is tried only where
    a token can start: at a digit run, or at a prefix character just before one."""
    end = 0
    n = len(work)
    runs = 0
    anchors: list[int] | None = None
    for run in _DIGITS_RE.finditer(work):
        s = run.start()
        if s < end:
            continue
        runs += 1
        if runs > _RUNS_BEFORE_ANCHORS:
            if anchors is None:
                anchors = _anchors(work, work.lower())
            j = bisect_left(anchors, s - _ANCHOR_BEFORE)
            if j >= len(anchors) or anchors[j] > run.end() + _ANCHOR_AFTER:
                continue
        stop = min(n, s + 80)
        m = None
        for p in range(max(end, s - _PREFIX_REACH), s):
            if work[p] in _PREFIX_START:
                m = _TOKEN_RE.match(work, p, stop)
                if m is not None:
                    break
        if m is None:
            m = _TOKEN_RE.match(work, s, stop)
            if m is None:
                continue
        yield m
        end = m.end()


# A job posting states a handful of amounts; a text with thousands is a price list or a
# data dump. Bounding the amounts looked at bounds the time spent on any one text.
MAX_AMOUNTS = 2_000


# A pay field holding only an open amount: "up to $180,000", "Starting at $25/hour", "From £30,000".
_OPEN_FIELD_RE = re.compile(
    r"\s*(?:up\s+to|from|starting\s+(?:at|from)|starts\s+at|min(?:imum)?|max(?:imum)?|at\s+least|ab|bis\s+zu"
    r"|desde|hasta|à\s+partir\s+de|jusqu['’]\s*à|do|od|до|від|от|bis|até|fino\s+a|tot|vanaf|fra|från|opptil|da|de"
    r"|mulai\s+dari|mulai|từ|tới|עד|akár|bis\s+zu)\s*:?\s*",
    re.IGNORECASE,
)
_PERIOD_OF_PAY_RE = re.compile(
    r"(?:hourly|daily|weekly|monthly|annual|yearly)\s+(?:base\s+)?(?:rates?|pay|salar(?:y|ies)|wages?|compensation)"
)
_PAREN_SUM_RE = re.compile(r"^[^(]{0,12}\(\s*(?:base|basic|оклад|基本給)\s*(?:pay\s*|salary\s*)?(?:\+|$)")
_PAREN_CODE_RE = re.compile(r"[^()\n]{0,14}\((?:[A-Z]{3})\)")
_PACKAGE_RE = re.compile(r"(?<![a-z])(?:package|pakket|pacote|paquete|pakke)(?![a-z])")
_RAISE_AFTER_RE = re.compile(r"\s?(?:UP|アップ|增加|提升)")
_COMMISSION_ONLY_RE = re.compile(r"commission[- ]only|only\s+commission|100\s*%\s+commission", re.IGNORECASE)
# An explicit unit after a slash that is no period we know ("150 грн/год", "$50/user"): no band.
_UNKNOWN_UNIT_RE = re.compile(r"\s*/\s*[^\W\d_]")
_PLAN_NUMBERS = frozenset({"401", "403", "457"})
_PLAN_RE = re.compile(r"[ ]?(?:\(\s*[kKbB]\s*\)|[kKbB](?![A-Za-z]))")


def _scan(work: str) -> list[_Amount]:
    out: list[_Amount] = []
    for m in _token_matches(work):
        if len(out) >= MAX_AMOUNTS:
            break
        num = m.group("num")
        if num in _PLAN_NUMBERS and m.group("pre") is None and _PLAN_RE.match(work, m.end("num")):
            continue  # "401k", "401(k)", "403(b)": retirement plans, never amounts
        raw = parse_number(num)
        if raw is None:
            continue
        mult = multiplier_of(m.group("mult"))
        if mult is not None and mult.factor == 1e3 and raw >= 1000 and not mult.cjk:
            mult = None  # "150,000K": the K repeats the thousands already written
        pre = currency.marker_currency(m.group("pre"))
        suf = currency.marker_currency(m.group("suf"))
        cur = pre or suf
        if (
            pre
            and suf
            and currency.is_generic(pre)
            and (not currency.is_generic(suf) or suf != currency.DOLLAR)
        ):
            cur = suf  # "$110,000 ... CAD", "$25,000 MXN", "$35,000 pesos"
        if cur is None and mult is not None and mult.currency:
            cur = mult.currency
        end = m.end()
        if (
            m.group("suf") is None
            and m.group("mult") is None
            and m.group("plus") is None
            and m.group("junk") is None
        ):
            end = m.end("num")
        plus = m.group("plus") is not None
        if plus and m.end() < len(work) and (work[m.end()].isalpha() or work[m.end()] in "+("):
            plus = False  # "底薪4000+提成": base 4000 plus commission, not "4000 or more"
        value = raw * (mult.factor if mult else 1.0)
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end == m.start()
            and prev.mult is not None
            and prev.mult.factor >= 1e4
            and m.group("pre") is None
            and value < prev.mult.factor
        ):
            # "22万5000円" = 225,000: the digits after 万 / 억 add to it.
            prev.value += value
            prev.end = end
            prev.cur = prev.cur or cur
            continue
        out.append(
            _Amount(
                start=m.start(),
                end=end,
                raw=raw,
                value=value,
                mult=mult,
                cur=cur,
                plus=plus,
                grouped=mult is not None or not num.isdigit(),  # separators: "120,000", "45 000", "1.234,56"
                implied=cur is not None and pre is None and suf is None,
            )
        )
    return out


# Sentence / clause starts by rfind (C speed) rather than a regex per amount.
_SENTENCE_ENDS = ("\n", ". ", "! ", "? ", ".\n", "。")
_CLAUSE_ENDS = (*_SENTENCE_ENDS, ";", "•", "|", "·", " - ", " – ", " — ")


def _sentence_start(work: str, lo: int, hi: int) -> int:
    """Offset just after the last sentence end in work[lo:hi] (or lo). The dot of an abbreviation
    ("max. € 4.812", "ca. 60.000 €", "inkl. Bonus") ends no sentence."""
    best = lo
    for p in _SENTENCE_ENDS:
        i = work.rfind(p, lo, hi)
        while i >= 0 and p[0] == "." and _ABBREV_BEFORE_DOT.search(work, max(lo, i - 8), i):
            i = work.rfind(p, lo, i)
        if i >= 0:
            best = max(best, i + len(p))
    return best


_ABBREV_BEFORE_DOT = re.compile(
    r"(?<![A-Za-z])(?:max|min|ca|approx|inkl|incl|excl|zzgl|mtl|mind|c|vs|etc|p\.a|St|no|Nr|nr|mín|máx|aprox)$"
    r"|(?:^|(?<=\s))\d{1,2}$",  # an ordinal: "1. Jahr 1.150 €, 2. Jahr 1.250 €"
    re.IGNORECASE,
)


def _clause_start(work: str, lo: int, hi: int) -> int:
    """Offset just after the last clause end ("; ", " • ", " - ", a sentence end) in work[lo:hi]."""
    best = lo
    for p in _CLAUSE_ENDS:
        i = work.rfind(p, lo, hi)
        if i >= 0:
            best = max(best, i + len(p))
    return best


def _alone_on_line(work: str, start: int) -> bool:
    """Only bullets before the amount on its line ("$96K", "- $2,400 per week"): a pay field."""
    return _line_start_if_alone(work, start) is not None


def _line_start_if_alone(work: str, start: int) -> int | None:
    nl = work.rfind("\n", max(0, start - 12), start)
    line_start = nl + 1 if nl >= 0 else (0 if start <= 12 else -1)
    if line_start < 0:
        return None
    lead = work[line_start:start].strip(" -–•*\t>")
    if lead and not _OPEN_FIELD_RE.fullmatch(lead):  # "от 900 000 ₸", "da 2.000 €" open a pay line too
        return None
    return line_start


_HEADING_JUNK_RE = re.compile(r"[$£€¥₹]|\d{3}")


def _heading_before(work: str, line_start: int) -> str:
    """The line above an amount that opens its line, when it reads like a label:
    "Salary range:\n\n$25k – $45k", "United States Salary Range\n$108,400 — $129,600 USD"."""
    seg = work[max(0, line_start - 200) : line_start].rstrip()
    if not seg:
        return ""
    line = seg[seg.rfind("\n") + 1 :].strip(" \t-–•*")
    if (
        not line
        or len(line) > 80
        or line.endswith((".", "!", "?", "。", ","))
        or _HEADING_JUNK_RE.search(line)
    ):
        return ""
    return line


def _line_open(work: str, start: int) -> bool:
    """The amount's line does not open with a bullet: "- $100,000\n- $140,000" is a list, not a range."""
    nl = work.rfind("\n", 0, start)
    return not work[nl + 1 : start].lstrip(" \t").startswith(("-", "–", "—", "•", "*"))


def _compatible(a: _Amount, b: _Amount) -> bool:
    if a.cur and b.cur and a.cur != b.cur and (a.implied or b.implied):
        # "Tk. 6 Lac - 8 Lac": the written mark wins over the lakh's usual INR.
        if a.implied:
            a.cur = b.cur
        else:
            b.cur = a.cur
        return True
    if a.cur and b.cur and a.cur != b.cur:
        return currency.is_generic(a.cur) or currency.is_generic(b.cur)
    return True


def _group(tokens: list[_Amount], work: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        # "Base: $170,700 (min) — $213,400 (mid) — $256,100 (max)"
        if _MIN_LABEL.match(work[t.end : t.end + 12]):
            j = next(
                (
                    k
                    for k in range(i + 1, min(i + 4, n))
                    if tokens[k].start - t.end <= 120
                    and _MAX_LABEL.match(work[tokens[k].end : tokens[k].end + 12])
                ),
                None,
            )
            if j is not None:
                out.append(_Candidate(t, tokens[j]))
                i = j + 1
                continue
        if i + 1 < n:
            u = tokens[i + 1]
            gap = work[t.end : u.start]
            if (
                (_LINE_SEP_RE.fullmatch(gap) or (_LINE_RANGE_RE.fullmatch(gap) and _line_open(work, t.start)))
                and _compatible(t, u)
                and t.value <= u.value
            ):
                out.append(_Candidate(t, u))
                i += 2
                continue
            if len(gap) <= 30 and "\n" not in gap and _compatible(t, u):
                lo_period = None
                p = periods.period_after(gap)
                rest = gap
                if p is not None:
                    lo_period, cut = p
                    rest = gap[cut:]
                sm = _SEP_RE.fullmatch(rest)
                if sm is not None and _range_ok(t, u, sm.group("sep").lower(), lo_period, work):
                    out.append(_Candidate(t, u, lo_period=lo_period))
                    i += 2
                    continue
        out.append(_Candidate(t, t))
        i += 1
    return out


def _range_ok(t: _Amount, u: _Amount, sep: str, lo_period: Period | None, work: str) -> bool:
    if sep in _AND_WORDS:
        return _BETWEEN_RE.search(work, max(0, t.start - 20), t.start) is not None
    if sep == "/":
        # "18000/21000€", "60/90k/yr": a range only when it reads low/high, never "$100/$50".
        return (
            lo_period is None and t.cur in (None, u.cur) and t.raw <= u.raw * (u.mult.factor if u.mult else 1)
        )
    if sep in ("a", "e", "y", "do", "à", "au"):
        return u.cur is not None or t.cur is not None
    return True


def _open_side(c: _Candidate, work: str, prev_end: int) -> str | None:
    before = work[max(prev_end, c.lo.start - 50) : c.lo.start]
    if c.hi.plus or _MIN_ONLY_AFTER.match(work[c.hi.end : c.hi.end + 20]):
        return "min"
    if _MAX_ONLY_AFTER.match(work[c.hi.end : c.hi.end + 16]):
        return "max"
    if _MAX_ONLY_BEFORE.search(before):
        return "max"
    if _MIN_ONLY_BEFORE.search(before):
        return "min"
    return None


# The second end of a range stated with words between the ends: "between $X in our lowest-cost
# market and $Y in our highest", "starts from £13.28 an hour; this increases to £14.55".
_SECOND_END_RE = re.compile(
    r"(?:\b(?:and|to|und|bis|et|à|y|a|e|en|og|och|tot|do|și|iki|до|đến)|إلى|increas\w*\s+to|ris\w*\s+to"
    r"|goes\s+up\s+to)[\s:]*$",
    re.IGNORECASE,
)
_MAX_WORD_RE = re.compile(r"\b(?:maximum|max)\b", re.IGNORECASE)
_RISING_RE = re.compile(r"(?:increas\w*|ris(?:es|ing))\s+to\s*$", re.IGNORECASE)


def _merge_open_pairs(cands: list[_Candidate], work: str) -> list[_Candidate]:
    """Two single amounts that state one range with words between them -> one range:
    'ranges from $129,300/year in our lowest market up to $223,600/year',
    'between $100,000 in our lowest-cost market and $150,000 in our highest'."""
    out: list[_Candidate] = []
    for c in cands:
        if out:
            p = out[-1]
            if (
                p.lo is p.hi
                and c.lo is c.hi
                and c.lo.start - p.hi.end <= 100
                and _compatible(p.lo, c.lo)
                and p.lo.value <= c.lo.value
                and (
                    _FULL_STOP_RE.search(work, p.hi.end, c.lo.start) is None
                    # "Minimum US Base Salary $190,000/Yr. Maximum US Base Salary $200,000/Yr."
                    or (
                        _side(p, work) == "min"
                        and _side(c, work) == "max"
                        and _MAX_WORD_RE.search(work, p.hi.end, c.lo.start)
                    )
                )
            ):
                gap = work[p.hi.end : c.lo.start]
                rising = _RISING_RE.search(gap) is not None  # "£24,500 rising to £27,000 after probation"
                opened = (
                    rising
                    or _side(p, work) == "min"
                    or _BETWEEN_RE.search(work, max(0, p.lo.start - 20), p.lo.start)
                )
                closed = _side(c, work) == "max" or _SECOND_END_RE.search(gap) is not None
                if opened and closed and not cues.names_other_money(gap.lower()):
                    pp = periods.period_after(gap)
                    out[-1] = _Candidate(p.lo, c.hi, lo_period=pp[0] if pp else None)
                    continue
        out.append(c)
    return out


class _Parser:
    __slots__ = (
        "text",
        "index",
        "work",
        "default",
        "zone",
        "fx",
        "tokens",
        "starts",
        "_sales",
        "_kinds",
        "country",
        "local",
        "trace",
        "last_band_end",
        "commission",
        "target",
        "sales_roles",
    )

    def __init__(
        self, text: str, default_currency: str, zone: str | None, country: str | None = None
    ) -> None:
        self.text = text
        work, self.index = repair(text)
        for ch in ODD_SPACES:  # same length: offsets stay valid (str.replace: far faster than translate)
            if ch in work:
                work = work.replace(ch, " ")
        self.work = work
        self.default = (default_currency or "USD").upper()
        self.country = country.upper() if isinstance(country, str) and len(country) == 2 else None
        # Numbers stated without any mark are in the posting's local currency, else the default.
        self.local = currency.local_currency(self.country) or self.default
        self.trace: list[Decision] | None = None
        # Words some rules need, looked up once per text (C-speed substring tests) so that their
        # regexes run only on the texts that have them.
        self.commission = "ommission" in work or "OMMISSION" in work
        self.target = "arget" in work or "ARGET" in work
        self.sales_roles = ("ales" in work or "ALES" in work) and ("oles" in work or "OLES" in work)
        self.last_band_end = 0
        self.zone = zone
        self.fx = fx_table()
        self.tokens: list[_Amount] = []
        self.starts: list[int] = []
        self._sales: bool | None = None
        self._kinds: dict[tuple[int, int], PayType | None] = {}

    def lower(self, a: int, b: int) -> str:
        # Cue regexes run on lowercase text. Only the windows they read are lowered: lowering a whole
        # long description cost more than all its windows together.
        return self.work[a:b].lower()

    def sales_role(self) -> bool:
        """Whether the posting is a sales role (searched once per text, only when a blurb asks)."""
        if self._sales is None:
            self._sales = cues.sales_role(self.work.lower())
        return self._sales

    def orig(self, pos: int) -> int:
        """Offset in the caller's text for an offset in the repaired text."""
        return self.index[pos] if self.index is not None else pos

    def annual_sized(self, v: float, cur: str) -> bool:
        if cur in _MONTHLY_CONVENTION:
            return v >= _MONTHLY_CONVENTION[cur]
        if cur == "INR":
            return v >= _INR_ANNUAL_SIZE
        rate = self.fx.usd_per_unit.get(cur)
        return rate is not None and v * rate >= _ANNUAL_SIZE_USD

    def run(self) -> list[PayBand]:
        work = self.work
        self.tokens = _scan(work)
        if not self.tokens:
            return []
        self.starts = [t.start for t in self.tokens]
        cands = _group(self.tokens, work)
        prev_end = 0
        for c in cands:
            if c.lo is c.hi:
                c.open_after = prev_end
            prev_end = c.hi.end
        cands = _merge_open_pairs(cands, work)
        out = []
        prev_money_end = 0
        for c in cands:
            res = self.interpret(c, prev_money_end)
            if c.lo.cur or c.hi.cur or res is not None:
                prev_money_end = c.hi.end
            if res is not None:
                out.append(res)
        return out

    def interpret(self, c: _Candidate, prev_money_end: int) -> PayBand | None:
        """The band a candidate states, or None. Cheap checks come first: most numbers are not pay."""
        work = self.work
        lo, hi = c.lo, c.hi
        single = lo is hi
        cn_months = _CN_MONTHS_RE.match(work, hi.end, hi.end + 12) is not None
        # Marked = the currency is written (or implied: lakh -> INR, 万 -> 円/元, "·14薪" -> CNY).
        marked = cn_months or any(
            a.cur is not None or (a.mult is not None and (a.mult.currency or a.mult.cjk)) for a in (lo, hi)
        )
        if not marked and _PAREN_CODE_RE.match(work, hi.end, hi.end + 24):
            marked = True
        if not marked and not _money_like(lo, hi):
            return self.reject(
                c, "not an amount of money (no currency, too few digits, or a year)"
            )  # bare "2024", "401", "5"

        # --- words before and after (all windows bounded: long texts stay linear) ----------
        w0 = max(0, lo.start - 160)
        sentence_start = _sentence_start(work, w0, lo.start)
        b0 = max(sentence_start, prev_money_end, lo.start - 120)
        before = self.lower(b0, lo.start)
        k = bisect_left(self.starts, hi.end)  # the next amount bounds the words of this one
        next_start = self.starts[k] if k < len(self.starts) else len(work)
        tail_limit = min(next_start, hi.end + 48)
        stop = _TAIL_STOP_RE.search(work, hi.end, tail_limit)
        tail_end = stop.start() if stop else tail_limit
        tail = work[hi.end : tail_end]
        tail_low = self.lower(hi.end, tail_end)
        lpa = any(a.mult is not None and a.mult.period for a in (lo, hi))

        # --- is it pay? ------------------------------------------------------------------
        if _RAISE_AFTER_RE.match(work, hi.end):
            return self.reject(c, "a raise, not pay ('200万円UP')")
        if self.commission and _COMMISSION_ONLY_RE.search(work, sentence_start, min(len(work), hi.end + 80)):
            return self.reject(c, "commission-only earnings are not a pay band")
        if tail_low.strip() and cues.attached_not_pay(tail_low, tail_end == next_start < len(work)):
            return self.reject(c, f"not pay: the words after it name other money ({tail.strip()[:40]!r})")
        line_start = _line_start_if_alone(work, lo.start)
        heading = _heading_before(work, line_start) if line_start is not None else ""
        heading_low = heading.lower()
        cue = cues.closest_cue(before) if before.strip() else None
        if cue is None and heading_low:
            cue = cues.closest_cue(heading_low)
        if cue == "not" and not (lpa and "budget" in before):  # "Budget: 30-40 LPA" is still a salary
            return self.reject(
                c, "not pay: the nearest cue before it names other money (bonus, stipend, ...)"
            )
        if (
            not marked
            and cue != "pay"
            and not (
                # "90-100k pro rata + super", "• 20k-40k": a k-range named as pay after it, or alone on its line
                not single
                and hi.mult is not None
                and (_PLUS_SUPER_RE.search(tail_low[:25]) is not None or line_start is not None)
            )
        ):
            return self.reject(c, "no currency and no pay word before it")

        # --- period ----------------------------------------------------------------------
        tail_p = periods.period_after(tail)
        period: Period | None = tail_p[0] if tail_p else None
        if tail_p is None and _UNKNOWN_UNIT_RE.match(tail):
            return self.reject(c, f"a unit that is no period we know ({tail.strip()[:20]!r})")
        after_end = hi.end + (tail_p[1] if tail_p else 0)
        implied = (hi.mult.period if hi.mult else None) or (lo.mult.period if lo.mult else None)
        if cn_months:
            implied = "month"
        lo_v, hi_v = lo.value, hi.value
        if not single and lo.mult is None and hi.mult is not None:
            shared = lo.raw * hi.mult.factor
            if shared <= hi_v:  # "$120-150k": one k for both ends
                lo_v = shared
        lo_period = c.lo_period
        if lo_period and period and lo_period != period:
            # "$56.25/hour to $183,000/year": both ends as yearly amounts
            lo_v *= ANNUAL_FACTOR[lo_period]
            hi_v *= ANNUAL_FACTOR[period]
            period = "year"
        period = cast(
            "Period | None",
            period
            or lo_period
            or implied
            # The period word of the amount's own label ("Annual Salary: $X"), or one naming a pay
            # further back ("The hourly rates vary ... ranging from $X"); not "Daily lunches ... $X".
            or periods.period_before(before[-40:])
            or (periods.period_before(before) if _PERIOD_OF_PAY_RE.search(before) else None)
            or periods.period_before(heading_low),
        )

        # --- zone: found lazily, only for amounts that pass the cheaper checks ------------
        after = work[after_end : after_end + 80]
        found: list[str | None] = []

        def zone_of() -> str | None:
            if not found:
                clause_start = max(_clause_start(work, w0, lo.start), prev_money_end)
                z = zones.zone_before(work[sentence_start : lo.start], work[clause_start : lo.start])
                paren = zones.zone_in_parentheses(after)  # "... per annum (London)": closest to the amount
                found.append(
                    paren or z or zones.zone_after(after) or (zones.zone_label(heading) if heading else None)
                )
            return found[0]

        # --- currency --------------------------------------------------------------------
        near_after = tail
        if cn_months and lo.cur is None and hi.cur is None:
            cur: str | None = "CNY"
        else:
            # Words after the amount name its currency only up to the next clause ("$80,000 -
            # $120,000 plus AUD performance bonus" is not AUD), except "+ super" (Australian).
            if _PLUS_SUPER_RE.match(work, hi.end, hi.end + 30):
                near_after = work[hi.end : min(next_start, hi.end + 30)]
            cur = self.currency_of(lo, hi, work[b0 : lo.start], near_after)
        if cur is None:
            return self.reject(c, "its currency cannot be named")
        marks = {lo.cur, hi.cur} - {None}
        generic = next(iter(marks)) if len(marks) == 1 and currency.is_generic(next(iter(marks))) else None

        # --- period from size, then plausibility (before the costly zone / kind work) -----
        values = [v for v in (lo_v, hi_v) if v is not None]
        sized: Period
        if period is not None:
            sized = period
        elif all(self.annual_sized(v, cur) for v in values):
            sized = "year"
        elif self.monthly_by_locale(values, cur, before):
            sized = "month"
        else:
            return self.reject(c, "no period word and too small to be a yearly amount")
        rate = self.fx.usd_per_unit.get(cur)
        if lo_v > hi_v:
            return self.reject(c, "the first end is above the second")
        if rate is None:
            if period is None and cur not in _MONTHLY_CONVENTION:
                return self.reject(
                    c, f"no FX rate for {cur} and no period word"
                )  # no rate to size it by: only a stated period makes it a band (USD left null)
        elif not all(annual_floor_usd(cur) <= v * ANNUAL_FACTOR[sized] * rate <= _MAX_USD for v in values):
            return self.reject(
                c, f"implausible as pay: outside {annual_floor_usd(cur):,.0f}-{_MAX_USD:,.0f} USD a year"
            )

        # --- a single amount must be named as pay (a range of amounts reads as one) ------------
        # "$99/mo", "starting at $29 per user", "up to $500 a month": prices and perks state one
        # amount with a period; only a pay word, a label line of its own or a zone makes it pay.
        if single:
            named = (
                cue == "pay"
                or period in ("hour", "day")  # "16 € pro Stunde", "Up to 25.10 (CAD) Hourly": a wage's unit
                or (cue is None and cues.GROSS_NET_RE.search(before[-24:] + " " + tail_low[:24]) is not None)
                or cues.PAY_RE.search(tail_low) is not None
                or line_start is not None
                or (
                    _side(c, work) is not None
                    and len(work) <= 60
                    and _OPEN_FIELD_RE.fullmatch(work, 0, lo.start)
                )  # a pay field: "up to $180,000"
                or self.listed_after_band(b0, lo.start)
            )
            if not named and zone_of() is None:
                return self.reject(c, "a single amount that no pay word, label line or zone names as pay")
        period = sized
        if generic is not None:
            # "Canada-based roles: $X" in a US posting, "US: $Y" in a Toronto one: the zone's place wins.
            zc = currency.zone_country(zone_of() or self.zone)
            if zc is not None and zc != self.country:
                by_zone = currency.resolve(
                    generic, work[b0 : lo.start] + " " + near_after, default_currency=self.default, country=zc
                )
                if by_zone is not None:
                    cur = by_zone

        # --- kind of pay ----------------------------------------------------------------
        kind_tail = tail_low
        if tail_end == next_start < len(work) and "(" in kind_tail:
            # "Salary $120,000 (OTE $200,000)": the parenthesis opens the next amount's label.
            kind_tail = kind_tail[: kind_tail.rfind("(")]
        # The clause of the amount first ("OTE $260K (50/50 split) | Base $130K": Base), then its sentence.
        clause = before[max(before.rfind("|"), before.rfind(";"), before.rfind("•")) + 1 :]
        kind = (
            (cues.pay_kind(clause + " " + kind_tail) if len(clause) < len(before) else None)
            or cues.pay_kind(before + " " + kind_tail)
            or (cues.pay_kind(heading_low) if heading_low else None)
        )
        if kind_tail is tail_low and _PAREN_SUM_RE.match(tail_low):
            kind = "total"  # "HK$1.8M - 2.2M (base + bonus)": the amount is the sum of its parts
        if kind is None and cues.PLUS_VARIABLE_RE.match(after.lower()):
            kind = "base"
        if kind is None and _PACKAGE_RE.search(before + " " + kind_tail[:20]):
            kind = "total"  # "Package: 6 - 8 LPA", "$95,000 - $105,000 package" (no word says which part)
        p0, p1 = self.paragraph(lo.start, hi.end)
        if kind is None:
            # The paragraph's words before the amount (its blurb) and the sentence right after it
            # ("... $100,000 - $720,000.\nThis market range is based on total compensation"), never
            # words further on: a perk list below a wage does not make it total pay.
            s_next = _SENTENCE_END_RE.search(work, min(p1, (after_end if tail_p else hi.end) + 1), p1)
            s_next2 = _SENTENCE_END_RE.search(work, s_next.end(), p1) if s_next else None
            kind = self.paragraph_kind(p0, s_next2.end() if s_next2 else p1)
        if self.conditional_ote(lo.start):
            # "For sales roles, the range provided is OTE": which one depends on the role.
            kind = "ote" if self.sales_role() else "unknown"
        elif self.target and cues.STATED_OTE_RE.search(self.lower(max(0, lo.start - 700), lo.start)):
            kind = "ote"  # "The range provided is the role's On Target Earnings ("OTE") range ... Annual Salary: $X"
        pay_type: PayType = kind or "unknown"

        mn: float | None = lo_v
        mx: float | None = hi_v
        if single:
            if _side(c, work) == "min":
                mx = None
            elif c.open == "max":
                mn = None
        end = after_end if tail_p else hi.end
        s_end = _SENTENCE_END_RE.search(work, end, end + 300)
        span = (self.orig(lo.start), self.orig(end))
        rule = (
            "text:range"
            if not single
            else {"min": "text:open-min", "max": "text:open-max"}.get(_side(c, work) or "", "text:single")
        )
        band = make_band(
            _round(mn),
            _round(mx),
            cur,
            sized,
            pay_type=pay_type,
            zone=zone_of() or self.zone,
            origin="text",
            source_text=self.source(
                span,
                self.orig(sentence_start),
                self.orig(s_end.end() if s_end else min(len(work), end + 300)),
            ),
            span=span,
            rule=rule,
        )
        if band is None:
            return self.reject(c, "rejected by the band checks (amounts, period or plausibility)")
        if self.trace is not None:
            self.trace.append(Decision(span, self.text[span[0] : span[1]], rule, "band", band))
        self.last_band_end = end
        return band

    def listed_after_band(self, b0: int, start: int) -> bool:
        """The amount continues a list the previous band opened in the same sentence:
        "Pay: $18-22/hour for client work, $13/hour for indirect work"."""
        end = self.last_band_end
        return (
            end > 0
            and b0 <= end + 2
            and start - end <= 80
            and _FULL_STOP_RE.search(self.work, end, start) is None
            and cues.NOT_PAY_RE.search(self.lower(end, start)) is None
        )

    def reject(self, c: _Candidate, reason: str) -> PayBand | None:
        """Record why a candidate is no band (for `paybands salary --explain`); always None."""
        if self.trace is not None:
            span = (self.orig(c.lo.start), self.orig(c.hi.end))
            self.trace.append(Decision(span, self.text[span[0] : span[1]], None, reason, None))
        return None

    def source(self, span: tuple[int, int], s0: int, s1: int) -> str:
        """The sentence around the match, at most 300 chars, centred on the match when longer."""
        s, e = span
        if s1 - s0 > 300:
            s0 = max(s0, s - max(0, 300 - (e - s)) // 2)
            s1 = min(s1, s0 + 300)
        return " ".join(self.text[s0:s1].split())[:300]

    def currency_of(self, lo: _Amount, hi: _Amount, before: str, after: str) -> str | None:
        curs = [x for x in (lo.cur, hi.cur) if x]
        specific = {x for x in curs if not currency.is_generic(x)}
        if len(specific) > 1:
            return None
        if specific:
            return specific.pop()
        ctx = before + " " + after
        if curs:
            # "$35,000 - $45,000 pesos": the word says more than the "$".
            generic = next((x for x in curs if x != currency.DOLLAR), curs[0])
            return currency.resolve(generic, ctx, default_currency=self.default, country=self.country)
        # No marker on the numbers: 万 with 円/元 around, a code nearby, or the default for labelled pay.
        mult = hi.mult or lo.mult
        if mult is not None and mult.cjk:
            if currency.yuan_context(ctx):
                return currency.resolve(
                    currency.YUAN, ctx, default_currency=self.default, country=self.country
                )
            if _JAPANESE_RE.search(ctx):
                return "JPY"
            return None
        if not _money_like(lo, hi):
            return None
        if currency.unnamed_after(self.work[hi.end : hi.end + 8]):
            return None  # "3,500 XYZ": a currency is named, one we cannot name
        return currency.code_in(before) or currency.code_in(after) or self.local

    def monthly_by_locale(self, values: list[float], cur: str, before: str) -> bool:
        bound = _MONTHLY_CONVENTION.get(cur)
        if bound is not None:
            return all(v < bound for v in values)
        rate = self.fx.usd_per_unit.get(cur)
        if cur in ("USD", "EUR") and _IBERIAN_PAY_RE.search(before):
            return all(v * (rate or 1) < 8_000 for v in values)
        if self.country is not None and self.country not in _YEARLY_COUNTRIES and rate is not None:
            return all(v * rate < _ANNUAL_SIZE_USD for v in values)
        return False

    def paragraph(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the paragraph around an amount (blank lines, at most 400 chars each side)."""
        work = self.work
        p0 = work.rfind("\n\n", max(0, start - 400), start)
        p1 = work.find("\n\n", end, end + 400)
        return (p0 + 2 if p0 >= 0 else max(0, start - 400)), (p1 if p1 >= 0 else min(len(work), end + 400))

    def paragraph_kind(self, p0: int, p1: int) -> PayType | None:
        # Cached: the bands of one paragraph share it ("US: $X; Canada: $Y" under one OTE blurb).
        key = (p0, p1)
        if key not in self._kinds:
            self._kinds[key] = cues.pay_kind(self.lower(p0, p1))
        return self._kinds[key]

    def conditional_ote(self, start: int) -> bool:
        # Not bounded by blank lines: HTML turned to text puts the blurb a few paragraphs above.
        if not self.sales_roles:
            return False
        return cues.CONDITIONAL_OTE_RE.search(self.lower(max(0, start - 700), start)) is not None


def _money_like(lo: _Amount, hi: _Amount) -> bool:
    """Bare numbers look like money: separators, a multiplier (also one shared with the other
    end, "60/90k"), or at least four digits that are not a year ("2024")."""
    lo_ok = lo.grouped or hi.mult is not None or len(str(int(lo.raw))) >= 4
    hi_ok = hi.grouped or len(str(int(hi.raw))) >= 4
    if not (lo_ok and hi_ok):
        return False
    return lo.grouped or not _YEARISH.match(str(int(lo.raw)))


def _round(v: float | None) -> float | None:
    # Multipliers leave float noise (170.7 x 1000 = 170699.99999999997).
    return None if v is None else round(v, 2)


def explain_pay_text(
    text: str, *, default_currency: str = "USD", zone: str | None = None, country: str | None = None
) -> list[Decision]:
    """Every amount the parser found in `text`, in order, with the band it gave or why it gave none."""
    if not text or not isinstance(text, str) or _DIGIT_RE.search(text) is None:
        return []
    parser = _Parser(text, default_currency, zone, country)
    parser.trace = []
    parser.run()
    return parser.trace


def parse_pay_text(
    text: str, *, default_currency: str = "USD", zone: str | None = None, country: str | None = None
) -> list[PayBand]:
    """All pay bands stated in free text (plain text, not HTML), in text order.

    Each band has origin="text", `span` = offsets of the amounts (and their
    period words) in `text`, `source_text` = the sentence around them (<= 300 chars).
    `zone` is the zone of bands whose text names none. `country` (ISO 3166 alpha-2 of the
    posting's location, or None) decides an ambiguous "$" / "kr" / "¥" the text does not name.
    """
    if not text or not isinstance(text, str):
        return []
    if _DIGIT_RE.search(text) is None or not _has_hint(text):
        return []
    bands: list[PayBand] = []
    seen: set[tuple] = set()
    for band in _Parser(text, default_currency, zone, country).run():
        # The same statement twice (a summary line and the paragraph) is one band.
        key = (band.min_amount, band.max_amount, band.currency, band.period, band.pay_type, band.zone)
        if key not in seen:
            seen.add(key)
            bands.append(band)
    return bands
