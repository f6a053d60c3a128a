"""Normalizer and HTML->text throughput, each with its baseline in the same run.

- salary normalizer: `parse_pay_text` texts/s on the labeled corpus and on real descriptions,
  measured with bench/bench_salary.py's own function (that bench belongs to the normalizer),
  against its naive one-regex baseline;
- HTML->text: `scraper.text.html_to_text` (selectolax/lexbor) vs BeautifulSoup `get_text`
  (html.parser, and lxml when installed) on the recorded descriptions: Ashby `descriptionHtml`,
  Greenhouse `content` (entity-escaped: both sides unescape it), Lever `description` + lists.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from bench.bench_salary import CORPUS, descriptions, naive, texts_per_second
from scraper.salary import parse_pay_text
from scraper.text import html_to_text

REAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"


def recorded_html() -> list[tuple[str, bool]]:
    """(markup, entity_escaped) for every recorded description."""
    out: list[tuple[str, bool]] = []
    for p in sorted((REAL / "ashby").glob("*.json")):
        out += [
            (j["descriptionHtml"], False)
            for j in json.loads(p.read_text())["jobs"]
            if j.get("descriptionHtml")
        ]
    for p in sorted((REAL / "greenhouse").glob("*.json")):
        d = json.loads(p.read_text())
        out += [(j["content"], True) for j in d.get("jobs", [d]) if j.get("content")]
    for p in sorted((REAL / "lever").glob("*postings*.json")):
        for j in json.loads(p.read_text()):
            out += [(j["description"], False)] if j.get("description") else []
            out += [(li["content"], False) for li in j.get("lists", []) if li.get("content")]
    return out


def run(seconds: float = 2.0) -> dict:
    corpus = [json.loads(line)["text"] for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    descs = descriptions()
    out = {
        "corpus_texts": len(corpus),
        "corpus_parser_tps": texts_per_second(parse_pay_text, corpus, seconds),
        "corpus_naive_tps": texts_per_second(naive, corpus, seconds),
        "desc_texts": len(descs),
        "desc_parser_tps": texts_per_second(parse_pay_text, descs, seconds),
        "desc_naive_tps": texts_per_second(naive, descs, seconds),
    }
    from bs4 import BeautifulSoup

    docs = recorded_html()
    plain = [html.unescape(m) if esc else m for m, esc in docs]
    out["html_docs"] = len(docs)
    out["html_mb"] = sum(map(len, plain)) / 2**20
    out["selectolax_dps"] = texts_per_second(lambda d: html_to_text(d[0], unescape_first=d[1]), docs, seconds)
    out["bs4_dps"] = texts_per_second(
        lambda d: BeautifulSoup(html.unescape(d[0]) if d[1] else d[0], "html.parser").get_text("\n"),
        docs,
        seconds,
    )
    try:
        import lxml  # noqa: F401

        out["bs4_lxml_dps"] = texts_per_second(
            lambda d: BeautifulSoup(html.unescape(d[0]) if d[1] else d[0], "lxml").get_text("\n"),
            docs,
            seconds,
        )
    except ImportError:
        pass
    return out


if __name__ == "__main__":
    print(json.dumps(run()))
