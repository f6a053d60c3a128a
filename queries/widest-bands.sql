-- name: widest-bands
-- about: The widest individual bands (max/min ratio), e.g. to spot a range that spans several levels.
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: role_family text "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority text "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive ('unknown'); empty = all.
-- param: country text "" Only this country, ISO code as classified (US, GB, DE; location text if unclassified); empty = all.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: pay_type text base Only base, total, ote or unknown bands; 'all' = every type, each in its own rows.
-- param: currency text "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all, compared in USD.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: limit int 50 At most this many bands.
-- note: ratio = band max / band min in the band's own currency; only bands with both edges count.
--
-- In any DuckDB client: SET VARIABLE company = 'ramp'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
SELECT
    p.company,
    p.title,
    p.location,
    coalesce(b.zone, '') AS zone,
    b.min_amount,
    b.max_amount,
    b.currency,
    b.period,
    b.pay_type,
    round(b.max_amount / b.min_amount, 2) AS ratio,
    round(b.annual_max_usd - b.annual_min_usd) AS width_usd,
    p.url
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
  AND (coalesce(getvariable('role_family'), '') = ''
       OR lower(coalesce(p.role_family, 'unclassified')) = lower(trim(getvariable('role_family'))))
  AND (coalesce(getvariable('seniority'), '') = ''
       OR lower(coalesce(p.seniority, 'unknown')) = lower(trim(getvariable('seniority'))))
  AND (coalesce(getvariable('country'), '') = ''
       OR lower(p.country) = lower(trim(getvariable('country')))
       OR (p.country IS NULL AND contains(lower(p.location), lower(trim(getvariable('country'))))))
  AND (NOT coalesce(getvariable('ai_only')::BOOLEAN, false) OR p.is_ai_ml)
  AND (NOT coalesce(getvariable('active_only')::BOOLEAN, true) OR p.is_active)
  AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
       OR b.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
  AND (coalesce(getvariable('currency'), '') = '' OR b.currency = upper(trim(getvariable('currency'))))
  AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT b.is_estimate)
  AND b.min_amount > 0 AND b.max_amount > 0
ORDER BY b.max_amount / b.min_amount DESC, width_usd DESC NULLS LAST, p.company, p.title
LIMIT coalesce(getvariable('limit')::BIGINT, 50);
