"""scraper.fx: rewriting the dated FX table from ECB reference-rate CSVs (into a temp file)."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date
from pathlib import Path

import pytest

from scraper import fx

# Layout of the ECB daily file (eurofxref.csv): one header row, one rate row, trailing commas, N/A cells.
# The numbers are illustrative (close to late-June 2025 levels), not a copy of a published file.
DAILY = (
    "Date, USD, JPY, BGN, CYP, CZK, DKK, GBP, HUF, PLN, RON, SEK, CHF, ISK, NOK, TRY, AUD, BRL, CAD, CNY, HKD, "
    "IDR, ILS, INR, KRW, MXN, MYR, NZD, PHP, SGD, THB, ZAR, \n"
    "30 June 2025, 1.1720, 169.17, 1.9558, N/A, 24.687, 7.4609, 0.85550, 399.75, 4.2423, 5.0775, 11.1805, "
    "0.9347, 142.80, 11.8345, 46.8433, 1.7886, 6.4384, 1.6027, 8.3970, 9.2006, 19011.22, 3.9578, 100.4010, "
    "1586.11, 22.0899, 4.9413, 1.9249, 66.062, 1.4941, 38.167, 20.7495, \n"
)
# Layout of the history file (eurofxref-hist.csv): ISO dates, newest first.
HIST = "Date,USD,GBP,JPY,\n2025-07-01,1.1800,0.8600,170.00,\n2025-06-30,1.1720,0.85550,169.17,\n"


@pytest.fixture
def table(tmp_path: Path) -> Path:
    out = tmp_path / "fx_rates.json"
    shutil.copy(fx.TABLE, out)
    return out


def test_daily_file_rewrites_table_dated_from_the_file(tmp_path: Path, table: Path) -> None:
    src = tmp_path / "eurofxref.csv"
    src.write_text(DAILY)
    assert fx.main(["--ecb", str(src), "--out", str(table)]) == 0
    data = json.loads(table.read_text())
    assert data["as_of"] == "2025-06-30"
    rates = data["usd_per_unit"]
    assert rates["USD"] == 1.0
    assert rates["EUR"] == 1.172
    assert rates["GBP"] == pytest.approx(1.1720 / 0.85550, rel=1e-5)
    assert rates["JPY"] == pytest.approx(1.1720 / 169.17, rel=1e-5)
    assert "CYP" not in rates  # N/A
    # Currencies the ECB does not publish keep their old rate and say so.
    assert rates["TWD"] == json.loads(fx.TABLE.read_text())["usd_per_unit"]["TWD"]
    assert "TWD" in data["not_in_ecb"]["as_of_by_currency"]
    assert list(rates)[:3] == ["USD", "EUR", "GBP"]  # previous order kept: readable diffs


def test_history_file_newest_row_or_given_date(tmp_path: Path, table: Path) -> None:
    src = tmp_path / "eurofxref-hist.csv"
    src.write_text(HIST)
    assert fx.main(["--ecb", str(src), "--out", str(table)]) == 0
    assert json.loads(table.read_text())["as_of"] == "2025-07-01"
    assert fx.main(["--ecb", str(src), "--out", str(table), "--date", "2025-06-30"]) == 0
    data = json.loads(table.read_text())
    assert data["as_of"] == "2025-06-30"
    assert data["usd_per_unit"]["GBP"] == pytest.approx(1.1720 / 0.8555, rel=1e-5)


def test_bad_inputs_do_not_touch_the_table(tmp_path: Path, table: Path, capsys) -> None:
    before = table.read_text()
    for name, body in [
        ("empty.csv", ""),
        ("other.csv", "a,b\n1,2\n"),
        ("nousd.csv", "Date,GBP\n2025-06-30,0.85\n"),
    ]:
        src = tmp_path / name
        src.write_text(body)
        assert fx.main(["--ecb", str(src), "--out", str(table)]) == 2
    src = tmp_path / "hist.csv"
    src.write_text(HIST)
    assert fx.main(["--ecb", str(src), "--out", str(table), "--date", "2020-01-01"]) == 2
    assert fx.main(["--ecb", str(tmp_path / "missing.csv"), "--out", str(table)]) == 2
    assert table.read_text() == before
    assert "error:" in capsys.readouterr().err


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, table: Path, capsys) -> None:
    src = tmp_path / "eurofxref.csv"
    src.write_text(DAILY)
    before = table.read_text()
    assert fx.main(["--ecb", str(src), "--out", str(table), "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2025-06-30"
    assert table.read_text() == before


def test_shipped_table_is_dated_and_complete() -> None:
    data = json.loads(fx.TABLE.read_text())
    assert len(data["as_of"]) == 10 and data["as_of"][4] == "-"
    rates = data["usd_per_unit"]
    for code in ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "SGD", "HKD", "BRL", "MXN", "CHF", "INR", "JPY", "CNY",
                 "PLN", "SEK", "DKK", "NOK"):  # fmt: skip
        assert rates[code] > 0


# -- the shipped table: coverage, dates, sources, pegs ----------------------------------------------
def _codes(text: str) -> list[str]:
    return text.split()


ECB_PUBLISHED = frozenset(
    _codes(
        "USD EUR JPY BGN CZK DKK GBP HUF PLN RON SEK CHF ISK NOK TRY AUD BRL CAD CNY HKD IDR ILS INR KRW MXN "
        "MYR NZD PHP SGD THB ZAR"
    )
)
# Legal values: units of the currency per unit of its anchor (docs/FX.md lists each legal source).
LEGAL_PEGS = {
    "AED": ("USD", 3.6725), "SAR": ("USD", 3.75), "QAR": ("USD", 3.64), "BHD": ("USD", 0.376),
    "OMR": ("USD", 0.3845), "JOD": ("USD", 0.709), "XOF": ("EUR", 655.957), "XAF": ("EUR", 655.957),
    "BAM": ("EUR", 1.95583), "BGN": ("EUR", 1.95583), "HRK": ("EUR", 7.5345), "KMF": ("EUR", 491.96775),
    "XCD": ("USD", 2.7), "BBD": ("USD", 2.0), "BZD": ("USD", 2.0), "BSD": ("USD", 1.0), "PAB": ("USD", 1.0),
    "BND": ("SGD", 1.0), "NAD": ("ZAR", 1.0), "LSL": ("ZAR", 1.0), "SZL": ("ZAR", 1.0), "BTN": ("INR", 1.0),
    "NPR": ("INR", 1.6), "MOP": ("HKD", 1.03), "BOB": ("USD", 6.96),
}  # fmt: skip
G20_EU_EEA_GCC = _codes(
    "USD EUR GBP JPY CNY INR BRL CAD AUD KRW MXN IDR TRY SAR ZAR ARS RUB "  # G20
    "CZK DKK HUF PLN RON SEK BGN ISK NOK CHF "  # EU/EEA outside the euro, and Switzerland
    "AED QAR BHD OMR KWD"  # GCC
)


def _shipped() -> dict:
    return json.loads(fx.TABLE.read_text("utf-8"))


def test_every_rate_is_positive_finite_dated_and_sourced() -> None:
    data = _shipped()
    rates = data["usd_per_unit"]
    dates = data["not_in_ecb"]["as_of_by_currency"]
    pegs, sources = data["pegs"], data["sources"]
    assert rates["USD"] == 1.0 and data["base"] == "USD"
    for code, rate in rates.items():
        assert len(code) == 3 and code.isupper(), code
        assert isinstance(rate, float) and math.isfinite(rate) and rate > 0, code
        if code in dates:  # not from the ECB table of as_of: a peg or a dated reference rate, never both
            assert (code in pegs) != (code in sources), code
            date.fromisoformat(dates[code])
        else:
            assert code in ECB_PUBLISHED, f"{code}: not published by the ECB, yet no date or source"
    for code, src in sources.items():
        assert code in rates and dates[code] == src["date"], code
        assert src["url"].startswith("https://") and src["publisher"] and src["usd_per_unit_from"], code
        assert date.fromisoformat(src["date"]) <= date(2025, 12, 31), code  # near the table's as_of
    for code, peg in pegs.items():
        assert peg["basis"] and peg["anchor"] in rates and peg["per_anchor"] > 0, code
        assert dates[code] == data["as_of"], code  # a peg holds on the table's own date


def test_pegs_equal_their_legal_values() -> None:
    data = _shipped()
    rates, pegs = data["usd_per_unit"], data["pegs"]
    for code, (anchor, per_anchor) in LEGAL_PEGS.items():
        assert pegs[code]["anchor"] == anchor and pegs[code]["per_anchor"] == per_anchor, code
        assert rates[code] == pytest.approx(rates[anchor] / per_anchor, rel=1e-5), code
    for code, peg in pegs.items():
        assert rates[code] == pytest.approx(rates[peg["anchor"]] / peg["per_anchor"], rel=1e-5), code
    # HKD comes from the ECB, inside the HKMA's convertibility band of 7.75-7.85 per US dollar.
    assert 1 / 7.85 <= rates["HKD"] <= 1 / 7.75
    # DKK comes from the ECB, within ERM II's 2.25% of its central rate 7.46038 per euro.
    assert rates["EUR"] / rates["DKK"] == pytest.approx(7.46038, rel=0.0225)


def test_table_covers_g20_eu_eea_gcc_and_reference_rates_are_plausible() -> None:
    data = _shipped()
    rates = data["usd_per_unit"]
    assert [c for c in G20_EU_EEA_GCC if c not in rates] == []
    # Added with dated sources (docs/FX.md lists the ones still missing).
    assert [c for c in _codes("RUB UAH GHS AZN TTD UYU BOB") if c not in rates] == []
    for code, src in data["sources"].items():
        # The stored rate is the one its recipe gives ("<x> SDR per unit / <y> SDR per US dollar", "1 / <n> per US dollar").
        recipe = src["usd_per_unit_from"]
        if recipe.startswith("1 / "):
            expected = 1 / float(recipe.split()[2])
        else:
            parts = recipe.split()
            expected = float(parts[0]) / float(parts[parts.index("/") + 1])
        assert rates[code] == pytest.approx(expected, rel=1e-5), code


def test_every_table_currency_is_known_to_iso4217_json() -> None:
    iso = json.loads((fx.TABLE.parent / "iso4217.json").read_text("utf-8"))
    known = set(iso["currencies"]) | set(iso["withdrawn"])
    assert sorted(set(_shipped()["usd_per_unit"]) - known) == []


def test_refresh_keeps_non_ecb_metadata_and_rederives_pegs(tmp_path: Path, table: Path) -> None:
    before = json.loads(table.read_text())
    src = tmp_path / "eurofxref.csv"
    src.write_text(HIST.replace("1.1800", "1.2000"))  # 2025-07-01: a different USD per EUR
    assert fx.main(["--ecb", str(src), "--out", str(table)]) == 0
    data = json.loads(table.read_text())
    assert data["as_of"] == "2025-07-01"
    assert data["pegs"] == before["pegs"] and data["sources"] == before["sources"]
    rates, dates = data["usd_per_unit"], data["not_in_ecb"]["as_of_by_currency"]
    assert rates["EUR"] == 1.2
    # A peg to the euro follows the new EUR rate and takes the new date; a USD peg does not move.
    assert rates["XOF"] == pytest.approx(1.2 / 655.957, rel=1e-5) and dates["XOF"] == "2025-07-01"
    assert rates["AED"] == before["usd_per_unit"]["AED"] and dates["AED"] == "2025-07-01"
    # A peg to a currency this file lacks (ZAR) keeps its carried rate rather than a guessed one.
    assert rates["NAD"] == pytest.approx(rates["ZAR"] / 1.0)
    # A dated reference rate is carried unchanged with its own date.
    for code in before["sources"]:
        assert rates[code] == before["usd_per_unit"][code] and dates[code] == before["sources"][code]["date"]
    assert set(rates) >= set(before["usd_per_unit"])  # nothing dropped


def test_derive_pegs_chains_and_refuses_what_it_cannot_anchor() -> None:
    pegs = {"A": {"anchor": "USD", "per_anchor": 2.0}, "B": {"anchor": "A", "per_anchor": 4.0},
            "C": {"anchor": "ZZZ", "per_anchor": 1.0}, "D": {"anchor": "E", "per_anchor": 1.0},
            "E": {"anchor": "D", "per_anchor": 1.0}}  # fmt: skip
    out = fx.derive_pegs({"USD": 1.0}, pegs)
    assert out == {"A": 0.5, "B": 0.125}  # C has no anchor rate, D/E form a cycle: left out, not guessed
