"""Rewrite the dated FX table (scraper/data/fx_rates.json) from an ECB reference-rate CSV.

    python -m scraper.fx --ecb eurofxref.csv            # the daily file (one row)
    python -m scraper.fx --ecb eurofxref-hist.csv --date 2025-06-30
    python -m scraper.fx --ecb eurofxref.csv --out /tmp/fx.json --dry-run

The ECB publishes units of each currency per 1 EUR. The table holds USD per 1 unit,
so every rate is cross-converted through the ECB's USD rate of the same day:
usd_per_unit[X] = USD_per_EUR / X_per_EUR. The table's `as_of` is the date in the
file, never today's date. Currencies the ECB does not publish keep their metadata:

- `pegs` (AED, SAR, XOF, BAM, BND, ...): a legal fixed rate to an anchor (USD, EUR or another
  currency of the table). Their USD rate is recomputed from the anchor's new rate, so a peg to
  the euro follows the ECB's USD/EUR of the new as_of date;
- `sources` (TWD, VND, CLP, ...): a dated reference rate from another publisher. It is carried
  over unchanged, with its own date under `not_in_ecb.as_of_by_currency`.

See docs/FX.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from datetime import date, datetime
from pathlib import Path

TABLE = Path(__file__).with_name("data") / "fx_rates.json"
SOURCE = (
    "ECB euro foreign exchange reference rates of the as_of date, cross-converted to USD "
    "(usd_per_unit = USD_per_EUR / X_per_EUR), 6 significant digits. Currencies the ECB does not "
    "publish: legal pegs recomputed from their anchor (`pegs`) and dated reference rates (`sources`), "
    "each dated under not_in_ecb.as_of_by_currency. "
    "Refresh: python -m scraper.fx --ecb eurofxref.csv (see docs/FX.md)."
)


class FxError(ValueError):
    """The CSV is not an ECB reference-rate file we can read."""


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FxError(f"unreadable date {text!r}")


def read_ecb(path: Path, on: date | None = None) -> tuple[date, dict[str, float]]:
    """(date, units per EUR) of the newest row, or of the row dated `on`."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = [[cell.strip() for cell in row] for row in csv.reader(f) if any(c.strip() for c in row)]
    if not rows or rows[0][0].lower() != "date":
        raise FxError(f"{path}: not an ECB eurofxref CSV (first cell must be 'Date')")
    header = rows[0]
    dated = []
    for row in rows[1:]:
        dated.append((_parse_date(row[0]), row))
    if not dated:
        raise FxError(f"{path}: no rate rows")
    if on is None:
        day, row = max(dated, key=lambda x: x[0])
    else:
        match = [x for x in dated if x[0] == on]
        if not match:
            raise FxError(f"{path}: no rates dated {on.isoformat()}")
        day, row = match[0]
    rates: dict[str, float] = {}
    for code, cell in zip(header[1:], row[1:], strict=False):
        if not code or not cell or cell.upper() == "N/A":
            continue
        try:
            value = float(cell)
        except ValueError:
            continue
        if math.isfinite(value) and value > 0:
            rates[code.upper()] = value
    if "USD" not in rates:
        raise FxError(f"{path}: no USD rate on {day.isoformat()}, cannot cross-convert")
    return day, rates


def _sig(x: float, digits: int = 6) -> float:
    return float(f"{x:.{digits}g}")


def build_table(day: date, per_eur: dict[str, float], previous: dict | None) -> dict:
    usd_per_eur = per_eur["USD"]
    usd_per_unit: dict[str, float] = {"USD": 1.0, "EUR": _sig(usd_per_eur)}
    for code, units in per_eur.items():
        if code not in ("USD", "EUR"):
            usd_per_unit[code] = _sig(usd_per_eur / units)
    table: dict = {"as_of": day.isoformat(), "base": "USD", "source": SOURCE}
    carried: list[str] = []
    if previous:
        # Keep the previous order (readable diffs) and the currencies the ECB does not publish.
        ordered: dict[str, float] = {}
        for code, old in previous.get("usd_per_unit", {}).items():
            if code in usd_per_unit:
                ordered[code] = usd_per_unit[code]
            else:
                ordered[code] = float(old)
                carried.append(code)
        for code, rate in usd_per_unit.items():
            ordered.setdefault(code, rate)
        usd_per_unit = ordered
    # A currency the ECB publishes takes the ECB's rate even if a peg is on file for it.
    pegs = {c: p for c, p in ((previous or {}).get("pegs") or {}).items() if c not in per_eur and c != "EUR"}
    derived = derive_pegs(usd_per_unit, pegs)
    usd_per_unit.update(derived)
    carried += [c for c in derived if c not in carried]
    table["usd_per_unit"] = usd_per_unit
    if carried:
        old_meta = (previous or {}).get("not_in_ecb") or {}
        old_dates = old_meta.get("as_of_by_currency") or {}
        table["not_in_ecb"] = {
            "note": old_meta.get("note") or NOT_IN_ECB_NOTE,
            # A peg holds on the table's own date; any other rate keeps the date it was published for.
            "as_of_by_currency": {
                c: day.isoformat() if c in pegs else old_dates.get(c, (previous or {}).get("as_of"))
                for c in carried
            },
        }
    for key in ("pegs", "sources"):
        if previous and previous.get(key):
            table[key] = previous[key]
    return table


NOT_IN_ECB_NOTE = (
    "Not published by the ECB. Pegs (see `pegs`) are recomputed from their anchor's rate and dated "
    "as_of; every other rate here is a dated reference rate (see `sources`), carried over unchanged."
)


def derive_pegs(usd_per_unit: dict[str, float], pegs: dict[str, dict]) -> dict[str, float]:
    """USD per unit of each pegged currency: the anchor's USD rate / the legal units per anchor.

    An anchor may itself be pegged (resolved in dependency order); a peg whose anchor has no
    rate is left out rather than guessed.
    """
    out: dict[str, float] = {}
    rates = dict(usd_per_unit)
    pending = dict(pegs)
    while pending:
        progressed = False
        for code, peg in list(pending.items()):
            anchor = peg["anchor"]
            if anchor in pending:
                continue
            del pending[code]
            progressed = True
            if anchor in rates:
                out[code] = rates[code] = _sig(rates[anchor] / float(peg["per_anchor"]))
        if not progressed:  # a cycle: nothing left can be resolved
            break
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scraper.fx", description=__doc__.splitlines()[0])
    ap.add_argument("--ecb", type=Path, required=True, help="ECB eurofxref.csv or eurofxref-hist.csv")
    ap.add_argument(
        "--date", default=None, help="row to use from a history file (YYYY-MM-DD); default newest"
    )
    ap.add_argument("--out", type=Path, default=TABLE, help=f"table to write (default {TABLE})")
    ap.add_argument("--dry-run", action="store_true", help="print the new table, write nothing")
    args = ap.parse_args(argv)
    try:
        day, per_eur = read_ecb(args.ecb, _parse_date(args.date) if args.date else None)
    except (OSError, FxError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    previous = json.loads(args.out.read_text("utf-8")) if args.out.exists() else None
    if previous and previous.get("as_of", "") > day.isoformat() and not args.dry_run:
        print(f"note: replacing a newer table ({previous['as_of']}) with {day.isoformat()}", file=sys.stderr)
    table = build_table(day, per_eur, previous)
    text = json.dumps(table, indent=2, ensure_ascii=False) + "\n"
    if args.dry_run:
        sys.stdout.write(text)
        return 0
    args.out.write_text(text, encoding="utf-8")
    carried = table.get("not_in_ecb", {}).get("as_of_by_currency", {})
    print(
        f"wrote {args.out}: as_of {table['as_of']}, {len(table['usd_per_unit'])} currencies"
        + (f" ({', '.join(carried)} carried over)" if carried else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
