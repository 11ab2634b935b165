-- Every release fact with its source priority and its rank among the facts about the same model
-- (rank 1 = the fact v_releases and the `releases` table take the date from). Priority, highest first:
--   seed 5        curated, each row checked against a cited page (warehouse/seeds/releases.csv)
--   observed 4    announced in the stream and corroborated (lab feed or two outlets; issue 12 item 4)
--   epoch 3       Epoch AI's datasets (ECI scores, AI models): researched first public dates
--   hf 2          Hugging Face Hub repository createdAt: when open weights were posted (an upper bound)
--   openrouter 1  OpenRouter `created`: when the model was listed there (an upper bound; closed models too)
-- Ties (same priority, e.g. Epoch's ECI and models files) go to the earliest date: the first public release.
-- A fact without a date never outranks one with a date (a dated Hub or OpenRouter fact beats an undated Epoch row).
CREATE OR REPLACE VIEW v_release_facts AS
SELECT
    f.*,
    CASE f.origin WHEN 'seed' THEN 5 WHEN 'observed' THEN 4 WHEN 'epoch' THEN 3 WHEN 'hf' THEN 2
                  WHEN 'openrouter' THEN 1 ELSE 0 END AS priority,
    row_number() OVER (
        PARTITION BY f.model_id
        ORDER BY f.release_date IS NULL,
                 CASE f.origin WHEN 'seed' THEN 5 WHEN 'observed' THEN 4 WHEN 'epoch' THEN 3 WHEN 'hf' THEN 2
                               WHEN 'openrouter' THEN 1 ELSE 0 END DESC,
                 f.release_date ASC NULLS LAST, f.fetched_from
    ) AS rank
FROM release_facts AS f;
