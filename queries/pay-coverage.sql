-- name: pay-coverage
-- about: How many postings state pay, per company, and what kind (base, total comp, OTE, unknown).
-- example: --ai-only --no-active-only
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: role_family choice[ml_engineer|ml_platform|research_scientist|applied_scientist|research_engineer|data_scientist|data_engineer|software_engineer|engineering_manager|product_manager|program_manager|other|unclassified] "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority choice[intern|junior|mid|senior|staff|principal|director|executive|unstated|unknown] "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive, unstated (no level in the title) ('unknown'); empty = all.
-- param: country country "" Only this country: ISO code or English name (US, GB, Germany); the band's place, see the note on places; empty = all.
-- param: metro metro "" Only this metro area, e.g. "bay area", "nyc metro", "greater london" (a closed list: a wrong name lists them); empty = all.
-- param: city city "" Only this city, e.g. "San Francisco", "Bengaluru" (aliases such as NYC or Bangalore work); empty = all.
-- param: remote bool null Only bands open to remote work (--remote), or only those that are not (--no-remote); unset = both.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: limit count 500 At most this many rows.
-- note: site estimates (is_estimate) are counted apart: they are not posted pay.
-- note: places: here the posting's location, for the posting and its bands alike (coverage counts postings).
--
-- In any DuckDB client: SET VARIABLE ai_only = true; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
-- One stream, filtered once: every posting (with or without pay) and every current band from
-- band_facts, where a posting with pay counts once by its first band (or distinct when its bands
-- are not uniform).
WITH rows AS (
    SELECT company, title, role_family, seniority, country, city, metro, remote, is_ai_ml, is_active,
           TRUE AS is_posting
    FROM postings
    WHERE duplicate_of IS NULL  -- one opening on two boards counts once; band_facts leaves copies out too
    UNION ALL BY NAME
    -- coverage is about postings: their bands are placed where the posting is, not by zone
    SELECT f.company, f.title, f.role_family, f.seniority, p.country, p.city, p.metro, p.remote, f.is_ai_ml,
           f.is_active, FALSE AS is_posting, f.posting_key, f.pay_type, f.is_estimate, f.uniform, f.first_of_posting
    FROM band_facts f JOIN postings p USING (posting_key)
),
per_company AS (
    SELECT r.company,
           count(*) FILTER (r.is_posting) AS postings,
           count(*) FILTER (NOT r.is_estimate AND r.uniform AND r.first_of_posting)
               + coalesce(len(list_distinct(list(r.posting_key) FILTER (NOT r.is_estimate AND NOT r.uniform))), 0)
               AS with_pay,
           count(*) FILTER (NOT r.is_estimate) AS bands,
           count(*) FILTER (r.pay_type = 'base' AND NOT r.is_estimate) AS base,
           count(*) FILTER (r.pay_type = 'total' AND NOT r.is_estimate) AS total,
           count(*) FILTER (r.pay_type = 'ote' AND NOT r.is_estimate) AS ote,
           count(*) FILTER (r.pay_type = 'unknown' AND NOT r.is_estimate) AS unknown,
           count(*) FILTER (r.is_estimate) AS estimates
    FROM rows r
    WHERE posting_matches(r.title, r.company, r.role_family, r.seniority, r.country, r.city, r.metro, r.remote, r.is_ai_ml, r.is_active)
    GROUP BY r.company
)
SELECT company, postings, with_pay, round(100.0 * with_pay / postings, 1) AS with_pay_pct,
       bands, base, total, ote, unknown, estimates
FROM per_company
ORDER BY postings DESC, company
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
