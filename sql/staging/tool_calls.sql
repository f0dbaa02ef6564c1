-- One row per tool / external API call read from tool-call logs, typed and checked.
-- Source: landing_tool_calls. cost_usd is the metered cost as logged or, when the log gives
-- units and a unit price instead, units x unit_price_usd (exact decimal); cost_basis says which.
WITH typed AS (
    SELECT
        l.*,
        read_instant(l.called_at, $date_format) AS called_at_utc,
        TRY_CAST(l.units AS DECIMAL(38, 12)) AS units_n,
        TRY_CAST(l.unit_price_usd AS DECIMAL(38, 12)) AS unit_price_usd_n,
        TRY_CAST(l.cost_usd AS DECIMAL(38, 12)) AS logged_cost_usd,
        CASE
            WHEN l.status IS NULL THEN 'success'
            WHEN LOWER(l.status) IN ('success', 'ok') THEN 'success'
            WHEN LOWER(l.status) IN ('error', 'failure', 'failed') THEN 'error'
        END AS status_n
    FROM landing_tool_calls AS l
),

costed AS (
    SELECT
        t.*,
        COALESCE(
            t.logged_cost_usd, CAST(t.units_n * t.unit_price_usd_n AS DECIMAL(38, 12))
        ) AS cost_usd_n,
        CASE
            WHEN t.logged_cost_usd IS NOT NULL THEN 'logged'
            WHEN t.units_n IS NOT NULL AND t.unit_price_usd_n IS NOT NULL
                THEN 'units_x_unit_price'
        END AS cost_basis
    FROM typed AS t
),

checked AS (
    SELECT
        c.*,
        COALESCE(c.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN c.call_id IS NULL THEN 'call_id: missing' END,
            CASE
                WHEN c.called_at IS NULL THEN 'called_at: missing'
                ELSE instant_problem(
                    'called_at', c.called_at, c.called_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE WHEN c.tool_name IS NULL THEN 'tool_name: missing' END,
            CASE
                WHEN c.cost_usd IS NOT NULL AND c.logged_cost_usd IS NULL
                    THEN 'cost_usd: not a decimal number (''' || LEFT(c.cost_usd, 40) || ''')'
                WHEN c.logged_cost_usd < 0 THEN 'cost_usd: negative'
            END,
            CASE
                WHEN c.units IS NOT NULL AND c.units_n IS NULL
                    THEN 'units: not a decimal number (''' || LEFT(c.units, 40) || ''')'
                WHEN c.units_n < 0 THEN 'units: negative'
            END,
            CASE
                WHEN c.unit_price_usd IS NOT NULL AND c.unit_price_usd_n IS NULL
                    THEN 'unit_price_usd: not a decimal number ('''
                        || LEFT(c.unit_price_usd, 40) || ''')'
                WHEN c.unit_price_usd_n < 0 THEN 'unit_price_usd: negative'
            END,
            CASE
                WHEN c.cost_usd IS NULL AND (c.units IS NULL OR c.unit_price_usd IS NULL)
                    THEN 'cost_usd: missing, and no units with unit_price_usd to compute it'
            END,
            CASE
                WHEN c.status_n IS NULL
                    THEN 'status: not success or error (''' || LEFT(c.status, 40) || ''')'
            END
        ), '')) AS reject_reason
    FROM costed AS c
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.call_id AS dedup_key,
    md5(CONCAT_WS('|', c.call_id, CAST(c.called_at_utc AS VARCHAR), c.tool_name, c.vendor,
        CAST(c.units_n AS VARCHAR), CAST(c.unit_price_usd_n AS VARCHAR),
        CAST(c.cost_usd_n AS VARCHAR), c.status_n, c.action_id, c.task_id, c.session_id,
        c.parent_session_id, c.agent_id, c.team_id)) AS row_hash,
    c.cost_usd_n AS conserved_amount,
    c.call_id,
    c.called_at_utc AS called_at,
    c.tool_name,
    c.vendor,
    c.units_n AS units,
    c.unit_price_usd_n AS unit_price_usd,
    c.cost_usd_n AS cost_usd,
    c.cost_basis,
    c.status_n AS status,
    c.action_id,
    c.task_id,
    c.session_id,
    c.parent_session_id,
    c.agent_id,
    c.team_id
FROM checked AS c
