-- Publication dates with provenance and precision (issue 12, item 1), and a reason code per verdict (item 6).
-- published_source: feed | meta (incl. JSON-LD, microdata) | url | dateline | guess (htmldate, from content).
-- published_precision: day | month | year; a month or year date is stored as its first day, never as a day.
-- Documents parsed before this migration keep NULL in both: their date's origin is unknown, so the resolver
-- treats them as undated until they are parsed again.
ALTER TABLE documents ADD COLUMN published_source VARCHAR;
ALTER TABLE documents ADD COLUMN published_precision VARCHAR;

-- Why a claim got its verdict, as a short code users can group by (measured, undated, no-data-source, ...);
-- `note` keeps the sentence-long explanation. NULL on outcomes computed before this migration.
ALTER TABLE outcomes ADD COLUMN reason VARCHAR;
