-- Outcomes: what actually shipped (releases, capability scores), the source files they came from (snapshots),
-- measured lags between groups of models, and the resolution of each claim as of a date (history kept).
-- Write dispositions: releases, scores: insert-or-replace (curated seed > Epoch > Hugging Face, merged in Python);
-- snapshots: insert-or-ignore on (url, sha256); lag_series: replace per (lagging_group, leading_group, metric);
-- outcomes: replace per as_of (one row per claim per as_of, older as_of rows are the history).

CREATE TABLE releases (
    model_id          VARCHAR PRIMARY KEY,   -- schemas.model_slug(display name)
    display_name      VARCHAR NOT NULL,
    organization      VARCHAR,               -- lowercase org id: openai, anthropic, deepseek, ...
    organization_name VARCHAR,               -- as the source spelled it
    country           VARCHAR,               -- ISO-3166 alpha-2 of the (first listed) organization
    countries         VARCHAR,               -- every country the source listed, ISO2, comma-separated
    release_date      DATE,                  -- first public availability (announcement, API or weights)
    open_weights      BOOLEAN,               -- NULL when the source does not say
    accessibility     VARCHAR,               -- the source's wording (API access, Open weights (unrestricted), ...)
    source_url        VARCHAR NOT NULL,
    origin            VARCHAR NOT NULL,      -- seed | epoch | hf
    note              VARCHAR,
    updated_at        TIMESTAMP
);

CREATE TABLE scores (
    model_id     VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,           -- eci, training_compute_flop, ...
    as_of        DATE NOT NULL,              -- date the model had this score (its release date for ECI)
    value        DOUBLE NOT NULL,
    ci_low       DOUBLE,
    ci_high      DOUBLE,
    source_model VARCHAR,                    -- the source's own row name (e.g. "GPT-4o (Nov 2024)")
    source_url   VARCHAR NOT NULL,
    origin       VARCHAR NOT NULL,
    snapshot_id  VARCHAR,
    updated_at   TIMESTAMP,
    PRIMARY KEY (model_id, metric, as_of)
);

-- Rows a source published without a usable date: kept (not silently dropped) but not usable for lags.
CREATE TABLE undated_rows (
    snapshot_id  VARCHAR NOT NULL,
    row_number   INTEGER NOT NULL,
    model_id     VARCHAR,
    source_model VARCHAR,
    reason       VARCHAR,
    raw          JSON,
    PRIMARY KEY (snapshot_id, row_number)
);

CREATE TABLE snapshots (
    snapshot_id   VARCHAR PRIMARY KEY,       -- stable_id(url, sha256)
    url           VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,          -- epoch-eci | epoch-models | hf-models | hf-model | seed
    fetched_at    TIMESTAMP NOT NULL,        -- first time this exact body was received
    last_seen_at  TIMESTAMP,
    status        INTEGER,
    content_type  VARCHAR,
    sha256        VARCHAR NOT NULL,
    bytes         BIGINT,
    n_rows        INTEGER,
    body          BLOB,
    path          VARCHAR                    -- local file it was read from, when not fetched over HTTP
);

CREATE TABLE lag_series (
    lagging_group      VARCHAR NOT NULL,     -- canonical group spec, e.g. "country=CN" ("leading" is reserved)
    leading_group      VARCHAR NOT NULL,
    metric             VARCHAR NOT NULL,
    day                DATE NOT NULL,
    lag_days           INTEGER,
    lag_months         DOUBLE,               -- lag_days / 30.44
    censored           BOOLEAN NOT NULL,     -- leading group's data starts above the level: lag is a lower bound
    lagging_best       DOUBLE,
    lagging_model      VARCHAR,
    leading_match_date DATE,                 -- last day the leading group's best was <= lagging_best
    leading_best       DOUBLE,               -- leading group's best on `day`
    computed_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (lagging_group, leading_group, metric, day)
);

CREATE TABLE outcomes (
    claim_id        VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    verdict         VARCHAR NOT NULL,
    measured_months DOUBLE,
    error_months    DOUBLE,                  -- nearest claimed bound minus measured (positive: claim overstated)
    evidence        JSON,
    method          VARCHAR NOT NULL,
    note            VARCHAR,
    computed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (claim_id, as_of)
);
