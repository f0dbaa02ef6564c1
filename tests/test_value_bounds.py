"""Values read at staging stay within stated limits (value_limit in
sql/ingest/macros/value_readers.sql) and are exact: a huge but well-formed value is quarantined
naming its field and limit instead of overflowing a later sum or product, and a value with more
decimal places than its column keeps is quarantined instead of rounded."""

from decimal import Decimal

from tests.conftest import write

AS_OF = {"as_of": "2026-11-23T00:00:00"}
ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
    "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n"
)
EVENTS = "event_id,action_id,event_type,occurred_at\ne1,a1,accepted,2026-10-01T10:00:00Z\n"
BILLING_HEADER = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "Tags\n"
)
TEAM_TAG = '"{""team"":""team-x""}"'
REQUEST_HEADER = "request_id,requested_at,model,input_tokens,output_tokens,action_id,team_id\n"
TOOL_HEADER = "call_id,called_at,tool_name,units,unit_price_usd,cost_usd,action_id,team_id\n"


def showback_runs(build_models, contract_failures) -> bool:
    """The showback builds from the files (model harness) and every blocking contract holds on
    it, the staging tables' (rows and amounts conserved) and the ledger's and showback's: no
    figure overflowed on the way."""
    build_models("marts/showback", metric=AS_OF)
    return contract_failures() == {}


def with_one_accepted_action(data_dir):
    write(data_dir, "agent_actions/a.csv", ACTIONS)
    write(data_dir, "action_events/e.csv", EVENTS)


def quarantined(query):
    return query(
        "SELECT source, source_file, source_line, reason FROM audit.quarantine "
        "ORDER BY source, source_file, source_line"
    )


def billing_line(cost):
    return f"{cost},{cost},USD,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,Usage,{TEAM_TAG}\n"


def test_billing_cost_beyond_the_limit_is_quarantined_and_showback_runs(
    data_dir, build_models, contract_failures, query
):
    with_one_accepted_action(data_dir)
    write(
        data_dir,
        "billing_lines/b.csv",
        BILLING_HEADER + billing_line("100000000000000000000") + billing_line("10.50"),
    )
    assert showback_runs(build_models, contract_failures)
    assert quarantined(query) == [
        (
            "billing_lines",
            "billing_lines/b.csv",
            2,
            "BilledCost: beyond the limit of 1e12 ('100000000000000000000'); "
            "EffectiveCost: beyond the limit of 1e12 ('100000000000000000000')",
        )
    ]
    assert query("SELECT source_line, effective_cost FROM staging.billing_lines") == [
        (3, Decimal("10.5"))
    ]
    assert query(
        "SELECT infrastructure_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal("10.5"),)]


def test_consequence_amount_beyond_the_limit_is_quarantined_and_showback_runs(
    data_dir, build_models, contract_failures, query
):
    with_one_accepted_action(data_dir)
    write(
        data_dir,
        "consequence_records/c.csv",
        "record_id,record_type,amount,currency,occurred_at,team_id\n"
        "q1,refund,1000000000000000000,USD,2026-10-01T12:00:00Z,team-x\n"
        "q2,refund,25,USD,2026-10-01T12:00:00Z,team-x\n",
    )
    assert showback_runs(build_models, contract_failures)
    assert quarantined(query) == [
        (
            "consequence_records",
            "consequence_records/c.csv",
            2,
            "amount: beyond the limit of 1e12 ('1000000000000000000')",
        )
    ]
    assert query("SELECT record_id, amount_usd FROM staging.consequence_records") == [
        ("q2", Decimal("25"))
    ]


def test_token_count_beyond_the_limit_is_quarantined_and_showback_runs(
    data_dir, build_models, contract_failures, query
):
    with_one_accepted_action(data_dir)
    write(
        data_dir,
        "model_prices/p.csv",
        "model,token_kind,usd_per_million_tokens,effective_from\n"
        "m,input,1,2026-01-01\nm,output,2,2026-01-01\n",
    )
    # two requests of 5e18 tokens each summed past 2^63 in the showback's token count
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUEST_HEADER
        + "r1,2026-10-01T09:00:00Z,m,5000000000000000000,1,a1,team-x\n"
        + "r2,2026-10-01T09:01:00Z,m,5000000000000000000,1,a1,team-x\n"
        + "r3,2026-10-01T09:02:00Z,m,1000000,1000000,a1,team-x\n",
    )
    assert showback_runs(build_models, contract_failures)
    reason = "input_tokens: beyond the limit of 1e9 ('5000000000000000000')"
    assert quarantined(query) == [
        ("llm_requests", "llm_requests/r.csv", 2, reason),
        ("llm_requests", "llm_requests/r.csv", 3, reason),
    ]
    assert query(
        "SELECT tokens, inference_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(2000000, Decimal("3"))]


def test_tool_units_beyond_the_limit_are_quarantined_and_showback_runs(
    data_dir, build_models, contract_failures, query
):
    with_one_accepted_action(data_dir)
    write(
        data_dir,
        "tool_calls/t.csv",
        TOOL_HEADER
        + "c1,2026-10-01T09:00:00Z,search,1000000000000000,0.5,,a1,team-x\n"
        + "c2,2026-10-01T09:00:00Z,search,4,0.5,,a1,team-x\n",
    )
    assert showback_runs(build_models, contract_failures)
    assert quarantined(query) == [
        (
            "tool_calls",
            "tool_calls/t.csv",
            2,
            "units: beyond the limit of 1e12 ('1000000000000000')",
        )
    ]
    assert query("SELECT call_id, cost_usd, cost_basis FROM staging.tool_calls") == [
        ("c2", Decimal("2"), "units_x_unit_price")
    ]


def test_model_price_beyond_the_limit_is_quarantined_and_showback_runs(
    data_dir, build_models, contract_failures, query
):
    with_one_accepted_action(data_dir)
    write(
        data_dir,
        "model_prices/p.csv",
        "model,token_kind,usd_per_million_tokens,effective_from\n"
        "m,input,100000000000000000000,2026-01-01\n"
        "m,output,2,2026-01-01\n",
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUEST_HEADER + "r1,2026-10-01T09:00:00Z,m,1000000000,1,a1,team-x\n",
    )
    assert showback_runs(build_models, contract_failures)
    assert quarantined(query) == [
        (
            "model_prices",
            "model_prices/p.csv",
            2,
            "usd_per_million_tokens: beyond the limit of 1e7 ('100000000000000000000')",
        )
    ]
    assert query("SELECT token_kind, usd_per_million_tokens FROM staging.model_prices") == [
        ("output", Decimal("2"))
    ]
    # no input price in force: the request's cost is unknown, never 0 and never a crash
    assert query("SELECT cost_status, cost_usd FROM core.llm_request_costs") == [("unknown", None)]


def test_values_at_their_limits_are_staged_and_showback_runs(
    data_dir, build_models, contract_failures, query
):
    with_one_accepted_action(data_dir)
    write(data_dir, "billing_lines/b.csv", BILLING_HEADER + billing_line("1e12"))
    write(
        data_dir,
        "model_prices/p.csv",
        "model,token_kind,usd_per_million_tokens,effective_from\n"
        "m,input,10000000,2026-01-01\nm,output,10000000,2026-01-01\n",
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUEST_HEADER + "r1,2026-10-01T09:00:00Z,m,1000000000,1000000000,a1,team-x\n",
    )
    write(
        data_dir,
        "tool_calls/t.csv",
        TOOL_HEADER + "c1,2026-10-01T09:00:00Z,search,1000000000000,1,,a1,team-x\n",
    )
    assert showback_runs(build_models, contract_failures)
    assert quarantined(query) == []
    assert query(
        "SELECT infrastructure_cost_usd, inference_cost_usd, tool_cost_usd, tokens "
        "FROM marts.showback WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal("1e12"), Decimal("2e10"), Decimal("1e12"), 2000000000)]


def test_cost_with_more_than_12_decimal_places_is_quarantined_not_rounded(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/t.csv",
        TOOL_HEADER
        + "c1,2026-10-01T09:00:00Z,search,,,0.1234567890123456,a1,team-x\n"
        + "c2,2026-10-01T09:00:00Z,search,,,0.123456789012,a1,team-x\n"
        + "c3,2026-10-01T09:00:00Z,search,,,1.5e-13,a1,team-x\n"
        + "c4,2026-10-01T09:00:00Z,search,,,2.500000000000000000,a1,team-x\n",
    )
    assert ingest().success
    assert quarantined(query) == [
        (
            "tool_calls",
            "tool_calls/t.csv",
            2,
            "cost_usd: more than 12 decimal places ('0.1234567890123456'), which would be rounded",
        ),
        (
            "tool_calls",
            "tool_calls/t.csv",
            4,
            "cost_usd: more than 12 decimal places ('1.5e-13'), which would be rounded",
        ),
    ]
    # trailing zeros are not decimal places the value needs
    assert query("SELECT call_id, cost_usd FROM staging.tool_calls ORDER BY 1") == [
        ("c2", Decimal("0.123456789012")),
        ("c4", Decimal("2.5")),
    ]


def test_units_times_unit_price_with_more_than_12_decimal_places_is_quarantined(
    data_dir, ingest, query
):
    write(
        data_dir,
        "tool_calls/t.csv",
        TOOL_HEADER
        + "c1,2026-10-01T09:00:00Z,search,0.0000001,0.0000001,,a1,team-x\n"
        + "c2,2026-10-01T09:00:00Z,search,0.000001,0.000001,,a1,team-x\n",
    )
    assert ingest().success
    assert quarantined(query) == [
        (
            "tool_calls",
            "tool_calls/t.csv",
            2,
            "cost_usd: units x unit_price_usd has more than 12 decimal places "
            "('0.0000001' x '0.0000001'), which would be rounded",
        )
    ]
    assert query("SELECT call_id, cost_usd FROM staging.tool_calls") == [
        ("c2", Decimal("0.000000000001"))
    ]


def test_hours_with_more_than_6_decimal_places_are_quarantined_not_rounded(data_dir, ingest, query):
    write(
        data_dir,
        "time_entries/h.csv",
        "entry_id,person_id,role,work_date,hours,activity,action_id\n"
        "h1,p1,reviewer,2026-10-01,1.1234567,review,a1\n"
        "h2,p1,reviewer,2026-10-01,1.123456,review,a1\n",
    )
    assert ingest().success
    assert quarantined(query) == [
        (
            "time_entries",
            "time_entries/h.csv",
            2,
            "hours: more than 6 decimal places ('1.1234567'), which would be rounded",
        )
    ]
    assert query("SELECT entry_id, hours FROM staging.time_entries") == [
        ("h2", Decimal("1.123456"))
    ]


def test_floating_point_noise_beyond_12_places_is_read_rounded(data_dir, ingest, query):
    # 0.1 + 0.2 as a JSON or Parquet double: the digits past the 12th place are below what the
    # binary type can tell apart; a cost off by a genuine 1e-13 is still quarantined
    write(
        data_dir,
        "tool_calls/t.jsonl",
        '{"call_id": "c1", "called_at": "2026-10-01T09:00:00Z", "tool_name": "search", '
        '"cost_usd": 0.30000000000000004}\n'
        '{"call_id": "c2", "called_at": "2026-10-01T09:00:00Z", "tool_name": "search", '
        '"cost_usd": 0.3000000000001}\n',
    )
    assert ingest().success
    assert quarantined(query) == [
        (
            "tool_calls",
            "tool_calls/t.jsonl",
            2,
            "cost_usd: more than 12 decimal places ('0.3000000000001'), which would be rounded",
        )
    ]
    assert query("SELECT call_id, cost_usd FROM staging.tool_calls") == [("c1", Decimal("0.3"))]
