-- name: pay-coverage
-- about: How many postings state pay, per company, and what kind (base, total comp, OTE, unknown).
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: role_family text "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority text "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive ('unknown'); empty = all.
-- param: country text "" Only this country, ISO code as classified (US, GB, DE; location text if unclassified); empty = all.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: limit int 500 At most this many rows.
-- note: site estimates (is_estimate) are counted apart: they are not posted pay.
--
-- In any DuckDB client: SET VARIABLE ai_only = true; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH pp AS (
    SELECT p.posting_key, p.company
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
)
SELECT pp.company,
       count(DISTINCT pp.posting_key) AS postings,
       count(DISTINCT b.posting_key) FILTER (NOT b.is_estimate) AS with_pay,
       round(100.0 * count(DISTINCT b.posting_key) FILTER (NOT b.is_estimate)
             / count(DISTINCT pp.posting_key), 1) AS with_pay_pct,
       count(b.posting_key) FILTER (NOT b.is_estimate) AS bands,
       count(*) FILTER (b.pay_type = 'base' AND NOT b.is_estimate) AS base,
       count(*) FILTER (b.pay_type = 'total' AND NOT b.is_estimate) AS total,
       count(*) FILTER (b.pay_type = 'ote' AND NOT b.is_estimate) AS ote,
       count(*) FILTER (b.pay_type = 'unknown' AND NOT b.is_estimate) AS unknown,
       count(*) FILTER (b.is_estimate) AS estimates
FROM pp
LEFT JOIN pay_bands b USING (posting_key)
GROUP BY pp.company
ORDER BY postings DESC, pp.company
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
