-- One row per table or column of the published database being built (attached as
-- publish_target) whose comment is not yet the one its serving view carries in the warehouse
-- ($warehouse): the comments publishing writes. A table copied from the last published file
-- keeps its comments, so a windowed publish writes only those of the tables it built whole.
WITH view_comments AS (
    SELECT view_name AS table_name, CAST(NULL AS VARCHAR) AS column_name, comment
    FROM duckdb_views()
    WHERE database_name = $warehouse AND schema_name = 'serving' AND comment IS NOT NULL
    UNION ALL
    SELECT table_name, column_name, comment
    FROM duckdb_columns()
    WHERE database_name = $warehouse AND schema_name = 'serving' AND comment IS NOT NULL
),

published_comments AS (
    SELECT table_name, CAST(NULL AS VARCHAR) AS column_name, comment
    FROM duckdb_tables()
    WHERE database_name = 'publish_target' AND schema_name = 'serving'
    UNION ALL
    SELECT table_name, column_name, comment
    FROM duckdb_columns()
    WHERE database_name = 'publish_target' AND schema_name = 'serving'
)

SELECT
    view_comments.table_name,
    view_comments.column_name,
    view_comments.comment
FROM view_comments
INNER JOIN published_comments
    ON published_comments.table_name = view_comments.table_name
    AND published_comments.column_name IS NOT DISTINCT FROM view_comments.column_name
WHERE published_comments.comment IS DISTINCT FROM view_comments.comment
ORDER BY view_comments.table_name, view_comments.column_name NULLS FIRST
