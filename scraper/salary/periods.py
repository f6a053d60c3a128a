"""Pay periods: structured interval spellings and the words that state a period in text.

The period always comes from words ("per hour", "/yr", "brutto jährlich",
"月給"); only a range of annual-sized amounts without any period word is
taken as yearly (text.py), never a guess from size the other way round.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import Period

# Pure functions of short strings: boards repeat the same blurbs and labels in every posting.
_CACHE = 8192

# Structured ATS / schema.org interval spellings -> period; None = not a periodic wage.
_INTERVALS: dict[str, Period | None] = {
    # Lever salaryRange.interval
    "per-year-salary": "year",
    "per-month-salary": "month",
    "per-week-salary": "week",
    "per-day-wage": "day",
    "per-hour-wage": "hour",
    "one-time": None,
    # Ashby compensation component interval
    "1 year": "year",
    "1 month": "month",
    "1 week": "week",
    "1 day": "day",
    "1 hour": "hour",
    "1 time": None,
    "none": None,
    # schema.org unitText and plain words
    "year": "year",
    "years": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "annum": "year",
    "per annum": "year",
    "per year": "year",
    "yr": "year",
    "p.a.": "year",
    "salary": "year",
    "month": "month",
    "months": "month",
    "monthly": "month",
    "per month": "month",
    "mo": "month",
    "week": "week",
    "weeks": "week",
    "weekly": "week",
    "per week": "week",
    "wk": "week",
    "day": "day",
    "days": "day",
    "daily": "day",
    "per day": "day",
    "hour": "hour",
    "hours": "hour",
    "hourly": "hour",
    "per hour": "hour",
    "hr": "hour",
    "wage": "hour",
    # ISO 8601 durations some JSON-LD emitters use
    "p1y": "year",
    "p1m": "month",
    "p1w": "week",
    "p1d": "day",
    "pt1h": "hour",
}


def normalize_interval(interval: object) -> Period | None:
    """'per-year-salary' / '1 YEAR' / 'YEAR' / 'hourly' ... -> period; unknown or one-time -> None."""
    if not isinstance(interval, str):
        return None
    key = " ".join(interval.strip().lower().replace("_", " ").split())
    if key in _INTERVALS:
        return _INTERVALS[key]
    key = key.replace("-", " ")
    return _INTERVALS.get(key)


# Period words right AFTER an amount ("$25/hr", "€60.000 brutto jährlich", "45 000 kr/mån").
# Each alternative is a named group; the name is the period.
_AFTER = {
    "year": [
        r"per\s+(?:year|annum|yr)\b",
        r"an?\s+(?:year|yr)\b",
        r"/\s*vuosi\b|\bper\s+vuosi\b|"
        r"/\s*(?:year|yr|y|annum|annual|annually|an|jahr|rok|año|ano|any|år|jaar|anno|年)(?![a-z])",
        r"\byearly\b",
        r"\bannual(?:ly)?\b",
        r"\bp\.\s?a\.?|\bpa\b|\bp/a\b",
        r"j[äa]hrlich",
        r"(?:pro|im|per)\s+jahr\b",
        r"\bannuel(?:le)?s?\b|\bpar\s+ann[ée]e\b",
        r"\bpar\s+an\b",
        r"\bl['’]any\b|\bbrut/any\b",
        r"\brocznie\b|\bna\s+rok\b",
        r"\banual(?:es)?\b|\bal\s+año\b|\bpor\s+año\b",
        r"\banua(?:l|is)\b|\bpor\s+ano\b|\bao\s+ano\b",
        r"\bper\s+jaar\b|\bjaarlijks\b",
        r"\bper\s+år\b|\bom\s+året\b|\bårlig(?:en)?\b",
        r"\ball['’]anno\b|\bannu[ie]\b|\blordi\s+annui\b",
        r"年収|年俸|年薪|/年",
        r"\bro[čc]n[eě]\b|\bro[čc]n[ií]\b|\bza\s+rok\b|\bgodi[šs]nje\b|\bгодишно\b|\bна\s+година\b|\bв\s+год\b"
        r"|\bна\s+рік\b|\b[ée]vente\b|\b/\s*[ée]v\b|\bpe\s+an\b|\byıllık\b|\bvuodessa\b|\b/\s*v\b(?!\w)"
        r"|\bper\s+tahun\b|\b/\s*tahun\b|\bsetahun\b|/\s*năm|\bmỗi\s+năm\b|\bต่อปี|\bкалендарно\b",
    ],
    "month": [
        r"per\s+(?:calendar\s+)?(?:month|mo|mth)\b",
        r"an?\s+month\b",
        r"\bشهرياً|\bشهريا|ماہانہ|মাসিক|/\s*tháng|\bper\s+bulan|"
        r"/\s*(?:month|mo|mth|m|mesiac|mes\.|міс|мес|kuu|monat|mois|mies\.?|mes|mês|maand|mån(?:ad)?|(?-i:md)\.?|mese|月)(?![a-z])",
        r"\bmonthly\b",
        r"\bpcm\b|\bp\.\s?m\.?|\bpm\b|\bp/m\b",
        r"\bmonatlich\b|\bmtl\.?|(?:pro|im)\s+monat\b",
        r"\bmensuel(?:le)?s?\b|\bpar\s+mois\b",
        r"\bmiesi[eę]cznie\b|\bmies\.|\bna\s+miesi[aą]c\b",
        r"\bmensual(?:es)?\b|\bal\s+mes\b|\bpor\s+mes\b",
        r"\bmensa(?:l|is)\b|\bpor\s+m[eê]s\b|\bao\s+m[eê]s\b",
        r"\bper\s+maand\b",
        r"\bper\s+m[åa]nad\b|\bi\s+m[åa]naden\b|\bom\s+m[åa]neden\b|\bpr\.?\s+m[åa]ned\b|\bper\s+m[åa]ned\b",
        r"\bal\s+mese\b|\bmensil[ei]\b",
        r"月給|月収|月薪|月额|月額|每月",
        r"\bm[eě]s[ií][čc]n[eě]\b|\bmesa[čc]ne\b|\bza\s+m[eě]s[ií]c\b|/\s*m[eě]s\.?(?!\w)|\bmj?ese[čc]no\b"
        r"|\bмесечно\b|\bна\s+месец\b|\bв\s+месяц\b|/\s*мес\.?|\bна\s+місяць\b|\bщомісяця\b"
        r"|\bhavonta\b|\bhavi\b|/\s*h[óo]\b|\blunar\b|\bpe\s+lun[aă]\b|/\s*lun[aă]\b|\baylık\b|/\s*ay\b"
        r"|/\s*kk\b|\bkuukaudessa\b|\bper\s+bulan\b|/\s*bulan\b|\bsebulan\b|/\s*th[áa]ng|\bmỗi\s+tháng\b"
        r"|\bmột\s+tháng\b|ต่อเดือน|/\s*เดือน|\bμηνιαίως\b|\bmonthly\s+gross\b|\bmėnesį\b|/\s*mėn\.?"
        r"|\bkuus\b|\bkuussa\b|\bpr\.?\s+md\.?",
    ],
    "week": [
        r"per\s+(?:week|wk)\b",
        r"an?\s+week\b",
        r"/\s*(?:week|wk|w|woche|semaine|semana|tydzień|vecka|uke)(?![a-z])",
        r"\bweekly\b|\bp/w\b|\bpw\b",
        r"\b(?:pro|die)\s+woche\b|\bwöchentlich\b",
        r"\bpar\s+semaine\b|\bsemanal(?:es)?\b|\bpor\s+semana\b|\btygodniowo\b",
    ],
    "day": [
        r"per\s+day\b",
        r"an?\s+day\b",
        r"/\s*(?:day|d|tag|jour|j|día|dia|dzień|dzien|dag|日|(?-i:MD))(?![a-z])",
        r"\bdaily\b|\bp/d\b|\bpd\b",
        r"\b(?:pro|am)\s+tag\b|\bpar\s+jour\b|\bpor\s+d[íi]a\b|\bdziennie\b|\bza\s+dzie[ńn]\b|\bper\s+dag\b",
        r"\btages?satz\b|\bpro\s+tag\b|日給|日薪|/日|/\s*天|/\s*วัน|\bต่อวัน|\bna\s+den\b|/\s*den\b|\bde\s+la\s+journée\b|/\s*päev",
    ],
    "hour": [
        r"per\s+(?:hour|hr)\b",
        r"an?\s+hour\b",
        r"/\s*hodin\w*|/\s*giờ|/\s*jam\b|/\s*час|/\s*ชม\.?|\bi\s+timen\b|\bpr\.?\s+time\b|/\s*time\b|\bper\s+time\b|/\s*val\.?|/\s*ώρα|/\s*ora\b|"
        r"/\s*(?:hour|hr|h|std\.?|stunde|heure|hora|godz\.?|godzin[eę]|uur|tim(?:me)?|時間?)(?![a-z])",
        r"\bhourly\b|\bp/h\b|\bph\b",
        r"\bpro\s+stunde\b|\bstündlich\b|\bde\s+l['’]heure\b|\bpar\s+heure\b",
        r"\bpor\s+hora\b|\bla\s+hora\b|\bza\s+godzin[eęy]\b|\bper\s+uur\b|\bi\s+timmen\b",
        r"時給|时薪|/\s*小时|/\s*小時|לשעה|/\s*ชั่วโมง|\bde\s+l['’]heure\b|brut\s+de\s+l['’]heure|/\s*godz",
        r"/\s*hod\.?(?!\w)|\bza\s+hodinu\b|/\s*óra\b|\bóránként\b|/\s*oră\b|\bpe\s+oră\b|\bsaatlik\b"
        r"|\bв\s+час\b|/\s*час\b|\bna\s+sat\b|/\s*h\.",
    ],
}

# Fillers allowed between the amount and its period word: "€60.000 brutto jährlich",
# "$11,000 USD per month", "R$ 8.000,00 (CLT) mensais", "150 zł netto/h".
_FILLER = (
    r"(?:\s|[-–—:,()]|gross|brutto|brut|bruts|brute|brutes|bruto|brutos|brutas|brutte|net|netto|neto|netos|nett|netti|lordi|lordo"
    r"|бруто|нето|брутто|bruttó|nettó|hrub[ée]ho|hrub[áé]|[čc]ist[ée]ho|brutt[oó]|brüt|kotor|bersih|gross/net"
    r"|/(?=\s*(?:bruto|brutto|gross|netto|neto|brut)\b)"
    r"|pro[- ]rata|tax[- ]free|before\s+tax(?:es)?|pre[- ]tax|(?:\(\s*)?\+\s*VAT\s*\)?|B2B|UoP|UoD|on\s+B2B"
    r"|before\s+tax|pre-tax"
    r"|(?-i:[A-Z]{3})|\(?(?:DOE|B2B|UoP|CLT|PJ|VAT|\+\s*VAT|\+\s*super|plus\s+super|approx\.?|ca\.?)\)?"
    r"|base|salary|wage|pay|rate|equivalent|each|only|de|im|in)*?"
)


def _alt(table: dict[str, list[str]]) -> str:
    return "|".join(f"(?P<{p}>{'|'.join(ps)})" for p, ps in table.items())


PERIOD_AFTER_RE = re.compile(rf"^{_FILLER}(?:{_alt(_AFTER)})", re.IGNORECASE)

# Period words BEFORE an amount, naming the kind of pay ("Annual Salary:",
# "Target Hourly Rate", "monthly rate for this internship is", "Jahresgehalt", "月給").
# Matched on lowercased text; "<period>" words start a word, "<period>_in" ones may sit
# inside a compound ("Bruttojahresgehalt") or are CJK. One word-start check per position
# keeps this fast: most positions are inside words and fail at once.
_BEFORE_WORDS = {
    "year": (
        r"ro[čc]n[ií]|[ée]ves|yıllık|годишн\w*|годов\w*|vuosipalkka|"
        r"annual(?:ly|ized)?|yearly|per\s+(?:year|annum)|p\.a\.|j[äa]hrlich\w*|salaire\s+annuel|annuel(?:le)?s?|par\s+an"
        r"|ral|retribuzione\s+annua|rocznie|roczne|salario\s+anual|anual|sal[aá]rio\s+anual|ctc|lpa"
        r"|årsl[öø]nn?|jaarsalaris|jaarlijks"
    ),
    "month": (
        r"মাসিক|ماہانہ|شهري|월|maandloon|brutomaandloon|maandsalaris|m[eě]s[ií][čc]n[ií]|havi|lunar|aylık|месечн\w*|ежемесячн\w*|kuukausipalkka|gaji\s+bulanan"
        r"|monthly|per\s+month|monatlich\w*|salaire\s+mensuel|mensuel(?:le)?s?|mensual|mensal|miesi[eę]czn\w*"
        r"|m[åa]nadsl[öø]n|m[åa]nedsl[öø]nn?|maandsalaris|maandloon"
    ),
    "week": r"weekly|per\s+week|w[öo]chentlich|semanal(?:es)?|hebdomadaire",
    "day": r"day\s*rate|daily|per\s+day|harian|günlük|يومي|দৈনিক|일급|tjm|taux\s+journalier|tagessatz|stawka\s+dzienna|diari[oa]|日薪|ค่าแรง",
    "hour": (
        r"hourly|per\s+hour|stundenlohn|stundensatz|taux\s+horaire|stawka\s+godzinowa|timlön|uurloon"
        r"|orari[ao]|שעתי|почасов\w*|รายชั่วโมง|theo\s+giờ|timel[øo]nn?|tuntipalk\w*|tunnipalk|órabér|valandinis|часов\w*|hodinov\w*|godzinow\w*|ωριαί\w*"
        r"|salario\s+por\s+hora|pago\s+por\s+hora|por\s+hora|la\s+hora|valor\s+hora|uurloon|taux\s+horaire|tarif\s+orar|órabér|saatlik|시급|時薪|时薪|stundenlohn"
    ),
}
_BEFORE_INSIDE = {
    "year": r"jahres(?:gehalt|brutto|lohn|verdienst|einkommen|verg[üu]tung)|年収|年俸|年薪|연봉",
    "month": r"monats(?:gehalt|brutto|lohn|verdienst)|月給|月収|月薪|月額|월급",
    "week": r"wochen(?:lohn|gehalt)",
    "day": r"日給|日薪",
    "hour": r"時給|时薪",
}
PERIOD_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(f"(?P<{p}>{w})" for p, w in _BEFORE_WORDS.items())
    + r")(?![a-z])|"
    + "|".join(f"(?P<{p}_in>{w})" for p, w in _BEFORE_INSIDE.items())
)


# Every period word has a letter, a CJK character or a slash ("/h"): a tail without one states none.
_WORDLIKE = re.compile(r"[^\W\d_]|/")


@lru_cache(maxsize=_CACHE)
def period_after(tail: str) -> tuple[Period, int] | None:
    """Period stated at the start of `tail` (text right after an amount), with its end offset."""
    if _WORDLIKE.search(tail, 0, 80) is None:
        return None  # " - ", " – ": most gaps between a range's ends hold no word at all
    m = PERIOD_AFTER_RE.match(tail)
    if m is None:
        return None
    return m.lastgroup, m.end()  # type: ignore[return-value]


@lru_cache(maxsize=_CACHE)
def period_before(window: str) -> Period | None:
    """The period word closest to the amount in the label/clause before it (`window` lowercased)."""
    last = None
    for m in PERIOD_BEFORE_RE.finditer(window):
        last = m
    if last is None or last.lastgroup is None:
        return None
    return last.lastgroup.split("_")[0]  # type: ignore[return-value]
