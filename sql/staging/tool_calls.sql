-- One row per tool / external API call read from tool-call logs, typed and checked.
-- Source: landing_tool_calls. cost_usd is the metered cost as logged or, when the log gives
-- units and a unit price instead, units x unit_price_usd (exact decimal); cost_basis says which.
-- Costs, unit prices and units are exact to 12 places within their limits (value_limit), and so
-- is a computed cost: one beyond the money limit or with more places is quarantined.
WITH typed AS (
    SELECT
        l.*,
        read_instant(l.called_at, $date_format) AS called_at_utc,
        read_amount(l.units, 'units') AS units_n,
        read_amount(l.unit_price_usd, 'money') AS unit_price_usd_n,
        read_amount(l.cost_usd, 'money') AS logged_cost_usd,
        read_status(l.status) AS status_n
    FROM landing_tool_calls AS l
),

-- units x unit price, exact (24 places), formed only when it can be within ten times the money
-- limit: a DECIMAL(38, 24) holds less than 10^14, and the DOUBLE estimate only decides that
multiplied AS (
    SELECT
        t.*,
        CASE
            WHEN CAST(t.units_n AS DOUBLE) * CAST(t.unit_price_usd_n AS DOUBLE)
                <= 10 * CAST(value_limit('money').max_abs AS DOUBLE)
                THEN t.units_n * t.unit_price_usd_n
        END AS units_cost_usd
    FROM typed AS t
),

costed AS (
    SELECT
        t.*,
        COALESCE(
            t.logged_cost_usd,
            CASE
                WHEN t.units_cost_usd <= value_limit('money').max_abs
                    AND t.units_cost_usd = CAST(t.units_cost_usd AS DECIMAL(38, 12))
                    THEN CAST(t.units_cost_usd AS DECIMAL(38, 12))
            END
        ) AS cost_usd_n,
        CASE
            WHEN t.logged_cost_usd IS NOT NULL THEN 'logged'
            WHEN t.units_n IS NOT NULL AND t.unit_price_usd_n IS NOT NULL
                THEN 'units_x_unit_price'
        END AS cost_basis
    FROM multiplied AS t
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
            COALESCE(
                amount_problem('cost_usd', c.cost_usd, 'money'),
                CASE WHEN c.logged_cost_usd < 0 THEN 'cost_usd: negative' END
            ),
            COALESCE(
                amount_problem('units', c.units, 'units'),
                CASE WHEN c.units_n < 0 THEN 'units: negative' END
            ),
            COALESCE(
                amount_problem('unit_price_usd', c.unit_price_usd, 'money'),
                CASE WHEN c.unit_price_usd_n < 0 THEN 'unit_price_usd: negative' END
            ),
            CASE
                WHEN c.cost_usd IS NULL AND (c.units IS NULL OR c.unit_price_usd IS NULL)
                    THEN 'cost_usd: missing, and no units with unit_price_usd to compute it'
                WHEN c.cost_usd IS NULL AND c.units_n >= 0 AND c.unit_price_usd_n >= 0
                    AND (
                        c.units_cost_usd IS NULL
                        OR c.units_cost_usd > value_limit('money').max_abs
                    )
                    THEN 'cost_usd: units x unit_price_usd beyond the limit of '
                        || value_limit('money').shown || ' (''' || LEFT(c.units, 40) || ''' x '''
                        || LEFT(c.unit_price_usd, 40) || ''')'
                WHEN c.cost_usd IS NULL AND c.units_n >= 0 AND c.unit_price_usd_n >= 0
                    AND c.cost_usd_n IS NULL
                    THEN 'cost_usd: units x unit_price_usd has more than 12 decimal places ('''
                        || LEFT(c.units, 40) || ''' x ''' || LEFT(c.unit_price_usd, 40)
                        || '''), which would be rounded'
            END,
            CASE
                WHEN c.status_n IS NULL
                    THEN status_problem(c.status)
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
