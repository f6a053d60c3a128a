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
        "annual_min_usd", "annual_max_usd", "pay_type", "zone", "span", "rule",
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
    assert "Example:" in out and "paybands salary" in out and "--format jsonl" in out


def test_explain_names_the_rule_of_each_band_and_the_reason_for_each_rejection() -> None:
    text = "Benefits: 401(k) match up to $5,000, $100 per month stipend. Base salary $150,000 - $180,000 per year."
    out = _run(["--explain", text])
    assert "'$150,000 - $180,000 per year': band 150,000 - 180,000 USD per year, base  [text:range]" in out
    assert "'$100': no band: not pay: the words after it name other money" in out
    assert "'$5,000': no band: not pay" in out
    assert "401" not in out.split("\n", 1)[1]  # "401(k)" is never an amount: not even listed
    objs = [json.loads(line) for line in _run(["--explain", "--json", text]).splitlines()]
    decisions = objs[0]["decisions"]
    assert [d["rule"] for d in decisions] == [None, None, "text:range"]
    assert decisions[-1]["band"]["rule"] == "text:range" and decisions[0]["band"] is None
    assert "no amount of money" in _run(["--explain", "We pay well."])


def test_country_decides_an_ambiguous_mark_the_text_does_not_name() -> None:
    def cur(args: list[str]) -> list[str]:
        return [b["currency"] for b in json.loads(_run(["--json", *args]))["bands"]]

    assert cur(["Salary: $120,000 - $150,000"]) == ["USD"]
    assert cur(["--country", "CA", "Salary: $120,000 - $150,000"]) == ["CAD"]
    assert cur(["--country", "AU", "Salary: $120,000 - $150,000 + super"]) == ["AUD"]
    assert cur(["--country", "CA", "Salary: $120,000 - $150,000 USD"]) == ["USD"]  # the text names it
    assert cur(["--country", "NO", "Lønn: kr 600 000 – 750 000 per år"]) == ["NOK"]
    assert cur(["--country", "DK", "Lønnen er 38.000-45.000 kr. pr. måned"]) == ["DKK"]
    result = CliRunner().invoke(cli, ["salary", "--country", "Canada", "$1"])
    assert result.exit_code == 2 and "two-letter country code" in result.output
