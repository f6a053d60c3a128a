-- name: by-location
-- about: Pay by country (or by country and metro area, or city): p10-p90 of annual USD band midpoints, with counts.
-- example: --by metro --country US --title engineer
-- param: by choice[country|metro|city] country Group by 'country', by 'metro' (country and metro area) or by 'city' (country and city).
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
-- note: place = the metro area ('elsewhere' = in none of the listed metros) or the city ('unknown' = none stated); empty when grouping by country.
-- note: a posting with bands for several places (e.g. NYC and SF zones) counts once in each place's group.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
--
-- In any DuckDB client: SET VARIABLE by = 'city'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH bands AS (
    SELECT coalesce(f.country, 'unknown') AS country,
           CASE lower(coalesce(getvariable('by'), 'country'))
                WHEN 'city' THEN coalesce(f.city, 'unknown')
                WHEN 'metro' THEN coalesce(f.metro, 'elsewhere')
                ELSE '' END AS place,
           f.pay_type, f.posting_key, f.first_of_type,
           -- every band of the posting is in this group and passes the filters together with the rest
           f.uniform AND f.place_uniform AS one_group,
           f.annual_mid_usd AS mid
    FROM band_facts f
    WHERE posting_matches(f.title, f.company, f.role_family, f.seniority, f.country, f.city, f.metro, f.remote, f.is_ai_ml, f.is_active)
      AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
           OR f.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
      AND (coalesce(getvariable('currency'), '') = '' OR f.currency = upper(trim(getvariable('currency'))))
      AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
      AND f.annual_mid_usd IS NOT NULL
),
-- grouped by the band's place: a posting with bands in several places counts in each. A posting
-- whose bands all lie in one place counts by its first band of the type; the others, by a distinct
-- count over their bands alone (a distinct count over every band cost twice the rest of the query).
spread AS (
    SELECT country, place, pay_type, count(DISTINCT posting_key) AS postings
    FROM bands WHERE NOT one_group
    GROUP BY country, place, pay_type
),
groups AS (
    SELECT country, place, pay_type,
           count(*) FILTER (one_group AND first_of_type) AS once,
           count(*) AS bands,
           quantile_cont(mid, [0.1, 0.25, 0.5, 0.75, 0.9]) AS q
    FROM bands
    GROUP BY country, place, pay_type
),
counted AS (
    SELECT country, place, pay_type, g.once + coalesce(s.postings, 0) AS postings, g.bands, g.q
    FROM groups g LEFT JOIN spread s USING (country, place, pay_type)
)
SELECT country, place, pay_type, postings, bands,
       round(q[1]) AS mid_p10,
       round(q[2]) AS mid_p25,
       round(q[3]) AS mid_p50,
       round(q[4]) AS mid_p75,
       round(q[5]) AS mid_p90,
       postings < coalesce(getvariable('min_n')::BIGINT, 5) AS small_group
FROM counted
ORDER BY postings DESC, country, place, pay_type
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
