-- name: widest-bands
-- about: The widest individual bands (max/min ratio), e.g. to spot a range that spans several levels.
-- example: --limit 10 --currency USD
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: role_family choice[ml_engineer|ml_platform|research_scientist|applied_scientist|research_engineer|data_scientist|data_engineer|software_engineer|engineering_manager|product_manager|program_manager|other|unclassified] "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority choice[intern|junior|mid|senior|staff|principal|director|executive|unstated|unknown] "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive, unstated (no level in the title) ('unknown'); empty = all.
-- param: country text "" Only this country, ISO code as classified (US, GB, DE; location text if unclassified); empty = all.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: pay_type choice[base|total|ote|unknown|all] base Only base, total, ote or unknown bands; 'all' = every type, each in its own rows.
-- param: currency currency "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all, compared in USD.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: limit count 50 At most this many bands.
-- note: ratio = band max / band min in the band's own currency; only bands with both edges count.
--
-- In any DuckDB client: SET VARIABLE company = 'ramp'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
SELECT
    f.company,
    f.title,
    f.location,
    coalesce(f.zone, '') AS zone,
    f.min_amount,
    f.max_amount,
    f.currency,
    f.period,
    f.pay_type,
    round(f.max_amount / f.min_amount, 2) AS ratio,
    round(f.annual_max_usd - f.annual_min_usd) AS width_usd,
    f.url
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
  AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
       OR f.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
  AND (coalesce(getvariable('currency'), '') = '' OR f.currency = upper(trim(getvariable('currency'))))
  AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
  AND f.min_amount > 0 AND f.max_amount > 0
ORDER BY f.max_amount / f.min_amount DESC, width_usd DESC NULLS LAST, f.company, f.title, f.posting_id, f.band_no
LIMIT coalesce(getvariable('limit')::BIGINT, 50);
