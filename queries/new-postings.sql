-- name: new-postings
-- about: Postings first seen since a date, newest first, with their pay (annual USD range over their bands).
-- example: --since 2020-01-01 --company netflix
-- param: since date null From this date (UTC, YYYY-MM-DD); default: 7 days before the latest crawl.
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: role_family choice[ml_engineer|ml_platform|research_scientist|applied_scientist|research_engineer|data_scientist|data_engineer|software_engineer|engineering_manager|product_manager|program_manager|other|unclassified] "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority choice[intern|junior|mid|senior|staff|principal|director|executive|unstated|unknown] "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive, unstated (no level in the title) ('unknown'); empty = all.
-- param: country text "" Only this country, ISO code as classified (US, GB, DE; location text if unclassified); empty = all.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: with_pay_only bool false Only postings that state pay.
-- param: limit count 500 At most this many rows.
-- note: first_seen is when a crawl first saw the posting, not the board's own publish date.
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
    WHERE (
            coalesce(getvariable('title'), '') = ''
            OR list_bool_and(
                list_transform(
                    string_split(lower(trim(getvariable('title'))), ' '),
                    lambda w: w = '' OR contains(lower(p.title), w)
                )
            )
        )
      AND (coalesce(getvariable('company'), '') = '' OR contains(lower(p.company), lower(trim(getvariable('company')))))
      AND (coalesce(getvariable('role_family'), '') = ''
           OR lower(coalesce(p.role_family, 'unclassified')) = lower(trim(getvariable('role_family'))))
      AND (coalesce(getvariable('seniority'), '') = ''
           OR lower(coalesce(p.seniority, 'unknown')) = lower(trim(getvariable('seniority'))))
      AND (coalesce(getvariable('country'), '') = ''
           OR lower(p.country) = lower(trim(getvariable('country')))
           OR (p.country IS NULL AND contains(lower(p.location), lower(trim(getvariable('country'))))))
      AND (NOT coalesce(getvariable('ai_only')::BOOLEAN, false) OR p.is_ai_ml)
      AND (NOT coalesce(getvariable('active_only')::BOOLEAN, true) OR p.is_active)
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
