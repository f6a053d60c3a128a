"""Pay bands from free text.

Pipeline: repair encoding -> scan amount tokens (currency + number + "k"/"lakh"
+ currency) -> join tokens into ranges ("-", "to", "between ... and", "/")
-> for each range or single amount decide, from the words around it, whether
it is pay, its currency, period, pay type and zone -> make_band.

Precision first: when the words do not say it is pay (or say it is a bonus,
a stipend, funding, revenue ...), no band.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..models import PayBand, PayType, Period
from ..pay import ANNUAL_FACTOR, fx_table, make_band
from . import cues, currency, periods, zones
from .encoding import SPACES, repair
from .numbers import MULTIPLIER, NUM, Multiplier, multiplier_of, parse_number

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

# Cheap gate: no digit, or no currency / pay word anywhere -> no pay in this text.
_DIGIT_RE = re.compile(r"\d")
_HINT_RE = re.compile(
    r"[$£€¥￥₹₩₱₪฿₺元円원万]|zł|Kč"
    r"|(?<![A-Za-z])(?:" + "|".join(sorted(currency.ISO_CODES)) + r"|Rs|RM|Rp|kr|Ft|lei|LPA|Dhs)(?![A-Za-z])"
    r"|(?i:salar|pay|compens|wage|earn|gehalt|lohn|verg[üu]t|salaire|r[ée]mun|sueldo|remuner|retribu|wynagr"
    r"|pensj|l[öø]n|salaris|loon|stipend|ctc|lakh|crore|euro|dollar|pound|peso|rupee|zlot|年収|月給|給|薪|연봉)"
)

# Range separators between two amounts. "and"-like words need "between" before the first amount.
_SEP_RE = re.compile(
    r"[ .]*(?:\((?:min|minimum|low)\)[ ]*)?"
    r"(?P<sep>-{1,2}|[–—−‒~～〜]|to|bis|à|a|au|y|e|en|do|till?|tot|and|und|et|through|thru|až|ile|/)[ ]*",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(
    r"(?:between|zwischen|entre|tussen|mellan|pomi[eę]dzy|mi[eę]dzy|fra|tra)\s*$", re.IGNORECASE
)
_AND_WORDS = frozenset({"and", "und", "et", "y", "e", "en"})
# A separator alone on its line joins amounts split over lines ("$222,800\n—\n$290,000 USD" from HTML).
_LINE_SEP_RE = re.compile(r"[ ]*\n[ ]*[-–—−‒~][ ]*\n[ ]*")
# Chinese boards: "15k-25k·14薪" = monthly pay (in CNY), 14 months a year.
_CN_MONTHS_RE = re.compile(r"^\s*[·・*x×]\s*1\d\s*薪")
_MIN_LABEL = re.compile(r"^[ ]*\((?:min|minimum)\)", re.IGNORECASE)
_MAX_LABEL = re.compile(r"^[ ]*\((?:max|maximum)\)", re.IGNORECASE)

# Open ranges: "up to $180,000" (max only), "starting at $25/hour" (min only).
_MAX_ONLY_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:(?:maximum|max\.?)\s+(?:annual\s+|hourly\s+|base\s+)?(?:salary|pay|rate|wage|compensation)"
    r"|up\s*to|to\s+a\s+max(?:imum)?\s+of|max(?:imum)?(?:\s+of)?|max\.|not\s+to\s+exceed|no\s+more\s+than|capped\s+at"
    r"|bis\s+zu|jusqu['’]\s*(?:à|a)|hasta|at[ée]|do|maks\.?|maximal)[:\s]*$",
    re.IGNORECASE,
)
_MIN_ONLY_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:(?:minimum|min\.?)\s+(?:annual\s+|hourly\s+|base\s+)?(?:salary|pay|rate|wage|compensation)"
    r"|starting\s+(?:at|from)|starts?\s+at|from|at\s+least|min(?:imum)?(?:\s+of)?|min\.|upwards\s+of|in\s+excess\s+of"
    r"|ab|à\s+partir\s+de|a\s+partir\s+de|desde|od|von|mindestens|minimal)[:\s]*$",
    re.IGNORECASE,
)
_MIN_ONLY_AFTER = re.compile(
    r"^\s*(?:or\s+more|and\s+(?:up|above)|or\s+above|以上|～(?!\s*\d)|〜(?!\s*\d))", re.IGNORECASE
)
_MAX_ONLY_AFTER = re.compile(r"^\s*(?:以下|まで)")

# Where a clause (zone label, pay-type words) and a sentence start.
_CLAUSE_END_RE = re.compile(r"[\n;•|·]|[.!?。](?=\s|$)|\s[-–—]\s")
_SENTENCE_END_RE = re.compile(r"\n|[.!?。](?=\s|$)")
_FULL_STOP_RE = re.compile(r"[.!?。](?=\s|$)")  # "Minimum:\n$X\nMaximum:\n$Y" is one statement
# Where the words belonging to an amount stop.
# (An abbreviation's dot - "inkl.", "approx.", "mtl." - does not end the words of an amount.)
_TAIL_STOP_RE = re.compile(
    r"[;\n•|,+·]|(?<!inkl)(?<!incl)(?<!excl)(?<!approx)(?<!ca)(?<!mtl)(?<!mies)(?<!godz)(?<!std)(?<!Std)[.!?。](?:\s|$)"
    r"|\s(?:plus|and|with|und|et|y|o|or)\s",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^(?:19|20)\d\d$")

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
    "HKD": 150_000,
    "AED": 60_000,
    "CNY": 100_000,
}
# Indian postings state annual CTC; a lakh-sized amount without a period word is yearly.
_INR_ANNUAL_SIZE = 200_000.0
# Spanish / Portuguese pay words: Latin American pay is monthly ("Salario: USD 1,200 - 1,500").
_IBERIAN_PAY_RE = re.compile(
    r"salario|sueldo|remuneraci[oó]n|retribuci[oó]n|renta\b|sal[aá]rio|remunera[cç][aã]o", re.IGNORECASE
)
_JAPANESE_RE = re.compile(r"円|年収|月給|給与|時給|賞与")


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


@dataclass(slots=True)
class _Candidate:
    lo: _Amount
    hi: _Amount
    open: str | None = None  # "min": only a minimum; "max": only a maximum
    lo_period: Period | None = None  # period written between the two amounts ("$70,000/year to ...")


def _scan(work: str) -> list[_Amount]:
    out: list[_Amount] = []
    for m in _TOKEN_RE.finditer(work):
        num = m.group("num")
        raw = parse_number(num)
        if raw is None:
            continue
        mult = multiplier_of(m.group("mult"))
        pre = currency.marker_currency(m.group("pre"))
        suf = currency.marker_currency(m.group("suf"))
        cur = pre or suf
        if pre and suf and currency.is_generic(pre) and not currency.is_generic(suf):
            cur = suf  # "$110,000 ... CAD", "$25,000 MXN"
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
        out.append(
            _Amount(
                start=m.start(),
                end=end,
                raw=raw,
                value=raw * (mult.factor if mult else 1.0),
                mult=mult,
                cur=cur,
                plus=m.group("plus") is not None,
                grouped=mult is not None or any(c in num for c in ",.' ’"),
            )
        )
    return out


def _last_end(rx: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """End offset of the last match of rx in text[lo:hi], or lo."""
    pos = lo
    for m in rx.finditer(text, lo, hi):
        pos = m.end()
    return pos


def _compatible(a: _Amount, b: _Amount) -> bool:
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
            if _LINE_SEP_RE.fullmatch(gap) and _compatible(t, u):
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
    before = work[max(prev_end, c.lo.start - 30) : c.lo.start]
    if c.hi.plus or _MIN_ONLY_AFTER.match(work[c.hi.end : c.hi.end + 8]):
        return "min"
    if _MAX_ONLY_AFTER.match(work[c.hi.end : c.hi.end + 6]):
        return "max"
    if _MAX_ONLY_BEFORE.search(before):
        return "max"
    if _MIN_ONLY_BEFORE.search(before):
        return "min"
    return None


def _merge_open_pairs(cands: list[_Candidate], work: str) -> list[_Candidate]:
    """'ranges from $129,300/year in our lowest market up to $223,600/year' -> one range."""
    out: list[_Candidate] = []
    for c in cands:
        if out:
            p = out[-1]
            if (
                p.lo is p.hi
                and c.lo is c.hi
                and p.open == "min"
                and c.open == "max"
                and c.lo.start - p.hi.end <= 100
                and _FULL_STOP_RE.search(work, p.hi.end, c.lo.start) is None
                and _compatible(p.lo, c.lo)
            ):
                out[-1] = _Candidate(p.lo, c.hi)
                continue
        out.append(c)
    return out


class _Parser:
    __slots__ = ("text", "index", "work", "default", "zone", "fx", "tokens", "starts")

    def __init__(self, text: str, default_currency: str, zone: str | None) -> None:
        self.text = text
        work, self.index = repair(text)
        self.work = work.translate(SPACES)
        self.default = (default_currency or "USD").upper()
        self.zone = zone
        self.fx = fx_table()
        self.tokens: list[_Amount] = []
        self.starts: list[int] = []

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
                c.open = _open_side(c, work, prev_end)
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
        work = self.work
        lo, hi = c.lo, c.hi
        single = lo is hi
        # --- windows around the amount -------------------------------------------------
        w0 = max(0, lo.start - 160)
        sentence_start = _last_end(_SENTENCE_END_RE, work, w0, lo.start)
        clause_start = max(_last_end(_CLAUSE_END_RE, work, w0, lo.start), prev_money_end)
        before = work[max(sentence_start, prev_money_end, lo.start - 120) : lo.start]
        k = bisect_left(self.starts, hi.end)  # the next amount bounds the words of this one
        next_start = self.starts[k] if k < len(self.starts) else len(work)
        tail_limit = min(next_start, hi.end + 48)
        stop = _TAIL_STOP_RE.search(work, hi.end, tail_limit)
        tail = work[hi.end : stop.start() if stop else tail_limit]
        near_after = work[hi.end : min(next_start, hi.end + 40)]
        lpa = any(a.mult is not None and a.mult.period for a in (lo, hi))

        # --- is it pay? ------------------------------------------------------------------
        if cues.attached_not_pay(tail):
            return None
        cue = cues.closest_cue(before)
        if cue == "not" and not lpa:  # "Budget: 30-40 LPA" is still a salary: LPA only names pay
            return None
        named_after = cues.PAY_RE.search(tail) is not None  # "£40,000 basic", "$150K base salary"

        # --- period ----------------------------------------------------------------------
        tail_p = periods.period_after(tail)
        period: Period | None = tail_p[0] if tail_p else None
        after_end = hi.end + (tail_p[1] if tail_p else 0)
        cn_months = _CN_MONTHS_RE.match(work[hi.end : hi.end + 12]) is not None
        implied = (hi.mult.period if hi.mult else None) or (lo.mult.period if lo.mult else None)
        if cn_months:
            implied = "month"
        before_p = periods.period_before(before)
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
        period = period or lo_period or implied or before_p  # type: ignore[assignment]

        # --- zone (a Canadian zone also decides a bare "$") ------------------------------
        label = work[clause_start : lo.start]
        zone = zones.zone_before(work[sentence_start : lo.start], label)
        after = work[after_end : after_end + 80]
        zone = zone or zones.zone_after(after)

        # --- currency --------------------------------------------------------------------
        if cn_months and lo.cur is None and hi.cur is None:
            cur: str | None = "CNY"
        else:
            cur = self.currency_of(lo, hi, before, near_after, cue, zone or self.zone)
        if cur is None:
            return None

        # --- single amounts must be named as pay ------------------------------------------
        line_start = work.rfind("\n", 0, lo.start) + 1
        standalone = not work[line_start : lo.start].strip(" -–•*\t>")
        named = cue == "pay" or named_after or standalone or zone is not None
        if single and c.open is None and period is None and not named:
            return None

        values = [v for v in (lo_v, hi_v) if v is not None]
        if period is None:
            if all(self.annual_sized(v, cur) for v in values):
                period = "year"
            elif self.monthly_by_locale(values, cur, before):
                period = "month"
            else:
                return None

        # --- kind of pay ----------------------------------------------------------------
        paragraph = self.paragraph(lo.start, hi.end)
        kind = cues.pay_kind(before + " " + tail)
        if kind is None and cues.PLUS_VARIABLE_RE.match(after):
            kind = "base"
        if kind is None:
            kind = cues.pay_kind(paragraph)
        if cues.CONDITIONAL_OTE_RE.search(paragraph):
            # "For sales roles, the range provided is OTE": which one depends on the role.
            kind = "ote" if cues.SALES_ROLE_RE.search(work) else "unknown"
        pay_type: PayType = kind or "unknown"

        mn: float | None = lo_v
        mx: float | None = hi_v
        if single:
            if c.open == "min":
                mx = None
            elif c.open == "max":
                mn = None
        end = after_end if tail_p else hi.end
        s_end = _SENTENCE_END_RE.search(work, end)
        span = (self.orig(lo.start), self.orig(end))
        return make_band(
            _round(mn),
            _round(mx),
            cur,
            period,
            pay_type=pay_type,
            zone=zone or self.zone,
            origin="text",
            source_text=self.source(
                span, self.orig(sentence_start), self.orig(s_end.end() if s_end else len(work))
            ),
            span=span,
        )

    def source(self, span: tuple[int, int], s0: int, s1: int) -> str:
        """The sentence around the match, at most 300 chars, centred on the match when longer."""
        s, e = span
        if s1 - s0 > 300:
            s0 = max(s0, s - max(0, 300 - (e - s)) // 2)
            s1 = min(s1, s0 + 300)
        return " ".join(self.text[s0:s1].split())[:300]

    def currency_of(
        self, lo: _Amount, hi: _Amount, before: str, after: str, cue: str | None, zone: str | None
    ) -> str | None:
        curs = [x for x in (lo.cur, hi.cur) if x]
        specific = {x for x in curs if not currency.is_generic(x)}
        if len(specific) > 1:
            return None
        if specific:
            return specific.pop()
        ctx = before + " " + after
        if curs:
            return currency.resolve(curs[0], ctx, default_currency=self.default, zone=zone)
        # No marker on the numbers: 万 with 円/元 around, a code nearby, or the default for labelled pay.
        mult = hi.mult or lo.mult
        if mult is not None and mult.cjk:
            if currency.yuan_context(ctx):
                return "CNY"
            if _JAPANESE_RE.search(ctx):
                return "JPY"
            return None
        # Bare numbers must look like money: separators, a multiplier (also one shared
        # with the other end, "60/90k"), or at least four digits that are not a year.
        lo_money = lo.grouped or hi.mult is not None or len(str(int(lo.raw))) >= 4
        if not lo_money or not (hi.grouped or len(str(int(hi.raw))) >= 4):
            return None
        if _YEARISH.match(str(int(lo.raw))) and not lo.grouped:
            return None
        if cue != "pay":  # a pay word must introduce unmarked numbers
            return None
        return currency.code_in(before) or currency.code_in(after) or self.default

    def monthly_by_locale(self, values: list[float], cur: str, before: str) -> bool:
        bound = _MONTHLY_CONVENTION.get(cur)
        if bound is not None:
            return all(v < bound for v in values)
        if cur in ("USD", "EUR") and _IBERIAN_PAY_RE.search(before):
            return all(v * (self.fx.usd_per_unit.get(cur) or 1) < 8_000 for v in values)
        return False

    def paragraph(self, start: int, end: int) -> str:
        work = self.work
        p0 = work.rfind("\n\n", max(0, start - 400), start)
        p1 = work.find("\n\n", end, end + 400)
        return work[(p0 + 2 if p0 >= 0 else max(0, start - 400)) : (p1 if p1 >= 0 else end + 400)]


def _round(v: float | None) -> float | None:
    # Multipliers leave float noise (170.7 x 1000 = 170699.99999999997).
    return None if v is None else round(v, 2)


def parse_pay_text(text: str, *, default_currency: str = "USD", zone: str | None = None) -> list[PayBand]:
    """All pay bands stated in free text (plain text, not HTML), in text order.

    Each band has origin="text", `span` = offsets of the amounts (and their
    period words) in `text`, `source_text` = the sentence around them (<= 300 chars).
    `zone` is the zone of bands whose text names none.
    """
    if not text or not isinstance(text, str):
        return []
    if _DIGIT_RE.search(text) is None or _HINT_RE.search(text) is None:
        return []
    bands: list[PayBand] = []
    seen: set[tuple] = set()
    for band in _Parser(text, default_currency, zone).run():
        # The same statement twice (a summary line and the paragraph) is one band.
        key = (band.min_amount, band.max_amount, band.currency, band.period, band.pay_type, band.zone)
        if key not in seen:
            seen.add(key)
            bands.append(band)
    return bands
