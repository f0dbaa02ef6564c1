"""Failure impact = failure rate x average consequence, observed once matured (SPEC 5)."""

from decimal import Decimal

import duckdb
import pytest

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
)


def write_history(data_dir, *, old_failures: int, recent_failures: int) -> None:
    """`old_failures` reverted actions of agent-a in September with a $10 refund each (matured by
    the as-of time), and `recent_failures` reverted actions in late November (not matured)."""
    for folder in ("agent_actions", "action_events", "consequence_records"):
        (data_dir / folder).mkdir(exist_ok=True)
    with duckdb.connect() as conn:
        conn.execute(
            """
            CREATE TABLE a AS
            SELECT 'old' || CAST(i AS VARCHAR) AS action_id,
                   TIMESTAMP '2026-09-20 09:00:00' AS attempted_at, TRUE AS old
            FROM range($old) AS t(i)
            UNION ALL
            SELECT 'new' || CAST(i AS VARCHAR), TIMESTAMP '2026-11-25 09:00:00', FALSE
            FROM range($recent) AS t(i)
            """,
            {"old": old_failures, "recent": recent_failures},
        )
        exports = {
            "agent_actions/a.csv": "SELECT action_id, attempted_at, 't-' || action_id AS task_id, "
            "'agent-a' AS agent_id, 'team-x' AS team_id, 'refund' AS task_type, "
            "'G2' AS risk_grade FROM a",
            "action_events/e.csv": "SELECT 'e' || action_id AS event_id, action_id, "
            "'reverted' AS event_type, attempted_at + INTERVAL 1 HOUR AS occurred_at FROM a",
            "consequence_records/c.csv": "SELECT 'k' || action_id AS record_id, "
            "'refund' AS record_type, 10 AS amount, 'USD' AS currency, "
            "attempted_at + INTERVAL 3 DAY AS occurred_at, action_id FROM a WHERE old",
        }
        for relpath, sql in exports.items():
            conn.execute(
                f"COPY ({sql}) TO $path (FORMAT csv, HEADER true)",
                {"path": str(data_dir / relpath)},
            )


@pytest.fixture
def impact(data_dir, build_models, query):
    def run(old: int, recent: int, **metric):
        write_history(data_dir, old_failures=old, recent_failures=recent)
        build_models(
            "marts/failure_impact_by_segment", metric={"as_of": "2026-12-01T00:00:00", **metric}
        )
        return query(
            "SELECT CAST(month AS VARCHAR), failed_actions, failure_rate, avg_consequence_usd, "
            "consequence_level, estimated_impact_usd, observed_impact_usd, failure_impact_usd, "
            "impact_basis FROM marts.failure_impact_by_segment ORDER BY 1"
        )

    return run


def test_matured_failures_book_their_observed_consequences(impact):
    september, _ = impact(old=30, recent=5)
    assert september == (
        "2026-09-01",
        30,
        Decimal(1),
        Decimal(10),
        "segment",
        Decimal(300),
        Decimal(300),
        Decimal(300),
        "observed",
    )


def test_immature_failures_are_estimated_from_the_segment_average(impact):
    _, november = impact(old=30, recent=5)
    assert november[1:] == (
        5,
        Decimal(1),
        Decimal(10),
        "segment",
        Decimal(50),
        Decimal(0),
        Decimal(50),
        "estimated",
    )


def test_too_few_failures_fall_back_and_say_so(impact):
    _, november = impact(old=3, recent=2, min_failures_per_segment=30)
    assert (november[4], november[7]) == ("fleet", Decimal(20))


def test_failures_outside_the_look_back_do_not_set_the_average(impact):
    _, november = impact(old=30, recent=5, consequence_lookback_days=60)
    # 20 September is more than 60 days before 1 December
    assert (november[3], november[4], november[7], november[8]) == (
        None,
        None,
        Decimal(0),
        "observed_so_far",
    )
