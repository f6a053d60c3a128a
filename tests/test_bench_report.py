"""The bench's table says how each figure moved since bench/RESULTS.md, and a failed step is a row."""

from __future__ import annotations

from pathlib import Path

from bench.common import WORSE, read_previous, with_previous

PREVIOUS = """
| bench | figure | target | status |
|---|---|---|---|
| 4 store load 1,000,000 postings / 1,500,000 bands | 13.3s (75,037/s) | <= 20s | MET |
| 1 crawl throughput (500 boards) | 490 postings/s (20000 in 40.8s) | >= 2000/s | NOT MET |
| 5 query by-role | 135 ms median (12 rows) | <= 200 ms | MET |
"""


def test_previous_figures_and_the_worse_flag(tmp_path: Path):
    results = tmp_path / "RESULTS.md"
    results.write_text(PREVIOUS)
    previous = read_previous(results)
    assert previous["5 query by-role"] == "135 ms median (12 rows)"
    rows = with_previous(
        [
            [
                "4 store load 1,000,000 postings / 1,500,000 bands",
                "15.0s (66,000/s)",
                "<= 20s",
                "MET",
            ],  # slower
            [
                "1 crawl throughput (500 boards)",
                "420 postings/s (20000 in 47.6s)",
                ">= 2000/s",
                "NOT MET",
            ],  # fewer
            ["5 query by-role", "140 ms median (12 rows)", "<= 200 ms", "MET"],  # within 10%
            ["5 query new-one", "50 ms median (1 rows)", "<= 200 ms", "MET"],  # no previous figure
            ["crawl: FAILED", "ModuleNotFoundError: No module named 'psutil'", "-", "FAILED"],
        ],
        previous,
    )
    assert [r[-1] for r in rows] == [f"MET{WORSE}", f"NOT MET{WORSE}", "MET", "MET", "FAILED"]
    assert rows[0][2] == "13.3s (75,037/s)" and rows[3][2] == "-"
    assert read_previous(tmp_path / "missing.md") == {}
