"""Throughput of parse_pay_text vs a naive one-regex baseline, in the same run.

    .venv/bin/python bench/bench_salary.py [--seconds 1.0]

Datasets: the corpus (tests/salary/corpus.jsonl: short pay strings) and, when the
recorded fixtures are present, real Ashby job descriptions (tests/fixtures/real/ashby:
long texts, the crawler's actual input). Each timing is the best of several rounds
(less noise from other processes). The baseline is what a first attempt looks like:
one `\\$[\\d,]+\\s*-\\s*\\$[\\d,]+` regex; its exact-match rate on the corpus is shown too,
to put the speed ratio next to what the extra time buys.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.salary import parse_pay_text  # noqa: E402

CORPUS = ROOT / "tests" / "salary" / "corpus.jsonl"
ASHBY = ROOT / "tests" / "fixtures" / "real" / "ashby"
NAIVE_RE = re.compile(r"\$[\d,]+\s*-\s*\$[\d,]+")
_NUM = re.compile(r"[\d,]+")


def naive(text: str) -> list[tuple[float, float]]:
    out = []
    for m in NAIVE_RE.finditer(text):
        lo, hi = (float(x.replace(",", "") or 0) for x in _NUM.findall(m.group(0))[:2])
        out.append((lo, hi))
    return out


def texts_per_second(fn: Callable[[str], object], texts: list[str], seconds: float, rounds: int = 5) -> float:
    best = 0.0
    for _ in range(rounds):
        n = 0
        t0 = time.perf_counter()
        while True:
            for t in texts:
                fn(t)
            n += len(texts)
            dt = time.perf_counter() - t0
            if dt >= seconds / rounds:
                break
        best = max(best, n / dt)
    return best


def exact_rate_naive(records: list[dict]) -> float:
    ok = 0
    for r in records:
        exp = [
            (b["min"], b["max"]) for b in r["expected"] if b["currency"] == "USD" and b["period"] == "year"
        ]
        if len(exp) != len(r["expected"]):
            exp = None  # the baseline cannot state other currencies or periods
        got = naive(r["text"])
        ok += (
            exp is not None
            and sorted(got) == sorted(exp)
            and all(b["pay_type"] == "unknown" for b in r["expected"])
        )
    return ok / len(records)


def exact_rate_parser(records: list[dict]) -> float:
    keys = ("min", "max", "currency", "period", "pay_type")
    ok = 0
    for r in records:
        got = [
            (b.min_amount, b.max_amount, b.currency, b.period, b.pay_type)
            for b in parse_pay_text(r["text"], default_currency=r.get("default_currency", "USD"))
        ]
        exp = [
            tuple(float(b[k]) if k in ("min", "max") and b[k] is not None else b[k] for k in keys)
            for b in r["expected"]
        ]
        ok += sorted(got, key=repr) == sorted(exp, key=repr)
    return ok / len(records)


def descriptions() -> list[str]:
    out = []
    for path in sorted(ASHBY.glob("*.json")):
        for job in json.loads(path.read_text("utf-8")).get("jobs", []):
            if job.get("descriptionPlain"):
                out.append(job["descriptionPlain"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="time budget per measurement (default 1.0)")
    args = ap.parse_args()

    records = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    datasets = [("corpus", [r["text"] for r in records])]
    descs = descriptions()
    if descs:
        datasets.append(("ashby descriptions", descs))

    rows = []
    for name, texts in datasets:
        avg = sum(map(len, texts)) / len(texts)
        ours = texts_per_second(parse_pay_text, texts, args.seconds)
        base = texts_per_second(naive, texts, args.seconds)
        rows.append((name, len(texts), avg, ours, base, ours / base))

    print(
        f"{'dataset':<20} {'texts':>6} {'avg chars':>9} {'parse_pay_text/s':>17} {'naive regex/s':>14} {'ratio':>7}"
    )
    for name, n, avg, ours, base, ratio in rows:
        print(f"{name:<20} {n:>6} {avg:>9.0f} {ours:>17,.0f} {base:>14,.0f} {ratio:>7.4f}")
    print()
    print(
        f"corpus exact-match rate: parse_pay_text {exact_rate_parser(records):.1%}, "
        f"naive regex {exact_rate_naive(records):.1%}"
    )
    if descs:
        total_chars = sum(map(len, descs))
        per_posting_ms = 1000 / rows[-1][3]
        print(
            f"descriptions: {per_posting_ms:.2f} ms per posting ({total_chars / len(descs) / 1000:.1f} kB average)"
        )


if __name__ == "__main__":
    main()
