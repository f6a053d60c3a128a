"""The DuckDB schema: the one place tables and views are defined, versioned.

Bump SCHEMA_VERSION and add a step to MIGRATIONS whenever the schema
changes; `ensure_schema` upgrades older files and refuses newer ones.
Table and column meanings are documented in docs/SCHEMA.md.
"""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 2


class SchemaError(RuntimeError):
    pass


TABLES = [
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
        status            VARCHAR NOT NULL,      -- running | ok | partial | failed | incomplete
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
        status           VARCHAR NOT NULL,       -- ok | empty | failed | skipped
        postings         INTEGER DEFAULT 0,
        bands            INTEGER DEFAULT 0,
        new_postings     INTEGER DEFAULT 0,
        updated_postings INTEGER DEFAULT 0,
        removed_postings INTEGER DEFAULT 0,
        changed_bands    INTEGER DEFAULT 0,
        error            VARCHAR,
        error_kind       VARCHAR,
        started_at       TIMESTAMPTZ,
        finished_at      TIMESTAMPTZ
    )""",
    """
    CREATE TABLE IF NOT EXISTS postings (
        posting_id      VARCHAR NOT NULL,        -- '{source}:{board}:{external_id}', stable
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
        description     VARCHAR,                 -- clean text
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
        taxonomy_version VARCHAR
    )""",
    """
    CREATE TABLE IF NOT EXISTS posting_raw (
        posting_id VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        run_id     BIGINT,
        payload    VARCHAR NOT NULL              -- the source's JSON (or JSON-LD) for the posting, verbatim
    )""",
    """
    CREATE TABLE IF NOT EXISTS posting_versions (
        posting_id   VARCHAR NOT NULL,
        title        VARCHAR,
        location     VARCHAR,
        description  VARCHAR,
        content_hash VARCHAR,
        valid_from   TIMESTAMPTZ NOT NULL,
        valid_to     TIMESTAMPTZ,                -- NULL = current
        run_id       BIGINT
    )""",
    """
    CREATE TABLE IF NOT EXISTS pay_band_versions (
        posting_id     VARCHAR NOT NULL,
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
        run_id         BIGINT
    )""",
]

VIEWS = [
    # Current bands: what recruiters query. History stays in pay_band_versions.
    """
    CREATE OR REPLACE VIEW pay_bands AS
    SELECT posting_id, band_no, min_amount, max_amount, currency, period,
           annual_min, annual_max, annual_min_usd, annual_max_usd,
           pay_type, zone, origin, is_estimate, source_text, valid_from AS seen_since
    FROM pay_band_versions WHERE valid_to IS NULL""",
    """
    CREATE OR REPLACE VIEW posting_bands AS
    SELECT p.posting_id, p.company, p.source, p.title, p.location, p.country, p.remote,
           p.is_ai_ml, p.role_family, p.seniority, p.is_active, p.first_seen, p.last_seen, p.url,
           b.band_no, b.min_amount, b.max_amount, b.currency, b.period, b.annual_min, b.annual_max,
           b.annual_min_usd, b.annual_max_usd,
           (coalesce(b.annual_min_usd, b.annual_max_usd) + coalesce(b.annual_max_usd, b.annual_min_usd)) / 2
               AS annual_mid_usd,
           b.pay_type, b.zone, b.origin, b.is_estimate, b.source_text
    FROM postings p JOIN pay_bands b USING (posting_id)""",
    # One row per band that changed between crawls. A band set is re-versioned as a whole
    # when any band of a posting changes; old and new bands pair up by zone and order.
    """
    CREATE OR REPLACE VIEW pay_band_changes AS
    WITH events AS (
        SELECT DISTINCT posting_id, valid_to AS changed_at FROM pay_band_versions WHERE valid_to IS NOT NULL
        UNION
        SELECT DISTINCT v.posting_id, v.valid_from FROM pay_band_versions v
        JOIN postings p USING (posting_id) WHERE v.valid_from > p.first_seen
    ),
    old AS (
        SELECT *, row_number() OVER (PARTITION BY posting_id, valid_to, coalesce(zone, '') ORDER BY band_no) AS k
        FROM pay_band_versions WHERE valid_to IS NOT NULL
    ),
    new AS (
        SELECT *, row_number() OVER (PARTITION BY posting_id, valid_from, coalesce(zone, '') ORDER BY band_no) AS k
        FROM pay_band_versions
    ),
    pairs AS (
        SELECT coalesce(o.posting_id, n.posting_id) AS posting_id,
               coalesce(o.valid_to, n.valid_from) AS changed_at,
               coalesce(n.zone, o.zone) AS zone,
               o.min_amount AS old_min_amount, n.min_amount AS new_min_amount,
               o.max_amount AS old_max_amount, n.max_amount AS new_max_amount,
               o.currency AS old_currency, n.currency AS new_currency,
               o.period AS old_period, n.period AS new_period,
               o.annual_min_usd AS old_annual_min_usd, n.annual_min_usd AS new_annual_min_usd,
               o.annual_max_usd AS old_annual_max_usd, n.annual_max_usd AS new_annual_max_usd,
               o.pay_type AS old_pay_type, n.pay_type AS new_pay_type
        FROM old o FULL JOIN new n
          ON o.posting_id = n.posting_id AND o.valid_to = n.valid_from
         AND coalesce(o.zone, '') = coalesce(n.zone, '') AND o.k = n.k
    )
    SELECT pr.posting_id, p.company, p.title, pr.zone, pr.changed_at,
           pr.* EXCLUDE (posting_id, changed_at, zone)
    FROM pairs pr
    JOIN events e USING (posting_id, changed_at)
    JOIN postings p USING (posting_id)
    WHERE pr.old_min_amount IS DISTINCT FROM pr.new_min_amount
       OR pr.old_max_amount IS DISTINCT FROM pr.new_max_amount
       OR pr.old_currency IS DISTINCT FROM pr.new_currency
       OR pr.old_period IS DISTINCT FROM pr.new_period
       OR pr.old_pay_type IS DISTINCT FROM pr.new_pay_type""",
]

# version -> SQL that upgrades a database from version-1 to version. Run in one transaction with the
# version bump: a failing step leaves the file at its old version, every row intact.
MIGRATIONS: dict[int, list[str]] = {
    # v2: who ran each crawl, so an 'incomplete' run names the process and machine that died.
    2: [
        "ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS pid INTEGER",
        "ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS host VARCHAR",
        "ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS paybands_version VARCHAR",
    ],
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
                for stmt in MIGRATIONS.get(v, []):
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
        con.execute("ROLLBACK").fetchall()
        if version is not None and version < SCHEMA_VERSION and isinstance(exc, duckdb.Error):
            # Worded for the user (no traceback): the transaction left the file as it was.
            raise SchemaError(
                f"could not upgrade this database from schema version {version} to {SCHEMA_VERSION} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0]}); the file is unchanged"
            ) from None
        raise
