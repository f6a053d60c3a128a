"""Numbers as postings write them: separators of every locale and magnitude words.

`NUM` is a regex fragment for one written number (digits and separators, no
sign, no magnitude); `parse_number` decides which separator is the decimal one.
`MULTIPLIER` / `multiplier_of` handle "k", "M", "lakh", "万" ...
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Either digit groups split by spaces (1 234 567,89 / 120 000 - "1 234" needs
# exactly three digits after each space so that "2 and 3" or "401 k" never
# merge), or digits split by , . ' ’ in any pattern (validated by parse_number).
# Each repetition starts with a separator, so the regex cannot backtrack
# exponentially.
NUM = r"(?:\d{1,3}(?:[ ]\d{3}(?!\d))+(?:[.,]\d{1,2}(?!\d))?|\d+(?:[.,'’]\d+)*)"


@dataclass(slots=True, frozen=True)
class Multiplier:
    factor: float
    currency: str | None = None  # lakh/crore only exist in INR
    period: str | None = None  # "LPA" = lakh per annum
    cjk: bool = False  # 万/億: the currency is 円 or 元, decided from context


_LAKH = 100_000.0
_MULTIPLIERS: dict[str, Multiplier] = {
    "k": Multiplier(1e3),
    "thousand": Multiplier(1e3),
    "tsd": Multiplier(1e3),
    "tsd.": Multiplier(1e3),
    "mil": Multiplier(1e3),  # es/pt "30 mil" = 30 000
    "m": Multiplier(1e6),
    "mm": Multiplier(1e6),
    "mn": Multiplier(1e6),
    "mio": Multiplier(1e6),
    "mio.": Multiplier(1e6),
    "million": Multiplier(1e6),
    "millions": Multiplier(1e6),
    "millones": Multiplier(1e6),
    "milhões": Multiplier(1e6),
    # Billions are never pay; parsing them keeps "$10B" from reading as $10.
    "b": Multiplier(1e9),
    "bn": Multiplier(1e9),
    "billion": Multiplier(1e9),
    "l": Multiplier(_LAKH, "INR"),
    "lakh": Multiplier(_LAKH, "INR"),
    "lakhs": Multiplier(_LAKH, "INR"),
    "lac": Multiplier(_LAKH, "INR"),
    "lacs": Multiplier(_LAKH, "INR"),
    "lpa": Multiplier(_LAKH, "INR", "year"),
    "cr": Multiplier(1e7, "INR"),
    "cr.": Multiplier(1e7, "INR"),
    "crore": Multiplier(1e7, "INR"),
    "crores": Multiplier(1e7, "INR"),
    "万": Multiplier(1e4, cjk=True),
    "千": Multiplier(1e3, cjk=True),
    "億": Multiplier(1e8, cjk=True),
    "만": Multiplier(1e4, "KRW"),
    "억": Multiplier(1e8, "KRW"),
    "萬": Multiplier(1e4, cjk=True),
    "천": Multiplier(1e3, "KRW"),
    "천만": Multiplier(1e7, "KRW"),
    # Thousands and millions as postings abbreviate them in other languages.
    "tis.": Multiplier(1e3),
    "tis": Multiplier(1e3),
    "тис.": Multiplier(1e3),
    "тис": Multiplier(1e3),
    "тыс.": Multiplier(1e3),
    "тыс": Multiplier(1e3),
    "хил.": Multiplier(1e3),
    "ezer": Multiplier(1e3),
    "e": Multiplier(1e3),  # Hungarian "600e Ft" (ezer)
    "millió": Multiplier(1e6),
    "млн": Multiplier(1e6),
    "triệu": Multiplier(1e6, "VND"),
    "tr": Multiplier(1e6, "VND"),
    "juta": Multiplier(1e6, "IDR"),
    "jt": Multiplier(1e6, "IDR"),
    "ribu": Multiplier(1e3, "IDR"),
    "rb": Multiplier(1e3, "IDR"),
    "ہزار": Multiplier(1e3),
    "হাজার": Multiplier(1e3),
}

# Longest first so "LPA" wins over "L", "million" over "mil", "mio." over "m".
MULTIPLIER = (
    r"(?:(?i:thousand|millions?|millones|milhões|billion|lakhs?|lacs?|lpa|crores?|mio\.?|tsd\.?|mil|mn|bn)"
    r"|Cr\.?|cr\.?|MM|mm|[kKmMBL]|tis\.?|тис\.?|тыс\.?|хил\.|ezer|millió|млн|triệu|juta|jt|ribu|rb"
    r"|ہزار|হাজার|tr(?=\s*[-–~]|\s*(?:VND|đ|/th))|e(?=\s*[-–]|\s*Ft\b))(?!\w)"  # not the K of "Kč"
    r"|천만|[万千億萬만억천]"
)


def multiplier_of(word: str | None) -> Multiplier | None:
    if not word:
        return None
    return _MULTIPLIERS.get(word.lower()) or _MULTIPLIERS.get(word)


def _groups_ok(groups: list[str]) -> bool:
    """Thousands groups: western 1-3 + 3 + 3..., or Indian 1-2 + 2 + ... + 3 (25,00,000)."""
    if not groups or not groups[0] or len(groups[0]) > 3:
        return False
    rest = groups[1:]
    if all(len(g) == 3 for g in rest):
        return True
    return (
        len(groups[0]) <= 2 and len(rest) >= 2 and len(rest[-1]) == 3 and all(len(g) == 2 for g in rest[:-1])
    )


def parse_number(raw: str) -> float | None:
    """'1,234.56' / '1.234,56' / '1 234,56' / "120'000" / '25,00,000' -> float; None if malformed.

    A lone separator followed by exactly three digits is a thousands separator
    ("120,000", "120.000"); followed by one or two digits it is the decimal one
    ("25.50", "25,5"). Pay is never written with three decimals.
    """
    if raw.isdecimal():  # not isdigit(): "²" is a digit float() refuses
        return float(raw)  # the common case: plain digits
    s = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace("\u2009", "").replace(" ", "")
    s = s.replace("'", "").replace("’", "")
    if not s:
        return None
    has_comma, has_dot = "," in s, "." in s
    try:
        if has_comma and has_dot:
            dec = "," if s.rfind(",") > s.rfind(".") else "."
            thou = "." if dec == "," else ","
            whole, _, frac = s.rpartition(dec)
            if thou in frac or dec in whole or not frac.isdigit() or len(frac) > 2:
                return None
            if not _groups_ok(whole.split(thou)):
                return None
            value = float(whole.replace(thou, "") + "." + frac)
        elif has_comma or has_dot:
            sep = "," if has_comma else "."
            parts = s.split(sep)
            if len(parts) == 2 and len(parts[1]) in (1, 2):
                value = float(parts[0] + "." + parts[1])
            elif _groups_ok(parts):
                value = float("".join(parts))
            else:
                return None
        else:
            value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class AmountError(ValueError):
    """A structured amount that is present but is not a usable number; the message says why."""


# Longer than this (after the currency mark) a string is no amount of pay ("1" * 400, an essay).
_MAX_AMOUNT_CHARS = 40
_MISSING_WORDS = frozenset({"null", "none"})  # a JSON null written as text: no value, not a bad one


def amount_of(value: object) -> float | None:
    """A structured field's amount: int / float / numeric string ('4200000', '150,000.00', '$150,000').

    None when the field is missing (None, "", "null"); AmountError when it is present but not a
    finite number: a bool, a list or dict, "NaN", "inf", float('nan'), "competitive", 10**400
    (float() would overflow), a 400-digit string. Never raises anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(f"amount {describe(value)} is not a number")
    if isinstance(value, int):
        try:
            v = float(value)
        except OverflowError:
            raise AmountError(f"amount {describe(value)} is too large to be pay") from None
    elif isinstance(value, float):
        v = value
    elif isinstance(value, str):
        s = value.strip().lstrip("$€£¥₹").strip()
        if not s or s.lower() in _MISSING_WORDS:
            return None
        if len(s) > _MAX_AMOUNT_CHARS:
            digits = s.replace(",", "").replace(".", "").replace(" ", "").isdigit()
            raise AmountError(
                f"amount {describe(value)} is {'too large to be pay' if digits else 'not a number'}"
            )
        try:
            v = float(s)
        except ValueError:
            parsed = parse_number(s)
            if parsed is None:
                raise AmountError(f"amount {describe(value)} is not a number") from None
            v = parsed
    else:
        raise AmountError(f"amount {describe(value)} is not a number")
    if not math.isfinite(v):
        raise AmountError(f"amount {describe(value)} is not a finite number")
    return v


def to_float(value: object) -> float | None:
    """amount_of, with None for an unusable value too (callers that need no reason). Never raises."""
    try:
        return amount_of(value)
    except AmountError:
        return None


def describe(value: object, limit: int = 40) -> str:
    """A short, safe text for any value in a message: repr, cut to `limit` characters.

    Never raises: an int too long to print (Python refuses str() beyond 4,300 digits) is
    described by its size, an object whose repr fails by its type.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"a {int(math.log10(abs(value))) + 1}-digit integer"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__, a dict holding a 5,000-digit int
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"
