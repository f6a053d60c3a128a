"""Salary normalizer: free text, structured ATS fields and schema.org -> PayBand (via make_band)."""

from .structured import schema_org_bands, structured_band
from .text import parse_pay_text

__all__ = ["parse_pay_text", "schema_org_bands", "structured_band"]
