"""Score parse_pay_text on the corpus of real pay strings (tests/salary/corpus.jsonl).

A record scores when the bands found equal the expected ones exactly: same
count, and every band's min/max/currency/period/pay_type equal. Zones are
checked separately (softer: the corpus names a zone only where the text does).
The score is printed with capture suspended and is also in the assertion
message, so it shows with or without `-s`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.salary import parse_pay_text
from tests.helpers import band_dicts

CORPUS = Path(__file__).with_name("corpus.jsonl")
MIN_SCORE = 0.98
MIN_ZONE_SCORE = 0.85
KEYS = ("min", "max", "currency", "period", "pay_type")


def _load() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


RECORDS = _load()


def _norm(band: dict) -> tuple:
    out = []
    for k in KEYS:
        v = band.get(k)
        out.append(float(v) if k in ("min", "max") and v is not None else v)
    return tuple(out)


def _got(text: str, default_currency: str) -> list[dict]:
    return band_dicts(parse_pay_text(text, default_currency=default_currency))


def _score() -> tuple[int, list[str], int, int]:
    ok, failures, zones_ok, zones_total = 0, [], 0, 0
    for rec in RECORDS:
        got = _got(rec["text"], rec.get("default_currency", "USD"))
        exp = rec["expected"]
        if sorted(map(_norm, got), key=repr) == sorted(map(_norm, exp), key=repr):
            ok += 1
            for band in exp:
                if band.get("zone"):
                    zones_total += 1
                    zones_ok += any(g["zone"] == band["zone"] and g["min"] == band["min"] for g in got)
        else:
            failures.append(f"{rec['text'][:100]!r}\n    expected {exp}\n    got      {got}")
    return ok, failures, zones_ok, zones_total


def test_corpus_is_big_and_varied() -> None:
    assert len(RECORDS) >= 300
    no_pay = [r for r in RECORDS if not r["expected"]]
    assert len(no_pay) >= 60
    currencies = {b["currency"] for r in RECORDS for b in r["expected"]}
    periods = {b["period"] for r in RECORDS for b in r["expected"]}
    kinds = {b["pay_type"] for r in RECORDS for b in r["expected"]}
    assert len(currencies) >= 20, currencies
    assert periods == {"year", "month", "week", "day", "hour"}
    assert kinds == {"base", "total", "ote", "unknown"}
    for r in RECORDS:
        assert r.get("source"), r["text"][:60]  # every string says where it comes from


def test_corpus_score(capsys: pytest.CaptureFixture[str]) -> None:
    ok, failures, zones_ok, zones_total = _score()
    score = ok / len(RECORDS)
    zone_score = zones_ok / zones_total if zones_total else 1.0
    report = (
        f"salary corpus: {ok}/{len(RECORDS)} exact = {score:.1%} (min {MIN_SCORE:.0%}); "
        f"zones {zones_ok}/{zones_total} = {zone_score:.1%}"
    )
    with capsys.disabled():  # shown with or without -s
        print(f"\n{report}")
    detail = "\n".join(failures[:40])
    assert score >= MIN_SCORE, f"{report}\n{detail}"
    assert zone_score >= MIN_ZONE_SCORE, report


@pytest.mark.parametrize("rec", [r for r in RECORDS if not r["expected"]], ids=lambda r: r["text"][:40])
def test_no_pay_gives_nothing(rec: dict) -> None:
    # Precision first: money that is not pay must never become a band.
    assert parse_pay_text(rec["text"], default_currency=rec.get("default_currency", "USD")) == []
