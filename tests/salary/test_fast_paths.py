"""The salary parser's fast paths answer exactly what the regexes they stand in for answer."""

from __future__ import annotations

import random
import re

from scraper.salary import cues, encoding
from scraper.salary import text as salary_text

# The regexes as first written (one search over the whole text each).
SALES_ROLE_SEARCH = re.compile(
    r"account\s+executive|account\s+manager|sales\s+(?:development\s+)?representative|\b[sb]dr\b|\bae\b"
    r"|sales\s+(?:manager|director|lead|executive|expertise)|consultative\s+sales|quota[- ]carrying"
)
HINT_SEARCH = re.compile(r"[\u00c2-\u00f4][" + encoding._CONT + r"]|Â |&(?:#?\w+);")
CODE_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")
DIGITS = re.compile(r"\d+")


def _texts(alphabet: list[str], n: int, seed: int, longest: int = 14) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_sales_role_matches_the_regex_search() -> None:
    alphabet = ["account", " ", "\n", "executive", "manager", "sales", "development", "representative",
                "sdr", "bdr", "dr", "ae", "x", "s", "b", "consultative", "quota", "-", "carrying", "lead",
                "director", "expertise", "a", "e", "_", "1", "é", "\t"]  # fmt: skip
    for t in _texts(alphabet, 20_000, 1):
        assert cues.sales_role(t) == (SALES_ROLE_SEARCH.search(t) is not None), repr(t)


def test_mojibake_hint_matches_the_regex_search() -> None:
    alphabet = ["&", "amp;", "#39;", "&amp;", "x", "Â", " ", "é", "â", "€", "™", "\x80", "ü", "#", "a1",
                ";", "&#x2013;", "R&D", "Ã©", "Â£", "â€“"]  # fmt: skip
    for t in _texts(alphabet, 20_000, 2):
        assert encoding._has_hint(t) == (HINT_SEARCH.search(t) is not None), repr(t)
        assert (encoding._HINT_RE.search(t) is None) == (HINT_SEARCH.search(t) is None), repr(t)


def test_rewritten_token_regexes_find_the_same_spans() -> None:
    alphabet = [
        "USD",
        "usd",
        "EUR",
        "A",
        "B",
        "Ab",
        " ",
        "1",
        "23",
        "٣",
        "１２",
        ",",
        ".",
        "x",
        "$",
        "\n",
        "é",
    ]
    for t in _texts(alphabet, 20_000, 3):
        assert [m.span() for m in salary_text._CODE_WORD_RE.finditer(t)] == [
            m.span() for m in CODE_WORD.finditer(t)
        ], repr(t)
        assert [m.span() for m in salary_text._DIGITS_RE.finditer(t)] == [
            m.span() for m in DIGITS.finditer(t)
        ], repr(t)


def test_word_lists_grouped_by_first_letter_match_as_written() -> None:
    """cues.PAY_RE / NOT_PAY_RE and the currency codes use alternation.by_first_char: the same
    matches as the plain alternations, on every corpus text."""
    import json
    import re
    from pathlib import Path

    from scraper.salary import cues, currency
    from scraper.salary.alternation import by_first_char

    here = Path(__file__).parent
    texts = [
        json.loads(line)["text"].lower()
        for path in [here / "corpus.jsonl", *sorted(here.glob("corpus_world_*.jsonl"))]
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert len(texts) > 600
    pairs = [
        (re.compile(rf"(?<![a-z])(?:{cues._PAY_WORDS})(?![a-z])|{cues._PAY_IN}"), cues.PAY_RE),
        (re.compile(rf"(?<![a-z0-9])(?:{cues._NOT_PAY_WORDS})(?![a-z])|{cues._NOT_PAY_IN}"), cues.NOT_PAY_RE),
    ]
    for plain, grouped in pairs:
        for t in texts:
            assert [m.span() for m in plain.finditer(t)] == [m.span() for m in grouped.finditer(t)], t
    codes = "|".join(currency._TEXT_CODES)
    assert by_first_char(codes) != codes  # grouped, not returned as is
    for code in currency._TEXT_CODES:
        assert re.fullmatch(f"(?:{by_first_char(codes)})", code)
    assert not re.fullmatch(f"(?:{by_first_char(codes)})", "ABC")
    assert by_first_char("bonus(?:es)?|budget|s?tip|[xy]z") == "b(?:onus(?:es)?|udget)|s?tip|[xy]z"
