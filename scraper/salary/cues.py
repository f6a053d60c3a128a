"""Words around an amount: is it pay at all, and which kind (base / total / OTE)?

Two lists decide whether money is pay: PAY words ("salary", "pay range",
"Gehalt", "年収") and NOT_PAY words ("sign-on bonus", "stipend", "Series B",
"401(k)", "ARR", "quota"). Before an amount the closest cue wins; right after
an amount ("$10,000 sign-on bonus", "$50M Series B") a NOT_PAY word rejects it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import PayType
from .alternation import by_first_char

# Pure functions of short strings: boards repeat the same blurbs and labels in every posting.
_CACHE = 8192


# All patterns here run on LOWERCASED text (callers lower the windows once) and check
# the start of a word once per position - most positions are inside words and fail at
# once, which keeps the per-amount cost low. "_IN" parts may sit inside compounds
# ("Bruttojahresgehalt", "Weiterbildungsbudget") or are CJK.
_PAY_WORDS = (
    r"salar(?:y|ies|io|ios|is|i|ié|iu)|sal[aá]rio|salaire|base|basic|fix(?:ed)?|pay|pays(?=\s+(?:up\s+to|from|between|an?\s|\$|£|€|\d))|paid|compensation|comp|wages?|earnings|earn"
    r"|remunera\w*|r[ée]mun[ée]ration|retribu\w*|rate|income|ote|on[- ]target|ctc|lpa|hiring\s+range"
    r"|verg[üu]tung|bezahlung|sueldo|renta|wynagrodzenie|wide[łl]ki|stawka|gaji|fizetés|bér"
    r"|pensja|(?:bruto|netto|maand|uur|jaar|week)?loon|ral|stipendio|tjm|fix|fixe|fixum|taux|tarif|tarifa|pago|ingresos?"
    r"|sazba|bolsa|honorar|honorarios|lønnen|lønnet|salär|gage|valor\s+hora|stawk\w*|compenso|venit|bérezés"
    r"|platov\w*|töötasu|tasu|užmokest\w*|atlyg\w*|super(?:annuation)?|kiwisaver|package|pakket|pacote|paquete"
    r"|pachet|pakke|vencimento|ставк\w*|ставка"
    r"|zarada|zaradu|platu|plate|plata|upah|yevmiye|thu\s+nhập|lương|income|оплат\w*|доход\w*|жалақы"
    r"|plat|mzda|mzdy|odm[eě]na|plata|pla[cć]a|pla[cč]a|salariu(?:l)?|palkka|palkan|palk|alga|atlyginimas|ma[aâ][sş]"
    r"|[üu]cret|l[uư][oơ]ng|m[uứ]c\s+l[uư][oơ]ng|bayaran|sahod|sweldo|mshahara"
)
_PAY_IN = (
    r"gehalt|verg[üu]tung|entgelt|einkommen|lohn|заработн|(?<![а-я])плата|bér|palk|palga|αποζημ|αποδοχ|工资|工資|薪资|薪資|收入|급여|시급|일급"
    r"|ค่าแรง|ค่าจ้าง|รายได้|مرتب|المرتب|أجر|الأجر|اجر|تنخواہ|বেতন|মজুরি|שכר|доход|оплат|жалақы|給与|l[öø]nn?|salaris|年収|月給|年俸|給与|時給|日給|薪|연봉|월급|報酬"
    r"|заплат|зарплат|оклад|заробітн|възнагражд|зп\b|เงินเดือน|ค่าจ้าง|שכר|راتب|μισθ"
)
PAY_RE = re.compile(rf"(?<![a-z])(?:{by_first_char(_PAY_WORDS)})(?![a-z])|{by_first_char(_PAY_IN)}")

# Money that is not pay. Kept to words that name the money itself.
_NOT_PAY_WORDS = (
    r"sign[- ]?on|signing|bonus(?:es)?|budget|allowance|reimburse\w*|401\s?\(?k\)?|403\s?\(?b\)?|match(?:ing|ed|es)?"
    r"|grants?|equity|rsus?|stock|shares|options?\s+grant|funding|funded|raised?|raising|series\s+[a-h]|seed\s+round"
    r"|valuation|revenue|arr|mrr|gmv|quotas?|acv|tcv|deals?|pipeline|in\s+sales|purchases|spend(?:ing)?|spent"
    r"|users|customers|downloads|investors?|invest(?:ed|ment|ments)?|fund|assets|aum|loans?|mortgage|credit"
    r"|insurance|coverage|hsa|fsa|hra|relocation|referral|commissions?|tuition|education(?:al)?|learning|training"
    r"|wellness|wellbeing|well-being|fitness|gym|home[- ]office|co-?working|internet|phone|mobile|meals?|lunch|food"
    r"|commut\w*|transit|childcare|fertility|adoption|donations?|charit\w*|prizes?|awards?|fees?|price[sd]?|pricing"
    r"|cost[s]?|once|one[- ]time|per\s+(?:interview|project|task|article|word|session|referral|hire|seat|user)"
    r"|housing|travel|expenses?|per\s+diem|worth|market\s+cap|savings|saved|saves?|saving|backed|capital|ventures"
    r"|lifetime|differentials?|shift\s+premiums?"
    r"|stipends?|perks?|benefits?|pto|vacation|retirement|pension|contributions?|wfh|setup|equipment|laptop"
    r"|conference|conferences|books?|subscriptions?|gift|vouchers?|cash\s+back|refund|deposit|payout"
    r"|tax\s+credit|in\s+value|gross\s+margin|profit|ebitda|sales\s+targets?|book\s+of\s+business|portfolio"
    r"|budgets|contracts?\s+value|contract\s+size|deal\s+size|properties|homes|transactions?|payments\s+volume"
    r"|trillion|billions?|raise|restaurant\w*|tickets?|titres?|ch[èe]ques?|mutuelle|primes?"
    r"|variable|variabel|variabler|budżet\w*|transport(?:ation)?|holiday|overtime|severance|sick|on[- ]call"
    r"|packaging|welfare|vr|phone|tel|telephone|fax|license|licence|visa|incentives?|allowances"
    r"|commission[- ]only|uncapped\s+earnings|b[óo]nusz|pótlék|premi[ae]|polecen\w*|sermaye|kapital\w*"
)
_NOT_PAY_IN = (
    r"budget|zuschuss|pauschale|prämie|bonus|toetus|eelarve|biudžet|tunjangan|insentif|incentiv|vale-|(?<!bolsa-)aux[ií]lio"
    r"|bonifica|gratifica|buoni\s+pasto|ticket|cafeteria|regres|topli\s+obrok|компенсац|проїзд|обед|питани|фитнес"
    r"|bidrag|tillägg|tillæg|tillegg|förmån|godtgørelse|インセンティブ|歩合|ボーナス|קרן|ביס|בשווי"
    r"|电话|電話|联系|聯絡|地址|面议|面議|津贴|津貼|补贴|補貼|手当|交通費|賞与|奖金|獎金|分红|分紅|资本|資本|期权|股票"
    r"|提成|โทร|ค่าเดินทาง|โบนัส|สวัสดิการ|phụ\s+cấp|thưởng|ödenek|yemek|prim\b|бонус|премі|премия|надбав"
)
NOT_PAY_RE = re.compile(
    rf"(?<![a-z0-9])(?:{by_first_char(_NOT_PAY_WORDS)})(?![a-z])|{by_first_char(_NOT_PAY_IN)}"
)

# A bare "stipend" label opening a clause is often the pay of an intern ("Stipend: ₹25,000/month");
# a qualified one is a perk ("learning stipend", "a monthly stipend of $100").
_LABEL_PREFIX = re.compile(r"[\s\-•*]*(?:paid\s+)?(?:internship|intern)?\s*")
_JOINED = re.compile(r"(?:\+|\bplus|\band|&|\bincl\.?|\bincluding)\s*$")
_NOT_PAY_LEAD = re.compile(rf"(?<![a-z0-9])({_NOT_PAY_WORDS})[\s\-/&]*$")
# Perk words that head whole sections ("Compensation & Benefits: $X") say nothing before an amount.
_BEFORE_NEUTRAL = re.compile(r"benefits?|perks?|pto|vacation|retirement|pension|equipment|laptop|setup|wfh")

# Cue words for the kind of pay. OTE before total before base: "total OTE with a
# 80/20 base to commission split" is OTE; "total compensation (vs. only base salary)" is total.
OTE_RE = re.compile(
    r"(?<![a-z])(?:ote|on[- ]target[- ](?:earnings|earning|compensation|comp|pay|income)"
    r"|target\s+earnings|base[- ]to[- ]commission|base\s*(?:\+|plus|and)\s*(?:sales\s+)?(?:commission|variable)"
    r"|(?:includes?|including|incl\.?)\s+(?:both\s+)?(?:the\s+)?(?:sales\s+)?commissions?"
    r"|variable\s+inclus|(?:inkl\.?|inklusive)\s+(?:variabler?|provision)|hoa\s+hồng)(?![a-z])|zielgehalt|zieleinkommen"
    r"|รวมค่าคอม|含提成|提成"
)
TOTAL_RE = re.compile(
    r"(?<![a-z])(?:total\s+(?:target\s+|annual\s+|cash\s+|direct\s+|expected\s+|yearly\s+)*"
    r"(?:compensation|comp|remuneration|cash|pay)|tc|total\s+package|salary\s+(?:versus|vs\.?|or)\s+(?:stock|equity)"
    r"|consists\s+solely\s+of\s+an?\s+(?:annual\s+)?salary|r[ée]mun[ée]ration\s+globale"
    r"|(?:incl\.?|inkl\.?|including|inklusive|inclusive\s+of)\s+(?:an?\s+)?(?:annual\s+|target\s+)?(?:bonus(?:es)?|variable)"
    r"|ctc|cost\s+to\s+(?:the\s+)?company"  # Indian CTC: everything the employer pays
    # Netflix: "The overall market range for roles in this area of Netflix is typically $X - $Y"
    # is its total compensation (the next sentence says so; the sentence alone must say it too).
    r"|overall\s+market\s+range"
    r"|(?:incl\.?|inkl\.?|including|inklusive|inclusief)\s+(?:pension|pensjon)"
    # "inclusief vakantiegeld en 13e maand": a year's pay with its 13th month is the year's total cash
    r"|(?:incl\.?|inkl\.?|including|inklusive|inclusief|y\s+incluye)\s[^.;]{0,30}(?:13e|13th|13\.|13)\s*(?:maand|month|monat\w*|mois)"
    r"|(?:salary|remuneration|compensation|pay|total)\s+package|all[- ]inclusive|consolidated|inc\.?\s+super"
    r"|賞与含む|含年终奖|含年終獎|paquete\s+retributivo|pacote\s+(?:total|remunerat\w*|salarial)|kokonaispalkka"
    r"|pachet\s+salarial|totaal\s+pakket|total\s+package"
    r"|package\s+(?:incl\.?|including|inclusive\s+of)\s+super|(?:incl\.?|including|inclusive\s+of)\s+super(?:annuation)?"
    r")(?![a-z])|gesamtverg[üu]tung"
)
BASE_RE = re.compile(
    r"(?<![a-z])(?:base|basic|salar(?:y|ies|io|ios|i|is|ié|ial|iu|iul)|sal[aá]rio|salaire|wages?|sueldo|gaji|fizetés"
    r"|fix|fixum|fixe|fijo|fixo|ral|pensja|stipendio|plat|mzda|plata|pla[cć]a|salariu(?:l)?|palkka|ma[aâ][sş]"
    r"|l[uư][oơ]ng|gaji|sweldo|sahod|fixed(?!\s+(?:overtime|allowance|term|price|fee))|palka|atlyginim\w*|[üu]cret|zarada|bér|loon|jaarloon|jaarsalaris"
    r"|mzdy|mzdu|plat|platu|palga|salär|upah|yevmiye|salariale?s?|zasadnicz\w*|vencimento|töötasu|alga|užmokest\w*)(?![a-z])"
    r"|gehalt|lohn|l[öø]nn?|salaris|基本給|月給|時給|日給|底薪|基本工资|年俸|薪|연봉|월급|заплат|зарплат|оклад"
    r"|給与|급여|loon|bér|palk|palga|palkka|시급|일급|ค่าแรง|ค่าจ้าง|жалақы|เงินเดือน|مرتب|أجر|الأجر|تنخواہ|মজুরি|שכר|راتب|μισθ|(?<![а-я])плата|заработн|зарплат|تنخواہ|বেতন|工资|工資|薪资|薪資"
)
# Phrases that mention a kind without saying the range is of that kind.
_CUE_NOISE = re.compile(
    r"(?<![a-z])(?:\(?(?:vs\.?|versus|not|rather\s+than)\s+(?:only\s+|just\s+)?base\s+(?:salary|pay)\)?"
    r"|(?:one\s+|a\s+|just\s+|only\s+)?(?:part|piece|component|element|portion)\s+of\s+(?:the|our|your|a|an)\s+"
    r"(?:overall\s+|broader\s+|full\s+)?total\s+(?:compensation|rewards?|comp)(?:\s+package)?"
    r"|total\s+compensation\s+(?:package\s+)?(?:also\s+|may\s+also\s+|will\s+)?(?:includes?|comprises|consists)"
    r"|in\s+addition\s+to\s+(?:the\s+)?base(?:\s+salary|\s+pay)?"
    r"|(?:does\s+)?not\s+includ\w*[^.\n]*|excluding[^.\n]*|exclusive\s+of[^.\n]*"
    r"|for\s+sales\s+roles[^.\n]*"  # "For sales roles, the range is OTE": a condition, not this role
    r"|hourly\s+or\s+salar(?:y|ied)(?:\s+options?)?|salar(?:y|ied)\s+or\s+hourly)"  # employment types
)
_NOISE_KEYS = ("vs", "versus", "not", "rather", "part", "piece", "component", "element", "portion", "total",
               "addition", "exclu", "sales", "hourly")  # fmt: skip
# "$160,000-$200,000 + Substantial Commission": the range is what comes before the variable pay.
PLUS_VARIABLE_RE = re.compile(
    r"^[\s,.]*(?:pro[- ]rata\s*)?(?:p\.?\s?a\.?\s*)?(?:\+|plus|and)\s*(?:an?\s+)?(?:\d+(?:\.\d+)?\s*%\s*)?"
    r"(?:substantial\s+|annual\s+|quarterly\s+|performance\s+|uncapped\s+|target\s+)*"
    r"(?:bonus|commission|variable|super(?:annuation)?|kiwisaver|incentive)"
)


# "The range provided is the role's On Target Earnings ("OTE") range": said of the range that follows,
# whatever its label says ("Annual Salary: $X"); unless a "for sales roles" condition comes first.
STATED_OTE_RE = re.compile(
    r"(?<!sales roles, )the\s+range\s+(?:provided\s+|below\s+|above\s+)?is\s+the\s+role['’]s\s+on[- ]target"
)
# "For sales roles, the range provided is the role's OTE": OTE only if this posting is a sales role.
CONDITIONAL_OTE_RE = re.compile(r"for\s+sales\s+roles[^.\n]*(?:ote|on[- ]target)")
SALES_ROLE_RE = re.compile(
    r"account\s+executive|account\s+manager|sales\s+(?:development\s+)?representative|\b[sb]dr\b|\bae\b"
    r"|sales\s+(?:manager|director|lead|executive|expertise)|consultative\s+sales|quota[- ]carrying"
)
# Every alternative starts with one of these literals (offset back to the match start): the regex is
# tried only where one occurs (str.find runs at memchr speed; a search over a whole description
# tried ~10 branches at every offset: ~0.5 ms on a 12 kB posting).
_SALES_ANCHORS = (("account", 0), ("sales", 0), ("dr", 1), ("ae", 0), ("consultative", 0), ("quota", 0))


def sales_role(low: str) -> bool:
    """SALES_ROLE_RE.search(low) is not None, found faster on long (lowercased) text."""
    for lit, back in _SALES_ANCHORS:
        i = low.find(lit, back)
        while i >= 0:
            if SALES_ROLE_RE.match(low, i - back) is not None:
                return True
            i = low.find(lit, i + 1)
    return False


@lru_cache(maxsize=_CACHE)
def pay_kind(context: str) -> PayType | None:
    """OTE / total / base from cue words in (lowercased) `context`, or None when it names no kind."""
    if not context:
        return None
    # Each pattern runs only when one of the words all its alternatives contain is there.
    ctx = _CUE_NOISE.sub(" ", context) if any(k in context for k in _NOISE_KEYS) else context
    if any(k in ctx for k in _OTE_KEYS) and OTE_RE.search(ctx):
        return "ote"
    if TOTAL_RE.search(ctx):
        return "total"
    if "split" in ctx and _SPLIT_RE.search(ctx) and not _BASE_SALARY_RE.search(ctx):
        return "ote"  # "50/50 split $323.9K – $445.5K": a base/commission split of the whole
    if BASE_RE.search(ctx):
        return "base"
    return None


# A base-to-variable split names the range as the whole (OTE) unless it says it is the base.
_SPLIT_RE = re.compile(r"(?<!\d)\d\d\s*/\s*\d\d\s+split(?![a-z])")
_BASE_SALARY_RE = re.compile(r"(?<![a-z])base\s+(?:salary|pay)(?![a-z])")


# Every OTE_RE alternative contains one of these: a window without any cannot match it.
_OTE_KEYS = ("ote", "target", "commission", "variab", "provision", "ziel", "hoa h", "ค่าคอม", "提成")


@lru_cache(maxsize=_CACHE)
def closest_cue(window: str) -> str | None:
    """'pay' / 'not' for the cue nearest the end of (lowercased) `window`, the text just before an amount."""
    if "cost" in window or "aux" in window:  # same-length blanking keeps offsets
        window = _COST_OF_MARKET.sub(lambda m: " " * len(m.group(0)), window)
    best_end, best = -1, None
    for m in PAY_RE.finditer(window):
        best_end, best = m.end(), "pay"
    if any(k in window for k in _OTE_KEYS):
        for m in OTE_RE.finditer(window):  # "Base salary plus commission: $X" is pay
            if m.end() >= best_end:
                best_end, best = m.end(), "pay"
    for m in NOT_PAY_RE.finditer(window):
        if m.end() < best_end or _BEFORE_NEUTRAL.fullmatch(m.group(0)):
            continue
        prefix = window[: m.start()]
        if _JOINED.search(prefix) and PAY_RE.search(prefix):
            continue  # "salary + bonus: $X" names pay that includes a bonus
        if m.group(0).startswith("stipend") and _LABEL_PREFIX.fullmatch(prefix):
            best_end, best = m.end(), "pay"  # "Stipend: ₹25,000/month" is an intern's pay
            continue
        best_end, best = m.end(), "not"
    if best == "pay":
        # "Transport compensation", "equity compensation", "holiday pay": a not-pay word right
        # before the pay word says which money it is.
        last = None
        for found in PAY_RE.finditer(window):
            last = found
        if last is not None and last.end() == best_end:
            lead = window[max(0, last.start() - 24) : last.start()]
            m_not = _NOT_PAY_LEAD.search(lead)
            if m_not is not None and not _BEFORE_NEUTRAL.fullmatch(m_not.group(1)):
                return "not"
    return best


# "from $115,000 in our lowest-cost geographic market": the cost of a market, not a price.
_COST_OF_MARKET = re.compile(
    r"(?:low|high)(?:est|er)?[- ]cost|cost[- ]of[- ]living|cost[- ]of[- ]labou?r|cost\s+to\s+(?:the\s+)?company"
)
_MARK_BETWEEN = re.compile(r"[$€£¥₹]")
_WEAK_PAY = frozenset({"paid", "earn", "earnings", "pays"})


_INCLUDES_BEFORE = re.compile(r"(?:includ\w*|incl\.?|inkl\.?|inclusive\s+of|inclusief|einschlie\w*)\s[^.;]*$")


# Gross / net qualify only pay: an amount they qualify needs no other pay word to be named as pay.
GROSS_NET_RE = re.compile(
    r"(?<![a-z])(?:brutto|bruttó|bruto|brutos|netto|nettó|neto|netos|brut|bruts|gross|net|brüt|нето|бруто)(?![a-z])"
)


def names_other_money(text: str) -> bool:
    """A NOT_PAY word in (lowercased) `text`, other than the cost of a market ("lowest-cost market")."""
    return NOT_PAY_RE.search(_COST_OF_MARKET.sub(" ", text)) is not None


# Counts of people or places right after a number ("40 000 collaborateurs", "5,000 employees").
_HEADCOUNT_AFTER = re.compile(
    r"^\s*(?:\+\s*)?(?:employees|collaborateurs|colaboradores|mitarbeit\w*|dipendenti|medewerkers|anst[äa]llda|ansatte"
    r"|pracownik\w*|people|staff|members|customers|clients|users|countries|offices|locations|stores|cities)(?![a-z])"
)


@lru_cache(maxsize=_CACHE)
def attached_not_pay(tail: str, next_amount_follows: bool = False) -> bool:
    if _HEADCOUNT_AFTER.match(tail):
        return True
    """A NOT_PAY word in the (lowercased) words right after an amount, before any PAY word.
    When the next amount follows the tail, a NOT_PAY word at its very end labels that amount
    ("£26,696 - £28,988 pro rata Distant Islands Allowance £1,461"), not this one."""
    m_not = NOT_PAY_RE.search(_COST_OF_MARKET.sub(" ", tail))
    if m_not is None:
        return False
    if tail.startswith(("含む", "含", "込み", "込"), m_not.end()):
        return False  # "（賞与含む）", "（一律手当含む）": what the amount includes
    if (
        m_not.start() > 28
        or _INCLUDES_BEFORE.search(tail, 0, m_not.start())
        or _MARK_BETWEEN.search(tail, 0, m_not.start())
    ):
        # Far from the amount, what it includes ("package c.£95,000 including car allowance"), or the
        # label of another amount ("$21.25 an hour/ $.55 shift differential").
        return False
    if next_amount_follows and not tail[m_not.end() :].strip(" :-–(") and m_not.start() > 12:
        return False
    m_pay = next((m for m in PAY_RE.finditer(tail) if m.group(0) not in _WEAK_PAY), None)
    return m_pay is None or m_not.start() < m_pay.start()
