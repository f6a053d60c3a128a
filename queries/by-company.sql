-- name: by-company
-- about: Pay by company: postings and bands counted, p10-p90 of annual USD band midpoints, typical band edges.
-- example: --title engineer --seniority senior
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
-- param: min_n count 5 Groups with fewer postings than this are flagged small_group (too few to trust).
-- param: limit count 500 At most this many rows.
-- note: mid_* = band midpoints; min_p50 / max_p50 = the median band's lower and upper edge; annualized, in USD.
-- note: small_group = fewer than min_n postings: too few to call it the company's pay.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
--
-- In any DuckDB client: SET VARIABLE role_family = 'ml_engineer'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH bands AS (
    SELECT f.company, f.pay_type, f.posting_key, f.first_of_type, f.uniform AND (f.place_uniform OR NOT place_filtered()) AS counted_once, f.annual_min_usd, f.annual_max_usd,
           f.annual_mid_usd AS mid
    FROM band_facts f
    WHERE posting_matches(f.title, f.company, f.role_family, f.seniority, f.country, f.city, f.metro, f.remote, f.is_ai_ml, f.is_active)
      AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
           OR f.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
      AND (coalesce(getvariable('currency'), '') = '' OR f.currency = upper(trim(getvariable('currency'))))
      AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
      AND f.annual_mid_usd IS NOT NULL
),
groups AS (
    SELECT company, pay_type,
           count(*) FILTER (counted_once AND first_of_type)
               + coalesce(len(list_distinct(list(posting_key) FILTER (NOT counted_once))), 0) AS postings,
           count(*) AS bands,
           quantile_cont(mid, [0.1, 0.25, 0.5, 0.75, 0.9]) AS q,
           quantile_cont(annual_min_usd, 0.5) AS min_p50,
           quantile_cont(annual_max_usd, 0.5) AS max_p50,
           min(annual_min_usd) AS lowest_min,
           max(annual_max_usd) AS highest_max
    FROM bands
    GROUP BY company, pay_type
)
SELECT company, pay_type, postings, bands,
       round(q[1]) AS mid_p10,
       round(q[2]) AS mid_p25,
       round(q[3]) AS mid_p50,
       round(q[4]) AS mid_p75,
       round(q[5]) AS mid_p90,
       round(min_p50) AS min_p50, round(max_p50) AS max_p50,
       round(lowest_min) AS lowest_min, round(highest_max) AS highest_max,
       postings < coalesce(getvariable('min_n')::BIGINT, 5) AS small_group
FROM groups
ORDER BY mid_p50 DESC NULLS LAST, company, pay_type
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
