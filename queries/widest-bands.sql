-- name: widest-bands
-- about: The widest individual bands (max/min ratio), e.g. to spot a range that spans several levels.
-- example: --limit 10 --currency USD
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
-- param: pay_type choice[base|total|ote|unknown|all] base Only base, total, ote or unknown bands; 'all' = every type, each in its own rows.
-- param: currency currency "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all, compared in USD.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: limit count 50 At most this many bands.
-- note: ratio = band max / band min in the band's own currency; only bands with both edges count.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
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
WHERE posting_matches(f.title, f.company, f.role_family, f.seniority, f.country, f.city, f.metro, f.remote, f.is_ai_ml, f.is_active)
  AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
       OR f.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
  AND (coalesce(getvariable('currency'), '') = '' OR f.currency = upper(trim(getvariable('currency'))))
  AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
  AND f.min_amount > 0 AND f.max_amount > 0
ORDER BY f.max_amount / f.min_amount DESC, width_usd DESC NULLS LAST, f.company, f.title, f.posting_id, f.band_no
LIMIT coalesce(getvariable('limit')::BIGINT, 50);
