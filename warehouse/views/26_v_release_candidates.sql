-- Release announcements seen in the stream (claims of kind 'release', issue 12 item 4), one row per statement,
-- with whether its model entered the registry. status:
--   observed     corroborated (the lab's own feed, or two outlets on different hosts): an `observed` release fact
--   in-registry  not corroborated here, but the registry knows the model from another origin
--   candidate    neither: waits for the lab's feed or a second outlet (or a date written by the page)
-- The corroboration itself is warehouse/outcomes/observed.py, run by every resolve.
CREATE OR REPLACE VIEW v_release_candidates AS
SELECT
    c.models[1] AS model_id,
    c.subject AS name,
    CASE
        WHEN f.model_id IS NOT NULL THEN 'observed'
        WHEN r.model_id IS NOT NULL THEN 'in-registry'
        ELSE 'candidate'
    END AS status,
    c.deadline_text AS stated_date_text,
    c.deadline_start AS stated_start,
    c.deadline_end AS stated_end,
    CAST(d.published_at AS DATE) AS published_at,
    d.published_source,
    d.published_precision,
    d.source,
    s.lab AS source_lab,
    regexp_replace(regexp_extract(d.canonical_url, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]+)', 1), '^www\.', '') AS host,
    d.canonical_url AS url,
    c.attributed_to,
    c.sentence,
    r.release_date AS registry_date,
    r.origin AS registry_origin,
    c.claim_id,
    c.doc_id
FROM claims AS c
JOIN documents AS d USING (doc_id)
LEFT JOIN source_labs AS s ON s.source = d.source
LEFT JOIN (SELECT DISTINCT model_id FROM release_facts WHERE origin = 'observed') AS f ON f.model_id = c.models[1]
LEFT JOIN releases AS r ON r.model_id = c.models[1]
WHERE c.kind = 'release' AND d.duplicate_of IS NULL;
