"""Pay extraction shared by sources: text bands from descriptions, pay-type cues."""

from __future__ import annotations

import re

from ..models import PayBand, PayType
from .text import parse_pay_text

_SALES_RE = re.compile(r"\b(account executive|sales|business development|account manager|bdr|sdr)\b", re.I)
_OTE_RE = re.compile(r"\b(OTE|on[- ]target earnings)\b", re.I)
_TOTAL_RE = re.compile(r"total (target )?compensation|total cash|total comp\b", re.I)
_BASE_RE = re.compile(r"\b(base|salary|salaries)\b", re.I)
_CONDITIONAL_OTE_RE = re.compile(r"for (sales|commission)[- ]\w*\s*roles", re.I)


def pay_type_from_context(context: str, title: str = "", department: str = "") -> PayType:
    """Pay type for a structured band from its label/blurb.

    Greenhouse and Ashby blurbs often say "for sales roles, the range is OTE":
    that applies only when the posting is a sales role.
    """
    context, title, department = (x if isinstance(x, str) else "" for x in (context, title, department))
    conditional = _CONDITIONAL_OTE_RE.search(context)
    if _OTE_RE.search(context) and (not conditional or _SALES_RE.search(f"{title} {department}")):
        return "ote"
    if _TOTAL_RE.search(context):
        return "total"
    if _BASE_RE.search(context):
        return "base"
    return "unknown"


def text_bands(text: str | None, *, default_currency: str = "USD", zone: str | None = None) -> list[PayBand]:
    if not text:
        return []
    return parse_pay_text(text, default_currency=default_currency, zone=zone)
