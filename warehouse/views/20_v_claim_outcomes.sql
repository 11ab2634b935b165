-- The latest resolution of every claim, with the claim and its document.
-- Self-contained (claims + documents, not v_claims): views are created in file-name order and "2…" sorts
-- before "v_claims.sql".
CREATE OR REPLACE VIEW v_claim_outcomes AS
WITH latest AS (
    SELECT *
    FROM outcomes
    QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY as_of DESC, computed_at DESC) = 1
)
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
    c.deadline_start,
    c.deadline_end,
    c.timeframe,
    c.as_of_text,
    c.hedged,
    c.confidence,
    c.attributed_to,
    c.flags,
    c.sentence,
    coalesce(c.published_at, CAST(d.published_at AS DATE)) AS published_at,
    d.url,
    d.source,
    d.outlet,
    o.as_of,
    o.verdict,
    o.measured_months,
    o.error_months,
    o.evidence,
    o.method,
    o.note,
    o.computed_at,
    o.verdict IN ('within', 'overstated', 'understated', 'confirmed', 'incorrect') AS resolved,
    CASE
        WHEN o.verdict IN ('within', 'confirmed') THEN TRUE
        WHEN o.verdict IN ('overstated', 'understated', 'incorrect') THEN FALSE
    END AS hit
FROM latest AS o
JOIN claims AS c USING (claim_id)
LEFT JOIN documents AS d USING (doc_id);
