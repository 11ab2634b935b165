-- Ingestion: robots.txt kept per origin for up to 24 hours (RFC 9309 §2.4), so a re-run within a day
-- downloads no robots.txt body either. A 4xx robots.txt is stored with an empty body (= allow all).
CREATE TABLE robots_cache (
    host        VARCHAR PRIMARY KEY,   -- scheme://host[:port]
    body        VARCHAR,
    status      INTEGER,
    fetched_at  TIMESTAMP NOT NULL
);
