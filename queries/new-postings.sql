-- name: new-postings
-- about: Postings first seen since a date, newest first, with their pay (annual USD range over their bands).
-- example: --since 2020-01-01 --company netflix
-- param: since date null From this date (UTC, YYYY-MM-DD); default: 7 days before the latest crawl.
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
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: with_pay_only bool false Only postings that state pay.
-- param: limit count 500 At most this many rows.
-- note: first_seen is when a crawl first saw the posting, not the board's own publish date.
-- note: places: here the posting's location (a posting, or a change of its bands, has no single band place).
--
-- In any DuckDB client: SET VARIABLE since = DATE '2025-06-01'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH since AS (
    SELECT timezone('UTC', coalesce(getvariable('since')::DATE,
                                    (SELECT max(started_at) FROM crawl_runs)::DATE - 7,
                                    current_date - 7)::TIMESTAMP) AS t
),
-- pick the postings (and apply the limit) first: pay is then gathered for those rows only
np AS (
    SELECT p.posting_id, p.posting_key, p.first_seen, p.company, p.title, p.location, p.role_family, p.seniority,
           p.is_active, p.url
    FROM postings p
    WHERE posting_matches(p.title, p.company, p.role_family, p.seniority, p.country, p.city, p.metro, p.remote, p.is_ai_ml, p.is_active)
      AND p.duplicate_of IS NULL  -- one opening on two boards of a company is listed once (docs/SCHEMA.md)
      AND p.first_seen >= (SELECT t FROM since)
      AND (NOT coalesce(getvariable('with_pay_only')::BOOLEAN, false)
           OR p.posting_key IN (SELECT b.posting_key FROM pay_bands b
                                WHERE coalesce(getvariable('with_pay_only')::BOOLEAN, false)  -- empty unless asked: not scanned
                                  AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT b.is_estimate)))
    ORDER BY p.first_seen DESC, p.company, p.title, p.posting_id
    LIMIT coalesce(getvariable('limit')::BIGINT, 500)
),
pay AS (
    SELECT b.posting_key, count(*) AS bands,
           min(coalesce(b.annual_min_usd, b.annual_max_usd)) AS min_annual_usd,
           max(coalesce(b.annual_max_usd, b.annual_min_usd)) AS max_annual_usd,
           array_to_string(list_sort(list_distinct(list(b.pay_type))), ', ') AS pay_types
    FROM pay_bands b
    JOIN np USING (posting_key)
    WHERE (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT b.is_estimate)
    GROUP BY b.posting_key
)
SELECT np.first_seen, np.company, np.title, np.location, np.role_family, np.seniority,
       coalesce(pay.bands, 0) AS bands, round(pay.min_annual_usd) AS min_annual_usd,
       round(pay.max_annual_usd) AS max_annual_usd, pay.pay_types, np.is_active, np.url
FROM np
LEFT JOIN pay USING (posting_key)
ORDER BY np.first_seen DESC, np.company, np.title, np.posting_id;
