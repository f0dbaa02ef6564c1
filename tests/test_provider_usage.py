"""Providers' usage reports (SPEC 10): OpenAI's organization usage pages and Anthropic's usage
report are read as their APIs return them, each fetch restates the days it holds, and the tokens
the provider counted stand beside the request logs' in the reconciliation, so that unlogged
traffic is a figure, not a guess."""

import json
from datetime import date, datetime
from decimal import Decimal

from tests.conftest import OUTSIDE_DATA, check_results, copy_in, needs_outside_data, write
from tests.test_reconciliation import AS_OF, openai_costs_page

USAGE_APIS = OUTSIDE_DATA / "llm-usage-apis"


def openai_usage_page(day: datetime, *results: tuple[int, int, str | None]) -> dict:
    """An OpenAI usage page (GET /v1/organization/usage/completions): the costs page's daily
    bucket holding (input tokens, output tokens, model) results."""
    page = openai_costs_page(day, 0)
    page["data"][0]["results"] = [
        {
            "object": "organization.usage.completions.result",
            "input_tokens": input_tokens,
            "input_cached_tokens": 0,
            "output_tokens": output_tokens,
            "num_model_requests": 1,
            "project_id": None,
            "model": model,
        }
        for input_tokens, output_tokens, model in results
    ]
    return page


def usage_rows(query) -> list[tuple]:
    return query(
        "SELECT provider, CAST(starts_at AS DATE), model, input_tokens, cached_input_tokens, "
        "cache_write_input_tokens, output_tokens, requests FROM staging.provider_usage "
        "ORDER BY provider, model"
    )


@needs_outside_data
def test_the_providers_usage_report_examples_load_with_every_token(data_dir, ingest, query):
    copy_in(
        data_dir,
        USAGE_APIS / "openai" / "example_response_usage_completions.json",
        "provider_usage/o.json",
    )
    copy_in(
        data_dir,
        USAGE_APIS / "anthropic" / "example_response_usage_report_messages.json",
        "provider_usage/a.json",
    )
    result = ingest()
    assert result.success
    assert check_results(result)[("provider_usage", "rows_conserved")]
    assert usage_rows(query) == [
        # uncached 1500 + cache reads 200 + cache writes 500 (5 minutes) + 1000 (1 hour)
        ("anthropic", date(2025, 8, 1), "claude-sonnet-4-20250514", 3200, 200, 1500, 500, None),
        # input_tokens includes the cached and cache-write tokens, as OpenAI writes it
        ("openai", date(2024, 11, 1), None, 1000, 400, 100, 500, 5),
    ]


@needs_outside_data
def test_a_report_that_is_not_a_usage_report_is_quarantined_saying_what_it_is(
    data_dir, ingest, query
):
    copy_in(
        data_dir,
        USAGE_APIS / "anthropic" / "example_response_usage_report_claude_code.json",
        "provider_usage/claude-code.json",
    )
    copy_in(
        data_dir, USAGE_APIS / "openai" / "example_response_costs.json", "provider_usage/c.json"
    )
    copy_in(
        data_dir,
        USAGE_APIS / "anthropic" / "example_response_usage_report_messages.json",
        "provider_usage/a.json",
    )
    assert ingest().success
    assert query(
        "SELECT source_file, source_line, reason FROM audit.quarantine "
        "WHERE source = 'provider_usage' ORDER BY source_file"
    ) == [
        (
            "provider_usage/c.json",
            1,
            "a cost report result (an amount, no tokens): save cost report pages under "
            "provider_costs/",
        ),
        (
            "provider_usage/claude-code.json",
            1,
            "not a usage report bucket: it has no results (Anthropic's Claude Code analytics "
            "report is not read here)",
        ),
    ]
    assert len(usage_rows(query)) == 1  # the good page still loads


@needs_outside_data
def test_a_report_saved_with_the_cost_reports_that_is_not_one_is_quarantined(
    data_dir, ingest, query
):
    copy_in(
        data_dir,
        USAGE_APIS / "openai" / "example_response_usage_completions.json",
        "provider_costs/usage.json",
    )
    copy_in(
        data_dir,
        USAGE_APIS / "anthropic" / "example_response_usage_report_claude_code.json",
        "provider_costs/claude-code.json",
    )
    assert ingest().success
    assert query(
        "SELECT source_file, reason FROM audit.quarantine WHERE source = 'provider_costs' "
        "ORDER BY source_file"
    ) == [
        (
            "provider_costs/claude-code.json",
            "not a cost report bucket: it has no results (Anthropic's Claude Code analytics "
            "report is not read here)",
        ),
        (
            "provider_costs/usage.json",
            "a usage report result (tokens, no amount): save usage report pages under "
            "provider_usage/",
        ),
    ]


def test_a_usage_count_that_is_not_a_whole_number_is_quarantined_naming_it(data_dir, ingest, query):
    page = openai_usage_page(datetime(2026, 10, 1), (100, 10, "gpt-4o"), (100, 10, "gpt-4o-mini"))
    page["data"][0]["results"][1]["output_tokens"] = 10.5
    write(data_dir, "provider_usage/openai/p.json", json.dumps(page))
    assert ingest().success
    assert query(
        "SELECT source_line, reason FROM audit.quarantine WHERE source = 'provider_usage'"
    ) == [(2, "output_tokens: not a non-negative whole number ('10.5')")]


REQUESTS = (
    "request_id,requested_at,model,provider,input_tokens,output_tokens,reported_cost_usd,"
    "action_id\n"
    "r1,2026-10-01T09:10:00Z,gpt-4o,openai,100,10,0.006,a1\n"
    "r2,2026-10-01T09:20:00Z,gpt-4o,openai,50,5,0.004,a1\n"
)


def reconcile(data_dir, build_models, failing_rows, cost: float, tokens: tuple[int, int]):
    """Two logged OpenAI requests of 165 tokens (0.010 reported) on 2026-10-01, OpenAI's cost
    report of the given dollars and its usage report of the given (input, output) tokens."""
    write(
        data_dir,
        "agent_actions/a.csv",
        "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
        "a1,2026-10-01T09:00:00Z,t1,agent-a,team-x,triage,G0\n",
    )
    write(data_dir, "llm_requests/r.csv", REQUESTS)
    october_1 = datetime(2026, 10, 1)
    write(data_dir, "provider_costs/openai/c.json", json.dumps(openai_costs_page(october_1, cost)))
    write(
        data_dir,
        "provider_usage/openai/u.json",
        json.dumps(openai_usage_page(october_1, (*tokens, "gpt-4o"))),
    )
    build_models("marts/showback", metric=AS_OF)
    assert failing_rows("money_conserved") == []


def reconciliation(query) -> list[tuple]:
    return query(
        "SELECT billed_usd, reconciliation_variance_usd, provider_reported_tokens, "
        "logged_tokens, unlogged_tokens, variance_reason FROM core.llm_bill_reconciliation"
    )


def test_tokens_the_logs_miss_name_the_variance_unlogged_traffic(
    data_dir, build_models, failing_rows, query
):
    # the provider counts 330 tokens and bills 0.020; the logs hold 165 tokens at 0.010
    reconcile(data_dir, build_models, failing_rows, 0.020, (300, 30))
    assert reconciliation(query) == [
        (
            Decimal("0.02"),
            Decimal("0.01"),
            330,
            165,
            165,
            "billed above the request logs, and the provider's usage report counts tokens the "
            "logs miss (unlogged_tokens): unlogged traffic",
        )
    ]


def test_the_same_tokens_billed_below_the_logs_are_a_discount(
    data_dir, build_models, failing_rows, query
):
    reconcile(data_dir, build_models, failing_rows, 0.008, (150, 15))
    assert reconciliation(query) == [
        (
            Decimal("0.008"),
            Decimal("-0.002"),
            165,
            165,
            0,
            "billed below the request logs for the tokens they hold: a discount, credit or "
            "committed-use rate, or catalogue prices above the provider's",
        )
    ]


def test_the_same_tokens_billed_above_the_logs_are_a_rate_not_traffic(
    data_dir, build_models, failing_rows, query
):
    reconcile(data_dir, build_models, failing_rows, 0.012, (150, 15))
    assert reconciliation(query)[0][4:] == (
        0,
        "billed above the request logs for the tokens they hold: catalogue prices below the "
        "provider's, or requests without a cost",
    )


def test_logs_holding_more_tokens_than_the_usage_report_name_what_it_does_not_cover(
    data_dir, build_models, failing_rows, query
):
    reconcile(data_dir, build_models, failing_rows, 0.012, (50, 5))
    assert reconciliation(query)[0][2:] == (
        55,
        165,
        -110,
        "billed above the request logs, which hold more tokens than the provider's usage report "
        "counts: requests its report does not cover (embeddings, images, audio), requests "
        "logged twice, or another account's requests in the logs",
    )


def test_a_usage_report_fetched_again_counts_its_day_once(
    data_dir, build_models, failing_rows, query
):
    october_1 = datetime(2026, 10, 1)
    # an hourly fetch, then a daily one reaching a day further: the day is stated once, by it
    hourly = openai_usage_page(october_1, (100, 10, None))
    second_hour = json.loads(json.dumps(hourly["data"][0]))
    second_hour["start_time"] += 3600
    hourly["data"].append(second_hour)
    write(data_dir, "provider_usage/openai/2026-10-01T12.json", json.dumps(hourly))
    daily = openai_usage_page(october_1, (150, 15, None))
    next_day = json.loads(json.dumps(daily["data"][0]))
    next_day["start_time"] += 86400
    next_day["results"][0]["input_tokens"] = 7
    daily["data"].append(next_day)
    # named before the hourly fetch, but reaching further: the reach decides
    write(data_dir, "provider_usage/openai/2026-10-01T06.json", json.dumps(daily))
    build_models(metric=AS_OF)
    assert query(
        "SELECT source_file, day, input_tokens, statement, restated_by_file "
        "FROM core.provider_usage_results ORDER BY source_file DESC, starts_at"
    ) == [
        (
            "provider_usage/openai/2026-10-01T12.json",
            date(2026, 10, 1),
            100,
            "restated",
            "provider_usage/openai/2026-10-01T06.json",
        ),
        (
            "provider_usage/openai/2026-10-01T12.json",
            date(2026, 10, 1),
            100,
            "restated",
            "provider_usage/openai/2026-10-01T06.json",
        ),
        ("provider_usage/openai/2026-10-01T06.json", date(2026, 10, 1), 150, "current", None),
        ("provider_usage/openai/2026-10-01T06.json", date(2026, 10, 2), 7, "current", None),
    ]


def hourly_page(first_hour: int, hours: int) -> dict:
    """An OpenAI usage page of hourly buckets of 2026-10-01, 10 input tokens each."""
    page = openai_usage_page(datetime(2026, 10, 1), (10, 1, None))
    bucket = page["data"][0]
    page["data"] = []
    for hour in range(first_hour, first_hour + hours):
        page["data"].append(
            {
                **bucket,
                "start_time": bucket["start_time"] + 3600 * hour,
                "end_time": bucket["start_time"] + 3600 * (hour + 1),
            }
        )
    return page


def test_a_day_fetched_in_hourly_pages_keeps_every_hour(data_dir, build_models, query):
    # the API pages 24 hourly buckets at most: a day's hours in two files, one a page
    write(data_dir, "provider_usage/openai/page-1.json", json.dumps(hourly_page(0, 12)))
    write(data_dir, "provider_usage/openai/page-2.json", json.dumps(hourly_page(12, 12)))
    build_models(metric=AS_OF)
    assert query(
        "SELECT statement, COUNT(*), SUM(input_tokens) FROM core.provider_usage_results "
        "GROUP BY statement"
    ) == [("current", 24, 240)]


def test_a_later_fetch_of_some_hours_restates_only_those_hours(data_dir, build_models, query):
    write(data_dir, "provider_usage/openai/first.json", json.dumps(hourly_page(0, 12)))
    write(data_dir, "provider_usage/openai/second.json", json.dumps(hourly_page(6, 12)))
    build_models(metric=AS_OF)
    assert query(
        "SELECT source_file, statement, COUNT(*) FROM core.provider_usage_results "
        "GROUP BY ALL ORDER BY ALL"
    ) == [
        ("provider_usage/openai/first.json", "current", 6),  # hours 0-5
        ("provider_usage/openai/first.json", "restated", 6),  # hours 6-11, fetched again
        ("provider_usage/openai/second.json", "current", 12),
    ]
