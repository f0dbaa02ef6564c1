"""SPEC section 10: LLM spend in a bill and in the request logs is counted once. Where both cover a
provider and day, the bill is spread over the requests in proportion to their request-level cost,
the difference is reported as reconciliation_variance_usd with its reason, and no bill line is
added on top; a bill with no request logged stays visible as unallocated inference."""

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pipeline.resources import MetricSettings
from tests.conftest import OUTSIDE_DATA, check_results, copy_in, needs_outside_data, write

ACTIONS = "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
REQUESTS = (
    "request_id,requested_at,model,provider,input_tokens,output_tokens,reported_cost_usd,"
    "action_id\n"
)
BILLING = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "ServiceName,Tags\n"
)
AS_OF = {"as_of": "2026-12-31T00:00:00"}


def one_accepted_action(data_dir) -> None:
    """Action a1 of agent-a (team-x) on 2026-10-01, accepted an hour later."""
    write(
        data_dir,
        "agent_actions/a.csv",
        ACTIONS + "a1,2026-10-01T09:00:00Z,t1,agent-a,team-x,triage,G0\n",
    )
    write(data_dir, "action_events/e.csv", EVENTS + "e1,a1,accepted,,2026-10-01T10:00:00Z\n")


@pytest.fixture
def billed_and_logged(data_dir, build_models, failing_rows, run_pipeline):
    """Action a1 of team-x on 2026-10-01 (accepted) with two OpenAI requests at 0.006 and 0.004
    reported, an untagged bill of the given lines (cost, ServiceName) for that day and, if given,
    a provider cost report page. Builds through the showback (model harness) and asserts money is
    conserved; with in_dagster, runs the pipeline through the showback instead and returns the
    run."""

    def run(*lines: tuple[str, str], cost_report: dict | None = None, in_dagster: bool = False):
        one_accepted_action(data_dir)
        write(
            data_dir,
            "llm_requests/r.csv",
            REQUESTS
            + "r1,2026-10-01T09:10:00Z,gpt-4o,openai,100,10,0.006,a1\n"
            + "r2,2026-10-01T09:20:00Z,gpt-4o,openai,50,5,0.004,a1\n",
        )
        write(
            data_dir,
            "billing_lines/2026-10-01.csv",
            BILLING
            + "".join(
                f"{cost},{cost},USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,{service},{{}}\n"
                for cost, service in lines
            ),
        )
        if cost_report is not None:
            write(data_dir, "provider_costs/openai/2026-10-01.json", json.dumps(cost_report))
        if in_dagster:
            result = run_pipeline(metric=AS_OF, through=("marts/showback",))
            assert result.success
            assert check_results(result)[("cost_ledger", "money_conserved")]
            return result
        build_models("marts/showback", metric=AS_OF)
        assert failing_rows("money_conserved") == []
        return None

    return run


def fleet_day(query) -> tuple:
    return query(
        "SELECT inference_cost_usd, infrastructure_cost_usd, total_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'day' AND period_start = DATE '2026-10-01'"
    )[0]


def reconciliation(query) -> list[tuple]:
    return query(
        "SELECT provider, status, billed_usd, request_level_usd, reconciliation_variance_usd "
        "FROM core.llm_bill_reconciliation ORDER BY provider"
    )


def test_a_bill_of_the_logged_requests_is_counted_once(billed_and_logged, query, failing_rows):
    billed_and_logged(("0.010", "OpenAI"))
    assert fleet_day(query) == (Decimal("0.010"), Decimal(0), Decimal("0.010"))  # not 0.020
    assert reconciliation(query) == [
        ("openai", "reconciled", Decimal("0.010"), Decimal("0.010"), Decimal(0))
    ]
    assert failing_rows("llm_bills_reconcile") == []


def test_a_discount_on_the_bill_is_the_inference_and_shows_as_variance(
    billed_and_logged, query, failing_rows
):
    billed_and_logged(("0.008", "OpenAI"))
    assert fleet_day(query)[0] == Decimal("0.008")
    # each request takes its request-level share of the bill: 0.6 and 0.4 of 0.008
    assert query(
        "SELECT record_id, amount_usd FROM core.cost_ledger "
        "WHERE source = 'llm_requests' ORDER BY record_id"
    ) == [("r1", Decimal("0.0048")), ("r2", Decimal("0.0032"))]
    [(provider, status, billed, requested, variance)] = reconciliation(query)
    assert (billed, requested, variance) == (
        Decimal("0.008"),
        Decimal("0.010"),
        Decimal("-0.002"),
    )
    assert query("SELECT variance_reason FROM core.llm_bill_reconciliation")[0][0].startswith(
        "billed below the request logs"
    )
    assert failing_rows("llm_bills_reconcile") != []


def test_a_bill_of_a_provider_with_no_request_logged_stays_unallocated_inference(
    billed_and_logged, query, failing_rows
):
    billed_and_logged(("0.500", "Anthropic"), ("0.010", "OpenAI"))
    assert reconciliation(query)[0][:2] == ("anthropic", "bill only")
    assert query(
        "SELECT cost_line, source_line_kind, amount_usd, unallocated_reason FROM core.cost_ledger "
        "WHERE source = 'billing_lines'"
    ) == [
        (
            "unallocated",
            "inference",
            Decimal("0.500"),
            "LLM bill with no request of its provider logged that day",
        )
    ]
    assert fleet_day(query)[1] == Decimal(0)  # never shared infrastructure
    assert [row[:3] for row in failing_rows("llm_bills_reconcile")] == [
        ("anthropic", date(2026, 10, 1), "bill only")
    ]


def test_a_bill_of_another_service_is_still_infrastructure(billed_and_logged, query):
    billed_and_logged(("0.300", "Amazon EC2"))
    assert fleet_day(query) == (Decimal("0.010"), Decimal("0.300"), Decimal("0.310"))
    assert [row[:2] for row in reconciliation(query)] == [("openai", "requests only")]


USAGE_APIS = OUTSIDE_DATA / "llm-usage-apis"


@needs_outside_data
def test_the_providers_cost_report_examples_load_to_the_cent(data_dir, ingest, query):
    copy_in(
        data_dir, USAGE_APIS / "openai" / "example_response_costs.json", "provider_costs/o.json"
    )
    copy_in(
        data_dir,
        USAGE_APIS / "anthropic" / "example_response_cost_report_SHAPE.json",
        "provider_costs/a.json",
    )
    result = ingest()
    assert result.success
    assert check_results(result)[("provider_costs", "amount_conserved")]
    assert query(
        "SELECT provider, CAST(starts_at AS DATE), amount, amount_unit, amount_usd, model "
        "FROM staging.provider_costs ORDER BY provider, amount_usd"
    ) == [
        # Anthropic's amounts are decimal strings in cents
        ("anthropic", datetime(2025, 8, 1).date(), Decimal("50"), "minor", Decimal("0.5"), None),
        (
            "anthropic",
            datetime(2025, 8, 1).date(),
            Decimal("123.78912"),
            "minor",
            Decimal("1.2378912"),
            "claude-sonnet-4-5",
        ),
        ("openai", datetime(2024, 11, 1).date(), Decimal("0.06"), "major", Decimal("0.06"), None),
    ]


def openai_costs_page(day: datetime, dollars: float) -> dict:
    """An OpenAI organization costs page (GET /v1/organization/costs) with one daily bucket."""
    start = int(day.replace(tzinfo=UTC).timestamp())
    return {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": start,
                "end_time": start + 86400,
                "results": [
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": dollars, "currency": "usd"},
                        "line_item": None,
                        "project_id": None,
                    }
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }


def test_a_providers_cost_report_is_the_inference_of_its_requests(billed_and_logged, query):
    billed_and_logged(cost_report=openai_costs_page(datetime(2026, 10, 1), 0.009))
    assert fleet_day(query)[0] == Decimal("0.009")  # not 0.019
    assert query(
        "SELECT source, record_id, amount_usd FROM core.cost_ledger "
        "WHERE source IN ('llm_requests', 'provider_costs') ORDER BY record_id"
    ) == [("llm_requests", "r1", Decimal("0.0054")), ("llm_requests", "r2", Decimal("0.0036"))]
    assert query(
        "SELECT status, billed_in_cost_reports_usd, reconciliation_variance_usd "
        "FROM core.llm_bill_reconciliation"
    ) == [("reconciled", Decimal("0.009"), Decimal("-0.001"))]


def test_a_providers_cost_report_supersedes_a_bill_of_the_same_charges(billed_and_logged, query):
    # a gateway's FOCUS export of the same requests (catalogue figures) beside OpenAI's own report
    billed_and_logged(
        ("0.010", "OpenAI"), cost_report=openai_costs_page(datetime(2026, 10, 1), 0.009)
    )
    assert fleet_day(query) == (Decimal("0.009"), Decimal(0), Decimal("0.009"))  # not 0.029
    assert query(
        "SELECT billed_usd, billed_in_bills_usd, superseded_bill_usd, bill_lines_booked, "
        "cost_report_booked FROM core.llm_bill_reconciliation"
    ) == [(Decimal("0.009"), Decimal("0.010"), Decimal("0.010"), False, False)]
    assert query("SELECT COUNT(*) FROM core.cost_ledger WHERE source = 'billing_lines'") == [(0,)]


def test_a_cost_report_with_no_request_logged_is_unallocated_inference_in_every_output(
    billed_and_logged, query, failing_rows
):
    anthropic = {  # Anthropic's cost report: amounts are decimal strings in cents
        "data": [
            {
                "starting_at": "2026-10-01T00:00:00Z",
                "ending_at": "2026-10-02T00:00:00Z",
                "results": [{"amount": "25", "currency": "USD", "model": "claude-sonnet-4-5"}],
            }
        ],
        "has_more": False,
    }
    billed_and_logged(cost_report=anthropic)
    assert failing_rows("ledger_in_showback") == []
    assert query(
        "SELECT source, cost_line, source_line_kind, amount_usd FROM core.cost_ledger "
        "WHERE source = 'provider_costs'"
    ) == [("provider_costs", "unallocated", "inference", Decimal("0.25"))]
    assert query(
        "SELECT unallocated_cost_usd, inference_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'day' AND period_start = DATE '2026-10-01'"
    ) == [(Decimal("0.25"), Decimal("0.26"))]  # the fleet's inference holds it, unallocated


def test_the_focus_output_names_unbooked_llm_spend_as_inference(data_dir, build_models, query):
    write(
        data_dir,
        "provider_costs/openai/2026-10-01.json",
        json.dumps(openai_costs_page(datetime(2026, 10, 1), 0.25)),
    )
    build_models(metric=AS_OF, serving_views=True)
    assert query(
        "SELECT ServiceName, ServiceCategory, EffectiveCost FROM serving.cost_allocation_focus "
        "WHERE x_source = 'provider_costs'"
    ) == [("LLM Inference", "AI and Machine Learning", Decimal("0.25"))]


def test_a_gateways_focus_export_of_the_logged_requests_is_counted_once(
    data_dir, billed_and_logged, query
):
    # LiteLLM's FOCUS export: the model as ServiceName, the provider as ProviderName
    write(
        data_dir,
        "billing_lines/gateway/2026-10-01.csv",
        "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        "ChargeCategory,ServiceCategory,ServiceName,ProviderName,Tags\n"
        "0.010,0.010,USD,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,Usage,"
        'AI and Machine Learning,gpt-4o,openai,"{""team_id"": ""team-x""}"\n',
    )
    billed_and_logged()
    assert fleet_day(query) == (Decimal("0.010"), Decimal(0), Decimal("0.010"))  # not 0.020
    assert reconciliation(query) == [
        ("openai", "reconciled", Decimal("0.010"), Decimal("0.010"), Decimal(0))
    ]


def test_requests_naming_no_provider_on_a_billed_day_are_named_by_the_warning(
    data_dir, billed_and_logged
):
    write(
        data_dir,
        "llm_requests/no_provider.csv",
        "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id\n"
        "r3,2026-10-01T09:30:00Z,gpt-4o,10,1,0.002,a1\n",
    )
    # the bill matches the two requests naming openai
    result = billed_and_logged(("0.010", "OpenAI"), in_dagster=True)
    [warning] = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "llm_bills_reconcile"
    ]
    assert not warning.passed
    assert warning.metadata["provider_days_beyond_tolerance"].value == 1
    assert "1 requests name no provider on a day with an LLM bill" in warning.description


PRICES = "model,provider,token_kind,usd_per_million_tokens,effective_from\n"


ONE_PROVIDER = "gpt-4o,openai,input,2.50,2025-01-01\ngpt-4o,openai,output,10.00,2025-01-01\n"
# two providers price the model: the catalogue cannot tell which one served the request
TWO_PROVIDERS = (
    ONE_PROVIDER + "gpt-4o,azure,input,2.75,2025-01-01\ngpt-4o,azure,output,11.00,2025-01-01\n"
)


@pytest.mark.parametrize(
    ("prices", "provider", "provider_source"),
    [(ONE_PROVIDER, "openai", "price catalogue"), (TWO_PROVIDERS, None, None)],
    ids=["one provider", "two providers"],
)
def test_a_request_naming_no_provider_takes_the_one_its_catalogue_prices_name(
    prices, provider, provider_source, data_dir, billed_and_logged, query, failing_rows
):
    write(data_dir, "model_prices/prices.csv", PRICES + prices)
    write(
        data_dir,
        "llm_requests/no_provider.csv",
        "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id\n"
        "r3,2026-10-01T09:30:00Z,gpt-4o,10,1,0.002,a1\n",
    )
    billed_and_logged(("0.012", "OpenAI"))
    assert query(
        "SELECT provider, provider_source FROM core.llm_request_costs WHERE request_id = 'r3'"
    ) == [(provider, provider_source)]
    unknown_provider_days = [r for r in failing_rows("llm_bills_reconcile") if r[0] != "openai"]
    if provider == "openai":
        # r3 is matched to the bill: 0.012 over 0.006 + 0.004 + 0.002, counted once
        assert fleet_day(query)[0] == Decimal("0.012")
        assert reconciliation(query) == [
            ("openai", "reconciled", Decimal("0.012"), Decimal("0.012"), Decimal(0))
        ]
        assert unknown_provider_days == []
    else:
        # r3 is booked beside the bill, and the warning names its day
        assert fleet_day(query)[0] == Decimal("0.014")
        assert [r[:3] for r in unknown_provider_days] == [
            ("(no provider)", date(2026, 10, 1), "requests without provider")
        ]


def openai_costs_results(day: datetime, *results: tuple[float, str | None]) -> dict:
    """An OpenAI costs page with one daily bucket holding (dollars, project_id) results."""
    page = openai_costs_page(day, 0)
    page["data"][0]["results"] = [
        {
            "object": "organization.costs.result",
            "amount": {"value": dollars, "currency": "usd"},
            "line_item": None,
            "project_id": project,
        }
        for dollars, project in results
    ]
    return page


def cost_report_statements(query) -> list[tuple]:
    return query(
        "SELECT source_file, project_id, amount_usd, statement, restated_by_file "
        "FROM core.provider_cost_results ORDER BY source_file, project_id"
    )


def test_a_cost_report_fetched_again_counts_its_buckets_once_at_the_latest_amount(
    data_dir, build_models, failing_rows, query
):
    october_1 = datetime(2026, 10, 1)
    for name, dollars in (("fetched-1", 0.20), ("fetched-2", 0.25)):  # revised upwards
        write(
            data_dir,
            f"provider_costs/openai/{name}.json",
            json.dumps(openai_costs_results(october_1, (dollars, None))),
        )
        build_models(metric=AS_OF)  # two daily runs, the second fetch loaded by the second
    assert cost_report_statements(query) == [
        (
            "provider_costs/openai/fetched-1.json",
            None,
            Decimal("0.2"),
            "restated",
            "provider_costs/openai/fetched-2.json",
        ),
        ("provider_costs/openai/fetched-2.json", None, Decimal("0.25"), "current", None),
    ]
    assert query(
        "SELECT SUM(amount_usd) FROM core.cost_ledger WHERE source = 'provider_costs'"
    ) == [(Decimal("0.25"),)]  # not 0.45
    assert failing_rows("money_conserved") == []


def test_an_identical_fetch_loaded_with_the_first_counts_once(
    data_dir, build_models, failing_rows, query
):
    page = json.dumps(openai_costs_results(datetime(2026, 10, 1), (0.20, None)))
    write(data_dir, "provider_costs/openai/a.json", page)
    write(data_dir, "provider_costs/openai/b.json", page)
    build_models(metric=AS_OF)
    assert [row[3:] for row in cost_report_statements(query)] == [
        ("restated", "provider_costs/openai/b.json"),
        ("current", None),
    ]
    assert query(
        "SELECT SUM(amount_usd) FROM core.cost_ledger WHERE source = 'provider_costs'"
    ) == [(Decimal("0.2"),)]
    assert failing_rows("money_conserved") == []


def test_cost_reports_fetched_per_project_stand_side_by_side(data_dir, build_models, query):
    october_1 = datetime(2026, 10, 1)
    for project, dollars in (("proj_a", 0.20), ("proj_b", 0.30)):
        write(
            data_dir,
            f"provider_costs/openai/{project}.json",
            json.dumps(openai_costs_results(october_1, (dollars, project))),
        )
    build_models(metric=AS_OF)
    assert [row[1:4] for row in cost_report_statements(query)] == [
        ("proj_a", Decimal("0.2"), "current"),
        ("proj_b", Decimal("0.3"), "current"),
    ]
    assert query(
        "SELECT SUM(amount_usd) FROM core.cost_ledger WHERE source = 'provider_costs'"
    ) == [(Decimal("0.5"),)]


def test_an_organisation_wide_cost_report_covers_the_per_project_ones(
    data_dir, build_models, failing_rows, query
):
    october_1 = datetime(2026, 10, 1)
    write(
        data_dir,
        "provider_costs/openai/org.json",
        json.dumps(openai_costs_results(october_1, (0.50, None))),
    )
    write(
        data_dir,
        "provider_costs/openai/proj_a.json",
        json.dumps(openai_costs_results(october_1, (0.20, "proj_a"))),
    )
    build_models(metric=AS_OF)
    assert [row[1:] for row in cost_report_statements(query)] == [
        (None, Decimal("0.5"), "current", None),
        ("proj_a", Decimal("0.2"), "restated", "provider_costs/openai/org.json"),
    ]
    assert query(
        "SELECT SUM(amount_usd) FROM core.cost_ledger WHERE source = 'provider_costs'"
    ) == [(Decimal("0.5"),)]
    assert failing_rows("money_conserved") == []


def test_the_fetch_reaching_the_latest_day_is_current_whatever_its_name(
    data_dir, build_models, query
):
    # a rolling window fetched on 2 October (1 and 2 October) restates 1 October of the fetch
    # made on 1 October, though its name sorts first
    day_1, day_2 = datetime(2026, 10, 1), datetime(2026, 10, 2)
    rolling = openai_costs_results(day_1, (0.25, None))
    rolling["data"] += openai_costs_results(day_2, (0.40, None))["data"]
    first, second = "provider_costs/openai/z-first.json", "provider_costs/openai/a-second.json"
    write(data_dir, first, json.dumps(openai_costs_results(day_1, (0.20, None))))
    write(data_dir, second, json.dumps(rolling))
    build_models(metric=AS_OF)
    assert query(
        "SELECT source_file, day, amount_usd, statement FROM core.provider_cost_results "
        "ORDER BY day, statement"
    ) == [
        (second, date(2026, 10, 1), Decimal("0.25"), "current"),
        (first, date(2026, 10, 1), Decimal("0.2"), "restated"),
        (second, date(2026, 10, 2), Decimal("0.4"), "current"),
    ]


def gateway_export(*lines: tuple[str, str]) -> str:
    """LiteLLM's FOCUS export for 2026-10-01: (cost, model) lines of provider openai."""
    return (
        "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        "ChargeCategory,ServiceCategory,ServiceName,ProviderName,Tags\n"
        + "".join(
            f"{cost},{cost},USD,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,Usage,"
            f'AI and Machine Learning,{model},openai,"{{""team_id"": ""team-x""}}"\n'
            for cost, model in lines
        )
    )


@pytest.mark.parametrize(
    ("bill_model", "reconciled", "invoiced"),
    [
        (
            "GPT-4o",  # any case
            [
                ("gpt-4o", Decimal("0.010"), Decimal("0.006")),
                ("gpt-4o-mini", Decimal("0.002"), Decimal("0.004")),
            ],
            [("r1", Decimal("0.010")), ("r2", Decimal("0.002"))],
        ),
        (
            # the bill names a model the requests do not: reconciled by the provider's day
            "gpt-4o-2024-08-06",
            [(None, Decimal("0.012"), Decimal("0.010"))],
            [("r1", Decimal("0.0072")), ("r2", Decimal("0.0048"))],
        ),
    ],
    ids=["same models", "models named differently"],
)
def test_a_bill_naming_the_requests_models_is_reconciled_per_model(
    bill_model, reconciled, invoiced, data_dir, build_models, failing_rows, query
):
    one_accepted_action(data_dir)
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUESTS
        + "r1,2026-10-01T09:10:00Z,gpt-4o,openai,100,10,0.006,a1\n"
        + "r2,2026-10-01T09:20:00Z,gpt-4o-mini,openai,50,5,0.004,a1\n",
    )
    write(
        data_dir,
        "billing_lines/gateway/2026-10-01.csv",
        gateway_export(("0.010", bill_model), ("0.002", "gpt-4o-mini")),
    )
    build_models("marts/showback", metric=AS_OF)
    assert (
        query(
            "SELECT model, billed_usd, request_level_usd FROM core.llm_bill_reconciliation "
            "WHERE status = 'reconciled' ORDER BY model"
        )
        == reconciled
    )
    assert (
        query(
            "SELECT record_id, amount_usd FROM core.cost_ledger "
            "WHERE source = 'llm_requests' ORDER BY record_id"
        )
        == invoiced
    )
    assert fleet_day(query)[0] == Decimal("0.012")  # counted once either way
    assert failing_rows("money_conserved") == []


BEDROCK_BILL = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "ServiceName,SkuId,ChargeDescription,Tags\n"
    "0.010,0.010,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,Amazon Bedrock,SKU-1,"
    "Claude Sonnet 4.5 input tokens,{}\n"
    "0.300,0.300,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,Amazon Bedrock,SKU-2,"
    "Knowledge base storage,{}\n"
)


@pytest.mark.parametrize(
    ("rules", "reconciled"),
    [
        # the SKU rule names the model: the day is reconciled per model, the storage line stays
        # infrastructure
        (
            {"(?i)claude sonnet 4[.]5": "bedrock/claude-sonnet-4-5"},
            [("claude-sonnet-4-5", Decimal("0.010"), Decimal("0.010"))],
        ),
        # without a rule, both lines are Amazon Bedrock's, so LLM spend of the provider's day
        ({}, [(None, Decimal("0.310"), Decimal("0.010"))]),
    ],
    ids=["sku rule", "no rule"],
)
def test_a_sku_rule_names_the_provider_and_model_of_a_bill_line(
    rules, reconciled, data_dir, build_models, query
):
    one_accepted_action(data_dir)
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUESTS + "r1,2026-10-01T09:10:00Z,claude-sonnet-4-5,bedrock,100,10,0.010,a1\n",
    )
    write(data_dir, "billing_lines/2026-10-01.csv", BEDROCK_BILL)
    metric = {**AS_OF, "llm_bill_skus": rules}
    if rules:  # only the matching SKU is LLM spend: Amazon Bedrock's other lines are not
        metric["llm_bill_services"] = {}
    build_models("marts/showback", metric=metric)
    assert (
        query(
            "SELECT model, billed_usd, request_level_usd FROM core.llm_bill_reconciliation "
            "WHERE status = 'reconciled'"
        )
        == reconciled
    )


@pytest.mark.parametrize(
    ("rules", "named"),
    [
        ({"(?i)claude": "bedrock/claude-sonnet-4-5"}, None),
        ({"claude (": "bedrock"}, "'claude (' is not a regular expression"),
        ({"claude": " / claude"}, "not 'provider' or 'provider/model'"),
        ({"claude": "bedrock/"}, "not 'provider' or 'provider/model'"),
    ],
)
def test_a_sku_rule_that_cannot_be_read_is_refused_naming_it(rules, named):
    if named is None:
        assert MetricSettings(llm_bill_skus=rules).llm_bill_skus == rules
        return
    with pytest.raises(ValueError, match=re.escape(named)):
        MetricSettings(llm_bill_skus=rules)
