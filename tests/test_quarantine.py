"""Bad rows go to quarantine with file, line, column and a plain reason; good rows still load."""

from decimal import Decimal

from tests.conftest import check_results, step_failure_message, write

ACTIONS_HEADER = "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,risk_grade\n"  # noqa: E501


def quarantined(query, source):
    return query(
        "SELECT source_file, source_line, column_name, reason FROM audit.quarantine "
        "WHERE source = $s ORDER BY source_file, source_line",
        {"s": source},
    )


def test_ragged_csv_line_is_quarantined_and_later_lines_keep_their_numbers(data_dir, ingest, query):
    write(
        data_dir,
        "agent_actions/day1.csv",
        ACTIONS_HEADER
        + "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n"
        + "a2,2026-10-01T09:01:00Z,t1,s1,,agent-a,team-x,triage,G1,EXTRA\n"
        + "a3,2026-10-01T09:02:00Z,t2,s2,,agent-b,team-y,refund,G2\n",
    )
    result = ingest()
    assert result.success
    rows = quarantined(query, "agent_actions")
    assert [(r[0], r[1]) for r in rows] == [("agent_actions/day1.csv", 3)]
    assert "too many columns" in rows[0][3]
    assert query("SELECT action_id, source_line FROM staging.agent_actions ORDER BY 1") == [
        ("a1", 2),
        ("a3", 4),
    ]
    assert check_results(result)[("agent_actions", "rows_conserved")]


def test_non_json_line_is_quarantined_and_blank_lines_are_not_rows(data_dir, ingest, query):
    write(
        data_dir,
        "action_events/day1.jsonl",
        '{"event_id": "e1", "action_id": "a1", "event_type": "accepted", '
        '"occurred_at": "2026-10-01T10:00:00Z"}\n'
        "\n"
        "this is not json\n"
        '["an", "array"]\n'
        '{"event_id": "e2", "action_id": "a1", "event_type": "Rolled-Back", '
        '"occurred_at": "2026-10-02T10:00:00Z"}\n',
    )
    assert ingest().success
    assert [(r[1], r[2], r[3]) for r in quarantined(query, "action_events")] == [
        (3, "(row)", "(row): not valid JSON"),
        (4, "(row)", "(row): not a JSON object"),
    ]
    assert query(
        "SELECT event_id, event_type, source_line FROM staging.action_events ORDER BY 1"
    ) == [
        ("e1", "accepted", 1),
        ("e2", "rolled_back", 5),
    ]
    assert query("SELECT rows_read, rows_staged, rows_quarantined FROM audit.load_ledger") == [
        (4, 2, 2)
    ]


def test_bad_number_timestamp_and_missing_field_name_their_columns(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        "call_id,called_at,tool_name,vendor,units,unit_price_usd,cost_usd,status,action_id,"
        "task_id,session_id,parent_session_id,agent_id,team_id\n"
        "c1,2026-10-01T09:00:00Z,web_search,acme,,,0.004,success,a1,t1,s1,,ag,tm\n"
        "c2,2026-10-01T09:00:00Z,web_search,acme,,,abc,success,a1,t1,s1,,ag,tm\n"
        "c3,yesterday,web_search,acme,,,0.004,success,a1,t1,s1,,ag,tm\n"
        "c4,2026-10-01T09:00:00Z,,acme,,,0.004,success,a1,t1,s1,,ag,tm\n"
        "c5,2026-10-01T09:00:00Z,crm_api,acme,3,0.25,,success,a1,t1,s1,,ag,tm\n"
        "c6,2026-10-01T09:00:00Z,crm_api,acme,3,,,success,a1,t1,s1,,ag,tm\n",
    )
    assert ingest().success
    assert [(r[1], r[2], r[3]) for r in quarantined(query, "tool_calls")] == [
        (3, "cost_usd", "cost_usd: not a decimal number ('abc')"),
        (
            4,
            "called_at",
            "called_at: not a date or time in the expected layout ('yesterday'; ISO 8601 "
            "unless the source declares a format in IngestSettings.date_formats)",
        ),
        (5, "tool_name", "tool_name: missing"),
        (7, "cost_usd", "cost_usd: missing, and no units with unit_price_usd to compute it"),
    ]
    assert query("SELECT call_id, cost_usd, cost_basis FROM staging.tool_calls ORDER BY 1") == [
        ("c1", Decimal("0.004"), "logged"),
        ("c5", Decimal("0.75"), "units_x_unit_price"),
    ]


def test_currency_without_declared_rate_is_quarantined_not_summed(data_dir, ingest, query):
    write(
        data_dir,
        "consequence_records/day1.csv",
        "record_id,record_type,amount,currency,amount_unit,occurred_at,action_id,task_id,"
        "agent_id,team_id,description\n"
        "r1,refund,1000,usd,minor,2026-10-01T12:00:00Z,a1,,,,stripe refund in cents\n"
        "r2,sla_penalty,50.00,EUR,major,2026-10-01T12:00:00Z,,,,team-x,\n"
        "r3,credit,20.00,GBP,,2026-10-01T12:00:00Z,a2,,,,\n"
        "r4,refund,5,JPY,minor,2026-10-01T12:00:00Z,a3,,,,\n",
    )
    assert ingest(fx_rates_to_usd={"USD": "1", "EUR": "1.08", "JPY": "0.0067"}).success
    assert [(r[1], r[3]) for r in quarantined(query, "consequence_records")] == [
        (4, "currency: no declared exchange rate for 'GBP'")
    ]
    assert query(
        "SELECT record_id, currency, amount, amount_usd FROM staging.consequence_records ORDER BY 1"
    ) == [
        ("r1", "USD", Decimal("1000"), Decimal("10")),  # 1000 cents = $10
        ("r2", "EUR", Decimal("50"), Decimal("54")),
        ("r4", "JPY", Decimal("5"), Decimal("0.0335")),  # yen have no minor unit
    ]


def test_negative_hours_are_quarantined(data_dir, ingest, query):
    write(
        data_dir,
        "time_entries/day1.csv",
        "entry_id,person_id,role,work_date,hours,activity,action_id,task_id,agent_id,team_id\n"
        "h1,p1,reviewer,2026-10-01,1.5,Review,a1,,,\n"
        "h2,p1,reviewer,2026-10-01,-2,review,a1,,,\n",
    )
    assert ingest().success
    assert [(r[1], r[3]) for r in quarantined(query, "time_entries")] == [
        (3, "hours: outside (0, 24] ('-2')")
    ]
    assert query("SELECT entry_id, hours, activity FROM staging.time_entries") == [
        ("h1", Decimal("1.5"), "review")
    ]


def test_ungraded_action_is_graded_g3_and_bad_grade_is_quarantined(data_dir, ingest, query):
    write(
        data_dir,
        "agent_actions/day1.csv",
        ACTIONS_HEADER
        + "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,\n"
        + "a2,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,g1\n"
        + "a3,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G7\n",
    )
    assert ingest().success
    assert query(
        "SELECT action_id, risk_grade, risk_grade_source FROM staging.agent_actions ORDER BY 1"
    ) == [("a1", "G3", "defaulted"), ("a2", "G1", "declared")]
    assert [r[3] for r in quarantined(query, "agent_actions")] == [
        "risk_grade: not G0, G1, G2 or G3 ('G7')"
    ]


def test_escalation_needs_a_kind(data_dir, ingest, query):
    write(
        data_dir,
        "action_events/day1.csv",
        "event_id,action_id,event_type,escalation_kind,occurred_at\n"
        "e1,a1,escalated,correct,2026-10-01T10:00:00Z\n"
        "e2,a2,escalated,,2026-10-01T10:00:00Z\n"
        "e3,a3,accepted,correct,2026-10-01T10:00:00Z\n",
    )
    assert ingest().success
    assert query(
        "SELECT event_id, event_type, escalation_kind FROM staging.action_events ORDER BY 1"
    ) == [("e1", "escalated", "correct"), ("e3", "accepted", None)]
    assert [r[3] for r in quarantined(query, "action_events")] == [
        "escalation_kind: missing (escalated events are correct or failure)"
    ]


def test_exact_duplicate_in_a_later_file_is_dropped_and_counted(data_dir, ingest, query):
    row = "e1,a1,accepted,,2026-10-01T10:00:00Z\n"
    header = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
    write(data_dir, "action_events/day1.csv", header + row)
    write(data_dir, "action_events/day2.csv", header + row + row.replace("e1", "e2"))
    assert ingest().success
    assert query(
        "SELECT source_file, rows_read, rows_staged, rows_quarantined, rows_duplicate "
        "FROM audit.load_ledger ORDER BY 1"
    ) == [("action_events/day1.csv", 1, 1, 0, 0), ("action_events/day2.csv", 2, 1, 0, 1)]


def test_price_with_unknown_token_kind_is_quarantined(data_dir, ingest, query):
    write(
        data_dir,
        "model_prices/prices.csv",
        "model,provider,token_kind,usd_per_million_tokens,effective_from\n"
        "gpt-4o,openai,input,2.50,2025-01-01\n"
        "gpt-4o,openai,audio,40,2025-01-01\n",
    )
    assert ingest().success
    assert query("SELECT model, token_kind, usd_per_token FROM staging.model_prices") == [
        ("gpt-4o", "input", Decimal("0.0000025"))
    ]
    assert [r[2] for r in quarantined(query, "model_prices")] == ["token_kind"]


def test_azure_tags_without_braces_are_read_and_invalid_tags_keep_the_line(data_dir, ingest, query):
    write(
        data_dir,
        "billing_lines/azure.csv",
        "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        "ChargeCategory,Tags\n"
        '1.5,1.5,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,"""team"":""t-a"""\n'
        '2.0,2.0,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,"{not json"\n'
        "3.0,3.0,CHF,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,NULL\n",
    )
    assert ingest().success
    assert query(
        "SELECT team_id, tags_status, effective_cost FROM staging.billing_lines ORDER BY 3"
    ) == [("t-a", "valid", Decimal("1.5")), (None, "invalid", Decimal("2.0"))]
    assert [r[3] for r in quarantined(query, "billing_lines")] == [
        "BillingCurrency: no declared exchange rate for 'CHF'"
    ]


TOOL_HEADER = "call_id,called_at,tool_name,cost_usd,description\n"


def test_a_blank_line_does_not_shift_the_line_numbers_after_it(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        TOOL_HEADER
        + "c1,2026-10-01T09:00:00Z,search,0.5,ok\n"
        + "\n"
        + "c2,2026-10-01T09:00:00Z,search,abc,bad cost\n",
    )
    assert ingest().success
    assert [(r[1], r[2]) for r in quarantined(query, "tool_calls")] == [(4, "cost_usd")]


def test_a_quoted_field_over_two_lines_keeps_the_numbers_after_it(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        TOOL_HEADER
        + 'c1,2026-10-01T09:00:00Z,search,0.5,"first line\nsecond line"\n'
        + "c2,2026-10-01T09:00:00Z,search,abc,bad cost\n",
    )
    assert ingest().success
    assert [(r[1], r[2]) for r in quarantined(query, "tool_calls")] == [(4, "cost_usd")]
    assert query("SELECT source_line FROM staging.tool_calls") == [(2,)]


REQUEST_HEADER = "request_id,requested_at,model,input_tokens,output_tokens\n"


def test_a_count_that_is_not_a_whole_number_is_quarantined_not_rounded(data_dir, ingest, query):
    write(
        data_dir,
        "llm_requests/day1.csv",
        REQUEST_HEADER
        + "r1,2026-10-01T09:00:00Z,gpt-4o,1.5,10\n"
        + "r2,2026-10-01T09:00:00Z,gpt-4o,0x10,10\n"
        + "r3,2026-10-01T09:00:00Z,gpt-4o,12,10.0\n",
    )
    assert ingest().success
    assert [(r[1], r[2]) for r in quarantined(query, "llm_requests")] == [
        (2, "input_tokens"),
        (3, "input_tokens"),
    ]
    assert query("SELECT request_id, input_tokens, output_tokens FROM staging.llm_requests") == [
        ("r3", 12, 10)
    ]


def test_a_data_dir_that_does_not_exist_fails_the_run_naming_it(tmp_path, ingest):
    result = ingest(data_dir=str(tmp_path / "no-such-folder"))
    assert not result.success
    assert "IngestSettings.data_dir" in step_failure_message(result)
    assert "no-such-folder" in step_failure_message(result)
