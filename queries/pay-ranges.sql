-- name: pay-ranges
-- about: Pay ranges of postings whose title matches a search, highest first.
-- example: --title "product manager" --pay-type total
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: pay_type choice[base|total|ote|unknown|all] "" Only base, total, ote or unknown bands; empty = all.
-- param: role_family choice[ml_engineer|ml_platform|research_scientist|applied_scientist|research_engineer|data_scientist|data_engineer|software_engineer|engineering_manager|product_manager|program_manager|other|unclassified] "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority choice[intern|junior|mid|senior|staff|principal|director|executive|unstated|unknown] "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive, unstated (no level in the title) ('unknown'); empty = all.
-- param: country text "" Only this country, ISO code as classified (US, GB, DE; location text if unclassified); empty = all.
-- param: currency currency "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: limit count 500 At most this many rows.
-- note: total (e.g. Netflix "market range") is total compensation, not base salary: compare like with like.
--
-- In any DuckDB client: SET VARIABLE title = 'machine learning'; then run this file.
SELECT
    p.company,
    p.title,
    p.location,
    coalesce(b.zone, '') AS zone,
    b.min_amount,
    b.max_amount,
    b.currency,
    b.period,
    b.annual_min_usd,
    b.annual_max_usd,
    b.pay_type,
    b.origin
FROM postings p
JOIN pay_bands b USING (posting_key)
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
  AND (lower(coalesce(getvariable('pay_type'), '')) IN ('', 'all') OR b.pay_type = lower(trim(getvariable('pay_type'))))
  AND (coalesce(getvariable('role_family'), '') = ''
       OR lower(coalesce(p.role_family, 'unclassified')) = lower(trim(getvariable('role_family'))))
  AND (coalesce(getvariable('seniority'), '') = ''
       OR lower(coalesce(p.seniority, 'unknown')) = lower(trim(getvariable('seniority'))))
  AND (coalesce(getvariable('country'), '') = ''
       OR lower(p.country) = lower(trim(getvariable('country')))
       OR (p.country IS NULL AND contains(lower(p.location), lower(trim(getvariable('country'))))))
  AND (coalesce(getvariable('currency'), '') = '' OR b.currency = upper(trim(getvariable('currency'))))
  AND (NOT coalesce(getvariable('ai_only')::BOOLEAN, false) OR p.is_ai_ml)
  AND (NOT coalesce(getvariable('active_only')::BOOLEAN, true) OR p.is_active)
  AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT b.is_estimate)
ORDER BY b.annual_max_usd DESC NULLS LAST, p.company, p.title
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
