-- name: band-changes
-- about: Pay bands that changed between crawls since a date: raised, lowered, added or removed, with the change in %.
-- example: --since 2020-01-01 --role-family ml_engineer
-- param: since date null From this date (UTC, YYYY-MM-DD); default: 7 days before the latest crawl.
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
-- param: limit count 500 At most this many rows.
-- note: one row per band that changed; old_* NULL = the band appeared, new_* NULL = it went (posting still listed).
-- note: change_pct compares annual USD midpoints, old to new.
-- note: places: here the posting's location (a posting, or a change of its bands, has no single band place).
--
-- In any DuckDB client: SET VARIABLE since = DATE '2025-06-01'; then run this file (unset variables take the defaults above;
-- variables stay set for the session, so RESET VARIABLE the ones you no longer want).
-- Same pairing as the pay_band_changes view (old and new band sets pair up by zone and order), but
-- restricted to versions that closed or opened since the date first: the view pairs the whole
-- history on every call, which takes seconds on a million postings.
WITH since AS (
    SELECT timezone('UTC', coalesce(getvariable('since')::DATE,
                                    (SELECT max(started_at) FROM crawl_runs)::DATE - 7,
                                    current_date - 7)::TIMESTAMP) AS t
),
old AS (
    SELECT *, row_number() OVER (PARTITION BY posting_key, valid_to, coalesce(zone, '') ORDER BY band_no) AS k
    FROM pay_band_versions
    WHERE valid_to >= (SELECT t FROM since)
),
new AS (
    -- a posting's first band set (valid_from = first_seen) is not a change: drop it before pairing
    SELECT v.*, row_number() OVER (PARTITION BY v.posting_key, v.valid_from, coalesce(v.zone, '') ORDER BY v.band_no) AS k
    FROM pay_band_versions v
    JOIN postings fp ON fp.posting_key = v.posting_key AND v.valid_from > fp.first_seen
    WHERE v.valid_from >= (SELECT t FROM since)
),
pairs AS (
    SELECT coalesce(o.posting_key, n.posting_key) AS posting_key,
           coalesce(o.valid_to, n.valid_from) AS changed_at,
           coalesce(n.zone, o.zone) AS zone,
           o.min_amount AS old_min_amount, o.max_amount AS old_max_amount,
           n.min_amount AS new_min_amount, n.max_amount AS new_max_amount,
           o.currency AS old_currency, n.currency AS new_currency,
           o.period AS old_period, n.period AS new_period,
           o.pay_type AS old_pay_type, n.pay_type AS new_pay_type,
           (coalesce(o.annual_min_usd, o.annual_max_usd) + coalesce(o.annual_max_usd, o.annual_min_usd)) / 2 AS old_mid,
           (coalesce(n.annual_min_usd, n.annual_max_usd) + coalesce(n.annual_max_usd, n.annual_min_usd)) / 2 AS new_mid,
           coalesce(o.is_estimate, false) OR coalesce(n.is_estimate, false) AS is_estimate
    FROM old o
    FULL JOIN new n
      ON o.posting_key = n.posting_key AND o.valid_to = n.valid_from
     AND coalesce(o.zone, '') = coalesce(n.zone, '') AND o.k = n.k
),
c AS (
    SELECT *
    FROM pairs
    WHERE (old_min_amount IS DISTINCT FROM new_min_amount
           OR old_max_amount IS DISTINCT FROM new_max_amount
           OR old_currency IS DISTINCT FROM new_currency
           OR old_period IS DISTINCT FROM new_period
           OR old_pay_type IS DISTINCT FROM new_pay_type)
)
SELECT c.changed_at, p.company, p.title, coalesce(c.zone, '') AS zone,
       CASE
           WHEN c.old_currency IS NULL THEN 'added'
           WHEN c.new_currency IS NULL THEN 'removed'
           WHEN c.old_currency <> c.new_currency OR c.old_period <> c.new_period
                OR c.old_pay_type <> c.new_pay_type THEN 'changed'
           WHEN c.new_mid > c.old_mid THEN 'raised'
           WHEN c.new_mid < c.old_mid THEN 'lowered'
           ELSE 'changed'
       END AS change,
       c.old_min_amount, c.old_max_amount, c.new_min_amount, c.new_max_amount,
       coalesce(c.new_currency, c.old_currency) AS currency,
       coalesce(c.new_period, c.old_period) AS period,
       coalesce(c.new_pay_type, c.old_pay_type) AS pay_type,
       round(c.old_mid) AS old_mid_usd, round(c.new_mid) AS new_mid_usd,
       round(100.0 * (c.new_mid - c.old_mid) / c.old_mid, 1) AS change_pct,
       p.posting_id
FROM c
JOIN postings p USING (posting_key)
WHERE posting_matches(p.title, p.company, p.role_family, p.seniority, p.country, p.city, p.metro, p.remote, p.is_ai_ml, p.is_active)
  AND p.duplicate_of IS NULL  -- one opening on two boards of a company changes once
  AND (coalesce(getvariable('currency'), '') = ''
       OR coalesce(c.new_currency, c.old_currency) = upper(trim(getvariable('currency'))))
  AND (coalesce(getvariable('include_estimates')::BOOLEAN, false) OR NOT c.is_estimate)
ORDER BY c.changed_at DESC, p.company, p.title, zone
LIMIT coalesce(getvariable('limit')::BIGINT, 500);
