"""Store bench: 1,000,000 generated postings (1,500,000 bands) through the real Store API, in a child process.

Postings are generated per company (500 postings each, bands alternating 1 and 2) from real
description text (windows of the recorded Ashby descriptions, 0.8-1.6k characters) and a compact
raw payload; generation is not timed, `Store.write_companies` (frames, hashes, merge) is.
Measured in the same process: the bulk load, a re-crawl of the same postings (only last_seen
moves), a row-by-row executemany baseline on a 20,000-posting sample, the file size, and the
taxonomy refresh (`analysis.enrich.refresh_taxonomy`).

args (JSON on stdin): {"db": path, "postings": 1000000, "per_company": 500, "batch_postings": 50000,
                       "sample": 20000, "taxonomy": true}
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from scraper.models import Posting
from scraper.pay import make_band
from scraper.store import BAND_SCHEMA, POSTING_SCHEMA, CompanyOutcome, Store, postings_frames

ROOT = Path(__file__).resolve().parents[1]
TITLES = [
    "Machine Learning Engineer", "Senior Machine Learning Engineer", "Staff Research Scientist",
    "Software Engineer, Inference", "Data Scientist", "Applied Scientist II", "Product Manager, AI Platform",
    "Engineering Manager, ML Infrastructure", "Account Executive", "Research Engineer, Pretraining",
    "ML Platform Engineer", "Senior Data Engineer", "Principal AI Engineer", "Computer Vision Engineer",
]  # fmt: skip
LOCATIONS = ["San Francisco, CA", "New York, NY", "Remote - US", "London, UK", "Berlin, Germany",
             "Toronto, Canada", "Seattle, WA", "Paris, France", "Bengaluru, India", "Austin, TX"]  # fmt: skip
ZONES = [None, "San Francisco Bay Area", "New York", "Remote US", "Canada"]
CURRENCIES = [("USD", 1.0), ("USD", 1.0), ("USD", 1.0), ("EUR", 1.0), ("GBP", 1.0), ("CAD", 1.0)]


def _texts() -> list[str]:
    texts = []
    for p in sorted((ROOT / "tests/fixtures/real/ashby").glob("*_comp*.json")):
        for j in json.loads(p.read_text("utf-8"))["jobs"]:
            if len(j.get("descriptionPlain") or "") > 3000:
                texts.append(j["descriptionPlain"])
    return texts


def company_postings(c: int, per_company: int, texts: list[str], now: datetime) -> list[Posting]:
    """The postings of company `c`: the same for the same c (seeded), so a re-crawl sends identical data."""
    rng = random.Random(c)
    board = f"co{c:06d}"
    source = ("greenhouse", "ashby", "lever", "workday")[c % 4]
    out = []
    for i in range(per_company):
        text = texts[rng.randrange(len(texts))]
        start = rng.randrange(0, len(text) - 1700)
        desc = text[start : start + rng.randrange(800, 1600)]
        title = rng.choice(TITLES)
        loc = rng.choice(LOCATIONS)
        lo = rng.randrange(80, 300) * 1000
        cur = rng.choice(CURRENCIES)[0]
        bands = []
        for z in range(1 + (i % 2)):  # 1.5 bands per posting on average
            b = make_band(lo * (1 + 0.1 * z), lo * 1.4 * (1 + 0.1 * z), cur, "year", pay_type="base",
                          zone=ZONES[(i + z) % len(ZONES)] if z else None, origin="structured",
                          source_text=f"{cur} {lo}-{int(lo * 1.4)}")  # fmt: skip
            if b is not None:
                bands.append(b)
        ext = f"{c}-{i}"
        raw = json.dumps(
            {"id": ext, "title": title, "location": loc, "description": desc, "pay": [lo, lo * 1.4]}
        )
        out.append(
            Posting(source=source, board=board, company=f"Company {c}", external_id=ext, title=title,
                    url=f"https://jobs.example.com/{board}/{ext}", location=loc, department="Engineering",
                    employment_type="FullTime", remote=None, posted_at=now, updated_at=now, description=desc,
                    raw=raw, bands=bands)
        )  # fmt: skip
    return out


def batches(n_companies: int, per_company: int, batch_postings: int, texts: list[str]) -> Iterator[list]:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    per_batch = max(1, batch_postings // per_company)
    for start in range(0, n_companies, per_batch):
        yield [
            (CompanyOutcome(f"Company {c}", ("greenhouse", "ashby", "lever", "workday")[c % 4], f"co{c:06d}", "ok"),
             company_postings(c, per_company, texts, now))
            for c in range(start, min(start + per_batch, n_companies))
        ]  # fmt: skip


def load(
    store: Store, run_id: int, n_companies: int, per_company: int, batch_postings: int, texts: list[str]
):
    timed = 0.0
    postings = bands = 0
    with store.hold():
        for batch in batches(n_companies, per_company, batch_postings, texts):
            t = time.perf_counter()
            counts = store.write_companies(run_id, batch)
            timed += time.perf_counter() - t
            postings += sum(c.postings for c in counts)
            bands += sum(c.bands for c in counts)
    return timed, postings, bands, counts


def row_by_row(db: Path, sample: int, per_company: int, texts: list[str]) -> tuple[float, int]:
    """Bench-only baseline: the same rows inserted one at a time (executemany) into a fresh schema."""
    store = Store(db)
    store.close()
    ps = [p for _, chunk in (b for batch in batches(sample // per_company, per_company, sample, texts)
                              for b in batch) for p in chunk]  # fmt: skip
    pdf, bdf = postings_frames(ps)
    now = datetime.now(UTC)
    con = duckdb.connect(str(db))
    try:
        t = time.perf_counter()
        con.execute("BEGIN")
        cols = [c for c in POSTING_SCHEMA if c != "payload"]
        con.executemany(
            f"INSERT INTO postings ({', '.join(cols)}, first_seen, last_seen, first_run_id, last_run_id) "
            f"VALUES ({', '.join('?' * len(cols))}, ?, ?, 1, 1)",
            [[*r, now, now] for r in pdf.select(cols).iter_rows()],
        )
        con.executemany(
            "INSERT INTO posting_raw VALUES (?, ?, 1, ?)",
            [[pid, now, payload] for pid, payload in pdf.select("posting_id", "payload").iter_rows()],
        )
        con.executemany(
            "INSERT INTO posting_versions VALUES (?, ?, ?, ?, ?, ?, NULL, 1)",
            [
                [*r, now]
                for r in pdf.select(
                    "posting_id", "title", "location", "description", "content_hash"
                ).iter_rows()
            ],
        )
        con.executemany(
            f"INSERT INTO pay_band_versions ({', '.join(BAND_SCHEMA)}, valid_from, run_id) "
            f"VALUES ({', '.join('?' * len(BAND_SCHEMA))}, ?, 1)",
            [[*r, now] for r in bdf.iter_rows()],
        )
        con.execute("COMMIT")
        return time.perf_counter() - t, len(pdf)
    finally:
        con.close()


def main() -> None:
    args = json.loads(sys.stdin.read() or "{}")
    db = Path(args.get("db", ROOT / "bench/out/store.duckdb"))
    n = int(args.get("postings", 1_000_000))
    per_company = int(args.get("per_company", 500))
    batch_postings = int(args.get("batch_postings", 50_000))
    sample = int(args.get("sample", 20_000))
    for p in (db, Path(str(db) + ".wal"), Path(str(db) + ".rbr"), Path(str(db) + ".rbr.wal")):
        p.unlink(missing_ok=True)
    texts = _texts()
    n_companies = n // per_company
    out: dict = {"postings_target": n, "companies": n_companies, "per_company": per_company}

    # Row-by-row baseline first (small, its own file), then the same rows through the bulk path.
    rbr_s, rbr_n = row_by_row(Path(str(db) + ".rbr"), sample, per_company, texts)
    out["rowbyrow_s"], out["rowbyrow_postings"] = rbr_s, rbr_n
    sample_db = Path(str(db) + ".sample")
    for p in (sample_db, Path(str(sample_db) + ".wal")):
        p.unlink(missing_ok=True)
    st = Store(sample_db)
    rid = st.begin_run()
    out["bulk_sample_s"], _, _, _ = load(st, rid, sample // per_company, per_company, batch_postings, texts)
    st.close()

    store = Store(db)
    run1 = store.begin_run()
    out["load_s"], out["postings"], out["bands"], _ = load(
        store, run1, n_companies, per_company, batch_postings, texts
    )
    store.finish_run(run1, [], 0, "ok")
    store.close()
    out["size_after_load_mb"] = db.stat().st_size / 2**20

    run2 = store.begin_run()
    out["recrawl_s"], p2, _, last = load(store, run2, n_companies, per_company, batch_postings, texts)
    store.finish_run(run2, [], 0, "ok")
    store.close()
    out["recrawl_postings"] = p2
    out["recrawl_new_or_changed"] = sum(c.new_postings + c.updated_postings + c.changed_bands for c in last)
    con = duckdb.connect(str(db))
    try:
        con.execute("CHECKPOINT")
        out["recrawl_last_seen_moved"] = con.execute(
            "SELECT count(*) FILTER (last_run_id = ?), count(*), (SELECT count(*) FROM posting_versions), "
            "(SELECT count(*) FROM pay_band_versions) FROM postings",
            [run2],
        ).fetchall()[0]
        if args.get("taxonomy", True):
            from analysis.enrich import refresh_taxonomy

            t = time.perf_counter()
            out["taxonomy_rows"] = refresh_taxonomy(con)
            out["taxonomy_s"] = time.perf_counter() - t
            con.execute("CHECKPOINT")
    finally:
        con.close()
    out["size_mb"] = db.stat().st_size / 2**20
    print(json.dumps(out))


if __name__ == "__main__":
    main()
