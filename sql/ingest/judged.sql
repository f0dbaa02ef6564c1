-- One row per valid row of the batch whose key is contested or already staged, and per copy of a
-- released key that another, unchanged file holds: its load status ('staged', 'duplicate',
-- 'conflict') and the row kept in its place (first_seen). checked_row is the row's rowid in
-- _checked; NULL for a copy read back from {duplicates_table}.
--
-- The first row of a key wins: a row already staged ({staging_table}) from another file, else the
-- first in file and line order. A later row with identical content is a duplicate; with
-- different content it is a conflict. Keys are counted with a hash aggregate, and only keys seen
-- twice in the batch or released (temp table _released_keys) with copies elsewhere are ranked.
-- {staging_table} and {duplicates_table} are the source's tables, named by the loader.
CREATE OR REPLACE TEMP TABLE _judged AS
WITH batch_duplicate_keys AS (
    SELECT c.dedup_key
    FROM _checked AS c
    WHERE c.reject_reason IS NULL
    GROUP BY c.dedup_key
    HAVING COUNT(*) > 1
),

-- copies in unchanged files of the keys whose staged row this load removed
reopened_copies AS (
    SELECT d.source_file, d.source_line, d.dedup_key, d.row_hash
    FROM {duplicates_table} AS d
    WHERE d.dedup_key IN (SELECT r.dedup_key FROM _released_keys AS r)
),

contested_keys AS (
    SELECT dedup_key FROM batch_duplicate_keys
    UNION
    SELECT dedup_key FROM reopened_copies
),

candidates AS (
    SELECT c.rowid AS checked_row, c.source_file, c.source_line, c.dedup_key, c.row_hash
    FROM _checked AS c
    WHERE c.reject_reason IS NULL
        AND c.dedup_key IN (SELECT dedup_key FROM contested_keys)
    UNION ALL
    SELECT NULL, o.source_file, o.source_line, o.dedup_key, o.row_hash
    FROM reopened_copies AS o
),

ranked AS (
    SELECT
        k.checked_row,
        k.source_file,
        k.source_line,
        k.dedup_key,
        k.row_hash,
        ROW_NUMBER() OVER (
            PARTITION BY k.dedup_key ORDER BY k.source_file, k.source_line
        ) AS batch_rank,
        FIRST_VALUE(k.row_hash) OVER (
            PARTITION BY k.dedup_key ORDER BY k.source_file, k.source_line
        ) AS first_hash,
        FIRST_VALUE(k.source_file || ' line ' || CAST(k.source_line AS VARCHAR)) OVER (
            PARTITION BY k.dedup_key ORDER BY k.source_file, k.source_line
        ) AS batch_first_seen
    FROM candidates AS k
),

prior AS (
    SELECT
        s.dedup_key,
        MIN(s.row_hash) AS row_hash,
        MIN(s.source_file || ' line ' || CAST(s.source_line AS VARCHAR)) AS seen
    FROM {staging_table} AS s
    WHERE s.dedup_key IN (
        SELECT c.dedup_key FROM _checked AS c WHERE c.reject_reason IS NULL
        UNION
        SELECT dedup_key FROM reopened_copies
    )
    GROUP BY s.dedup_key
),

-- contested keys: the first row wins unless the key is already staged; every other
-- row is a duplicate or a conflict of the row kept
contested AS (
    SELECT
        r.checked_row,
        r.source_file,
        r.source_line,
        CASE
            WHEN p.dedup_key IS NULL AND r.batch_rank = 1 THEN 'staged'
            WHEN COALESCE(p.row_hash, r.first_hash) = r.row_hash THEN 'duplicate'
            ELSE 'conflict'
        END AS load_status,
        CASE WHEN p.dedup_key IS NOT NULL OR r.batch_rank > 1
            THEN COALESCE(p.seen, r.batch_first_seen) END AS first_seen
    FROM ranked AS r
    LEFT JOIN prior AS p ON p.dedup_key = r.dedup_key
),

-- keys once in the batch, not contested, that an earlier load already staged
already_staged AS (
    SELECT
        c.rowid AS checked_row,
        c.source_file,
        c.source_line,
        CASE WHEN p.row_hash = c.row_hash THEN 'duplicate' ELSE 'conflict' END
            AS load_status,
        p.seen AS first_seen
    FROM _checked AS c
    INNER JOIN prior AS p ON p.dedup_key = c.dedup_key
    WHERE c.reject_reason IS NULL
        AND c.dedup_key NOT IN (SELECT dedup_key FROM contested_keys)
)

SELECT * FROM contested
UNION ALL
SELECT * FROM already_staged
