"""`paybands classify` through click's runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers the commands on `cli`)
from paybands.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_table_for_title_arguments(runner):
    res = runner.invoke(
        cli, ["classify", "Product Manager, Machine Learning Platform", "Senior Technical Recruiter"]
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert (
        "title" in lines[0]
        and "is_ai_ml" in lines[0]
        and "role_family" in lines[0]
        and "seniority" in lines[0]
    )
    pm = next(line for line in lines if "Product Manager, Machine Learning Platform" in line)
    assert "true" in pm and "product_manager" in pm and "unstated" in pm
    recruiter = next(line for line in lines if "Recruiter" in line)
    assert "false" in recruiter and "other" in recruiter and "senior" in recruiter


def test_json_is_one_object_per_input_line_in_order(runner):
    titles = [
        "Technical Director",
        "Sr. Applied Scientist",
        "",
        "Werkstudent KI (m/w/d)",
        "Office Coordinator",
    ]
    res = runner.invoke(cli, ["classify", "--json", "-"], input="\n".join(titles) + "\n")
    assert res.exit_code == 0, res.output
    objects = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["title"] for o in objects] == titles
    assert all(set(o) == {"title", "is_ai_ml", "role_family", "seniority"} for o in objects)
    assert objects[0] == {
        "title": "Technical Director",
        "is_ai_ml": False,
        "role_family": "engineering_manager",
        "seniority": "director",
    }
    assert objects[1]["role_family"] == "applied_scientist" and objects[1]["seniority"] == "senior"
    assert objects[3]["is_ai_ml"] is True and objects[3]["seniority"] == "intern"


def test_no_arguments_reads_stdin(runner):
    res = runner.invoke(
        cli, ["classify", "--json"], input="Machine Learning Engineer (E5)\r\nPayroll Specialist\n"
    )
    assert res.exit_code == 0, res.output
    objects = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(o["title"], o["is_ai_ml"], o["seniority"]) for o in objects] == [
        ("Machine Learning Engineer (E5)", True, "senior"),
        ("Payroll Specialist", False, "unstated"),
    ]


def test_description_option_tips_a_generic_title(runner):
    text = "You will train and serve our large language models with PyTorch; inference optimization on GPUs."
    res = runner.invoke(cli, ["classify", "--json", "Software Engineer", "--description", text])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["is_ai_ml"] is True
    res = runner.invoke(cli, ["classify", "--json", "Software Engineer"])
    assert json.loads(res.stdout)["is_ai_ml"] is False


def test_help_has_an_example(runner):
    res = runner.invoke(cli, ["classify", "--help"])
    assert res.exit_code == 0
    assert "Example:" in res.output and "paybands classify" in res.output


def test_description_option_shows_what_the_description_contributed(runner):
    text = "You will train and serve our large language models with PyTorch; inference optimization on GPUs."
    res = runner.invoke(
        cli, ["classify", "--json", "Software Engineer", "Storage Engineering Manager", "--description", text]
    )
    assert res.exit_code == 0, res.output
    swe, storage = (json.loads(line) for line in res.stdout.splitlines())
    assert swe["is_ai_ml"] is True and swe["ml_evidence"].startswith("description: ML/AI")
    assert "llm" in swe["ml_evidence"] and "needs 4" in swe["ml_evidence"]
    # A non-ML specialty in the title decides: the description is not read.
    assert storage["is_ai_ml"] is False and storage["ml_evidence"].startswith("title (not ML/AI")
    # Without --description the column is not there (stdout stays what scripts parse today).
    res = runner.invoke(cli, ["classify", "--json", "Software Engineer"])
    assert "ml_evidence" not in json.loads(res.stdout)
