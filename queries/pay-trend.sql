-- name: pay-trend
-- about: Pay across crawls: p25/median/p75 annual USD band midpoint of the bands current at each crawl date.
-- example: --role-family ml_engineer --pay-type base
-- param: title text "" Words that must all appear in the title (case-insensitive); empty = every title.
-- param: company text "" Only companies whose name contains this (case-insensitive); empty = all.
-- param: role_family choice[ml_engineer|ml_platform|research_scientist|applied_scientist|research_engineer|data_scientist|data_engineer|software_engineer|engineering_manager|product_manager|program_manager|other|unclassified] "" Only this role family, e.g. ml_engineer ('unclassified' = not classified yet); empty = all.
-- param: seniority choice[intern|junior|mid|senior|staff|principal|director|executive|unstated|unknown] "" Only this seniority: intern, junior, mid, senior, staff, principal, director, executive, unstated (no level in the title) ('unknown'); empty = all.
-- param: country country "" Only this country: ISO code or English name (US, GB, Germany); the band's place, see the note on places; empty = all.
-- param: metro metro "" Only this metro area, e.g. "bay area", "nyc metro", "greater london" (a closed list: a wrong name lists them); empty = all.
-- param: city city "" Only this city, e.g. "San Francisco", "Bengaluru" (aliases such as NYC or Bangalore work); empty = all.
-- param: remote bool null Only bands open to remote work (--remote), or only those that are not (--no-remote); unset = both.
-- param: ai_only bool false Only postings classified as AI/ML.
-- param: pay_type choice[base|total|ote|unknown|all] base Only base, total, ote or unknown bands; 'all' = every type, each in its own rows.
-- param: currency currency "" Only bands stated in this currency (ISO code, e.g. EUR); empty = all, compared in USD.
-- param: include_estimates bool false Also use site estimates (schema.org estimatedSalary), which are not posted pay.
-- param: limit count 1000 At most this many rows.
-- note: each date is a snapshot at that day's last successful crawl: the bands then current, of postings then open.
-- note: percentiles come from a $1,000 histogram (within about $1,000 of exact): one pass over the history.
-- note: a move in the median can mean pay changed or that the mix of postings changed; look at the band counts.
-- note: places: a band's zone place ("NYC", "EU - Level 4") wins over the posting's location when the zone names one; see docs/SCHEMA.md, band_facts.
--
-- In any DuckDB client: SET VARIABLE role_family = 'ml_engineer'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
WITH runs AS (
    SELECT CAST(timezone('UTC', finished_at) AS DATE) AS crawl_date, max(finished_at) AS snap_at
    FROM crawl_runs
    WHERE kind = 'crawl' AND status IN ('ok', 'partial') AND finished_at IS NOT NULL
    GROUP BY crawl_date
),
-- Every band version with its posting's columns: current ones from band_facts, superseded ones
-- (few) from pay_band_versions with their postings; filtered once.
versions AS (
    SELECT title, company, role_family, seniority, country, city, metro, remote, is_ai_ml,
           pay_type, currency, is_estimate, annual_mid_usd,
           seen_since AS valid_from, coalesce(removed_at, 'infinity'::TIMESTAMPTZ) AS valid_to
    FROM band_facts
    UNION ALL
    -- placed by the rule band_facts follows (scraper/schema.py, zone_place_wins), among the
    -- posting's bands of the same version
    SELECT o.title, o.company, o.role_family, o.seniority,
           CASE WHEN o.zone_wins THEN o.z_country ELSE o.country END,
           CASE WHEN o.zone_wins THEN o.z_city ELSE o.city END,
           CASE WHEN o.zone_wins THEN o.z_metro ELSE o.metro END,
           CASE WHEN coalesce(o.z_remote, false) THEN 'remote' ELSE o.remote END,
           o.is_ai_ml, o.pay_type, o.currency, o.is_estimate, o.annual_mid_usd, o.valid_from, o.valid_to
    FROM (
        SELECT p.title, p.company, p.role_family, p.seniority, p.country, p.city, p.metro, p.remote, p.is_ai_ml,
               b.pay_type, b.currency, b.is_estimate,
               (coalesce(b.annual_min_usd, b.annual_max_usd) + coalesce(b.annual_max_usd, b.annual_min_usd)) / 2
                   AS annual_mid_usd,
               b.valid_from, least(b.valid_to, coalesce(p.removed_at, 'infinity'::TIMESTAMPTZ)) AS valid_to,
               z.country AS z_country, z.city AS z_city, z.metro AS z_metro, z.remote AS z_remote,
               zone_place_wins(z.places, z.ambiguous, z.cities, z.metros, z.city, z.metro, z.region, z.country,
                               p.city, p.metro, p.region, p.country,
                               count(DISTINCT b.zone) OVER (PARTITION BY b.posting_key, b.valid_from)) AS zone_wins
        FROM postings p
        JOIN pay_band_versions b USING (posting_key)
        LEFT JOIN zone_places z ON z.zone = b.zone
        WHERE b.valid_to IS NOT NULL AND p.duplicate_of IS NULL  -- as band_facts: an opening counts once
    ) o
),
bands AS (
    SELECT v.pay_type, v.valid_from, v.valid_to, round(v.annual_mid_usd / 1000) AS bucket
    FROM versions v
    WHERE posting_matches(v.title, v.company, v.role_family, v.seniority, v.country, v.city, v.metro, v.remote, v.is_ai_ml, TRUE)
      AND (lower(coalesce(getvariable('pay_type'), 'base')) IN ('', 'all')
           OR v.pay_type = lower(trim(coalesce(getvariable('pay_type'), 'base'))))
      AND (coalesce(getvariable('currency'), '') = '' OR v.currency = upper(trim(getvariable('currency'))))
      AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT v.is_estimate)
      AND v.annual_mid_usd IS NOT NULL
),
-- Bands are counted per start (and end) time first: a crawl writes a few timestamps, so the ASOF
-- joins see a few thousand rows instead of every band.
starts AS (
    SELECT valid_from AS t, pay_type, bucket, count(*) AS n FROM bands GROUP BY ALL
),
ends AS (
    SELECT valid_to AS t, pay_type, bucket, count(*) AS n FROM bands WHERE valid_to < 'infinity' GROUP BY ALL
),
events AS (
    SELECT r.snap_at, s.pay_type, s.bucket, s.n AS d FROM starts s ASOF JOIN runs r ON s.t <= r.snap_at
    UNION ALL
    SELECT r.snap_at, e.pay_type, e.bucket, -e.n AS d FROM ends e ASOF JOIN runs r ON e.t <= r.snap_at
),
deltas AS (
    SELECT snap_at, pay_type, bucket, sum(d) AS d FROM events GROUP BY snap_at, pay_type, bucket
),
hist AS (
    SELECT r.crawl_date, k.pay_type, k.bucket,
           sum(coalesce(x.d, 0)) OVER (PARTITION BY k.pay_type, k.bucket ORDER BY r.snap_at) AS n
    FROM runs r
    CROSS JOIN (SELECT DISTINCT pay_type, bucket FROM deltas) k
    LEFT JOIN deltas x ON x.snap_at = r.snap_at AND x.pay_type = k.pay_type AND x.bucket = k.bucket
),
cum AS (
    SELECT *,
           sum(n) OVER (PARTITION BY crawl_date, pay_type ORDER BY bucket) AS upto,
           sum(n) OVER (PARTITION BY crawl_date, pay_type) AS total
    FROM hist
    WHERE n > 0
)
-- each percentile: interpolate inside the first bucket whose running count reaches it
SELECT crawl_date, pay_type, any_value(total)::BIGINT AS bands,
       round(1000 * arg_min(bucket - 0.5 + (0.25 * total - (upto - n)) / n, bucket) FILTER (upto >= 0.25 * total)) AS mid_p25,
       round(1000 * arg_min(bucket - 0.5 + (0.50 * total - (upto - n)) / n, bucket) FILTER (upto >= 0.50 * total)) AS mid_p50,
       round(1000 * arg_min(bucket - 0.5 + (0.75 * total - (upto - n)) / n, bucket) FILTER (upto >= 0.75 * total)) AS mid_p75
FROM cum
GROUP BY crawl_date, pay_type
ORDER BY crawl_date, pay_type
LIMIT coalesce(getvariable('limit')::BIGINT, 1000);
