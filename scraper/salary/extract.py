"""Pay extraction shared by sources: text bands from descriptions, the pay type of a structured label.

One pay-type classifier: `pay_type_from_context` reads a structured label / blurb with the
same cue words as free text (`cues.pay_kind`), plus the one condition only a structured
label needs: "for sales roles, the range is OTE" is OTE only when the posting is a sales role.
"""

from __future__ import annotations

import re

from ..models import PayBand, PayType
from . import cues
from .text import parse_pay_text

_SALES_RE = re.compile(r"\b(account executive|sales|business development|account manager|bdr|sdr)\b", re.I)
# "For sales roles, ..." / "For commission-eligible roles, ...": a condition, up to the sentence end.
_CONDITIONAL_RE = re.compile(r"for\s+(?:sales|commission)(?:[- ]\w+)?\s+roles[^.\n]*")


def pay_type_from_context(context: str, title: str = "", department: str = "") -> PayType:
    """Pay type for a structured band from its label/blurb: ote / total / base / unknown.

    The cue words are text's (`cues.pay_kind` on the lowercased label): "OTE" and
    "on-target earnings" are OTE, as words ("Remote - US" is not); "total compensation"
    is total; "base", "salary" are base. Greenhouse and Ashby blurbs often say "for
    sales roles, the range is OTE": that applies only when the posting is a sales role
    (its title or department); otherwise the rest of the label decides.
    """
    title, department = (x if isinstance(x, str) else "" for x in (title, department))
    low = context.lower() if isinstance(context, str) else ""
    conditional = _CONDITIONAL_RE.search(low)
    if conditional is not None:
        if cues.OTE_RE.search(conditional.group(0)) and _SALES_RE.search(f"{title} {department}"):
            return "ote"
        low = _CONDITIONAL_RE.sub(" ", low)
    return cues.pay_kind(low) or "unknown"


def text_bands(
    text: str | None, *, default_currency: str = "USD", zone: str | None = None, country: str | None = None
) -> list[PayBand]:
    """Bands the text normalizer reads in a posting's text; `country` is the posting's (ISO 3166 alpha-2)."""
    if not text:
        return []
    return parse_pay_text(text, default_currency=default_currency, zone=zone, country=country)
