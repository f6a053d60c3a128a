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
-- Postings per company from postings (with or without pay); bands from band_facts, where a posting
-- with pay counts once by its first band (or distinct when its bands are not uniform).
WITH pp AS (
    SELECT p.company, count(*) AS postings
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
    GROUP BY p.company
),
bb AS (
    SELECT f.company,
           count(*) FILTER (NOT f.is_estimate AND f.uniform AND f.first_of_posting)
               + coalesce(len(list_distinct(list(f.posting_key) FILTER (NOT f.is_estimate AND NOT f.uniform))), 0)
               AS with_pay,
           count(*) FILTER (NOT f.is_estimate) AS bands,
           count(*) FILTER (f.pay_type = 'base' AND NOT f.is_estimate) AS base,
           count(*) FILTER (f.pay_type = 'total' AND NOT f.is_estimate) AS total,
           count(*) FILTER (f.pay_type = 'ote' AND NOT f.is_estimate) AS ote,
           count(*) FILTER (f.pay_type = 'unknown' AND NOT f.is_estimate) AS unknown,
           count(*) FILTER (f.is_estimate) AS estimates
    FROM band_facts f
    WHERE (
            coalesce(getvariable('title'), '') = ''
            OR list_bool_and(
                list_transform(
                    string_split(lower(trim(getvariable('title'))), ' '),
                    lambda w: w = '' OR contains(lower(f.title), w)
                )
            )
        )
      AND (coalesce(getvariable('company'), '') = '' OR contains(lower(f.company), lower(trim(getvariable('company')))))
      AND (coalesce(getvariable('role_family'), '') = ''
           OR lower(coalesce(f.role_family, 'unclassified')) = lower(trim(getvariable('role_family'))))
      AND (coalesce(getvariable('seniority'), '') = ''
           OR lower(coalesce(f.seniority, 'unknown')) = lower(trim(getvariable('seniority'))))
      AND (coalesce(getvariable('country'), '') = ''
           OR lower(f.country) = lower(trim(getvariable('country')))
           OR (f.country IS NULL AND contains(lower(f.location), lower(trim(getvariable('country'))))))
      AND (NOT coalesce(getvariable('ai_only')::BOOLEAN, false) OR f.is_ai_ml)
      AND (NOT coalesce(getvariable('active_only')::BOOLEAN, true) OR f.is_active)
    GROUP BY f.company
)
SELECT pp.company, pp.postings,
       coalesce(bb.with_pay, 0) AS with_pay,
       round(100.0 * coalesce(bb.with_pay, 0) / pp.postings, 1) AS with_pay_pct,
       coalesce(bb.bands, 0) AS bands,
       coalesce(bb.base, 0) AS base,
       coalesce(bb.total, 0) AS total,
       coalesce(bb.ote, 0) AS ote,
       coalesce(bb.unknown, 0) AS unknown,
       coalesce(bb.estimates, 0) AS estimates
FROM pp
LEFT JOIN bb USING (company)
ORDER BY pp.postings DESC, pp.company
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
