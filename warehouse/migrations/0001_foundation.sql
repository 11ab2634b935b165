-- Foundation tables: the raw log, the HTTP cache and cursors that make ingestion incremental,
-- and the parsed/extracted records. Timestamps are naive UTC.

-- Append-only raw log: one row per distinct (url, body) ever received. Re-fetching an unchanged body adds nothing.
CREATE TABLE raw_items (
    item_id       VARCHAR PRIMARY KEY,
    source        VARCHAR NOT NULL,
    source_type   VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    final_url     VARCHAR,
    fetched_at    TIMESTAMP NOT NULL,
    status        INTEGER,
    etag          VARCHAR,
    last_modified VARCHAR,
    content_type  VARCHAR,
    encoding      VARCHAR,
    sha256        VARCHAR NOT NULL,
    body          BLOB,
    parent_url    VARCHAR,
    meta          JSON
);

-- Every HTTP attempt, successful or not. This one grows with each run by design: it is the audit trail.
CREATE TABLE fetch_log (
    run_id        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    duration_ms   DOUBLE,
    status        INTEGER,
    ok            BOOLEAN NOT NULL,
    error_class   VARCHAR,
    message       VARCHAR,
    bytes         BIGINT,
    not_modified  BOOLEAN
);

-- Validators for conditional GET, one row per URL.
CREATE TABLE http_cache (
    url           VARCHAR PRIMARY KEY,
    etag          VARCHAR,
    last_modified VARCHAR,
    sha256        VARCHAR,
    status        INTEGER,
    checked_at    TIMESTAMP
);

-- Incremental position per source (Mastodon since_id, Hacker News timestamp, ...).
CREATE TABLE cursors (
    source        VARCHAR PRIMARY KEY,
    cursor        VARCHAR,
    updated_at    TIMESTAMP
);

CREATE TABLE documents (
    doc_id         VARCHAR PRIMARY KEY,
    url            VARCHAR NOT NULL,
    canonical_url  VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    title          VARCHAR,
    authors        VARCHAR[],
    published_at   TIMESTAMP,
    updated_at     TIMESTAMP,
    text           VARCHAR NOT NULL,
    lang           VARCHAR,
    content_sha256 VARCHAR NOT NULL,
    duplicate_of   VARCHAR,
    discovered_via VARCHAR,
    raw_item_id    VARCHAR,
    outlet         VARCHAR,
    meta           JSON,
    parsed_at      TIMESTAMP
);

CREATE TABLE mentions (
    mention_id        VARCHAR PRIMARY KEY,
    doc_id            VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    label             VARCHAR NOT NULL,
    text              VARCHAR NOT NULL,
    canonical_id      VARCHAR,
    org               VARCHAR,
    country           VARCHAR,
    start_char        INTEGER NOT NULL,
    end_char          INTEGER NOT NULL,
    attrs             JSON
);

CREATE TABLE claims (
    claim_id          VARCHAR PRIMARY KEY,
    doc_id            VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    direction         VARCHAR,
    months_low        DOUBLE,
    months_high       DOUBLE,
    approximate       BOOLEAN,
    subject           VARCHAR,
    subject_group     JSON,
    reference         VARCHAR,
    reference_group   JSON,
    models            VARCHAR[],
    target            VARCHAR,
    target_models     VARCHAR[],
    deadline_text     VARCHAR,
    deadline_start    DATE,
    deadline_end      DATE,
    timeframe         VARCHAR,
    as_of_text        VARCHAR,
    hedged            BOOLEAN,
    confidence        DOUBLE,
    attributed_to     VARCHAR,
    negated           BOOLEAN,
    conditional       BOOLEAN,
    is_goal           BOOLEAN,
    flags             VARCHAR[],
    sentence          VARCHAR NOT NULL,
    start_char        INTEGER NOT NULL,
    end_char          INTEGER NOT NULL,
    published_at      DATE
);

-- Which extractor version last processed each document, so re-extraction finds stale documents without refetching.
CREATE TABLE extractions (
    doc_id            VARCHAR PRIMARY KEY,
    extractor_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL,
    n_mentions        INTEGER,
    n_claims          INTEGER
);

CREATE TABLE runs (
    run_id       VARCHAR PRIMARY KEY,
    flow         VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR,
    counts       JSON
);
