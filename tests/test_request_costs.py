"""LLM requests are priced from the effective-dated catalogue when no cost is reported."""

from decimal import Decimal

import pytest

from tests.conftest import write

PRICES = (
    "model,provider,token_kind,usd_per_million_tokens,effective_from\n"
    "gpt-4o,openai,input,2.50,2025-01-01\n"
    "gpt-4o,openai,cached_input,1.25,2025-01-01\n"
    "gpt-4o,openai,output,10.00,2025-01-01\n"
    "o3,openai,input,10,2025-01-01\n"
    "o3,openai,output,40,2025-01-01\n"
    "o3,openai,input,2,2025-06-11\n"
    "o3,openai,output,8,2025-06-11\n"
)
REQUESTS = (
    "request_id,requested_at,model,provider,input_tokens,cached_input_tokens,"
    "cache_write_input_tokens,output_tokens,reasoning_tokens,reported_cost_usd\n"
)


@pytest.fixture
def costs(data_dir, build_models, query):
    """Build core.llm_request_costs from the catalogue and the given requests; return
    {request_id: (cost_usd, cost_status, reported_differs_from_catalogue)}."""

    def run(rows: str) -> dict[str, tuple]:
        write(data_dir, "model_prices/prices.csv", PRICES)
        write(data_dir, "llm_requests/r.csv", REQUESTS + rows)
        build_models("core/llm_request_costs", metric={"as_of": "2026-01-01T00:00:00"})
        return {
            r[0]: r[1:]
            for r in query(
                "SELECT request_id, cost_usd, cost_status, reported_differs_from_catalogue "
                "FROM core.llm_request_costs"
            )
        }

    return run


def test_cached_tokens_are_priced_once_at_the_cached_rate(costs):
    # 1000 input of which 400 cached: 600 x 2.5e-6 + 400 x 1.25e-6 + 100 output x 1e-5
    out = costs("r1,2025-03-01T00:00:00Z,gpt-4o,openai,1000,400,0,100,0,\n")
    assert out["r1"] == (Decimal("0.003"), "computed", False)


def test_the_price_in_force_on_the_request_day_is_used(costs):
    out = costs(
        "before,2025-06-10T23:59:59Z,o3,openai,1000,0,0,1000,0,\n"
        "after,2025-06-11T00:00:00Z,o3,openai,1000,0,0,1000,0,\n"
    )
    assert out["before"][0] == Decimal("0.05")
    assert out["after"][0] == Decimal("0.01")


def test_reasoning_tokens_without_their_own_price_are_output_tokens(costs):
    out = costs("r1,2025-07-01T00:00:00Z,o3,openai,0,0,0,1000,800,\n")
    assert out["r1"][0] == Decimal("0.008")


def test_reported_cost_wins_and_a_disagreement_is_flagged(costs):
    out = costs(
        "same,2025-03-01T00:00:00Z,gpt-4o,openai,1000,0,0,0,0,0.0025\n"
        "off,2025-03-01T00:00:00Z,gpt-4o,openai,1000,0,0,0,0,0.0100\n"
    )
    assert out["same"] == (Decimal("0.0025"), "reported", False)
    assert out["off"] == (Decimal("0.0100"), "reported", True)


def test_a_disagreement_is_relative_to_the_catalogue_price(costs):
    # 10 input + 3 output tokens of gpt-4o: 0.000025 + 0.00003 = 0.000055 at catalogue prices
    out = costs(
        "far,2025-03-01T00:00:00Z,gpt-4o,openai,10,0,0,3,0,0.0000864\n"  # 57 % over
        "near,2025-03-01T00:00:00Z,gpt-4o,openai,10,0,0,3,0,0.000057\n"  # 3.6 % over
    )
    assert out["far"] == (Decimal("0.0000864"), "reported", True)
    assert out["near"] == (Decimal("0.000057"), "reported", False)


def test_a_gap_under_the_dollar_floor_is_rounding_not_a_disagreement(costs):
    # 1 input token: 0.0000025; reported 0.000003 is 20 % over but half a micro-dollar
    out = costs("tiny,2025-03-01T00:00:00Z,gpt-4o,openai,1,0,0,0,0,0.000003\n")
    assert out["tiny"] == (Decimal("0.000003"), "reported", False)


def test_unknown_model_is_flagged_never_zero(costs):
    out = costs("r1,2025-03-01T00:00:00Z,acme-llm-9,acme,1000,0,0,100,0,\n")
    assert out["r1"] == (None, "unknown", False)


def test_request_before_the_first_price_is_unknown(costs):
    out = costs("r1,2024-12-31T23:59:59Z,gpt-4o,openai,1000,0,0,100,0,\n")
    assert out["r1"][1] == "unknown"


def test_a_providers_own_price_wins_from_the_day_it_takes_effect(data_dir, build_models, query):
    write(
        data_dir,
        "model_prices/prices.csv",
        "model,provider,token_kind,usd_per_million_tokens,effective_from\n"
        "mix,,input,1,2025-01-01\n"
        "mix,,output,1,2025-01-01\n"
        "mix,acme,input,3,2025-03-01\n"
        "mix,acme,output,3,2025-03-01\n",
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUESTS + "acme_before,2025-02-01T00:00:00Z,mix,acme,1000,0,0,0,0,\n"
        "acme_after,2025-04-01T00:00:00Z,mix,acme,1000,0,0,0,0,\n"
        "no_provider_after,2025-04-01T00:00:00Z,mix,,1000,0,0,0,0,\n"
        "other_after,2025-04-01T00:00:00Z,mix,other,1000,0,0,0,0,\n",
    )
    build_models("core/llm_request_costs", metric={"as_of": "2026-01-01T00:00:00"})
    assert dict(query("SELECT request_id, cost_usd FROM core.llm_request_costs")) == {
        "acme_before": Decimal("0.001"),
        # the provider's own price, though the general one is in force too
        "acme_after": Decimal("0.003"),
        # no provider named: every price is a candidate, the latest in force wins
        "no_provider_after": Decimal("0.003"),
        # another provider: only the general price applies
        "other_after": Decimal("0.001"),
    }
