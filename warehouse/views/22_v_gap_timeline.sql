-- Claimed vs measured lag over time: one row per resolved-or-not gap claim. Unordered, like any view: callers
-- say `ORDER BY published_at` (a view-level sort would sort a year of claims again under every caller's own).
CREATE OR REPLACE VIEW v_gap_timeline AS
SELECT
    published_at,
    claim_id,
    subject,
    subject_group,
    reference,
    reference_group,
    direction,
    months_low AS claimed_low,
    months_high AS claimed_high,
    CASE
        WHEN months_low IS NOT NULL AND months_high IS NOT NULL THEN (months_low + months_high) / 2
        ELSE coalesce(months_low, months_high)
    END AS claimed_mid,
    measured_months,
    error_months,
    verdict,
    attributed_to,
    outlet,
    url,
    as_of
FROM v_claim_outcomes
WHERE kind = 'gap';
