-- name: pay-ranges
-- about: Pay ranges of postings whose title matches a search, highest first.
-- param: title text "" Case-insensitive words to find in the title (all must match); empty = every title.
-- param: company text "" Only this company (case-insensitive substring); empty = all.
-- param: pay_type text "" Only base, total, ote or unknown bands; empty = all.
-- param: active_only bool true Only postings still open at the last crawl.
-- param: limit int 500 At most this many rows.
-- note: total (e.g. Netflix "market range") is total compensation, not base salary: compare like with like.
--
-- In any DuckDB client: SET VARIABLE title = 'machine learning'; then run this file.
SELECT
    p.company,
    p.title,
    p.location,
    coalesce(b.zone, '') AS zone,
    b.min_amount,
    b.max_amount,
    b.currency,
    b.period,
    b.annual_min_usd,
    b.annual_max_usd,
    b.pay_type,
    b.origin
FROM postings p
JOIN pay_bands b USING (posting_id)
WHERE (
        coalesce(getvariable('title'), '') = ''
        OR list_bool_and(
            list_transform(
                string_split(lower(trim(getvariable('title'))), ' '),
                lambda w: w = '' OR contains(lower(p.title), w)
            )
        )
    )
  AND (coalesce(getvariable('company'), '') = '' OR contains(lower(p.company), lower(getvariable('company'))))
  AND (coalesce(getvariable('pay_type'), '') = '' OR b.pay_type = lower(getvariable('pay_type')))
  AND (NOT coalesce(getvariable('active_only'), true) OR p.is_active)
  AND NOT b.is_estimate
ORDER BY b.annual_max_usd DESC NULLS LAST, p.company, p.title
LIMIT coalesce(getvariable('limit'), 500);
