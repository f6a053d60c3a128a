-- name: total-vs-base
-- about: Base salary next to total-compensation, OTE and unstated bands, per company (or role family, seniority, country).
-- example: --by company --company netflix
-- param: by choice[company|role_family|seniority|country] company Group by company, role_family, seniority or country.
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
-- param: currency currency "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all, compared in USD.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: mixed_only bool true Only groups that post some pay that is not base salary.
-- param: limit count 500 At most this many rows.
-- note: total-comp ranges (e.g. Netflix "market range": base + bonus + equity) and OTE are NOT base pay:
-- note: vs_base = this pay type's median midpoint / the same group's base median; comparable_to_base is FALSE for them.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
--
-- In any DuckDB client: SET VARIABLE by = 'company'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH bands AS (
    SELECT CASE lower(coalesce(getvariable('by'), 'company'))
               WHEN 'role_family' THEN coalesce(f.role_family, 'unclassified')
               WHEN 'seniority' THEN coalesce(f.seniority, 'unknown')
               WHEN 'country' THEN coalesce(f.country, 'unknown')
               ELSE f.company
           END AS grp,
           f.pay_type, f.posting_key, f.first_of_type, f.uniform AND (f.place_uniform OR NOT place_filtered()) AS counted_once,
           f.annual_mid_usd AS mid
    FROM band_facts f
    WHERE posting_matches(f.title, f.company, f.role_family, f.seniority, f.country, f.city, f.metro, f.remote, f.is_ai_ml, f.is_active)
      AND (coalesce(getvariable('currency'), '') = '' OR f.currency = upper(trim(getvariable('currency'))))
      AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
      AND f.annual_mid_usd IS NOT NULL
),
groups AS (
    SELECT grp, pay_type,
           count(*) FILTER (counted_once AND first_of_type)
               + coalesce(len(list_distinct(list(posting_key) FILTER (NOT counted_once))), 0) AS postings,
           count(*) AS bands,
           quantile_cont(mid, [0.25, 0.5, 0.75]) AS q
    FROM bands
    GROUP BY grp, pay_type
),
g AS (
    SELECT *,
           max(q[2]) FILTER (pay_type = 'base') OVER (PARTITION BY grp) AS base_p50,
           bool_or(pay_type <> 'base') OVER (PARTITION BY grp) AS mixed
    FROM groups
)
SELECT g.grp AS "group", g.pay_type, g.postings, g.bands,
       round(g.q[1]) AS mid_p25, round(g.q[2]) AS mid_p50, round(g.q[3]) AS mid_p75,
       round(g.q[2] / g.base_p50, 2) AS vs_base,
       g.pay_type = 'base' AS comparable_to_base,
       CASE g.pay_type
               WHEN 'base' THEN 'base salary'
               WHEN 'total' THEN 'total comp (base + bonus + equity), not base pay: vs_base divides a total by a base median, it is no pay premium'
               WHEN 'ote' THEN 'on-target earnings (base + commission), not base pay: vs_base divides an OTE by a base median'
               ELSE 'pay type not stated: compare with care; vs_base divides it by the base median'
           END AS note
FROM g
WHERE g.mixed OR NOT coalesce(getvariable('mixed_only')::BOOLEAN, true)
ORDER BY g.grp, list_position(['base', 'total', 'ote', 'unknown'], g.pay_type)
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
