"""Config validation: every mistake is one clear sentence naming the company or line, before any fetch."""

from __future__ import annotations

import pytest

from scraper.config import ConfigError, load_config

GOOD_COMPANY = '[[company]]\nname = "Anthropic"\nsource = "greenhouse"\nboard = "anthropic"\n'

BAD = [
    ("unknown top-level key", "[crawling]\nx = 1\n" + GOOD_COMPANY, "unknown top-level key(s) crawling"),
    ("unknown crawl key", "[crawl]\nper_host_delay = 1\n" + GOOD_COMPANY, "unknown key 'per_host_delay'"),
    ("wrong crawl type", '[crawl]\ntimeout_s = "30"\n' + GOOD_COMPANY, "timeout_s must be a number"),
    ("bool is not int", "[crawl]\nper_host_concurrency = true\n" + GOOD_COMPANY, "must be an integer"),
    ("zero concurrency", "[crawl]\nper_host_concurrency = 0\n" + GOOD_COMPANY, "at least 1"),
    (
        "unknown source",
        '[[company]]\nname = "X"\nsource = "monster"\nboard = "x"\n',
        "company 'X' has an unknown source 'monster'",
    ),
    ("missing board", '[[company]]\nname = "X"\nsource = "lever"\n', "company 'X' needs a board"),
    ("empty board", '[[company]]\nname = "X"\nsource = "lever"\nboard = " "\n', "company 'X' needs a board"),
    (
        "board not a string",
        '[[company]]\nname = "X"\nsource = "lever"\nboard = 3\n',
        "company 'X' needs a board",
    ),
    ("missing name", '[[company]]\nsource = "lever"\nboard = "x"\n', "[[company]] #1 needs a name"),
    (
        "unknown company key",
        GOOD_COMPANY + 'boardd = "x"\n',
        "company 'Anthropic' has an unknown key 'boardd'",
    ),
    ("ftp base_url", GOOD_COMPANY + 'base_url = "ftp://example.com"\n', "must be an http:// or https:// URL"),
    (
        "javascript base_url",
        GOOD_COMPANY + 'base_url = "javascript:alert(1)"\n',
        "must be an http:// or https:// URL",
    ),
    ("base_url not a string", GOOD_COMPANY + "base_url = 5\n", "base_url must be a string"),
    ("duplicate name", GOOD_COMPANY + GOOD_COMPANY.replace('"anthropic"', '"other"'), "listed twice"),
    (
        "duplicate board",
        GOOD_COMPANY + GOOD_COMPANY.replace('"Anthropic"', '"Other"'),
        "same greenhouse board",
    ),
    ("no companies", "[crawl]\ntimeout_s = 3\n", "lists no [[company]]"),
    ("toml syntax", GOOD_COMPANY + "name = \n", "TOML syntax error"),
    ("company not array", '[company]\nname = "X"\n', "[[company]] tables"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_a_clear_error(tmp_path, case, text, message):
    path = tmp_path / "companies.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_toml_error_names_the_line(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(GOOD_COMPANY + "\n\nboard = = 3\n")
    with pytest.raises(ConfigError, match=r"line 7"):
        load_config(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_defaults_and_overrides(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[crawl]\nper_host_delay_s = 0\nuser_agent = "me (contact: a@b.c)"\n'
        + GOOD_COMPANY
        + 'base_url = "http://127.0.0.1:9/"\n'
    )
    cfg = load_config(path)
    assert (
        cfg.crawl.per_host_delay_s == 0 and cfg.crawl.per_host_concurrency == 2 and cfg.crawl.timeout_s == 30
    )
    assert cfg.crawl.user_agent == "me (contact: a@b.c)"
    (company,) = cfg.companies
    assert (company.name, company.source, company.board, company.base_url) == (
        "Anthropic",
        "greenhouse",
        "anthropic",
        "http://127.0.0.1:9",
    )


def test_shipped_configs_are_valid():
    import tomllib
    from pathlib import Path

    from scraper.config import parse_company, parse_settings
    from scraper.registry import NEW_SOURCES
    from scraper.sources import get_source

    root = Path(__file__).resolve().parents[1]
    # companies.toml names sources being written in issue #15 (workable, teamtailor, ...): those must be
    # in NEW_SOURCES until they are registered; every company on a registered source is validated.
    live = tomllib.loads((root / "companies.toml").read_text("utf-8"))
    parse_settings(live["crawl"])
    for i, table in enumerate(live["company"]):
        if get_source(table["source"]) is not None:
            parse_company(i, table)
        else:
            assert table["source"] in NEW_SOURCES, table
    assert {t["source"] for t in live["company"]} >= {"greenhouse", "lever", "ashby"}
    demo = load_config(root / "demo" / "replay.toml")
    for c in demo.companies:  # the demo never leaves this machine
        assert (c.base_url or c.options.get("url", "")).startswith("http://127.0.0.1:8765"), c.name
    from scraper.sources import source_names

    assert {c.source for c in demo.companies} == set(source_names())  # every source has a demo board


# Source options (and boards) that cannot work are refused at config time by `Source.validate_options`,
# whatever else the company sets: one sentence naming the company, nothing fetched.
SOURCE_BAD = [
    ("eightfold api unknown", 'source = "eightfold"\nboard = "netflix.com"\napi = "v3"\n',
     "company 'X': eightfold api must be one of v2, pcsx (or left out to detect it), not 'v3'"),
    ("eightfold api case", 'source = "eightfold"\nboard = "netflix.com"\napi = "V2"\n',
     "eightfold api must be one of v2, pcsx"),
    ("eightfold api empty", 'source = "eightfold"\nboard = "netflix.com"\napi = ""\n',
     "eightfold api must be one of v2, pcsx"),
    ("eightfold api type", 'source = "eightfold"\nboard = "netflix.com"\napi = 2\n',
     "company 'X': api must be a string, not 2"),
    ("workday board one part", 'source = "workday"\nboard = "nvidia"\nbase_url = "https://nvidia.wd5.myworkdayjobs.com"\n',
     "company 'X': workday board must be \"{tenant}/{site}\", not 'nvidia'"),
    ("workday board three parts", 'source = "workday"\nboard = "nvidia/en-US/External"\n',
     "workday board must be \"{tenant}/{site}\", not 'nvidia/en-US/External'"),
    ("workday board empty site", 'source = "workday"\nboard = "nvidia/ "\n',
     "workday board must be \"{tenant}/{site}\""),
    ("jsonld max_pages 0", 'source = "jsonld"\nurl = "https://example.com/careers"\nmax_pages = 0\n',
     "company 'X': max_pages must be a positive integer, not 0"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "message"), SOURCE_BAD, ids=[b[0] for b in SOURCE_BAD])
def test_source_options_that_cannot_work_are_config_errors(tmp_path, case, body, message):
    path = tmp_path / "companies.toml"
    path.write_text('[[company]]\nname = "X"\n' + body)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)


SOURCE_GOOD = [
    ('source = "eightfold"\nboard = "netflix.com"\napi = "v2"\n', {"api": "v2"}),
    ('source = "eightfold"\nboard = "morganstanley.com"\napi = "pcsx"\n', {"api": "pcsx"}),
    ('source = "eightfold"\nboard = "netflix.com"\n', {}),
    ('source = "workday"\nboard = "nvidia/NVIDIAExternalCareerSite"\n', {}),
    ('source = "workday"\nboard = "/nvidia/NVIDIAExternalCareerSite/"\n', {}),  # slashes around are trimmed
]


@pytest.mark.parametrize(("body", "options"), SOURCE_GOOD)
def test_valid_source_options_pass(tmp_path, body, options):
    path = tmp_path / "companies.toml"
    path.write_text('[[company]]\nname = "X"\n' + body)
    (company,) = load_config(path).companies
    assert company.options == options
