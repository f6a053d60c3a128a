"""Build scraper/data/iso4217.json: every active ISO 4217 code with the marks postings use for it.

    python -m scraper.data.build_iso4217 --wheels /tmp/wheels      # rewrite the json
    python -m scraper.data.build_iso4217 --wheels /tmp/wheels --check

Build-time inputs only (never imported at run time), fetched with the ordinary pip client:

    pip download iso4217==1.16.20260101 babel==2.19.0 --no-deps -d /tmp/wheels

- codes, names, numeric codes, minor units: the `iso4217` wheel's table.xml, which is the
  ISO 4217 List One published by SIX (the ISO 4217 maintenance agency) on 2026-01-01;
- countries (ISO 3166 alpha-2) using each currency today, and the symbols CLDR gives each
  currency in the locales of the countries that use it (plus English): babel's CLDR data;
- local abbreviations and words (CURATED below), written by hand from common usage in
  postings; a mark given for more than one currency is listed under `ambiguous`.

The wheels are read as zip files (nothing is installed). The output is deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

OUT = Path(__file__).with_name("iso4217.json")

# Codes in List One that are not money a salary is paid in.
FUNDS = {"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"}
METALS = {"XAU", "XAG", "XPD", "XPT"}
SPECIAL = {"XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XTS", "XXX", "XAD"}

# Symbols and local abbreviations (case-sensitive, as written) and words (lowercase; matched
# case-insensitively) that postings use, beyond what CLDR lists. A mark listed under more
# than one code ends up in `ambiguous`. The ISO code itself is always a mark and is not repeated.
CURATED: dict[str, dict[str, list[str]]] = {
    "USD": {"symbols": ["$", "US$", "U$S", "USD$"], "words": ["dollar", "dollars", "us dollars"]},
    "EUR": {"symbols": ["€"], "words": ["euro", "euros"]},
    "GBP": {"symbols": ["£"], "words": ["pound", "pounds", "pounds sterling", "sterling"]},
    "CAD": {
        "symbols": ["$", "C$", "CA$", "CAN$", "CDN$"],
        "words": ["dollar", "dollars", "canadian dollars"],
    },
    "AUD": {"symbols": ["$", "A$", "AU$", "AUD$"], "words": ["dollar", "dollars", "australian dollars"]},
    "NZD": {"symbols": ["$", "NZ$", "NZD$"], "words": ["dollar", "dollars"]},
    "SGD": {"symbols": ["$", "S$", "SG$"], "words": ["dollar", "dollars", "singapore dollars"]},
    "HKD": {"symbols": ["$", "HK$"], "words": ["dollar", "dollars"]},
    "TWD": {"symbols": ["$", "NT$", "NTD", "元"], "words": ["dollar", "dollars", "新台幣"]},
    "MXN": {"symbols": ["$", "MX$", "Mex$"], "words": ["pesos", "pesos mexicanos"]},
    "ARS": {"symbols": ["$", "AR$"], "words": ["pesos"]},
    "CLP": {"symbols": ["$", "CLP$"], "words": ["pesos"]},
    "COP": {"symbols": ["$", "COL$"], "words": ["pesos"]},
    "UYU": {"symbols": ["$", "$U"], "words": ["pesos"]},
    "DOP": {"symbols": ["RD$"], "words": ["pesos"]},
    "PHP": {"symbols": ["₱"], "words": ["pesos", "piso"]},
    "BRL": {"symbols": ["R$"], "words": ["reais"]},
    "PEN": {"symbols": ["S/", "S/."], "words": ["soles"]},
    "BOB": {"symbols": ["Bs", "Bs."], "words": ["bolivianos"]},
    "PYG": {"symbols": ["₲", "Gs"], "words": ["guaraníes", "guaranies"]},
    "CRC": {"symbols": ["₡"], "words": ["colones"]},
    "GTQ": {"symbols": ["Q"], "words": ["quetzales"]},
    "VES": {"symbols": ["Bs.", "Bs.S", "Bs.D"], "words": ["bolívares", "bolivares"]},
    "JMD": {"symbols": ["$", "J$"], "words": []},
    "TTD": {"symbols": ["$", "TT$"], "words": []},
    "XCD": {"symbols": ["$", "EC$"], "words": []},
    "KYD": {"symbols": ["$", "CI$"], "words": []},
    "FJD": {"symbols": ["$", "FJ$"], "words": []},
    "JPY": {"symbols": ["¥", "￥", "円", "JP¥"], "words": ["yen"]},
    "CNY": {"symbols": ["¥", "￥", "元", "RMB", "CN¥", "人民币"], "words": ["yuan", "renminbi"]},
    "KRW": {"symbols": ["₩", "￦", "원"], "words": ["won"]},
    "INR": {"symbols": ["₹", "Rs", "Rs."], "words": ["rupee", "rupees"]},
    "PKR": {"symbols": ["Rs", "Rs."], "words": ["rupee", "rupees"]},
    "LKR": {"symbols": ["Rs", "Rs.", "රු"], "words": ["rupee", "rupees"]},
    "NPR": {"symbols": ["Rs", "Rs.", "रु"], "words": ["rupee", "rupees"]},
    "MUR": {"symbols": ["Rs", "Rs."], "words": ["rupee", "rupees"]},
    "SCR": {"symbols": ["SR", "Rs"], "words": ["rupee", "rupees"]},
    "IDR": {"symbols": ["Rp"], "words": ["rupiah"]},
    "MYR": {"symbols": ["RM"], "words": ["ringgit"]},
    "THB": {"symbols": ["฿"], "words": ["baht", "บาท"]},
    "VND": {"symbols": ["₫", "đ", "VNĐ", "đồng"], "words": ["dong"]},
    "BDT": {"symbols": ["৳", "Tk", "Tk."], "words": ["taka", "টাকা"]},
    "MMK": {"symbols": ["K", "Ks"], "words": ["kyat"]},
    "KHR": {"symbols": ["៛"], "words": ["riel"]},
    "LAK": {"symbols": ["₭"], "words": ["kip"]},
    "MNT": {"symbols": ["₮"], "words": ["tugrik", "tögrög"]},
    "ILS": {"symbols": ["₪", "NIS", "ש״ח", 'ש"ח'], "words": ["shekel", "shekels", "new shekels"]},
    "TRY": {"symbols": ["₺", "TL"], "words": ["lira", "türk lirası"]},
    "UAH": {"symbols": ["₴", "грн", "грн."], "words": ["hryvnia", "hryvnias", "гривень", "гривня"]},
    "KZT": {"symbols": ["₸", "тг"], "words": ["tenge", "тенге", "теңге"]},
    "RUB": {"symbols": ["₽", "руб", "руб.", "р."], "words": ["rubles", "roubles", "рублей"]},
    "BYN": {"symbols": ["Br", "бел. руб."], "words": []},
    "GEL": {"symbols": ["₾"], "words": ["lari", "ლარი"]},
    "AMD": {"symbols": ["֏", "դր."], "words": ["dram"]},
    "AZN": {"symbols": ["₼", "man."], "words": ["manat"]},
    "TMT": {"symbols": ["m"], "words": ["manat"]},
    "UZS": {"symbols": ["soʻm", "so'm", "сўм"], "words": ["som", "sum"]},
    "KGS": {"symbols": ["сом"], "words": ["som"]},
    "TJS": {"symbols": ["SM", "смн"], "words": ["somoni"]},
    "PLN": {"symbols": ["zł", "zl"], "words": ["złoty", "zloty", "zlotys", "złotych", "zlotych"]},
    "CZK": {"symbols": ["Kč", "Kc"], "words": ["koruna", "korun", "koruny"]},
    "HUF": {"symbols": ["Ft"], "words": ["forint"]},
    "RON": {"symbols": ["lei"], "words": ["lei", "leu"]},
    "MDL": {"symbols": ["L", "lei"], "words": ["lei"]},
    "RSD": {"symbols": ["din", "дин.", "din."], "words": ["dinar", "dinara"]},
    "MKD": {"symbols": ["ден", "den"], "words": ["denar", "denari"]},
    "BAM": {"symbols": ["KM", "КМ"], "words": ["marka", "convertible marks"]},
    "ALL": {"symbols": ["L", "Lek"], "words": ["lek", "leke"]},
    "ISK": {"symbols": ["kr", "kr."], "words": ["krónur", "kronur"]},
    "SEK": {"symbols": ["kr", "kr."], "words": ["kronor"]},
    "NOK": {"symbols": ["kr", "kr."], "words": ["kroner"]},
    "DKK": {"symbols": ["kr", "kr."], "words": ["kroner"]},
    "CHF": {"symbols": ["Fr.", "SFr.", "sFr."], "words": ["francs", "franken", "swiss francs"]},
    "EGP": {"symbols": ["E£", "LE", "L.E.", "ج.م", "جنيه"], "words": ["egyptian pounds"]},
    "SAR": {"symbols": ["SR", "ر.س", "﷼"], "words": ["riyal", "riyals", "ريال"]},
    "QAR": {"symbols": ["QR", "ر.ق"], "words": ["riyal", "riyals"]},
    "OMR": {"symbols": ["RO", "ر.ع."], "words": ["rial"]},
    "YER": {"symbols": ["﷼"], "words": ["rial"]},
    "IRR": {"symbols": ["﷼", "ریال"], "words": ["rial"]},
    "AED": {"symbols": ["Dhs", "Dh", "د.إ", "درهم"], "words": ["dirham", "dirhams"]},
    "MAD": {"symbols": ["DH", "Dhs", "د.م."], "words": ["dirham", "dirhams"]},
    "BHD": {"symbols": ["BD", ".د.ب"], "words": ["dinar"]},
    "KWD": {"symbols": ["KD", "د.ك"], "words": ["dinar"]},
    "JOD": {"symbols": ["JD", "د.أ"], "words": ["dinar"]},
    "IQD": {"symbols": ["ع.د"], "words": ["dinar"]},
    "TND": {"symbols": ["DT", "د.ت"], "words": ["dinar"]},
    "DZD": {"symbols": ["DA", "د.ج"], "words": ["dinar"]},
    "LYD": {"symbols": ["LD", "ل.د"], "words": ["dinar"]},
    "NGN": {"symbols": ["₦"], "words": ["naira"]},
    "GHS": {"symbols": ["GH₵", "₵", "GH¢"], "words": ["cedi", "cedis"]},
    "KES": {"symbols": ["KSh", "Ksh", "KShs"], "words": ["shillings", "kenyan shillings"]},
    "UGX": {"symbols": ["USh", "UShs"], "words": ["shillings"]},
    "TZS": {"symbols": ["TSh", "TShs"], "words": ["shillings"]},
    "ZAR": {"symbols": ["R"], "words": ["rand"]},
    "ETB": {"symbols": ["Br", "ብር"], "words": ["birr"]},
    "RWF": {"symbols": ["FRw", "RF", "R₣"], "words": ["francs"]},
    "XOF": {"symbols": ["CFA", "F CFA", "FCFA"], "words": ["francs cfa"]},
    "XAF": {"symbols": ["CFA", "F CFA", "FCFA"], "words": ["francs cfa"]},
    "ZMW": {"symbols": ["K", "ZK"], "words": ["kwacha"]},
    "MWK": {"symbols": ["K", "MK"], "words": ["kwacha"]},
    "BWP": {"symbols": ["P"], "words": ["pula"]},
    "MOP": {"symbols": ["MOP$"], "words": ["patacas"]},
}

# Currencies no longer in List One that recent postings still name (euro changeovers).
WITHDRAWN: dict[str, dict] = {
    "BGN": {"name": "Bulgarian Lev", "replaced_by": "EUR", "withdrawn": "2026-01-01",
            "symbols": ["лв", "лв."], "words": ["leva", "lev", "лева"]},
    "HRK": {"name": "Kuna", "replaced_by": "EUR", "withdrawn": "2023-01-01",
            "symbols": ["kn"], "words": ["kuna"]},
}  # fmt: skip

# A mark every reader will want resolved to one currency first when the text and the
# posting's country say nothing else (the others stay candidates).
USUAL = {"$": "USD", "£": "GBP", "¥": "JPY", "￥": "JPY", "kr": "SEK", "kr.": "SEK", "Rs": "INR",
         "Rs.": "INR", "dollar": "USD", "dollars": "USD", "pesos": "MXN"}  # fmt: skip
NOTES = {
    "K": "also a thousands suffix ('120K'); a currency only where the posting's country uses it",
    "R": "also a letter in many abbreviations; a currency only before a number",
    "L": "also a letter in many abbreviations; a currency only next to a number",
    "P": "also a letter in many abbreviations; a currency only before a number",
    "m": "also 'million' / 'month'; never a currency on its own",
    "won": "also an English word; a currency only right after a number",
    "som": "also a word in several languages; a currency only right after a number",
}

_BIDI = {"\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c"}


def _clean(mark: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in mark if c not in _BIDI)).strip()


def _wheel(wheels: Path, prefix: str) -> zipfile.ZipFile:
    found = sorted(wheels.glob(f"{prefix}-*.whl"))
    if not found:
        raise SystemExit(f"no {prefix} wheel in {wheels} (pip download {prefix} --no-deps -d {wheels})")
    return zipfile.ZipFile(found[-1])


def read_list_one(wheels: Path) -> tuple[str, dict[str, dict]]:
    with _wheel(wheels, "iso4217") as zf:
        root = ET.fromstring(zf.read("iso4217/table.xml"))
    out: dict[str, dict] = {}
    for e in root.iter("CcyNtry"):
        code = e.findtext("Ccy")
        if not code:
            continue
        units = e.findtext("CcyMnrUnts")
        out.setdefault(code, {
            "name": e.findtext("CcyNm"),
            "numeric": e.findtext("CcyNbr"),
            "minor_units": int(units) if units and units.isdigit() else None,
        })  # fmt: skip
    return root.get("Pblshd") or "", out


def read_cldr(
    wheels: Path, codes: set[str], on: date
) -> tuple[str, dict[str, list[str]], dict[str, list[str]]]:
    """(CLDR version, countries using each code on `on`, symbols per code) from babel's data, not installed."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="babel-"))
    with _wheel(wheels, "babel") as zf:
        zf.extractall(tmp)
    sys.path.insert(0, str(tmp))
    try:
        import babel  # type: ignore[import-not-found]
        from babel.core import Locale, get_global  # type: ignore[import-not-found]
        from babel.localedata import locale_identifiers  # type: ignore[import-not-found]

        today = on.timetuple()[:3]
        countries: dict[str, list[str]] = {c: [] for c in codes}
        for territory, entries in sorted(get_global("territory_currencies").items()):
            for code, start, end, tender in entries:
                current = tender and start <= today and (end is None or end > today)
                if code in countries and current and len(territory) == 2 and territory.isalpha():
                    countries[code].append(territory)
        symbols: dict[str, list[str]] = {c: [] for c in codes}
        en = Locale.parse("en")
        for code in codes:
            s = _clean(en.currency_symbols.get(code, code))
            if s and s != code:
                symbols[code].append(s)
        uses = {t: {c for c, ts in countries.items() if t in ts} for ts in countries.values() for t in ts}
        for ident in sorted(locale_identifiers()):
            try:
                loc = Locale.parse(ident)
            except Exception:
                continue
            if not loc.territory or loc.territory not in uses:
                continue
            for code in sorted(uses[loc.territory]):
                s = _clean(loc.currency_symbols.get(code, code))
                if len(s) == 1 and s.isalpha():
                    continue  # a lone letter ("ر", "K") is not a mark without the curated context
                if s and s != code and s not in symbols[code]:
                    symbols[code].append(s)
        return f"CLDR via babel {babel.__version__}", countries, symbols
    finally:
        sys.path.remove(str(tmp))


def build(wheels: Path) -> dict:
    published, list_one = read_list_one(wheels)
    cldr, countries, cldr_symbols = read_cldr(wheels, set(list_one), date.fromisoformat(published))
    currencies: dict[str, dict] = {}
    for code in sorted(list_one):
        e = list_one[code]
        kind = (
            "fund"
            if code in FUNDS
            else "metal"
            if code in METALS
            else "special"
            if code in SPECIAL
            else "currency"
        )
        cur = CURATED.get(code, {})
        symbols = list(dict.fromkeys(cur.get("symbols", []) + cldr_symbols.get(code, [])))
        currencies[code] = {
            "name": e["name"],
            "numeric": e["numeric"],
            "minor_units": e["minor_units"],
            "kind": kind,
            "countries": countries.get(code, []),
            "symbols": symbols if kind == "currency" else [],
            "words": list(dict.fromkeys(cur.get("words", []))) if kind == "currency" else [],
        }
    withdrawn = {
        code: {**w, "symbols": list(dict.fromkeys(w["symbols"])), "words": list(dict.fromkeys(w["words"]))}
        for code, w in WITHDRAWN.items()
    }
    holders: dict[str, list[str]] = {}
    for table in (currencies, withdrawn):
        for code, e in table.items():
            for mark in e["symbols"] + e["words"]:
                holders.setdefault(mark, [])
                if code not in holders[mark]:
                    holders[mark].append(code)
    ambiguous = {}
    for mark in sorted(m for m, cs in holders.items() if len(cs) > 1):
        cands = sorted(holders[mark])
        usual = USUAL.get(mark)
        if usual in cands:
            cands = [usual] + [c for c in cands if c != usual]
        ambiguous[mark] = {"candidates": cands, **({"note": NOTES[mark]} if mark in NOTES else {})}
    for mark, note in NOTES.items():
        if mark in holders and mark not in ambiguous:
            ambiguous[mark] = {"candidates": holders[mark], "note": note}
    return {
        "source": (
            f"ISO 4217 List One published {published} by SIX (maintenance agency), as shipped in the "
            "`iso4217` 1.16.20260101 PyPI wheel (public domain): codes, names, numeric codes, minor units. "
            f"Countries using each currency and locale symbols: Unicode {cldr}. Local abbreviations and words: "
            "curated in scraper/data/build_iso4217.py. pycountry 26.2.16 lists the same 178 codes. "
            "Built by python -m scraper.data.build_iso4217 (build-time only; nothing here is a run-time dependency)."
        ),
        "published": published,
        "marks_note": (
            "`symbols` are case-sensitive and written as in postings; `words` are lowercase and match "
            "case-insensitively. The ISO code itself is always a mark and is not repeated. A mark listed for "
            "several currencies is in `ambiguous` with its candidates, the usual reading first; resolve it "
            "from the text or the posting's country, never by guessing. `kind` is currency, fund, metal or special: "
            "only kind=currency is a salary currency. `minor_units` is null where ISO says N.A."
        ),
        "currencies": currencies,
        "withdrawn": withdrawn,
        "ambiguous": ambiguous,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, required=True, help="folder with the iso4217 and babel wheels")
    ap.add_argument("--check", action="store_true", help="exit 1 if the json differs from a fresh build")
    a = ap.parse_args(argv)
    text = json.dumps(build(a.wheels), ensure_ascii=False, indent=1) + "\n"
    if a.check:
        same = OUT.exists() and OUT.read_text("utf-8") == text
        print("up to date" if same else f"{OUT} differs from a fresh build", file=sys.stderr)
        return 0 if same else 1
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
