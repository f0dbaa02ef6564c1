-- One row per team (and the fleet) with next month's forecast spend and cost per accepted action,
-- from the run-rate of the last $forecast_basis_days days with data before $as_of. Source:
-- marts.showback (day rows; a day with no row for a team counts as 0). Method (the FinOps
-- run-rate): the basis' mean daily spend times the next month's days, and accepted units the
-- same way; their ratio is the forecast cost per accepted action. The ~95 % interval is
-- +/- 1.96 x sd x sqrt(d + d^2 / n) (sd: the daily spend's standard deviation, d: days forecast,
-- n: basis days; day-to-day noise plus the uncertainty of the mean), its low end cut at 0 unless
-- the forecast itself is below 0 (a basis where credits outweigh charges, SPEC 9), so low <=
-- forecast <= high always holds. The cost per accepted action interval divides its bounds by the
-- forecast units. trend_usd_per_day (the least-squares slope of daily spend) says which way the
-- basis was moving; it is reported, not extrapolated. Statistics (deviation, slope) are floating
-- point rounded to cents; sums are exact.
-- @rebuilt_whole a forecast is remade from the whole history each run
-- @summary_by grain
WITH bounds AS (
    SELECT
        MAX(period_start) AS basis_end,
        CAST(MAX(period_start) - ($forecast_basis_days - 1) * INTERVAL 1 DAY AS DATE) AS basis_start
    FROM marts.showback
    WHERE period = 'day' AND grain = 'fleet'
        AND period_start < CAST(CAST($as_of AS TIMESTAMP) AS DATE)
),

basis_days AS (
    SELECT s.period_start AS day, date_diff('day', b.basis_start, s.period_start) AS day_index
    FROM marts.showback AS s
    CROSS JOIN bounds AS b
    WHERE s.period = 'day' AND s.grain = 'fleet'
        AND s.period_start BETWEEN b.basis_start AND b.basis_end
),

owners AS (
    SELECT DISTINCT s.grain, COALESCE(s.team_id, 'fleet') AS team_id
    FROM marts.showback AS s
    CROSS JOIN bounds AS b
    WHERE s.period = 'day' AND s.grain IN ('fleet', 'team')
        AND s.period_start BETWEEN b.basis_start AND b.basis_end
),

daily AS (
    SELECT
        o.grain,
        o.team_id,
        d.day,
        d.day_index,
        COALESCE(s.total_cost_usd, 0) AS cost_usd,
        COALESCE(s.accepted_units, 0) AS accepted_units
    FROM owners AS o
    CROSS JOIN basis_days AS d
    LEFT JOIN marts.showback AS s
        ON s.period = 'day' AND s.grain = o.grain AND s.period_start = d.day
        AND COALESCE(s.team_id, 'fleet') = o.team_id
),

fitted AS (
    SELECT
        grain,
        team_id,
        COUNT(*) AS basis_days,
        MIN(day) AS basis_start,
        MAX(day) AS basis_end,
        SUM(cost_usd) AS basis_cost_usd,
        SUM(accepted_units) AS basis_accepted_units,
        -- one basis day has neither a slope nor a spread
        CASE
            WHEN COUNT(*) > 1 THEN regr_slope(CAST(cost_usd AS DOUBLE), day_index) ELSE 0
        END AS slope_per_day,
        CASE WHEN COUNT(*) > 1 THEN stddev_samp(CAST(cost_usd AS DOUBLE)) ELSE 0 END AS daily_sd,
    FROM daily
    GROUP BY grain, team_id
),

projected AS (
    SELECT
        f.*,
        CAST(date_trunc('month', f.basis_end) + INTERVAL 1 MONTH AS DATE) AS forecast_month,
        date_diff(
            'day',
            CAST(date_trunc('month', f.basis_end) + INTERVAL 1 MONTH AS DATE),
            CAST(date_trunc('month', f.basis_end) + INTERVAL 2 MONTH AS DATE)
        ) AS forecast_days
    FROM fitted AS f
),

summed AS (
    SELECT
        p.*,
        divide_decimal(p.basis_cost_usd, p.basis_days) AS mean_daily_cost_usd,
        divide_decimal(p.basis_accepted_units, p.basis_days) AS mean_daily_accepted_units
    FROM projected AS p
),

forecast AS (
    SELECT
        s.*,
        s.forecast_days * s.mean_daily_cost_usd AS forecast_spend_usd,
        CAST(ROUND(
            1.96 * s.daily_sd
            * SQRT(s.forecast_days + s.forecast_days * s.forecast_days / s.basis_days),
            2
        ) AS DECIMAL(38, 2)) AS half_width_usd,
        s.forecast_days * s.mean_daily_accepted_units AS forecast_accepted_units
    FROM summed AS s
),

bounded AS (
    SELECT
        f.*,
        CASE
            WHEN f.forecast_spend_usd < 0 THEN f.forecast_spend_usd - f.half_width_usd
            ELSE GREATEST(CAST(0 AS DECIMAL(38, 12)), f.forecast_spend_usd - f.half_width_usd)
        END AS low_usd
    FROM forecast AS f
)

SELECT
    f.forecast_month,
    f.grain,
    CASE WHEN f.grain = 'team' THEN f.team_id END AS team_id,
    f.forecast_spend_usd,
    f.low_usd AS forecast_spend_low_usd,
    f.forecast_spend_usd + f.half_width_usd AS forecast_spend_high_usd,
    f.forecast_accepted_units,
    divide_decimal(f.forecast_spend_usd, f.forecast_accepted_units)
        AS forecast_cost_per_accepted_action,
    divide_decimal(f.low_usd, f.forecast_accepted_units) AS forecast_cost_per_accepted_action_low,
    divide_decimal(f.forecast_spend_usd + f.half_width_usd, f.forecast_accepted_units)
        AS forecast_cost_per_accepted_action_high,
    f.basis_start,
    f.basis_end,
    f.basis_days,
    f.basis_cost_usd,
    f.mean_daily_cost_usd,
    CAST(ROUND(f.slope_per_day, 2) AS DECIMAL(38, 2)) AS trend_usd_per_day,
    'run-rate: mean daily spend over ' || CAST(f.basis_days AS VARCHAR)
        || ' days x days in the month; interval +/- 1.96 sd x sqrt(d + d^2/n)' AS method
FROM bounded AS f
