-- name: pay-ranges
-- about: Pay ranges of postings whose title matches a search, highest first.
-- example: --title "product manager" --pay-type total
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: pay_type choice[base|total|ote|unknown|all] "" Only base, total, ote or unknown bands; empty = all.
-- param: role_family choice[ml_engineer|ml_platform|research_scientist|applied_scientist|research_engineer|data_scientist|data_engineer|software_engineer|engineering_manager|product_manager|program_manager|other|unclassified] "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority choice[intern|junior|mid|senior|staff|principal|director|executive|unstated|unknown] "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive, unstated (no level in the title) ('unknown'); empty = all.
-- param: country country "" Only this country: ISO code or English name (US, GB, Germany); the band's place, see the note on places; empty = all.
-- param: metro metro "" Only this metro area, e.g. "bay area", "nyc metro", "greater london" (a closed list: a wrong name lists them); empty = all.
-- param: city city "" Only this city, e.g. "San Francisco", "Bengaluru" (aliases such as NYC or Bangalore work); empty = all.
-- param: remote bool null Only bands open to remote work (--remote), or only those that are not (--no-remote); unset = both.
-- param: currency currency "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: limit count 500 At most this many rows.
-- note: total (e.g. Netflix "market range") is total compensation, not base salary: compare like with like.
-- note: place = the band's metro area, else its city, else its country.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
--
-- In any DuckDB client: SET VARIABLE title = 'machine learning'; then run this file.
-- The top rows are picked from band_facts first; only they are joined with pay_bands, for origin.
WITH top AS (
    SELECT f.posting_key, f.band_no, f.company, f.title, f.location,
           coalesce(f.zone, '') AS zone,
           coalesce(f.metro, f.city, f.country, '') AS place,
           f.min_amount, f.max_amount, f.currency, f.period, f.annual_min_usd, f.annual_max_usd, f.pay_type
    FROM band_facts f
    WHERE posting_matches(f.title, f.company, f.role_family, f.seniority, f.country, f.city, f.metro, f.remote,
                          f.is_ai_ml, f.is_active)
      AND (lower(coalesce(getvariable('pay_type'), '')) IN ('', 'all') OR f.pay_type = lower(trim(getvariable('pay_type'))))
      AND (coalesce(getvariable('currency'), '') = '' OR f.currency = upper(trim(getvariable('currency'))))
      AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
    ORDER BY f.annual_max_usd DESC NULLS LAST, f.company, f.title, f.posting_key, f.band_no
    LIMIT coalesce(getvariable('limit')::BIGINT, 500)
)
SELECT t.* EXCLUDE (posting_key, band_no), b.origin
FROM top t
JOIN pay_bands b USING (posting_key, band_no)
ORDER BY t.annual_max_usd DESC NULLS LAST, t.company, t.title, t.posting_key, t.band_no;
