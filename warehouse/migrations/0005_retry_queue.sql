-- Articles a feed or post linked to whose fetch failed transiently (timeout, 5xx, 429, reset). The next run
-- retries them directly, so the feed itself can be revalidated with a 304 instead of being re-downloaded
-- just to find the link again. After MAX attempts a URL is marked 'gave_up' (kept for the record).
CREATE TABLE retry_queue (
    url             VARCHAR PRIMARY KEY,
    source          VARCHAR NOT NULL,
    parent_url      VARCHAR,
    meta            JSON,
    attempts        INTEGER NOT NULL,
    first_failed_at TIMESTAMP NOT NULL,
    last_failed_at  TIMESTAMP NOT NULL,
    last_error      VARCHAR,
    status          VARCHAR NOT NULL   -- 'pending' | 'gave_up'
);
