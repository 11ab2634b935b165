-- Each claim joined to the document it came from, with its publication date's provenance and precision.
CREATE OR REPLACE VIEW v_claims AS
SELECT
    c.claim_id,
    c.kind,
    c.direction,
    c.months_low,
    c.months_high,
    c.approximate,
    c.subject,
    c.subject_group,
    c.reference,
    c.reference_group,
    c.models,
    c.target,
    c.target_models,
    c.deadline_text,
    c.deadline_start,
    c.deadline_end,
    c.timeframe,
    c.hedged,
    c.confidence,
    c.attributed_to,
    c.negated,
    c.conditional,
    c.is_goal,
    c.flags,
    c.sentence,
    c.start_char,
    c.end_char,
    c.extractor_version,
    c.doc_id,
    coalesce(c.published_at, CAST(d.published_at AS DATE)) AS published_at,
    -- Where the date came from (feed | meta | url | dateline | guess) and how precise it is (day | month | year;
    -- a month or year is shown as its first day). NULL for documents parsed before migration 0006.
    d.published_source,
    d.published_precision,
    -- The date a verdict may rest on: written by the page or its feed, to the day or month (or given with the
    -- claim itself when its document has none). Claims without one are resolved as "undated".
    CASE
        WHEN d.published_at IS NULL THEN c.published_at IS NOT NULL
        ELSE coalesce(d.published_source IN ('feed', 'meta', 'url', 'dateline')
                      AND d.published_precision IN ('day', 'month'), FALSE)
    END AS published_usable,
    d.url,
    d.canonical_url,
    d.title,
    d.source,
    d.outlet,
    d.kind AS doc_kind,
    d.authors
FROM claims AS c
JOIN documents AS d USING (doc_id);
