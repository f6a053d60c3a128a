"""The JSON fast path (orjson) writes what the json module writes: the raw payload text whose hash
says whether a posting's payload changed (postings.raw_hash). Checked on every real recording under
tests/fixtures/real, and on the values orjson refuses. Decoding stays with the json module:
orjson.loads reads an integer past 64 bits as a float, which the last test pins."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from scraper.fetch import _loads
from scraper.sources.base import _dump_raw

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
RECORDINGS = sorted(p for p in REAL.rglob("*.json") if p.is_file())


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_there_are_recordings() -> None:
    assert len(RECORDINGS) >= 50


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: str(p.relative_to(REAL)))
def test_fast_path_matches_the_json_module_on_real_recordings(path: Path) -> None:
    data = path.read_bytes()
    try:
        expected = json.loads(data)
    except ValueError:
        pytest.skip("not JSON the json module reads either")
    assert _loads(data) == expected
    assert _dump_raw(expected) == _compact(expected)  # the same raw text, so the same raw_hash


@pytest.mark.parametrize(
    "text",
    [
        b'{"n": NaN, "i": Infinity}',  # not JSON, but what json.loads takes
        b'{"big": 123456789012345678901234567890}',  # past 64 bits
        b'{"s": "\\ud800 lone surrogate"}',
        '{"t": "utf-16"}'.encode("utf-16"),
        b'\xef\xbb\xbf{"bom": 1}',
    ],
)
def test_board_answers_decode_as_the_json_module_reads_them(text: bytes) -> None:
    got, expected = _loads(text), json.loads(text)
    assert _compact(got) == _compact(expected) or (  # NaN != NaN
        math.isnan(got["n"]) and math.isinf(got["i"])
    )


@pytest.mark.parametrize(
    "value",
    [
        {"big": 10**30},
        {"s": "a\ud800b"},
        {1: "int key"},
        {"x": '\x00\x1f\x7f\u2028 é😀 \\ "q"'},
        [1.0, 2.5, 150000.0, 1e16, -0.0, True, None, 10**18],
    ],
)
def test_raw_text_is_the_json_modules(value: object) -> None:
    assert _dump_raw(value) == _compact(value)


def test_where_the_raw_text_differs_it_is_still_the_same_json() -> None:
    """Floats under 1e-4 are written 0.00001, not 1e-05 (the one documented difference)."""
    assert _dump_raw([1e-05]) == "[0.00001]" and json.loads(_dump_raw([1e-05])) == [1e-05]


def test_board_answers_are_not_decoded_by_orjson() -> None:
    """A 30-digit id stays an int: orjson.loads would make it 1.2345678901234568e+29."""
    assert _loads(b'{"id": 123456789012345678901234567890}') == {"id": 123456789012345678901234567890}
