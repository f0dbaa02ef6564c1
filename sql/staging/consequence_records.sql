-- One row per booked consequence of agent work: a refund, credit, SLA penalty, escalation, lost
-- revenue or incident, with the action / task / agent / team it concerns. Source:
-- landing_consequence_records. amount is kept as written (minor units such as Stripe cents when
-- amount_unit = 'minor'), exact and within the money limit (value_limit); amount_usd converts
-- it at the declared rate. A currency with no declared rate is quarantined, never summed.
WITH typed AS (
    SELECT
        l.*,
        LOWER(REPLACE(REPLACE(l.record_type, ' ', '_'), '-', '_')) AS record_type_n,
        read_amount(l.amount, 'money') AS amount_n,
        UPPER(l.currency) AS currency_n,
        LOWER(COALESCE(l.amount_unit, 'major')) AS amount_unit_n,
        read_instant(l.occurred_at, $date_format) AS occurred_at_utc
    FROM landing_consequence_records AS l
),

checked AS (
    SELECT
        t.*,
        fx.rate_to_usd,
        fx.minor_unit_factor,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.record_id IS NULL THEN 'record_id: missing' END,
            CASE
                WHEN t.record_type IS NULL THEN 'record_type: missing'
                WHEN t.record_type_n NOT IN
                    ('refund', 'credit', 'sla_penalty', 'escalation', 'lost_revenue', 'incident')
                    THEN 'record_type: not one of refund, credit, sla_penalty, escalation, '
                        || 'lost_revenue, incident (''' || LEFT(t.record_type, 40) || ''')'
            END,
            CASE
                WHEN t.amount IS NULL THEN 'amount: missing'
                WHEN amount_problem('amount', t.amount, 'money') IS NOT NULL
                    THEN amount_problem('amount', t.amount, 'money')
                WHEN t.amount_n < 0 THEN 'amount: negative (consequences are booked as costs)'
                ELSE minor_units_problem(
                    'amount', t.amount, t.amount_n, t.amount_unit_n, fx.minor_unit_factor
                )
            END,
            CASE
                WHEN t.currency IS NULL THEN 'currency: missing'
                WHEN fx.rate_to_usd IS NULL
                    THEN 'currency: no declared exchange rate for ''' || t.currency_n || ''''
            END,
            CASE
                WHEN t.amount_unit_n NOT IN ('major', 'minor')
                    THEN 'amount_unit: not major or minor (''' || LEFT(t.amount_unit, 40) || ''')'
            END,
            CASE
                WHEN t.occurred_at IS NULL THEN 'occurred_at: missing'
                ELSE instant_problem(
                    'occurred_at', t.occurred_at, t.occurred_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN COALESCE(t.action_id, t.task_id, t.agent_id, t.team_id) IS NULL
                    THEN 'action_id: missing (a consequence names an action, task, agent or team)'
            END
        ), '')) AS reject_reason
    FROM typed AS t
    LEFT JOIN fx_rates AS fx ON t.currency_n = fx.currency
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.record_id AS dedup_key,
    md5(CONCAT_WS('|', c.record_id, c.record_type_n, CAST(c.amount_n AS VARCHAR), c.currency_n,
        c.amount_unit_n, CAST(c.occurred_at_utc AS VARCHAR), c.action_id, c.task_id, c.agent_id,
        c.team_id, c.description)) AS row_hash,
    c.amount_n AS conserved_amount,
    c.record_id,
    c.record_type_n AS record_type,
    c.amount_n AS amount,
    c.currency_n AS currency,
    c.amount_unit_n AS amount_unit,
    amount_in_usd(c.amount_n, c.amount_unit_n, c.minor_unit_factor, c.rate_to_usd) AS amount_usd,
    c.occurred_at_utc AS occurred_at,
    c.action_id,
    c.task_id,
    c.agent_id,
    c.team_id,
    c.description
FROM checked AS c
