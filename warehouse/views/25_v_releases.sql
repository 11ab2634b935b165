-- One row per model: the winning fact's date, origin and evidence (v_release_facts rank 1), with fields the
-- winner left empty (organization, country, open weights, accessibility) filled from the best-ranked fact that
-- has them, and how far the sources disagree. `releases` is rebuilt from this view after every sync.
CREATE OR REPLACE VIEW v_releases AS
WITH ranked AS (SELECT * FROM v_release_facts),
fill AS (
    SELECT
        model_id,
        first(organization ORDER BY rank) FILTER (WHERE organization IS NOT NULL) AS organization,
        first(organization_name ORDER BY rank) FILTER (WHERE organization_name IS NOT NULL) AS organization_name,
        first(country ORDER BY rank) FILTER (WHERE country IS NOT NULL) AS country,
        first(countries ORDER BY rank) FILTER (WHERE countries IS NOT NULL) AS countries,
        first(open_weights ORDER BY rank) FILTER (WHERE open_weights IS NOT NULL) AS open_weights,
        first(accessibility ORDER BY rank) FILTER (WHERE accessibility IS NOT NULL) AS accessibility,
        count(*) AS n_facts,
        string_agg(DISTINCT origin, ',' ORDER BY origin) AS origins,
        min(release_date) AS earliest_date,
        max(release_date) AS latest_date
    FROM ranked
    GROUP BY model_id
)
SELECT
    w.model_id,
    w.display_name,
    coalesce(w.organization, f.organization) AS organization,
    coalesce(w.organization_name, f.organization_name) AS organization_name,
    coalesce(w.country, f.country) AS country,
    coalesce(w.countries, f.countries) AS countries,
    w.release_date,
    coalesce(w.open_weights, f.open_weights) AS open_weights,
    coalesce(w.accessibility, f.accessibility) AS accessibility,
    w.source_url,
    w.origin,
    w.note,
    w.fetched_from,
    w.retrieved_at,
    f.n_facts,
    f.origins,
    f.earliest_date,
    f.latest_date,
    datediff('day', f.earliest_date, f.latest_date) AS date_spread_days
FROM ranked AS w
JOIN fill AS f USING (model_id)
WHERE w.rank = 1;
