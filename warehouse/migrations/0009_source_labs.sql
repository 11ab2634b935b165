-- Which sources are a lab's own announcement feed (issue 12, item 4): the `lab` of each watch-list entry
-- (sources.toml), written by the ingest stage on every fetch. A release announced in such a source's
-- documents counts as corroborated by the lab itself (warehouse/outcomes/observed.py).
-- Write disposition: insert-or-replace on source; a source no longer in the watch list keeps its last row.
CREATE TABLE source_labs (
    source       VARCHAR PRIMARY KEY,
    lab          VARCHAR,               -- as written in sources.toml (NULL: not a lab's own feed)
    organization VARCHAR,               -- the lab's org id (warehouse.outcomes.normalize.org_id)
    updated_at   TIMESTAMP NOT NULL
);
