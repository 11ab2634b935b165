-- Parse bookkeeping: every raw item the parse stage has looked at, with what came of it, so a re-run
-- parses only new items and a broken page is recorded once with its reason instead of failing the batch.
CREATE TABLE parsed_items (
    item_id     VARCHAR PRIMARY KEY,
    url         VARCHAR NOT NULL,
    doc_id      VARCHAR,
    status      VARCHAR NOT NULL,   -- 'document' | 'duplicate' | 'skipped' | 'error'
    error_class VARCHAR,
    message     VARCHAR,
    parsed_at   TIMESTAMP NOT NULL
);
