-- name: offer-percentile
-- about: Where an offer falls among comparable postings' bands: its percentile and how many bands it was compared with.
-- example: --amount 240000 --title "machine learning engineer" --country US
-- param: amount amount required The offer, in --currency per --period (e.g. 240000).
-- param: currency currency USD Currency of the offer (ISO code).
-- param: period choice[year|month|week|day|hour] year Period of the offer: year, month, week, day or hour.
-- param: fx_rate amount null USD per unit of --currency; default: the rate the database used for that currency.
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
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- note: percentile = share of comparable bands whose midpoint is below the offer (ties count half), 0-100.
-- note: comparable = same pay type (base unless --pay-type) and every --title word in the title; amounts annualized, in USD.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
--
-- In any DuckDB client: SET VARIABLE title = 'machine learning engineer'; SET VARIABLE amount = 240000; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH offer AS (
    SELECT getvariable('amount')::DOUBLE AS amount,
           upper(coalesce(nullif(trim(getvariable('currency')), ''), 'USD')) AS currency,
           lower(coalesce(nullif(trim(getvariable('period')), ''), 'year')) AS period
),
target AS (
    SELECT o.amount, o.currency, o.period,
           o.amount * CASE o.period WHEN 'year' THEN 1 WHEN 'month' THEN 12 WHEN 'week' THEN 52
                                    WHEN 'day' THEN 260 WHEN 'hour' THEN 2080 END AS annual_amount,
           coalesce(
               getvariable('fx_rate')::DOUBLE,
               CASE WHEN o.currency = 'USD' THEN 1.0 END,
               -- the dated FX table lives outside the database: recover its rate from stored conversions
               (SELECT median(annual_max_usd / annual_max) FROM pay_band_versions
                WHERE currency = o.currency AND annual_max > 0 AND annual_max_usd > 0)
           ) AS usd_per_unit
    FROM offer o
),
x AS (
    SELECT *, annual_amount * usd_per_unit AS annual_usd FROM target
),
bands AS (
    SELECT f.posting_key, f.first_of_type, f.first_of_posting, f.uniform AND (f.place_uniform OR NOT place_filtered()) AS counted_once, f.annual_min_usd, f.annual_max_usd,
           f.annual_mid_usd AS mid
    FROM band_facts f
    WHERE posting_matches(f.title, f.company, f.role_family, f.seniority, f.country, f.city, f.metro, f.remote, f.is_ai_ml, f.is_active)
      AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
           OR f.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
      AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT f.is_estimate)
      AND f.annual_mid_usd IS NOT NULL
),
stats AS (
    SELECT count(*) AS compared_bands,
           -- a posting counts once: by its first band (of the pay type asked for, or of all), or
           -- distinct when its bands differ in what the filters test (band_facts.uniform)
           count(*) FILTER (b.counted_once AND CASE WHEN lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
                                               THEN b.first_of_posting ELSE b.first_of_type END)
               + (SELECT count(DISTINCT posting_key) FROM bands WHERE NOT counted_once) AS compared_postings,
           count(*) FILTER (b.mid < x.annual_usd) AS mids_below,
           count(*) FILTER (b.mid = x.annual_usd) AS mids_equal,
           count(*) FILTER (coalesce(b.annual_max_usd, b.annual_min_usd) < x.annual_usd) AS bands_below_offer,
           count(*) FILTER (coalesce(b.annual_min_usd, b.annual_max_usd) <= x.annual_usd
                            AND x.annual_usd <= coalesce(b.annual_max_usd, b.annual_min_usd)) AS bands_containing_offer,
           count(*) FILTER (x.annual_usd < coalesce(b.annual_min_usd, b.annual_max_usd)) AS bands_above_offer,
           quantile_cont(b.mid, [0.25, 0.5, 0.75]) AS q
    FROM bands b, x
)
SELECT x.amount, x.currency, x.period,
       round(x.annual_usd) AS annual_usd,
       s.compared_bands, s.compared_postings,
       -- no offer (or no rate): NULL, not a misleading 0th percentile
       CASE WHEN x.annual_usd IS NOT NULL
            THEN round(100.0 * (s.mids_below + 0.5 * s.mids_equal) / nullif(s.compared_bands, 0), 1) END AS percentile,
       CASE WHEN x.annual_usd IS NOT NULL THEN s.bands_below_offer END AS bands_below_offer,
       CASE WHEN x.annual_usd IS NOT NULL THEN s.bands_containing_offer END AS bands_containing_offer,
       CASE WHEN x.annual_usd IS NOT NULL THEN s.bands_above_offer END AS bands_above_offer,
       round(s.q[1]) AS mid_p25, round(s.q[2]) AS mid_p50, round(s.q[3]) AS mid_p75,
       CASE
           WHEN x.amount IS NULL THEN 'give the offer amount (--amount, or SET VARIABLE amount)'
           WHEN x.annual_amount IS NULL THEN 'period must be year, month, week, day or hour'
           WHEN x.usd_per_unit IS NULL THEN 'no FX rate for ' || x.currency || ' in the database: pass --fx-rate'
           WHEN s.compared_bands = 0 THEN 'no comparable bands: try fewer --title words or other filters'
           WHEN s.compared_postings < 5 THEN 'only ' || s.compared_postings || ' comparable postings: a rough guide at best'
           ELSE 'compared with ' || s.compared_bands || ' bands of ' || s.compared_postings || ' postings ('
                || lower(coalesce(nullif(trim(getvariable('pay_type')), ''), 'base')) || ' pay)'
       END AS note
FROM x, stats s;
