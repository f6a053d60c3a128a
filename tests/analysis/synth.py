"""A synthetic database of any size, built in SQL, for query-speed checks (1,000,000 postings in seconds).

Shapes follow the real boards: ~1.5 bands per posting, zones, a few OTE/total/estimate
bands, several currencies, 10% removed postings, 10% of postings with a band change
across 30 daily crawls. Values are random but seeded, so timings are comparable.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from scraper.schema import ensure_schema
from scraper.store import sync_band_facts

TITLES = [
    "Machine Learning Engineer",
    "Senior Machine Learning Engineer",
    "Staff Research Scientist",
    "Software Engineer, Inference",
    "Data Scientist",
    "Applied Scientist II",
    "Product Manager, AI Platform",
    "Engineering Manager, ML Infrastructure",
    "Account Executive",
    "Research Engineer, Pretraining",
]
ROLES = ["ml_engineer", "ml_engineer", "research_scientist", "software_engineer", "data_scientist",
         "applied_scientist", "product_manager", "engineering_manager", "other", "research_engineer"]  # fmt: skip
SENIORITY = ["intern", "junior", "mid", "mid", "senior", "senior", "staff", "principal", "director",
             "executive"]  # fmt: skip
COUNTRIES = ["US", "US", "US", "US", "GB", "DE", "CA", "FR", "IN", "SG"]


def make_big_db(path: Path, postings: int = 1_000_000, runs: int = 30) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")  # no bars on the test output
        ensure_schema(con)
        con.execute("SELECT setseed(0.42)")
        con.execute(
            """INSERT INTO crawl_runs (run_id, kind, started_at, finished_at, status)
               SELECT r, 'crawl', TIMESTAMPTZ '2025-01-01 06:00:00+00' + to_days(r::INT - 1),
                      TIMESTAMPTZ '2025-01-01 06:30:00+00' + to_days(r::INT - 1), 'ok'
               FROM range(1, ? + 1) t(r)""",
            [runs],
        )
        con.execute(
            """INSERT INTO postings (posting_id, company, source, board, external_id, title, url, location,
                                     remote, first_seen, last_seen, first_run_id, last_run_id, is_active,
                                     removed_at, is_ai_ml, role_family, seniority, city, country)
               SELECT 'ashby:b' || (i % 2000) || ':' || i, 'Company ' || (i % 2000), 'ashby', 'b' || (i % 2000),
                      i::VARCHAR, $titles[1 + i % 10] || ' ' || (i % 97), 'https://example.com/' || i,
                      'City ' || (i % 50), 'onsite',
                      TIMESTAMPTZ '2025-01-01 06:10:00+00' + to_days((i % $runs)::INT),
                      TIMESTAMPTZ '2025-01-01 06:10:00+00' + to_days($runs - 1),
                      1 + i % $runs, $runs, i % 10 <> 0,
                      CASE WHEN i % 10 = 0 THEN TIMESTAMPTZ '2025-01-01 06:10:00+00' + to_days($runs - 2) END,
                      i % 10 < 8, $roles[1 + (i // 10) % 10], $sen[1 + (i // 7) % 10], 'City ' || (i % 50),
                      $countries[1 + (i // 3) % 10]
               FROM range($n) t(i)""",
            {
                "titles": TITLES,
                "roles": ROLES,
                "sen": SENIORITY,
                "countries": COUNTRIES,
                "n": postings,
                "runs": runs,
            },
        )
        # One band per posting, a second (zone) band for half, an older version for a tenth.
        con.execute(
            """INSERT INTO pay_band_versions (posting_id, posting_key, band_no, min_amount, max_amount, currency,
                   period, annual_min, annual_max, annual_min_usd, annual_max_usd, pay_type, zone, origin,
                   is_estimate, source_text, valid_from, valid_to, run_id)
               SELECT p.posting_id, p.posting_key, z.band_no, lo, lo * (1.2 + 0.5 * random()),
                      cur, 'year', lo, lo * 1.4, lo * rate, lo * 1.4 * rate,
                      CASE WHEN h % 50 = 0 THEN 'total' WHEN h % 20 = 0 THEN 'ote' ELSE 'base' END,
                      CASE WHEN z.band_no = 2 THEN 'Zone B' END, 'structured', h % 100 = 7, NULL,
                      CASE WHEN h % 10 = 3 THEN p.first_seen + INTERVAL 1 DAY ELSE p.first_seen END,
                      NULL, p.first_run_id
               FROM (SELECT *, hash(posting_id) AS h,
                            CASE WHEN hash(posting_id) % 13 = 0 THEN 'EUR' WHEN hash(posting_id) % 17 = 0 THEN 'GBP'
                                 ELSE 'USD' END AS cur,
                            CASE WHEN hash(posting_id) % 13 = 0 THEN 1.172 WHEN hash(posting_id) % 17 = 0 THEN 1.3716
                                 ELSE 1.0 END AS rate,
                            round(60000 + random() * 300000, -3) AS lo
                     FROM postings) p,
                    (SELECT 1 AS band_no UNION ALL SELECT 2) z
               WHERE z.band_no = 1 OR p.h % 2 = 0"""
        )
        con.execute(
            """INSERT INTO pay_band_versions (posting_id, posting_key, band_no, min_amount, max_amount, currency,
                   period, annual_min, annual_max, annual_min_usd, annual_max_usd, pay_type, zone, origin,
                   is_estimate, source_text, valid_from, valid_to, run_id)
               SELECT posting_id, posting_key, band_no, min_amount * 0.95, max_amount * 0.95, currency, period,
                      annual_min * 0.95, annual_max * 0.95, annual_min_usd * 0.95, annual_max_usd * 0.95,
                      pay_type, zone, origin, is_estimate, source_text, valid_from - INTERVAL 1 DAY, valid_from, run_id
               FROM pay_band_versions WHERE hash(posting_id) % 10 = 3"""
        )
        sync_band_facts(con)  # written with plain SQL: the derived table is rebuilt after
    finally:
        con.close()
    return path
