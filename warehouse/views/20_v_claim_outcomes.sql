-- The latest resolution of every claim, with the claim and its document (everything v_claims has).
CREATE OR REPLACE VIEW v_claim_outcomes AS
WITH latest AS (
    SELECT *
    FROM outcomes
    QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY as_of DESC, computed_at DESC) = 1
)
SELECT
    c.*,
    o.as_of,
    o.verdict,
    o.measured_months,
    o.error_months,
    o.evidence,
    o.method,
    o.reason,
    o.note,
    o.computed_at,
    o.verdict IN ('within', 'overstated', 'understated', 'confirmed', 'incorrect') AS resolved,
    CASE
        WHEN o.verdict IN ('within', 'confirmed') THEN TRUE
        WHEN o.verdict IN ('overstated', 'understated', 'incorrect') THEN FALSE
    END AS hit
FROM latest AS o
JOIN v_claims AS c USING (claim_id);
