"""`paybands salary` through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

import paybands.commands.salary  # noqa: F401  (registers the command on `cli`)
from paybands.cli import cli
from scraper.salary.pay import fx_table


def _run(args: list[str], stdin: str | None = None):
    result = CliRunner().invoke(cli, ["salary", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_table_output_and_fx_footer() -> None:
    out = _run(["Base salary: $180,000 - $240,000 per year", "$50M Series B"])
    assert "180,000" in out and "240,000" in out and "base" in out
    assert "no pay" in out  # the second text
    assert out.rstrip().endswith(f"USD at FX rates of {fx_table().as_of}")


def test_json_one_object_per_input_in_order() -> None:
    stdin = "Pay: $18-22/hour, $13/hour for indirect work\n401(k) with 4% match\n\nSalaire : 45 000 € - 55 000 € brut annuel\n"
    lines = _run(["--json"], stdin).splitlines()
    objs = [json.loads(line) for line in lines]
    assert [o["text"] for o in objs] == [
        "Pay: $18-22/hour, $13/hour for indirect work",
        "401(k) with 4% match",
        "",
        "Salaire : 45 000 € - 55 000 € brut annuel",
    ]
    assert [len(o["bands"]) for o in objs] == [2, 0, 0, 1]
    first = objs[0]["bands"][0]
    assert set(first) == {
        "min", "max", "currency", "period", "annual_min", "annual_max",
        "annual_min_usd", "annual_max_usd", "pay_type", "zone", "span",
    }  # fmt: skip
    assert (first["min"], first["max"], first["currency"], first["period"]) == (18.0, 22.0, "USD", "hour")
    assert first["annual_min"] == 18 * 2080
    s, e = first["span"]
    assert objs[0]["text"][s:e].startswith("$18-22")
    eur = objs[3]["bands"][0]
    assert (eur["currency"], eur["pay_type"], eur["annual_min_usd"]) == (
        "EUR",
        "base",
        round(45000 * 1.172, 2),
    )


def test_dash_reads_stdin_and_open_sides_are_null() -> None:
    objs = [
        json.loads(x) for x in _run(["--json", "-"], "up to $180,000\nstarting at $25/hour\n").splitlines()
    ]
    assert (objs[0]["bands"][0]["min"], objs[0]["bands"][0]["max"]) == (None, 180000.0)
    assert (objs[1]["bands"][0]["min"], objs[1]["bands"][0]["max"]) == (25.0, None)


def test_currency_and_zone_options() -> None:
    obj = json.loads(
        _run(["--json", "--currency", "CAD", "--zone", "Ontario", "Salary: $120,000 - $150,000"])
    )
    band = obj["bands"][0]
    assert (band["currency"], band["zone"]) == ("CAD", "Ontario")


def test_help_has_an_example() -> None:
    out = _run(["--help"])
    assert "Example:" in out and "paybands salary" in out and "--json" in out
