"""The DuckDB schema: the one place tables and views are defined, versioned.

Bump SCHEMA_VERSION and add a step to MIGRATIONS whenever the schema
changes; `ensure_schema` upgrades older files and refuses newer ones.
Table and column meanings are documented in docs/SCHEMA.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import duckdb

from .errors import SchemaError

SCHEMA_VERSION = 9


TABLES = [
    "CREATE SEQUENCE IF NOT EXISTS posting_key_seq START 1",
    """
    CREATE TABLE IF NOT EXISTS meta (
        key   VARCHAR PRIMARY KEY,
        value VARCHAR
    )""",
    """
    CREATE TABLE IF NOT EXISTS crawl_runs (
        run_id            BIGINT PRIMARY KEY,
        kind              VARCHAR NOT NULL,      -- crawl | reparse
        started_at        TIMESTAMPTZ NOT NULL,
        finished_at       TIMESTAMPTZ,
        status            VARCHAR NOT NULL,      -- running | ok | attention | partial | failed | incomplete
        config_path       VARCHAR,
        companies         INTEGER DEFAULT 0,
        companies_failed  INTEGER DEFAULT 0,
        postings          INTEGER DEFAULT 0,     -- postings seen in this run
        bands             INTEGER DEFAULT 0,     -- bands of those postings
        new_postings      INTEGER DEFAULT 0,
        updated_postings  INTEGER DEFAULT 0,     -- title/location/description changed
        removed_postings  INTEGER DEFAULT 0,
        changed_bands     INTEGER DEFAULT 0,     -- postings whose band set changed
        requests          INTEGER DEFAULT 0,
        errors            JSON,                  -- [{company, error}]
        summary           JSON,
        pid               INTEGER,               -- v2: the process that ran it (which one died, for 'incomplete')
        host              VARCHAR,               -- v2: the machine it ran on
        paybands_version  VARCHAR                -- v2: the paybands that wrote it
    )""",
    """
    CREATE TABLE IF NOT EXISTS crawl_run_companies (
        run_id           BIGINT NOT NULL,
        company          VARCHAR NOT NULL,
        source           VARCHAR NOT NULL,
        board            VARCHAR NOT NULL,
        status           VARCHAR NOT NULL,       -- ok | empty | failed | skipped | attention (v6)
        postings         INTEGER DEFAULT 0,
        bands            INTEGER DEFAULT 0,
        new_postings     INTEGER DEFAULT 0,
        updated_postings INTEGER DEFAULT 0,
        removed_postings INTEGER DEFAULT 0,
        changed_bands    INTEGER DEFAULT 0,
        error            VARCHAR,
        error_kind       VARCHAR,
        started_at       TIMESTAMPTZ,
        finished_at      TIMESTAMPTZ,
        warnings         INTEGER,                -- v5: pay values the normalizer rejected (NULL before v5)
        held_removals    INTEGER,                -- v6: postings missing from the listing, kept active (held)
        skipped          INTEGER,                -- v6: postings the source saw but could not store (no id ...)
        notes            JSON                    -- v6: the source's sentences about its listing (partial ...)
    )""",
    """
    CREATE TABLE IF NOT EXISTS postings (
        posting_id      VARCHAR NOT NULL,        -- '{source}:{board}:{external_id}', stable
        posting_key     BIGINT NOT NULL DEFAULT nextval('posting_key_seq'),  -- v3: integer key; bands join on it
        company         VARCHAR NOT NULL,
        source          VARCHAR NOT NULL,
        board           VARCHAR NOT NULL,
        external_id     VARCHAR NOT NULL,
        title           VARCHAR NOT NULL,
        url             VARCHAR,
        location        VARCHAR,
        department      VARCHAR,
        employment_type VARCHAR,
        remote          VARCHAR,                 -- remote | hybrid | onsite | NULL (unknown)
        posted_at       TIMESTAMPTZ,
        updated_at      TIMESTAMPTZ,
        -- Long text is zstd-compressed: 4x smaller than the default and much cheaper to write.
        description     VARCHAR USING COMPRESSION zstd,   -- clean text
        content_hash    VARCHAR,                 -- of title, location, description
        raw_hash        VARCHAR,
        band_hash       VARCHAR,
        first_seen      TIMESTAMPTZ NOT NULL,
        last_seen       TIMESTAMPTZ NOT NULL,
        first_run_id    BIGINT,
        last_run_id     BIGINT,
        is_active       BOOLEAN NOT NULL DEFAULT TRUE,
        removed_at      TIMESTAMPTZ,
        removed_run_id  BIGINT,
        is_ai_ml        BOOLEAN,
        role_family     VARCHAR,
        seniority       VARCHAR,
        city            VARCHAR,
        region          VARCHAR,
        country         VARCHAR,
        taxonomy_version VARCHAR,
        content_since   TIMESTAMPTZ,             -- v3: when the current title/location/description began
        content_run_id  BIGINT,                  -- v3: the run that saw them first
        missing_since   TIMESTAMPTZ,             -- v6: first listing that lacked it while it stays active (held)
        missing_run_id  BIGINT,                  -- v6: the run of that listing
        data_status     VARCHAR,                 -- v7: NULL = as crawled; synthetic | reconstructed | demo-account
        data_note       VARCHAR,                 -- v7: where a non-crawled record comes from, in words
        metro           VARCHAR,                 -- v8: metro area of city (scraper.places.METROS), NULL outside
        requisition_id  VARCHAR,                 -- v9: the employer's requisition number, when the board states it
        duplicate_of    VARCHAR                  -- v9: posting_id of the same posting on another board of the
                                                 --   company (scraper.dedupe); NULL = counted. Derived
    )""",
    """
    CREATE TABLE IF NOT EXISTS posting_raw (
        posting_id VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        run_id     BIGINT,
        payload    VARCHAR USING COMPRESSION zstd NOT NULL  -- the source's JSON (or JSON-LD), verbatim
    )""",
    # v3: superseded versions only; the current one is the postings row (view posting_versions joins them),
    # so a new posting's description is written once, not twice.
    """
    CREATE TABLE IF NOT EXISTS posting_history (
        posting_id   VARCHAR NOT NULL,
        posting_key  BIGINT NOT NULL,
        title        VARCHAR,
        location     VARCHAR,
        description  VARCHAR USING COMPRESSION zstd,
        content_hash VARCHAR,
        valid_from   TIMESTAMPTZ NOT NULL,
        valid_to     TIMESTAMPTZ NOT NULL,
        run_id       BIGINT                      -- the run that saw this version first
    )""",
    """
    CREATE TABLE IF NOT EXISTS pay_band_versions (
        posting_id     VARCHAR NOT NULL,
        posting_key    BIGINT NOT NULL,          -- v3: postings.posting_key
        band_no        INTEGER NOT NULL,
        min_amount     DOUBLE,
        max_amount     DOUBLE,
        currency       VARCHAR NOT NULL,
        period         VARCHAR NOT NULL,         -- year | month | week | day | hour
        annual_min     DOUBLE,
        annual_max     DOUBLE,
        annual_min_usd DOUBLE,
        annual_max_usd DOUBLE,
        pay_type       VARCHAR NOT NULL,         -- base | total | ote | unknown
        zone           VARCHAR,
        origin         VARCHAR NOT NULL,         -- structured | text
        is_estimate    BOOLEAN NOT NULL DEFAULT FALSE,
        source_text    VARCHAR,
        valid_from     TIMESTAMPTZ NOT NULL,
        valid_to       TIMESTAMPTZ,              -- NULL = current
        run_id         BIGINT,                   -- the run that wrote this version (valid_from)
        -- v5 (appended, so a new file and an upgraded one have the same column order):
        rule           VARCHAR,                  -- why the band exists: text:range, structured:greenhouse ...
        evidence_start INTEGER,                  -- offsets of the band's amounts in the text it was parsed
        evidence_end   INTEGER,                  --   from (text bands); NULL for structured ones
        closed_run_id  BIGINT                    -- the run that closed this version (valid_to)
    )""",
    # v8: what each distinct zone label names (scraper.places.parse_zone), filled by the store for
    # the zones it writes and refreshed when the parser changes (`version`). Derived, like band_facts.
    """
    CREATE TABLE IF NOT EXISTS zone_places (
        zone       VARCHAR PRIMARY KEY,
        places     INTEGER NOT NULL,             -- how many places the label names (0: none)
        city       VARCHAR,                      -- what all of them share
        metro      VARCHAR,
        region     VARCHAR,
        country    VARCHAR,
        remote     BOOLEAN NOT NULL,             -- the label says remote ("US - Remote")
        level      VARCHAR,                      -- the level or role it names, not a place
        ambiguous  BOOLEAN NOT NULL,             -- it names a place that cannot be told ("CA": state or country)
        cities     VARCHAR[],                    -- each place's city and metro
        metros     VARCHAR[],
        version    VARCHAR NOT NULL              -- scraper.places.PLACES_VERSION that parsed it
    )""",
    # v4: one row per current band with the posting columns the named queries filter and group on,
    # kept in step with postings and pay_band_versions by every write (scraper.store.sync_band_facts,
    # in the same transaction). Derived: rebuilt from those two tables, never the source of truth.
    # It saves the queries their join of every current band with every posting and their
    # count(DISTINCT posting_key) (together ~2/3 of an unfiltered query's time on a million postings).
    """
    CREATE TABLE IF NOT EXISTS band_facts (
        posting_key      BIGINT NOT NULL,
        posting_id       VARCHAR NOT NULL,
        company          VARCHAR NOT NULL,
        title            VARCHAR NOT NULL,
        location         VARCHAR,                -- the posting's, as written
        city             VARCHAR,                -- v8: city, metro, region, country and remote are the
        country          VARCHAR,                --   band's place: its zone's when the zone names one
        url              VARCHAR,
        role_family      VARCHAR,
        seniority        VARCHAR,
        is_ai_ml         BOOLEAN,
        is_active        BOOLEAN NOT NULL,
        band_no          INTEGER NOT NULL,
        pay_type         VARCHAR NOT NULL,
        currency         VARCHAR NOT NULL,
        period           VARCHAR NOT NULL,
        zone             VARCHAR,
        is_estimate      BOOLEAN NOT NULL,
        min_amount       DOUBLE,
        max_amount       DOUBLE,
        annual_min_usd   DOUBLE,
        annual_max_usd   DOUBLE,
        annual_mid_usd   DOUBLE,                 -- midpoint; one end if only one is stated
        seen_since       TIMESTAMPTZ NOT NULL,   -- when this band (version) was first seen
        removed_at       TIMESTAMPTZ,            -- the posting's, when it is no longer open
        first_of_type    BOOLEAN NOT NULL,       -- the posting's first band of this pay_type
        first_of_posting BOOLEAN NOT NULL,       -- the posting's first band
        uniform          BOOLEAN NOT NULL,       -- all the posting's bands agree on what band filters test
        metro            VARCHAR,                -- v8
        region           VARCHAR,                -- v8
        remote           VARCHAR,                -- v8: remote | hybrid | onsite | NULL
        zone_level       VARCHAR,                -- v8: the level or role a zone label names ("Level 4", "MG5")
        place_from       VARCHAR NOT NULL DEFAULT 'posting', -- v8: posting | zone: where city..country came from
        place_uniform    BOOLEAN NOT NULL DEFAULT TRUE       -- v8: all the posting's bands have one place
    )""",
]

# What band_facts holds for the postings `keys` selects (a query yielding posting_key), or for all.
# Counting postings: a posting is counted by its first band (first_of_type / first_of_posting) when
# its bands are `uniform` (same currency, estimate or not, annual USD known or not, both ends stated
# or not): every band filter of the named queries then keeps all of its bands or none, so the first
# one is kept whenever any is. The few others are counted with a distinct count. Add a column a
# query filters bands on to `uniform` too.
# Where a band applies: its zone's place wins over the posting's location (a "New York" band of a
# San Francisco posting is a New York band), except where the two agree and the posting's is finer:
# the posting is in one of the several places the zone names ("SF/NYC" for a New York posting), or
# the zone is the posting's only one and contains its place ("United States" for a San Francisco
# posting). A zone naming no place ("Level 4") leaves the posting's; an ambiguous one ("CA") wins
# with no place at all, so place filters leave the band out rather than place it wrongly.
ZONE_PLACE_MACRO = """
    CREATE OR REPLACE MACRO zone_place_wins(z_places, z_ambiguous, z_cities, z_metros, z_city, z_metro,
                                            z_region, z_country, city, metro, region, country, zones) AS
        coalesce(z_places, 0) > 0 AND NOT (
            (z_places > 1 AND NOT z_ambiguous
             AND (list_contains(z_metros, metro) OR list_contains(z_cities, city)))
            OR (zones = 1 AND z_places = 1 AND NOT z_ambiguous AND country IS NOT NULL AND z_country = country
                AND (z_region IS NULL OR z_region = region) AND (z_metro IS NULL OR z_metro = metro)
                AND (z_city IS NULL OR z_city = city))
        )"""

# What band_facts holds for the postings `keys` selects (a query yielding posting_key), or for all.
# Counting postings: a posting is counted by its first band (first_of_type / first_of_posting) when
# its bands are `uniform` (same currency, estimate or not, annual USD known or not, both ends stated
# or not): every band filter of the named queries then keeps all of its bands or none, so the first
# one is kept whenever any is. The few others are counted with a distinct count. Add a column a
# query filters bands on to `uniform` too.
BAND_FACTS_SELECT = """
    WITH b AS (
        SELECT *, (coalesce(annual_min_usd, annual_max_usd) + coalesce(annual_max_usd, annual_min_usd)) / 2
                  AS annual_mid_usd
        FROM pay_band_versions
        WHERE valid_to IS NULL {keys_filter}
          -- v9: a posting that is a duplicate of one on another board (postings.duplicate_of) has no facts
          AND posting_key NOT IN (SELECT posting_key FROM postings WHERE duplicate_of IS NOT NULL)
    ),
    zones AS (
        SELECT posting_key, count(DISTINCT zone) AS zones FROM b GROUP BY posting_key
    ),
    placed AS (
        SELECT b.*, p.company, p.title, p.location, p.url, p.role_family, p.seniority, p.is_ai_ml, p.is_active,
               p.removed_at, z.level AS zone_level,
               zone_place_wins(z.places, z.ambiguous, z.cities, z.metros, z.city, z.metro, z.region, z.country,
                               p.city, p.metro, p.region, p.country, n.zones) AS zone_wins,
               CASE WHEN zone_wins THEN z.city ELSE p.city END AS b_city,
               CASE WHEN zone_wins THEN z.metro ELSE p.metro END AS b_metro,
               CASE WHEN zone_wins THEN z.region ELSE p.region END AS b_region,
               CASE WHEN zone_wins THEN z.country ELSE p.country END AS b_country,
               CASE WHEN coalesce(z.remote, false) THEN 'remote' ELSE p.remote END AS b_remote
        FROM b
        JOIN postings p USING (posting_key)
        JOIN zones n USING (posting_key)
        LEFT JOIN zone_places z ON z.zone = b.zone
    ),
    per_posting AS (
        SELECT posting_key, min(band_no) AS first_band,
               count(DISTINCT (currency, is_estimate, annual_mid_usd IS NULL,
                               coalesce(min_amount > 0 AND max_amount > 0, false))) = 1 AS uniform,
               count(DISTINCT (b_city, b_metro, b_country, b_remote)) = 1 AS place_uniform
        FROM placed GROUP BY posting_key
    ),
    per_type AS (
        SELECT posting_key, pay_type, min(band_no) AS first_band FROM b GROUP BY posting_key, pay_type
    )
    SELECT x.posting_key, x.posting_id, x.company, x.title, x.location,
           x.b_city AS city, x.b_metro AS metro, x.b_region AS region, x.b_country AS country,
           x.b_remote AS remote, x.zone_level, CASE WHEN x.zone_wins THEN 'zone' ELSE 'posting' END AS place_from,
           x.url, x.role_family, x.seniority, x.is_ai_ml, x.is_active,
           x.band_no, x.pay_type, x.currency, x.period, x.zone, x.is_estimate,
           x.min_amount, x.max_amount, x.annual_min_usd, x.annual_max_usd, x.annual_mid_usd,
           x.valid_from AS seen_since, x.removed_at,
           x.band_no = t.first_band AS first_of_type,
           x.band_no = k.first_band AS first_of_posting,
           k.uniform, k.place_uniform
    FROM placed x
    JOIN per_posting k USING (posting_key)
    JOIN per_type t USING (posting_key, pay_type)"""


def band_facts_sql(keys: str | None = None) -> str:
    """The SELECT of band_facts rows for the postings `keys` (SQL yielding posting_key), or all."""
    keys_filter = f"AND posting_key IN (SELECT posting_key FROM ({keys}))" if keys else ""
    return BAND_FACTS_SELECT.format(keys_filter=keys_filter)


# The one posting filter of the named queries (queries/*.sql) and of analysis.stats: the shared
# parameters, read from session variables (`SET VARIABLE title = 'scientist'`, as the queries'
# --options set them), tested against a row's columns. Every query that calls it declares all of
# them (tests/analysis/test_query_inputs.py), so a value left set by an earlier query never
# filters a later one. An unset variable filters nothing; `remote` unset means either.
POSTING_FILTER_MACRO = """
    CREATE OR REPLACE MACRO posting_matches(title, company, role_family, seniority, country, city, metro,
                                            remote, is_ai_ml, is_active) AS
        (coalesce(getvariable('title'), '') = ''
         OR list_bool_and(list_transform(string_split(lower(trim(getvariable('title'))), ' '),
                                         lambda w: w = '' OR contains(lower(title), w))))
        AND (coalesce(getvariable('company'), '') = ''
             OR contains(lower(company), lower(trim(getvariable('company')))))
        AND (coalesce(getvariable('role_family'), '') = ''
             OR lower(coalesce(role_family, 'unclassified')) = lower(trim(getvariable('role_family'))))
        AND (coalesce(getvariable('seniority'), '') = ''
             OR lower(coalesce(seniority, 'unknown')) = lower(trim(getvariable('seniority'))))
        AND (coalesce(getvariable('country'), '') = '' OR upper(country) = upper(trim(getvariable('country'))))
        AND (coalesce(getvariable('city'), '') = '' OR lower(city) = lower(trim(getvariable('city'))))
        AND (coalesce(getvariable('metro'), '') = '' OR lower(metro) = lower(trim(getvariable('metro'))))
        AND (getvariable('remote') IS NULL
             OR coalesce(remote = 'remote', false) = getvariable('remote')::BOOLEAN)
        AND (NOT coalesce(getvariable('ai_only')::BOOLEAN, false) OR is_ai_ml)
        AND (NOT coalesce(getvariable('active_only')::BOOLEAN, true) OR is_active)"""

# A place filter is set: then a posting whose bands lie in several places (a zone each) may pass by
# a band other than its first, and is counted by the distinct count; without one, place does not
# matter to counting (`uniform` says the rest), and the cheap count of first bands holds.
PLACE_FILTERED_MACRO = """
    CREATE OR REPLACE MACRO place_filtered() AS
        coalesce(getvariable('country'), '') <> '' OR coalesce(getvariable('city'), '') <> ''
        OR coalesce(getvariable('metro'), '') <> '' OR getvariable('remote') IS NOT NULL"""

VIEWS = [
    ZONE_PLACE_MACRO,
    POSTING_FILTER_MACRO,
    PLACE_FILTERED_MACRO,
    # Current bands: what recruiters query. History stays in pay_band_versions.
    """
    CREATE OR REPLACE VIEW pay_bands AS
    SELECT posting_id, posting_key, band_no, min_amount, max_amount, currency, period,
           annual_min, annual_max, annual_min_usd, annual_max_usd,
           pay_type, zone, origin, is_estimate, source_text, valid_from AS seen_since,
           rule, evidence_start, evidence_end
    FROM pay_band_versions WHERE valid_to IS NULL""",
    """
    CREATE OR REPLACE VIEW posting_bands AS
    SELECT p.posting_id, p.company, p.source, p.title, p.location, p.country, p.remote,
           p.is_ai_ml, p.role_family, p.seniority, p.is_active, p.first_seen, p.last_seen, p.url,
           b.band_no, b.min_amount, b.max_amount, b.currency, b.period, b.annual_min, b.annual_max,
           b.annual_min_usd, b.annual_max_usd,
           (coalesce(b.annual_min_usd, b.annual_max_usd) + coalesce(b.annual_max_usd, b.annual_min_usd)) / 2
               AS annual_mid_usd,
           b.pay_type, b.zone, b.origin, b.is_estimate, b.source_text,
           b.rule, b.evidence_start, b.evidence_end
    FROM postings p JOIN pay_bands b USING (posting_key)""",
    # Every version of every posting's title/location/description: superseded ones from
    # posting_history, the current one from postings (valid_to NULL).
    """
    CREATE OR REPLACE VIEW posting_versions AS
    SELECT posting_id, title, location, description, content_hash, valid_from, valid_to, run_id
    FROM posting_history
    UNION ALL
    SELECT posting_id, title, location, description, content_hash,
           content_since AS valid_from, NULL::TIMESTAMPTZ AS valid_to, content_run_id AS run_id
    FROM postings""",
    # One row per band that changed between crawls. A band set is re-versioned as a whole
    # when any band of a posting changes; old and new bands pair up by zone and order.
    # Only postings with a closed band version or bands newer than the posting can have changed:
    # everything is restricted to those first, so the view costs little when few bands moved.
    # change_kind: 'repair' when a reparse run made the change (the normalizer re-read the stored
    # payload), 'crawl' when a crawl saw the board change; NULL when no run is known (a hand edit).
    # The run is the one that wrote the new band (run_id) or, for a band that went, closed the old one.
    """
    CREATE OR REPLACE VIEW pay_band_changes AS
    WITH moved AS (
        SELECT posting_key FROM pay_band_versions WHERE valid_to IS NOT NULL
        UNION
        SELECT v.posting_key FROM pay_band_versions v JOIN postings p USING (posting_key)
        WHERE v.valid_from > p.first_seen
    ),
    versions AS (
        SELECT v.* FROM pay_band_versions v SEMI JOIN moved USING (posting_key)
    ),
    events AS (
        SELECT DISTINCT posting_key, valid_to AS changed_at FROM versions WHERE valid_to IS NOT NULL
        UNION
        SELECT DISTINCT v.posting_key, v.valid_from FROM versions v
        JOIN postings p USING (posting_key) WHERE v.valid_from > p.first_seen
    ),
    old AS (
        SELECT *, row_number() OVER (PARTITION BY posting_key, valid_to, coalesce(zone, '') ORDER BY band_no) AS k
        FROM versions WHERE valid_to IS NOT NULL
    ),
    new AS (
        SELECT *, row_number() OVER (PARTITION BY posting_key, valid_from, coalesce(zone, '') ORDER BY band_no) AS k
        FROM versions
    ),
    pairs AS (
        SELECT coalesce(o.posting_key, n.posting_key) AS posting_key,
               coalesce(o.valid_to, n.valid_from) AS changed_at,
               coalesce(n.zone, o.zone) AS zone,
               o.min_amount AS old_min_amount, n.min_amount AS new_min_amount,
               o.max_amount AS old_max_amount, n.max_amount AS new_max_amount,
               o.currency AS old_currency, n.currency AS new_currency,
               o.period AS old_period, n.period AS new_period,
               o.annual_min_usd AS old_annual_min_usd, n.annual_min_usd AS new_annual_min_usd,
               o.annual_max_usd AS old_annual_max_usd, n.annual_max_usd AS new_annual_max_usd,
               o.pay_type AS old_pay_type, n.pay_type AS new_pay_type,
               o.rule AS old_rule, n.rule AS new_rule,
               coalesce(n.run_id, o.closed_run_id) AS run_id
        FROM old o FULL JOIN new n
          ON o.posting_key = n.posting_key AND o.valid_to = n.valid_from
         AND coalesce(o.zone, '') = coalesce(n.zone, '') AND o.k = n.k
    )
    SELECT p.posting_id, p.company, p.title, pr.zone, pr.changed_at,
           CASE r.kind WHEN 'reparse' THEN 'repair' WHEN 'crawl' THEN 'crawl' END AS change_kind,
           pr.run_id, pr.* EXCLUDE (posting_key, changed_at, zone, run_id)
    FROM pairs pr
    JOIN events e USING (posting_key, changed_at)
    JOIN postings p USING (posting_key)
    LEFT JOIN crawl_runs r ON r.run_id = pr.run_id
    WHERE pr.old_min_amount IS DISTINCT FROM pr.new_min_amount
       OR pr.old_max_amount IS DISTINCT FROM pr.new_max_amount
       OR pr.old_currency IS DISTINCT FROM pr.new_currency
       OR pr.old_period IS DISTINCT FROM pr.new_period
       OR pr.old_pay_type IS DISTINCT FROM pr.new_pay_type""",
]


def _migrate_v3(con: duckdb.DuckDBPyConnection) -> None:
    """v3: integer posting_key on postings and bands, superseded versions in posting_history (the
    current one is the postings row), zstd for long text. Column compression is fixed at creation,
    so the four tables are rebuilt: renamed aside, created anew, copied by name, dropped."""

    def x(sql: str) -> None:
        con.execute(sql).fetchall()

    for view in ("pay_band_changes", "posting_bands", "pay_bands"):
        x(f"DROP VIEW IF EXISTS {view}")
    for table in ("postings", "posting_raw", "posting_versions", "pay_band_versions"):
        x(f"ALTER TABLE {table} RENAME TO {table}_v2")
    (n,) = con.execute("SELECT count(*) FROM postings_v2").fetchall()[0]
    x(f"CREATE SEQUENCE posting_key_seq START {int(n) + 1}")  # keys 1..n are assigned below
    for stmt in TABLES:
        x(stmt)
    x("""INSERT INTO postings BY NAME
         SELECT p.*, row_number() OVER (ORDER BY p.first_seen, p.posting_id) AS posting_key,
                coalesce(v.valid_from, p.first_seen) AS content_since,
                coalesce(v.run_id, p.first_run_id) AS content_run_id
         FROM postings_v2 p
         LEFT JOIN (SELECT posting_id, max(valid_from) AS valid_from, arg_max(run_id, valid_from) AS run_id
                    FROM posting_versions_v2 WHERE valid_to IS NULL GROUP BY posting_id) v USING (posting_id)""")
    x("INSERT INTO posting_raw BY NAME SELECT * FROM posting_raw_v2")
    x("""INSERT INTO posting_history BY NAME
         SELECT v.*, p.posting_key FROM posting_versions_v2 v JOIN postings p USING (posting_id)
         WHERE v.valid_to IS NOT NULL""")
    x("""INSERT INTO pay_band_versions BY NAME
         SELECT b.*, p.posting_key FROM pay_band_versions_v2 b JOIN postings p USING (posting_id)""")
    for table in ("postings", "posting_raw", "posting_versions", "pay_band_versions"):
        x(f"DROP TABLE {table}_v2")


def _migrate_v4(con: duckdb.DuckDBPyConnection) -> None:
    """v4: band_facts. Filled by v8's step, which rebuilds it with the places it needs."""
    for stmt in TABLES:  # all IF NOT EXISTS: creates band_facts (and zone_places) only
        con.execute(stmt).fetchall()


def _migrate_v5(con: duckdb.DuckDBPyConnection) -> None:
    """v5: each band's rule and evidence, the run that closed each band version (so
    pay_band_changes can tell a reparse's repairs from a crawl's changes), and each company's
    rejected pay values per run. Columns are appended in place; no table is rebuilt.

    Existing bands get rule = origin (the specific rule was not recorded) and no evidence offsets;
    closed versions get the run that wrote their successor at the same instant, else the run
    that was going on then (runs never overlap: they hold the crawl lock); old runs' warnings
    stay NULL (not counted)."""

    def x(sql: str) -> None:
        con.execute(sql).fetchall()

    for col, typ in (
        ("rule", "VARCHAR"),
        ("evidence_start", "INTEGER"),
        ("evidence_end", "INTEGER"),
        ("closed_run_id", "BIGINT"),
    ):
        x(f"ALTER TABLE pay_band_versions ADD COLUMN IF NOT EXISTS {col} {typ}")
    x("ALTER TABLE crawl_run_companies ADD COLUMN IF NOT EXISTS warnings INTEGER")
    x("UPDATE pay_band_versions SET rule = origin WHERE rule IS NULL")
    x("""UPDATE pay_band_versions SET closed_run_id = s.run_id
         FROM (SELECT posting_key, valid_from, max(run_id) AS run_id FROM pay_band_versions
               WHERE run_id IS NOT NULL GROUP BY ALL) s
         WHERE pay_band_versions.valid_to IS NOT NULL AND pay_band_versions.closed_run_id IS NULL
           AND pay_band_versions.posting_key = s.posting_key AND pay_band_versions.valid_to = s.valid_from""")
    x("""UPDATE pay_band_versions SET closed_run_id = s.run_id
         FROM (SELECT c.valid_to, r.run_id
               FROM (SELECT DISTINCT valid_to FROM pay_band_versions
                     WHERE valid_to IS NOT NULL AND closed_run_id IS NULL) c
               ASOF JOIN crawl_runs r ON c.valid_to >= r.started_at
               WHERE r.finished_at IS NULL OR c.valid_to <= r.finished_at) s
         WHERE pay_band_versions.valid_to = s.valid_to AND pay_band_versions.closed_run_id IS NULL""")


# v6: removal safety. A listing that would remove too many of a board's postings, or that the source
# says is partial, holds its removals: the postings stay active with missing_since until a second
# listing confirms. Columns are appended; existing rows are simply not held (NULL).
_MIGRATE_V6 = [
    "ALTER TABLE postings ADD COLUMN IF NOT EXISTS missing_since TIMESTAMPTZ",
    "ALTER TABLE postings ADD COLUMN IF NOT EXISTS missing_run_id BIGINT",
    "ALTER TABLE crawl_run_companies ADD COLUMN IF NOT EXISTS held_removals INTEGER",
    "ALTER TABLE crawl_run_companies ADD COLUMN IF NOT EXISTS skipped INTEGER",
    "ALTER TABLE crawl_run_companies ADD COLUMN IF NOT EXISTS notes JSON",
]


# v7: honest demo data. A replayed posting that is not a byte-for-byte recording says so: `paybands
# demo` marks it (tests/fixtures/data_status.json) and every output shows it. NULL: as crawled.
_MIGRATE_V7 = [
    "ALTER TABLE postings ADD COLUMN IF NOT EXISTS data_status VARCHAR",
    "ALTER TABLE postings ADD COLUMN IF NOT EXISTS data_note VARCHAR",
]


def _migrate_v8(con: duckdb.DuckDBPyConnection) -> None:
    """v8: places. postings.metro (filled by the taxonomy refresh, whose version changed), the
    zone_places table, and band_facts rebuilt with each band's place, remote and zone level."""
    import polars as pl

    from .places import metro_of, sync_zone_places

    con.execute("ALTER TABLE postings ADD COLUMN IF NOT EXISTS metro VARCHAR").fetchall()
    # The metro of every classified city now, so place filters work before the next crawl; area names
    # without a city ("Bay Area") follow at the next taxonomy refresh.
    places = con.execute(
        "SELECT DISTINCT city, region, country FROM postings WHERE city IS NOT NULL AND country IS NOT NULL"
    ).fetchall()
    metros = pl.DataFrame(
        [(c, r, k, metro_of(c, r, k)) for c, r, k in places],
        schema={"city": pl.String, "region": pl.String, "country": pl.String, "metro": pl.String},
        orient="row",
    ).filter(pl.col("metro").is_not_null())
    con.register("v8_metros", metros)
    try:
        con.execute(
            """UPDATE postings SET metro = m.metro FROM v8_metros m
               WHERE postings.city = m.city AND postings.country = m.country
                 AND postings.region IS NOT DISTINCT FROM m.region"""
        ).fetchall()
    finally:
        con.unregister("v8_metros")
    con.execute("DROP TABLE IF EXISTS band_facts").fetchall()
    for stmt in TABLES:  # all IF NOT EXISTS: creates zone_places and the new band_facts
        con.execute(stmt).fetchall()
    con.execute(ZONE_PLACE_MACRO).fetchall()
    sync_zone_places(con)
    # band_facts is filled by today's query, which reads v9's postings.duplicate_of: the columns v9
    # appends are appended first (v9's own step then finds them; the order is a new file's).
    for stmt in _MIGRATE_V9:
        con.execute(stmt).fetchall()
    con.execute("INSERT INTO band_facts BY NAME " + band_facts_sql()).fetchall()


# v9: duplicates across boards. postings.requisition_id (filled by each posting's next crawl) and
# postings.duplicate_of (derived: computed by the taxonomy refresh, scraper.dedupe, which every crawl
# runs). No posting is a duplicate until then, so band_facts stays as it is.
_MIGRATE_V9 = [
    "ALTER TABLE postings ADD COLUMN IF NOT EXISTS requisition_id VARCHAR",
    "ALTER TABLE postings ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR",
]


# version -> what upgrades a database from version-1 to version: SQL statements, or a function of
# the connection. Run in one transaction with the version bump: a failing step leaves the file at
# its old version, every row intact.
MIGRATIONS: dict[int, list[str] | Callable[[duckdb.DuckDBPyConnection], None]] = {
    # v2: who ran each crawl, so an 'incomplete' run names the process and machine that died.
    2: [
        "ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS pid INTEGER",
        "ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS host VARCHAR",
        "ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS paybands_version VARCHAR",
    ],
    3: _migrate_v3,
    4: _migrate_v4,
    5: _migrate_v5,
    6: _MIGRATE_V6,
    7: _MIGRATE_V7,
    8: _migrate_v8,
    9: _MIGRATE_V9,
}


def current_version(con: duckdb.DuckDBPyConnection) -> int | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    ).fetchall()[0][0]
    if not exists:
        return None
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    row = rows[0] if rows else None
    return int(row[0]) if row else None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    version = current_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaError(
            f"this database has schema version {version}, newer than this paybands ({SCHEMA_VERSION}); "
            "upgrade paybands to use it"
        )
    con.execute("BEGIN").fetchall()
    try:
        if version is not None:
            for v in range(version + 1, SCHEMA_VERSION + 1):
                step = MIGRATIONS.get(v, [])
                if callable(step):
                    step(con)
                    continue
                for stmt in step:
                    con.execute(stmt).fetchall()
        for stmt in TABLES:
            con.execute(stmt).fetchall()
        for stmt in VIEWS:
            con.execute(stmt).fetchall()
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        ).fetchall()
        con.execute("COMMIT").fetchall()
    except Exception as exc:
        # A failed COMMIT (a full disk) has already ended the transaction: a second error from
        # ROLLBACK ("no transaction is active") must not replace the one that matters.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK").fetchall()
        if version is not None and version < SCHEMA_VERSION and isinstance(exc, duckdb.Error):
            # Worded for the user (no traceback): the transaction left the file as it was.
            raise SchemaError(
                f"could not upgrade this database from schema version {version} to {SCHEMA_VERSION} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0]}); the file is unchanged"
            ) from None
        raise
