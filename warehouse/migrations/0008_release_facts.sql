-- Release facts with provenance (issue 12, item 3): every source's statement about a model's release is kept,
-- with its origin, the row's own evidence URL, the dataset or API URL it was read from and when. `releases`
-- stays the one-row-per-model table the resolver and lag code read; it is rebuilt from these facts by the
-- source priority in v_releases (warehouse/views/25_v_releases.sql; the order is documented there and in
-- warehouse/outcomes/README.md). Write disposition: insert-or-replace on (model_id, origin, fetched_from).
CREATE TABLE release_facts (
    model_id          VARCHAR NOT NULL,
    origin            VARCHAR NOT NULL,      -- seed | observed | epoch | hf | openrouter
    fetched_from      VARCHAR NOT NULL,      -- the dataset / API URL (or seed file) the fact was read from
    display_name      VARCHAR NOT NULL,
    organization      VARCHAR,
    organization_name VARCHAR,
    country           VARCHAR,
    countries         VARCHAR,
    release_date      DATE,
    open_weights      BOOLEAN,
    accessibility     VARCHAR,
    source_url        VARCHAR NOT NULL,      -- the row's own evidence (announcement, model page, dataset)
    note              VARCHAR,
    retrieved_at      TIMESTAMP NOT NULL,    -- when the body holding this fact was downloaded (or read)
    snapshot_id       VARCHAR,               -- the stored body (snapshots) this fact was parsed from
    PRIMARY KEY (model_id, origin, fetched_from)
);

-- Facts already merged into `releases` before this migration: kept as one fact each, from their own origin.
INSERT INTO release_facts
SELECT model_id, origin, source_url, display_name, organization, organization_name, country, countries,
       release_date, open_weights, accessibility, source_url, note, coalesce(updated_at, TIMESTAMP '1970-01-01'),
       NULL
FROM releases;
