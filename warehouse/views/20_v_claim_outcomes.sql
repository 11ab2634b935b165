-- The latest resolution of every claim, with the claim and its document (everything v_claims has).
CREATE OR REPLACE VIEW v_claim_outcomes AS
WITH latest AS (
    -- The row of each claim's latest as-of date ((claim_id, as_of) is the table's key, kept by its loader, so
    -- there is one). A semi-join on the per-claim maximum: half the time of a row_number() window over the
    -- whole history at 1M claims x 2 dates (issue 15), and the history grows by a row per claim per resolve.
    SELECT o.*
    FROM outcomes AS o
    SEMI JOIN (SELECT claim_id, max(as_of) AS as_of FROM outcomes GROUP BY claim_id) AS newest USING (claim_id, as_of)
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
