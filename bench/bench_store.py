"""Store bench: 1,000,000 generated postings (1,500,000 bands) through the Store's bulk merge, in a child process.

Postings are generated per company (500 postings each, bands alternating 1 and 2) from real
description text (windows of the recorded Ashby descriptions, 0.8-1.6k characters) and a compact
raw payload carrying the description. Generation is vectorized polars (`gen_frames`: the typed
frames `postings_frames` would build) and not timed; what is timed is exactly what
`Store.write_companies` does after `postings_frames`: one transaction per batch with the merge
(`Store._merge`), removals (`_settle_removals`), per-company counts and COMMIT. The crawl-side cost
of `postings_frames` itself (Posting objects -> frames, blake2b hashes) is measured separately on a
2,000-posting sample and reported per posting.

Measured in the same process: the bulk load, a re-crawl of the same 1,000,000 postings (only
last_seen moves), a row-by-row executemany baseline, the file size, and the taxonomy refresh
(`scraper.enrich.refresh_taxonomy`). The row-by-row baseline inserts a `rowbyrow` slice (2,000
postings by default, all four tables) with executemany; the bulk path writes the 20,000-posting
`sample` into a fresh file; the ratio is of per-posting rates (executemany's cost is per row, so
its 20,000-posting time is extrapolated linearly and labelled as such).

args (JSON on stdin): {"db": path, "postings": 1000000, "per_company": 500, "batch_postings": 500000,
                       "sample": 20000, "rowbyrow": 2000, "taxonomy": true}
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from scraper.models import Posting
from scraper.salary.pay import make_band
from scraper.store import BAND_SCHEMA, POSTING_SCHEMA, CompanyOutcome, Store, postings_frames, sync_band_facts

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


def _rand(seed: int, k: int) -> pl.Expr:
    """A deterministic pseudo-random integer in [0, k) per row (a hash of the row's global index)."""
    return (pl.col("g").hash(seed) % k).cast(pl.Int64)


def gen_frames(c0: int, c1: int, per_company: int, texts: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Companies [c0, c1) as the typed frames `postings_frames` builds, vectorized in polars.

    Deterministic (pseudo-random values are hashes of the posting's global index), so a re-crawl
    sends identical rows. content/raw/band hashes are polars hashes of the fields `postings_frames`
    hashes with blake2b; the merge only compares them.
    """
    now = datetime(2026, 11, 1, tzinfo=UTC)
    lens = pl.Series(texts.str.len_chars())
    fx = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CAD": 0.73}
    df = pl.DataFrame({"g": pl.int_range(c0 * per_company, c1 * per_company, eager=True)}).with_columns(
        c=pl.col("g") // per_company, i=pl.col("g") % per_company, tix=_rand(1, len(texts))
    )
    df = df.with_columns(text=texts.gather(df["tix"]), tlen=lens.gather(df["tix"]))
    df = df.with_columns(
        start=(pl.col("g").hash(2) % (pl.col("tlen") - 1700)).cast(pl.Int64),
        dlen=800 + _rand(3, 800),
        lo=((80 + _rand(4, 220)) * 1000).cast(pl.Float64),
    )
    df = df.with_columns(
        title=pl.Series(TITLES).gather(df.select(_rand(5, len(TITLES))).to_series()),
        location=pl.Series(LOCATIONS).gather(df.select(_rand(6, len(LOCATIONS))).to_series()),
        currency=pl.Series([x[0] for x in CURRENCIES]).gather(
            df.select(_rand(7, len(CURRENCIES))).to_series()
        ),
        source=pl.Series(["greenhouse", "ashby", "lever", "workday"]).gather(df["c"] % 4),
        description=pl.col("text").str.slice(pl.col("start"), pl.col("dlen")),
        board=pl.format("co{}", pl.col("c").cast(pl.String).str.zfill(6)),
        external_id=pl.format("{}-{}", "c", "i"),
    )
    df = df.with_columns(
        posting_id=pl.format("{}:{}:{}", "source", "board", "external_id"),
        company=pl.format("Company {}", "c"),
        url=pl.format("https://jobs.example.com/{}/{}", "board", "external_id"),
        # compact raw payload carrying the description, as a crawl stores it
        payload=pl.concat_str(
            pl.lit('{"id": "'), "external_id", pl.lit('", "title": "'), "title", pl.lit('", "location": "'),
            "location", pl.lit('", "pay": ['), pl.col("lo").cast(pl.String), pl.lit(", "),
            (pl.col("lo") * 1.4).cast(pl.String), pl.lit(']}\n'), "description",
        ),
        department=pl.lit("Engineering"), employment_type=pl.lit("FullTime"), remote=pl.lit(None, pl.String),
        requisition_id=pl.lit(None, pl.String),
        posted_at=pl.lit(now), updated_at=pl.lit(now),
    ).with_columns(
        content_hash=pl.concat_str("title", "location", "description", separator="\x1f").hash(11).cast(pl.String),
        raw_hash=pl.col("payload").hash(12).cast(pl.String),
        band_hash=pl.concat_str(pl.col("lo").cast(pl.String), "currency", (pl.col("i") % 2).cast(pl.String))
        .hash(13).cast(pl.String),
    )  # fmt: skip
    pdf = df.select([pl.col(k).cast(v) for k, v in POSTING_SCHEMA.items()])
    b0 = df.select("posting_id", "lo", "currency", band_no=pl.lit(0, pl.Int32), f=pl.lit(1.0),
                   zone=pl.lit(None, pl.String))  # fmt: skip
    b1 = df.filter(pl.col("i") % 2 == 1).select(  # 1.5 bands per posting on average
        "posting_id", "lo", "currency", band_no=pl.lit(1, pl.Int32), f=pl.lit(1.1),
        zone=pl.lit("San Francisco Bay Area"),
    )  # fmt: skip
    b = (
        pl.concat([b0, b1])
        .with_columns(
            min_amount=pl.col("lo") * pl.col("f"), max_amount=pl.col("lo") * 1.4 * pl.col("f"),
            rate=pl.col("currency").replace_strict(fx, return_dtype=pl.Float64),
        )
        .with_columns(
            period=pl.lit("year"), annual_min=pl.col("min_amount"), annual_max=pl.col("max_amount"),
            annual_min_usd=pl.col("min_amount") * pl.col("rate"), annual_max_usd=pl.col("max_amount") * pl.col("rate"),
            pay_type=pl.lit("base"), origin=pl.lit("structured"), is_estimate=pl.lit(False),
            source_text=pl.format("{} {}-{}", "currency", "lo", pl.col("lo") * 1.4),
            rule=pl.lit("structured:bench"), evidence_start=pl.lit(None, pl.Int32), evidence_end=pl.lit(None, pl.Int32),
        )
    )  # fmt: skip
    bdf = b.select([pl.col(k).cast(v) for k, v in BAND_SCHEMA.items()])
    return pdf, bdf


def write_frames(store: Store, run_id: int, pdf: pl.DataFrame, bdf: pl.DataFrame, outcomes: list) -> list:
    """`Store.write_companies` after its `postings_frames` step: one transaction, same statements."""
    from scraper.store import _settle_removals, now_utc

    now = now_utc()
    with store.transaction() as con:
        per_board = store._merge(con, run_id, now, pdf, bdf)
        settled = _settle_removals(con, run_id, now, outcomes, store.removal)
        for o in outcomes:
            o.counts = per_board[(o.source, o.board)]
            o.counts.removed_postings, o.counts.held_removals = settled.get((o.source, o.board), (0, 0))
            o.finished_at = now
        store._record_companies(con, run_id, outcomes)
    return [o.counts for o in outcomes]


def outcomes(c0: int, c1: int) -> list[CompanyOutcome]:
    srcs = ("greenhouse", "ashby", "lever", "workday")
    return [CompanyOutcome(f"Company {c}", srcs[c % 4], f"co{c:06d}", "ok") for c in range(c0, c1)]


def load(
    store: Store, run_id: int, n_companies: int, per_company: int, batch_postings: int, texts: pl.Series
):
    timed = gen = 0.0
    postings = bands = 0
    per_batch = max(1, batch_postings // per_company)
    counts: list = []
    with store.hold():
        for c0 in range(0, n_companies, per_batch):
            c1 = min(c0 + per_batch, n_companies)
            t = time.perf_counter()
            pdf, bdf = gen_frames(c0, c1, per_company, texts)
            gen += time.perf_counter() - t
            t = time.perf_counter()
            counts = write_frames(store, run_id, pdf, bdf, outcomes(c0, c1))
            timed += time.perf_counter() - t
            postings += sum(c.postings for c in counts)
            bands += sum(c.bands for c in counts)
    return timed, postings, bands, counts, gen


def row_by_row(db: Path, n: int, per_company: int, texts: pl.Series) -> tuple[float, int]:
    """Bench-only baseline: `n` postings inserted one row at a time (executemany) into a fresh schema."""
    store = Store(db)
    store.close()
    pdf, bdf = gen_frames(0, max(1, n // per_company), per_company, texts)
    pdf = pdf.head(n)
    bdf = bdf.join(pdf.select("posting_id"), on="posting_id", how="semi")
    now = datetime.now(UTC)
    con = duckdb.connect(str(db))
    try:
        t = time.perf_counter()
        con.execute("BEGIN")
        # The same rows the bulk path writes: postings (with their key), raw payloads, bands.
        cols = [c for c in POSTING_SCHEMA if c != "payload"]
        keys = {pid: k for k, pid in enumerate(pdf["posting_id"], 1)}
        con.executemany(
            f"INSERT INTO postings ({', '.join(cols)}, posting_key, first_seen, last_seen, first_run_id, "
            f"last_run_id, content_since, content_run_id) VALUES ({', '.join('?' * len(cols))}, ?, ?, ?, 1, 1, ?, 1)",
            [[*r, keys[r[0]], now, now, now] for r in pdf.select(cols).iter_rows()],
        )
        con.executemany(
            "INSERT INTO posting_raw VALUES (?, ?, 1, ?)",
            [[pid, now, payload] for pid, payload in pdf.select("posting_id", "payload").iter_rows()],
        )
        bcols = [c for c in BAND_SCHEMA if c != "posting_id"]
        con.executemany(
            f"INSERT INTO pay_band_versions (posting_id, posting_key, {', '.join(bcols)}, valid_from, run_id) "
            f"VALUES (?, ?, {', '.join('?' * len(bcols))}, ?, 1)",
            [[r[0], keys[r[0]], *r[1:], now] for r in bdf.iter_rows()],
        )
        sync_band_facts(con)  # the bulk side keeps band_facts too
        con.execute("COMMIT")
        return time.perf_counter() - t, len(pdf)
    finally:
        con.close()


def _unlink(db: Path) -> None:
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)


def main() -> None:
    args = json.loads(sys.stdin.read() or "{}")
    db = Path(args.get("db", ROOT / "bench/out/store.duckdb"))
    n = int(args.get("postings", 1_000_000))
    per_company = int(args.get("per_company", 500))
    # Two batches of 500,000: an insert that fills whole row groups is written straight to the file;
    # 100,000-posting batches took 42 s instead of 18 s for the million (most of it in COMMIT).
    batch_postings = int(args.get("batch_postings", 500_000))
    sample = int(args.get("sample", 20_000))
    rbr = int(args.get("rowbyrow", 2_000))
    texts = pl.Series(_texts())
    n_companies = n // per_company
    out: dict = {"postings_target": n, "companies": n_companies, "per_company": per_company,
                 "batch_postings": batch_postings}  # fmt: skip

    # Crawl-side frame building (Posting objects -> frames, blake2b hashes), per posting.
    ps = [
        p
        for c in range(4)
        for p in company_postings(c, per_company, list(texts), datetime(2026, 11, 1, tzinfo=UTC))
    ]
    t = time.perf_counter()
    postings_frames(ps)
    out["postings_frames_us_per_posting"] = 1e6 * (time.perf_counter() - t) / len(ps)

    # Row-by-row baseline (small slice, its own file), then the 20,000-posting sample through the bulk path.
    rdb = Path(str(db) + ".rbr")
    _unlink(rdb)
    out["rowbyrow_s"], out["rowbyrow_postings"] = row_by_row(rdb, rbr, per_company, texts)
    sample_db = Path(str(db) + ".sample")
    _unlink(sample_db)
    st = Store(sample_db)
    rid = st.begin_run()
    out["bulk_sample_s"], out["bulk_sample_postings"], _, _, _ = load(
        st, rid, sample // per_company, per_company, batch_postings, texts
    )
    st.close()

    _unlink(db)
    store = Store(db)
    run1 = store.begin_run()
    out["load_s"], out["postings"], out["bands"], _, out["gen_s"] = load(
        store, run1, n_companies, per_company, batch_postings, texts
    )
    store.finish_run(run1, [], 0, "ok")
    store.close()
    out["size_after_load_mb"] = db.stat().st_size / 2**20

    run2 = store.begin_run()
    out["recrawl_s"], p2, _, last, _ = load(store, run2, n_companies, per_company, batch_postings, texts)
    store.finish_run(run2, [], 0, "ok")
    store.close()
    out["recrawl_postings"] = p2
    out["recrawl_new_or_changed"] = sum(c.new_postings + c.updated_postings + c.changed_bands for c in last)
    con = duckdb.connect(str(db))
    try:
        t = time.perf_counter()
        con.execute("CHECKPOINT")
        out["checkpoint_s"] = time.perf_counter() - t
        out["recrawl_last_seen_moved"] = con.execute(
            "SELECT count(*) FILTER (last_run_id = ?), count(*), (SELECT count(*) FROM posting_versions), "
            "(SELECT count(*) FROM pay_band_versions) FROM postings",
            [run2],
        ).fetchall()[0]
        if args.get("taxonomy", True):
            from scraper.enrich import refresh_taxonomy

            t = time.perf_counter()
            out["taxonomy_rows"] = refresh_taxonomy(con)
            out["taxonomy_s"] = time.perf_counter() - t
            con.execute("CHECKPOINT")
    finally:
        con.close()
    out["size_mb"] = db.stat().st_size / 2**20
    print(json.dumps(out))


def compare_load(baseline: str = "b86ac19", rounds: int = 2, postings: int = 1_000_000) -> dict:
    """The load of `postings` into an empty file, this tree beside `baseline` (by default the tree
    before issue 16), each a fresh child process importing its own `scraper`, rounds alternating;
    median load_s per side. The same generated frames go through each side's Store."""
    import statistics

    from bench.common import OUT, baseline_tree, run_child, short_commit

    args = {"postings": postings, "rowbyrow": 200, "sample": 2000, "taxonomy": False}
    loads: dict[str, list[float]] = {"current": [], "baseline": []}
    with baseline_tree(baseline, "paybands-store-base-") as (tree, _):
        for i in range(rounds):
            for side in ("current", "baseline") if i % 2 == 0 else ("baseline", "current"):
                db = OUT / f"storecmp_{side}.duckdb"
                for suffix in ("", ".wal", ".rbr", ".sample"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
                r = run_child(
                    "bench.bench_store",
                    {**args, "db": str(db)},
                    timeout=3000,
                    code=ROOT if side == "current" else tree,
                )
                loads[side].append(r["load_s"])
    cur, base = statistics.median(loads["current"]), statistics.median(loads["baseline"])
    return {
        "baseline_commit": short_commit(baseline),
        "postings": postings,
        "current_load_s": cur,
        "baseline_load_s": base,
        "ratio": cur / base,
        "runs": loads,
    }


if __name__ == "__main__":
    main()
