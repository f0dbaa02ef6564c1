"""Every record of a CSV file is accounted for by its line: a stray quote, an over-long line or an
empty file costs at most the lines at fault, each quarantined with its reason."""

from decimal import Decimal

from tests.conftest import check_results, write

TOOL_HEADER = (
    "call_id,called_at,tool_name,vendor,units,unit_price_usd,cost_usd,status,action_id,"
    "task_id,session_id,parent_session_id,agent_id,team_id\n"
)


def call(call_id: str, cost: str = "0.004", vendor: str = "acme", tool: str = "web_search") -> str:
    return f"{call_id},2026-10-01T09:00:00Z,{tool},{vendor},,,{cost},success,a1,t1,s1,,ag,tm\n"


def staged(query):
    return query("SELECT call_id, source_line FROM staging.tool_calls ORDER BY source_line")


def quarantined(query):
    return query(
        "SELECT source_line, column_name, reason FROM audit.quarantine "
        "WHERE source = 'tool_calls' ORDER BY source_line"
    )


def ledger(query):
    return query(
        "SELECT rows_read, rows_staged, rows_quarantined, amount_read, amount_staged, "
        "status_reason FROM audit.load_ledger WHERE source = 'tool_calls'"
    )


def test_unterminated_quote_costs_its_line_only(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        TOOL_HEADER
        + call("c1")
        + call("c2", vendor='"acme')  # the quote is never closed
        + call("c3")
        + call("c4"),
    )
    result = ingest()
    assert result.success
    assert staged(query) == [("c1", 2), ("c3", 4), ("c4", 5)]
    [(line, column, reason)] = quarantined(query)
    assert (line, column) == (3, "(row)")
    assert reason.startswith("(row): a quote opened on this line is never closed")
    assert ledger(query) == [(4, 3, 1, Decimal("0.012"), Decimal("0.012"), None)]
    assert check_results(result)[("tool_calls", "rows_conserved")]


def test_quote_closed_lines_later_does_not_merge_the_records_between(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        TOOL_HEADER
        + call("c1")
        + call("c2", tool='"web_search')  # opens a quote ...
        + call("c3", cost="1.50")
        + call("c4", cost="2.50")
        + call("c5", tool='crm_api"'),  # ... that this line would close
    )
    assert ingest().success
    assert staged(query) == [("c1", 2), ("c3", 4), ("c4", 5), ("c5", 6)]
    assert query("SELECT tool_name FROM staging.tool_calls WHERE call_id = 'c5'") == [('crm_api"',)]
    [(line, _, reason)] = quarantined(query)
    assert line == 3
    assert "closes on line 6, over lines that read as records of their own" in reason
    assert ledger(query)[0][:3] == (5, 4, 1)


def test_quoted_field_over_two_lines_is_one_record_on_its_first_line(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        TOOL_HEADER + call("c1", vendor='"acme\nlabs"') + call("c2") + "\n" + call("c3"),
    )
    assert ingest().success
    assert staged(query) == [("c1", 2), ("c2", 4), ("c3", 6)]
    assert query("SELECT vendor FROM staging.tool_calls WHERE call_id = 'c1'") == [("acme\nlabs",)]
    assert quarantined(query) == []


def test_quote_inside_an_unquoted_field_is_text(data_dir, ingest, query):
    write(data_dir, "tool_calls/day1.csv", TOOL_HEADER + call("c1", vendor='ac"me') + call("c2"))
    assert ingest().success
    assert query("SELECT call_id, vendor FROM staging.tool_calls ORDER BY 1") == [
        ("c1", 'ac"me'),
        ("c2", "acme"),
    ]


def test_line_over_the_reader_limit_is_quarantined_and_the_rest_loads(data_dir, ingest, query):
    write(
        data_dir,
        "tool_calls/day1.csv",
        TOOL_HEADER + call("c1") + call("c2", vendor="x" * 2_100_000) + call("c3"),
    )
    result = ingest()
    assert result.success
    assert staged(query) == [("c1", 2), ("c3", 4)]
    [(line, _, reason)] = quarantined(query)
    assert line == 3
    assert "line size over maximum" in reason
    assert ledger(query)[0][:3] == (3, 2, 1)


def test_empty_file_is_a_recorded_delivery_with_no_rows(data_dir, ingest, query):
    write(data_dir, "tool_calls/day1.csv", "")
    write(data_dir, "tool_calls/day2.csv", TOOL_HEADER + call("c1"))
    result = ingest(days=("2026-10-01", "2026-10-02"))
    assert result.success
    assert query(
        "SELECT source_file, rows_read, load_status, status_reason FROM audit.load_ledger "
        "WHERE source = 'tool_calls' ORDER BY 1"
    ) == [
        ("tool_calls/day1.csv", 0, "loaded", "empty file (0 bytes): a delivery with no rows"),
        ("tool_calls/day2.csv", 1, "loaded", None),
    ]
    assert staged(query) == [("c1", 2)]


def test_stray_quote_near_the_end_of_a_large_file_loses_no_row(data_dir, ingest, query):
    lines = [call(f"c{i}", cost="0.001") for i in range(1, 30_007)]
    lines[30_000] = call("c30001", vendor='"acme')  # line 30,002
    write(data_dir, "tool_calls/day1.csv", TOOL_HEADER + "".join(lines))
    assert ingest().success
    assert query("SELECT COUNT(*), MAX(source_line) FROM staging.tool_calls") == [(30_005, 30_007)]
    assert [r[0] for r in quarantined(query)] == [30_002]
    assert ledger(query)[0][:5] == (
        30_006,
        30_005,
        1,
        Decimal("30.005"),
        Decimal("30.005"),
    )
