-- History tables without PRIMARY KEY indexes (issue 15): DuckDB stores a PRIMARY KEY as an ART index and writes
-- the whole index again at every checkpoint of a table that changed, so each write session of a run rewrote
-- ~100 bytes per stored row (4.1 GB per 1,000-article run on a 1M-document warehouse). These tables are rebuilt
-- with the same columns, types and NOT NULL constraints and no index; their keys (warehouse/keys.py) are kept
-- by the loaders (warehouse/load.py: insert-or-ignore and replace by joins on the incoming batch, under the one
-- writer lock). A one-time copy of each table.

CREATE TABLE raw_items__rebuilt (
    item_id       VARCHAR NOT NULL,
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
INSERT INTO raw_items__rebuilt SELECT * FROM raw_items;
DROP TABLE raw_items;
ALTER TABLE raw_items__rebuilt RENAME TO raw_items;

CREATE TABLE http_cache__rebuilt (
    url           VARCHAR NOT NULL,
    etag          VARCHAR,
    last_modified VARCHAR,
    sha256        VARCHAR,
    status        INTEGER,
    checked_at    TIMESTAMP
);
INSERT INTO http_cache__rebuilt SELECT * FROM http_cache;
DROP TABLE http_cache;
ALTER TABLE http_cache__rebuilt RENAME TO http_cache;

CREATE TABLE documents__rebuilt (
    doc_id              VARCHAR NOT NULL,
    url                 VARCHAR NOT NULL,
    canonical_url       VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    kind                VARCHAR NOT NULL,
    title               VARCHAR,
    authors             VARCHAR[],
    published_at        TIMESTAMP,
    updated_at          TIMESTAMP,
    text                VARCHAR NOT NULL,
    lang                VARCHAR,
    content_sha256      VARCHAR NOT NULL,
    duplicate_of        VARCHAR,
    discovered_via      VARCHAR,
    raw_item_id         VARCHAR,
    outlet              VARCHAR,
    meta                JSON,
    parsed_at           TIMESTAMP,
    published_source    VARCHAR,
    published_precision VARCHAR
);
INSERT INTO documents__rebuilt SELECT * FROM documents;
DROP TABLE documents;
ALTER TABLE documents__rebuilt RENAME TO documents;

CREATE TABLE parsed_items__rebuilt (
    item_id     VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    doc_id      VARCHAR,
    status      VARCHAR NOT NULL,
    error_class VARCHAR,
    message     VARCHAR,
    parsed_at   TIMESTAMP NOT NULL
);
INSERT INTO parsed_items__rebuilt SELECT * FROM parsed_items;
DROP TABLE parsed_items;
ALTER TABLE parsed_items__rebuilt RENAME TO parsed_items;

CREATE TABLE extractions__rebuilt (
    doc_id            VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL,
    n_mentions        INTEGER,
    n_claims          INTEGER
);
INSERT INTO extractions__rebuilt SELECT * FROM extractions;
DROP TABLE extractions;
ALTER TABLE extractions__rebuilt RENAME TO extractions;

CREATE TABLE mentions__rebuilt (
    mention_id        VARCHAR NOT NULL,
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
INSERT INTO mentions__rebuilt SELECT * FROM mentions;
DROP TABLE mentions;
ALTER TABLE mentions__rebuilt RENAME TO mentions;

CREATE TABLE claims__rebuilt (
    claim_id          VARCHAR NOT NULL,
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
INSERT INTO claims__rebuilt SELECT * FROM claims;
DROP TABLE claims;
ALTER TABLE claims__rebuilt RENAME TO claims;

CREATE TABLE outcomes__rebuilt (
    claim_id        VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    verdict         VARCHAR NOT NULL,
    measured_months DOUBLE,
    error_months    DOUBLE,
    evidence        JSON,
    method          VARCHAR NOT NULL,
    note            VARCHAR,
    computed_at     TIMESTAMP NOT NULL,
    reason          VARCHAR
);
INSERT INTO outcomes__rebuilt SELECT * FROM outcomes;
DROP TABLE outcomes;
ALTER TABLE outcomes__rebuilt RENAME TO outcomes;
