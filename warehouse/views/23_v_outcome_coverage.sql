-- Coverage: how many claims got each verdict, and why (the latest resolution of each claim, as v_claim_outcomes).
-- A claim never resolved counts as verdict 'not-resolved'; an outcome computed before reasons were recorded
-- (migration 0006) as reason 'not-recorded'. resolve.REASONS in warehouse/outcomes/resolve.py lists the codes.
CREATE OR REPLACE VIEW v_outcome_coverage AS
WITH latest AS (
    -- The row of each claim's latest as-of date ((claim_id, as_of) is the table's key, kept by its loader, so
    -- there is one). A semi-join on the per-claim maximum: half the time of a row_number() window over the
    -- whole history at 1M claims x 2 dates (issue 15), and the history grows by a row per claim per resolve.
    SELECT o.*
    FROM outcomes AS o
    SEMI JOIN (SELECT claim_id, max(as_of) AS as_of FROM outcomes GROUP BY claim_id) AS newest USING (claim_id, as_of)
),
labelled AS (
    SELECT
        c.kind,
        coalesce(o.verdict, 'not-resolved') AS verdict,
        CASE WHEN o.claim_id IS NULL THEN 'not-resolved' ELSE coalesce(o.reason, 'not-recorded') END AS reason,
        o.as_of,
        o.note
    FROM claims AS c
    LEFT JOIN latest AS o USING (claim_id)
    WHERE c.kind <> 'release'  -- evidence for the release registry (v_release_candidates), never resolved
),
counted AS (
    SELECT
        kind,
        verdict,
        reason,
        verdict IN ('within', 'overstated', 'understated', 'confirmed', 'incorrect') AS resolved,
        count(*) AS claims,
        max(as_of) AS latest_as_of,
        min(note) AS example_note
    FROM labelled
    GROUP BY kind, verdict, reason
)
SELECT
    kind,
    verdict,
    reason,
    resolved,
    claims,
    round(claims / sum(claims) OVER (PARTITION BY kind), 3) AS share_of_kind,
    latest_as_of,
    example_note
FROM counted
ORDER BY kind, claims DESC, verdict, reason;
