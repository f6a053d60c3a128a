"""scraper.fx: rewriting the dated FX table from ECB reference-rate CSVs (into a temp file)."""

from __future__ import annotations

import json
import shutil
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
