-- How reliable each claimant, outlet and source has been: claims, resolved, hit rate, mean absolute error
-- (months, gap claims) and Brier score of the stated confidence (hedging band) against hit/miss.
CREATE OR REPLACE VIEW v_source_scorecard AS
WITH scored AS (
    SELECT
        *,
        CASE WHEN hit THEN 1.0 WHEN NOT hit THEN 0.0 END AS y
    FROM v_claim_outcomes
),
by_level AS (
    SELECT 'claimant' AS level, coalesce(attributed_to, '(unattributed)') AS name, * FROM scored
    UNION ALL
    SELECT 'outlet' AS level, coalesce(outlet, source, '(unknown)') AS name, * FROM scored
    UNION ALL
    SELECT 'source' AS level, coalesce(source, '(unknown)') AS name, * FROM scored
)
SELECT
    level,
    name,
    count(*) AS claims,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(*) FILTER (WHERE hit) AS hits,
    count(*) FILTER (WHERE verdict = 'pending') AS pending,
    count(*) FILTER (WHERE verdict = 'flagged') AS flagged,
    CASE WHEN count(*) FILTER (WHERE resolved) > 0
         THEN count(*) FILTER (WHERE hit) / count(*) FILTER (WHERE resolved) END AS hit_rate,
    avg(abs(error_months)) FILTER (WHERE resolved AND kind = 'gap') AS mae_months,
    avg(power(coalesce(confidence, 0.9) - y, 2)) FILTER (WHERE resolved) AS brier
FROM by_level
GROUP BY level, name
ORDER BY level, claims DESC, name;
