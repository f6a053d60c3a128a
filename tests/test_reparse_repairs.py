"""Issue 12: each band records its rule and evidence; `paybands reparse` on a database crawled with
the previous normalizer repairs the stored bands, and pay_band_changes shows them as repairs."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path

import duckdb
from click.testing import CliRunner

import paybands.commands  # noqa: F401  (registers commands)
import scraper.salary.text
from paybands.cli import cli
from scraper.models import Posting
from scraper.reparse import reparse
from scraper.schema import band_facts_sql
from scraper.store import CompanyOutcome, Store, WriteCounts
from tests.helpers import crawl, edit_json, query

# Replayed real boards: text bands (GitLab, Netflix, Match Group's description with "401(k)"),
# structured ones (Anthropic, Browserbase, Match Group).
BOARDS = [
    {"name": "GitLab", "source": "greenhouse", "board": "gitlab"},
    {"name": "Anthropic", "source": "greenhouse", "board": "anthropic"},
    {"name": "Match Group", "source": "lever", "board": "matchgroup"},
    {"name": "Netflix", "source": "eightfold", "board": "netflix.com"},
    {"name": "Browserbase", "source": "ashby", "board": "browserbase"},
]
BANDS = "SELECT * EXCLUDE (posting_key, seen_since) FROM pay_bands ORDER BY posting_id, band_no"
_401K = re.compile(r"\b401\s*\(?k\)?", re.I)


def _previous_normalizer(monkeypatch, *, rule: str | None = None) -> None:
    """Make the text normalizer behave like an older one, on three classes of error:
    - reads "401(k)" as pay: a false "$401,000 base" band (removed by the repair);
    - misreads Netflix's "overall market range ... is typically $X - $Y" as "up to $Y" (changed);
    - misses an em-dash range ("$108,400—$129,600", GitLab): no band (added).
    `rule`: also name every band by this rule and drop its evidence (a normalizer without rules)."""
    original = scraper.salary.text.parse_pay_text

    def previous(text, *args, **kw):
        bands = []
        for b in original(text, *args, **kw):
            if "—" in text[b.span[0] : b.span[1]] if b.span else False:
                continue
            if "overall market range" in b.source_text and b.min_amount is not None:
                b = dataclasses.replace(
                    b, min_amount=None, annual_min=None, annual_min_usd=None, rule="text:open-min"
                )
            bands.append(b)
        m = _401K.search(text)
        if m:
            false = dataclasses.replace(
                bands[0] if bands else _any_band(),
                min_amount=401000.0, max_amount=401000.0, currency="USD", period="year",
                annual_min=401000.0, annual_max=401000.0, annual_min_usd=401000.0, annual_max_usd=401000.0,
                pay_type="base", zone=None, origin="text", is_estimate=False,
                source_text=text[max(0, m.start() - 40) : m.end() + 40], span=(m.start(), m.start() + 3),
                rule="text:single",
            )  # fmt: skip
            bands.append(false)
        if rule is not None:
            bands = [dataclasses.replace(b, rule=rule, span=None) for b in bands]
        return bands

    # Every module that bound the normalizer by name (sources may import it directly).
    for mod in list(sys.modules.values()):
        if (getattr(mod, "__name__", "") or "").startswith("scraper") and (
            getattr(mod, "parse_pay_text", None) is original
        ):
            monkeypatch.setattr(mod, "parse_pay_text", previous)


def _any_band():
    from scraper.models import PayBand

    return PayBand(1.0, 1.0, "USD", "year", 1.0, 1.0, 1.0, 1.0)


def _facts_are_a_fresh_rebuild(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.sql("SELECT * FROM band_facts").pl()
        fresh = con.sql(band_facts_sql()).pl().select(stored.columns)
    finally:
        con.close()
    assert stored.sort(stored.columns).equals(fresh.sort(fresh.columns))


def test_reparse_repairs_what_the_previous_normalizer_stored(replay, tmp_path, monkeypatch):
    clean = tmp_path / "clean.duckdb"
    assert crawl(clean, replay.url, *BOARDS).status == "ok"
    truth = query(clean, BANDS)

    db = tmp_path / "old.duckdb"
    with monkeypatch.context() as m:
        _previous_normalizer(m)
        assert crawl(db, replay.url, *BOARDS).status == "ok"
    stored = query(db, BANDS)
    assert stored != truth
    false = query(db, "SELECT posting_id FROM pay_bands WHERE min_amount = 401000")
    open_min = query(
        db,
        "SELECT DISTINCT posting_id FROM pay_bands WHERE min_amount IS NULL AND source_text LIKE '%overall market range%'",
    )
    missed = query(
        clean,
        "SELECT DISTINCT posting_id FROM pay_bands WHERE origin = 'text' AND source_text LIKE '%—%' "
        "AND posting_id LIKE 'greenhouse:gitlab:%'",
    )
    assert false and open_min and missed, "the previous normalizer's errors are in the crawl"
    touched = {p for (p,) in false + open_min + missed}

    history = "SELECT * FROM pay_band_versions ORDER BY posting_id, band_no, valid_from"
    before = query(db, history)
    (n_before,) = query(db, "SELECT count(*) FROM pay_band_versions")[0]
    assert query(db, "SELECT count(*) FROM pay_band_changes") == [(0,)]  # one crawl: nothing moved yet

    res = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert f"{len(touched)} with changed bands" in res.stderr
    (run_id,) = query(db, "SELECT run_id FROM crawl_runs WHERE kind = 'reparse'")[0]

    # the false bands are gone; what is stored now is what the current normalizer reads
    assert query(db, "SELECT count(*) FROM pay_bands WHERE min_amount = 401000") == [(0,)]
    assert query(db, BANDS) == truth
    _facts_are_a_fresh_rebuild(db)

    # each repaired band is one pay_band_changes row of kind 'repair', written by the reparse run
    changes = query(
        db,
        """SELECT posting_id, change_kind, run_id, old_min_amount, new_min_amount, old_max_amount,
                  new_max_amount, old_pay_type, new_pay_type, old_currency, new_currency
           FROM pay_band_changes ORDER BY ALL""",
    )
    assert {c[0] for c in changes} == touched
    assert {(c[1], c[2]) for c in changes} == {("repair", run_id)}
    removed = [c for c in changes if c[3] == 401000]
    assert [c[0] for c in removed] == [p for (p,) in false]
    assert all(c[4] is None and c[6] is None and c[8] is None for c in removed)  # removed: no new side
    reread = [c for c in changes if c[3] is None and c[7] is not None]  # old side "up to $Y"
    assert {c[0] for c in reread} == {p for (p,) in open_min}
    assert all(c[4] > 0 and c[5] == c[6] and c[7] == c[8] and c[9] == c[10] == "USD" for c in reread)
    added = [c for c in changes if c[3] is None and c[7] is None]
    assert {c[0] for c in added} == {p for (p,) in missed} and all(c[4] and c[6] for c in added)
    assert len(changes) == len(removed) + len(reread) + len(added)

    # history: untouched postings' versions are exactly as they were; the repaired ones keep their old
    # versions, closed by the reparse run at the instant its replacement begins
    after = query(db, history)
    cols = [d for (d,) in query(db, "SELECT column_name FROM (DESCRIBE pay_band_versions)")]
    pid, vfrom, vto, closed = (
        cols.index(c) for c in ("posting_id", "valid_from", "valid_to", "closed_run_id")
    )
    assert [r for r in after if r[pid] not in touched] == [r for r in before if r[pid] not in touched]
    old = [r for r in after if r[pid] in touched and r[vto] is not None]
    assert {r[pid] for r in old} == touched - {p for (p,) in missed}  # GitLab's missed band had no version
    assert all(r[closed] == run_id for r in old)
    assert len(after) == n_before + sum(1 for r in truth if r[0] in touched)  # only the new versions

    # `paybands changes` says which changes are repairs
    res = CliRunner().invoke(cli, ["changes", "--since", "2000-01-01", "--format", "json", "--db", str(db)])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == len(changes) and {r["change_kind"] for r in rows} == {"repair"}

    # a second reparse changes nothing
    snapshot = (query(db, history), query(db, "SELECT * FROM pay_band_changes ORDER BY ALL"))
    again = reparse(db)
    assert again.changed == 0 and again.skipped == []
    assert (query(db, history), query(db, "SELECT * FROM pay_band_changes ORDER BY ALL")) == snapshot
    _facts_are_a_fresh_rebuild(db)


def test_bands_record_their_rule_and_evidence(replay, tmp_db):
    assert crawl(tmp_db, replay.url, *BOARDS).status == "ok"
    bands = query(
        tmp_db,
        """SELECT p.source, b.origin, b.rule, b.evidence_start, b.evidence_end, b.source_text, p.description
           FROM pay_bands b JOIN postings p USING (posting_key)""",
    )
    assert {b[1] for b in bands} == {"text", "structured"}
    assert all(b[2] and b[2].split(":")[0] in (b[1], "schema_org") for b in bands)  # e.g. text:range
    for source, origin, _, start, end, source_text, description in bands:
        if origin == "structured":
            assert start is None and end is None and source_text
        else:  # offsets of the amounts in the parsed text: here the posting's description
            assert 0 <= start < end <= len(description), (start, end)
            if source in ("greenhouse", "eightfold"):
                assert description[start:end] in source_text
    # the views that list bands carry them too
    assert query(tmp_db, "SELECT count(*) FROM posting_bands WHERE rule IS NULL") == [(0,)]
    assert query(
        tmp_db, "SELECT count(*) FROM posting_bands WHERE origin = 'text' AND evidence_start IS NULL"
    ) == [(0,)]


def test_a_new_rule_alone_is_no_new_band_version(replay, tmp_db, monkeypatch):
    """rule and evidence say why and where a band was read, not what it says: a normalizer that only
    names its rules differently writes them onto the current versions (reparse), no new version."""
    boards = [b for b in BOARDS if b["name"] in ("GitLab", "Netflix")]
    with monkeypatch.context() as m:
        _previous_normalizer(m, rule="legacy")  # other rule names, no offsets; also the three errors
        crawl(tmp_db, replay.url, *boards)
    versions = query(tmp_db, "SELECT count(*) FROM pay_band_versions")[0][0]
    with monkeypatch.context() as m:
        _previous_normalizer(m)  # the same bands, now with rule names and offsets
        assert crawl(tmp_db, replay.url, *boards).status == "ok"  # unchanged postings: left alone
        assert query(tmp_db, "SELECT DISTINCT rule FROM pay_bands WHERE origin = 'text'") == [("legacy",)]
        result = reparse(tmp_db)
    assert result.changed == 0
    assert query(tmp_db, "SELECT count(*) FROM pay_band_versions")[0][0] == versions
    assert query(tmp_db, "SELECT count(*) FROM pay_band_changes") == [(0,)]
    assert query(
        tmp_db,
        "SELECT count(*) FROM pay_bands WHERE origin = 'text' AND (rule = 'legacy' OR evidence_start IS NULL)",
    ) == [(0,)]
    assert query(tmp_db, "SELECT count(*) FROM pay_bands WHERE rule = 'text:open-min'")[0][0] > 0


class _WarnedPosting(Posting):  # no __slots__: takes a `warnings` attribute before models.Posting has one
    pass


def test_crawl_run_companies_records_rejected_pay_values(replay, tmp_db):
    assert crawl(tmp_db, replay.url, BOARDS[0]).status == "ok"
    assert query(tmp_db, "SELECT company, warnings FROM crawl_run_companies") == [("GitLab", 0)]

    store = Store(tmp_db)
    run_id = store.begin_run()
    postings = []
    for i, n in enumerate((2, 0, 1)):
        p = _WarnedPosting("ashby", "w", "W", f"job-{i}", f"Job {i}")
        p.warnings = [f"rejected {k}" for k in range(n)]
        postings.append(p)
    store.write_company(run_id, CompanyOutcome("W", "ashby", "w", "ok"), postings)
    other = [_WarnedPosting("lever", "v", "V", "job-9", "Job 9")]
    other[0].warnings = ["rejected"]
    store.write_companies(run_id, [(CompanyOutcome("V", "lever", "v", "ok"), other)])
    has_field = "warnings" in WriteCounts.__slots__  # added by the pay-normalizer change
    assert query(
        tmp_db, "SELECT company, warnings FROM crawl_run_companies WHERE run_id = ? ORDER BY 1", [run_id]
    ) == [("V", 1 if has_field else 0), ("W", 3 if has_field else 0)]


def test_an_edited_description_moves_the_evidence_not_the_version(replay, week_boards, tmp_db, monkeypatch):
    """A crawl that sees a posting's text change but not its pay writes the band's new offsets onto
    its current version (no new version, no change)."""
    lever = {"name": "Match Group", "source": "lever", "board": "matchgroup"}
    _previous_normalizer(monkeypatch)  # its false "401(k)" band is a text band with offsets
    assert crawl(tmp_db, replay.url, lever).status == "ok"
    band_sql = (
        "SELECT posting_id, band_no, evidence_start, evidence_end FROM pay_bands WHERE min_amount = 401000"
    )
    [(pid, band_no, start, end)] = query(tmp_db, band_sql)
    versions = query(tmp_db, "SELECT count(*) FROM pay_band_versions")

    def edit(jobs):
        for j in jobs:
            if pid.endswith(j["id"]):
                j["descriptionPlain"] = "Hello. " + j["descriptionPlain"]

    edit_json(week_boards / "lever/matchgroup.json", edit)
    second = crawl(tmp_db, replay.url, lever)
    c = second.outcomes[0].counts
    assert (c.updated_postings, c.changed_bands) == (1, 0)
    assert query(tmp_db, band_sql) == [(pid, band_no, start + 7, end + 7)]
    assert query(tmp_db, "SELECT count(*) FROM pay_band_versions") == versions
    assert query(tmp_db, "SELECT count(*) FROM pay_band_changes") == [(0,)]
