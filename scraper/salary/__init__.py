"""Salary normalizer: free text, structured ATS fields and schema.org -> PayBand (via make_band)."""

from .structured import schema_org_bands, structured_band
from .text import parse_pay_text


def clear_caches() -> None:
    """Empty the normalizer's caches of pure string functions (labels, cue windows, zones): a
    benchmark calls it between passes so that a text parsed again is timed as a new one."""
    from . import cues, currency, periods, zones

    for module in (cues, currency, periods, zones):
        for obj in vars(module).values():
            if callable(getattr(obj, "cache_clear", None)) and hasattr(obj, "cache_info"):
                obj.cache_clear()


__all__ = ["clear_caches", "parse_pay_text", "schema_org_bands", "structured_band"]
