-- One row per repository and the team that owns it (cost per accepted change counts a merged
-- pull request's units for this team). Source: landing_repository_teams. repository is
-- 'owner/name' in lower case, as staging.pull_requests writes it.
WITH checked AS (
    SELECT
        l.*,
        LOWER(l.repository) AS repository_n,
        COALESCE(l.landing_error, NULLIF(CONCAT_WS('; ',
            CASE
                WHEN l.repository IS NULL THEN 'repository: missing'
                WHEN NOT regexp_matches(l.repository, '^[^/\s]+/[^/\s]+$')
                    THEN 'repository: not owner/name (''' || LEFT(l.repository, 80) || ''')'
            END,
            CASE WHEN l.team_id IS NULL THEN 'team_id: missing' END
        ), '')) AS reject_reason
    FROM landing_repository_teams AS l
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.repository_n AS dedup_key,
    md5(CONCAT_WS('|', c.repository_n, c.team_id)) AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.repository_n AS repository,
    c.team_id
FROM checked AS c
