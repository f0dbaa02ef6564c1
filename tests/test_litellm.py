"""LiteLLM spend logs and LiteLLM's price catalogue load through their declared adapters."""

import json
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import (
    OUTSIDE_DATA,
    check_results,
    copy_in,
    needs_outside_data,
    step_failure_message,
    write,
)

LITELLM = OUTSIDE_DATA / "llm-logs" / "litellm"
CATALOGUE = OUTSIDE_DATA / "prices" / "litellm_model_prices_and_context_window.json"

pytestmark = needs_outside_data


def test_spend_log_rows_map_to_canonical_requests(data_dir, ingest, query):
    copy_in(
        data_dir,
        LITELLM / "spendlogs_payload_rows_from_litellm_tests.jsonl",
        "llm_requests/litellm/payload.jsonl",
    )
    assert ingest().success
    assert query(
        "SELECT request_id, requested_at, model, provider, input_tokens, output_tokens, "
        "cached_input_tokens, reported_cost_usd, status, session_id FROM staging.llm_requests"
    ) == [
        (
            "chatcmpl-34df56d5-4807-45c1-bb99-61e52586b802",
            __import__("datetime").datetime(2025, 3, 24, 22, 2, 42, 975883),
            "gpt-4o",
            "openai",
            10,
            20,
            0,
            # the float 0.00022500000000000002 is read from its text, kept to 12 places
            Decimal("0.000225000000"),
            "success",
            "1234567890",
        )
    ]


def test_second_row_with_same_request_id_is_quarantined_as_conflict(data_dir, ingest, query):
    copy_in(
        data_dir,
        LITELLM / "spendlogs_payload_rows_from_litellm_tests.jsonl",
        "llm_requests/litellm/payload.jsonl",
    )
    result = ingest()
    assert query(
        "SELECT source_line, column_name, reason LIKE '%duplicate key with different content%' "
        "FROM audit.quarantine"
    ) == [(2, "request_id", True)]
    assert query("SELECT rows_read, rows_staged, rows_quarantined FROM audit.load_ledger") == [
        (2, 1, 1)
    ]
    # The conflicting row's reported cost is kept in quarantine: money is conserved.
    assert check_results(result)[("llm_requests", "amount_conserved")]


def test_json_array_export_with_string_metadata_loads(data_dir, ingest, query):
    copy_in(
        data_dir,
        LITELLM / "spendlog_example_from_gcs_logging_doc.json",
        "llm_requests/litellm/gcs.json",
    )
    assert ingest().success
    assert query(
        "SELECT source_line, model, input_tokens, output_tokens, reported_cost_usd "
        "FROM staging.llm_requests"
    ) == [(1, "gpt-3.5-turbo", 10, 20, Decimal("0.000055000000"))]


def test_request_tags_fill_ids_through_configured_keys(data_dir, ingest, query):
    write(
        data_dir,
        "llm_requests/litellm/tagged.jsonl",
        '{"request_id": "r1", "startTime": "2026-10-01T10:00:00", "model": "gpt-4o", '
        '"prompt_tokens": 100, "completion_tokens": 5, "spend": 0.0003, '
        '"request_tags": "[\\"jobID:9\\", \\"taskName:T-7\\", \\"act:A-1\\"]", '
        '"metadata": "{\\"usage_object\\": {\\"prompt_tokens_details\\": {\\"cached_tokens\\": '
        '40}, \\"completion_tokens_details\\": {\\"reasoning_tokens\\": 3}}}"}\n',
    )
    assert ingest(task_tag_key="taskName", action_tag_key="act").success
    assert query(
        "SELECT task_id, action_id, cached_input_tokens, reasoning_tokens FROM staging.llm_requests"
    ) == [("T-7", "A-1", 40, 3)]


@pytest.mark.skipif(not CATALOGUE.exists(), reason="needs the LiteLLM price catalogue")
def test_litellm_catalogue_prices_are_exact_per_token(data_dir, ingest, query):
    copy_in(data_dir, CATALOGUE, "model_prices/litellm.json")
    assert ingest().success
    prices = dict(
        query(
            "SELECT token_kind, usd_per_token FROM staging.model_prices "
            "WHERE model = 'claude-4-sonnet-20250514'"
        )
    )
    # LiteLLM's own acceptance vector: 2095 prompt + 503 completion tokens cost 0.01383.
    assert 2095 * prices["input"] + 503 * prices["output"] == Decimal("0.01383")
    assert query(
        "SELECT usd_per_million_tokens FROM staging.model_prices "
        "WHERE model = 'gpt-4o' AND token_kind = 'cached_input'"
    ) == [(Decimal("1.25"),)]


@pytest.mark.skipif(not CATALOGUE.exists(), reason="needs the LiteLLM price catalogue")
def test_litellm_catalogue_skips_entries_without_token_prices(data_dir, ingest, query):
    copy_in(data_dir, CATALOGUE, "model_prices/litellm.json")
    assert ingest().success
    assert query(
        "SELECT COUNT(*) FROM staging.model_prices WHERE model IN ('sample_spec', 'last_updated')"
    ) == [(0,)]
    assert query("SELECT rows_read, rows_staged, rows_quarantined FROM audit.load_ledger") == [
        (6022, 6022, 0)
    ]


def test_spend_logs_in_a_dated_gateway_folder_are_recognised_by_their_columns(
    data_dir, ingest, query
):
    copy_in(
        data_dir,
        LITELLM / "spendlogs_payload_rows_from_litellm_tests.jsonl",
        "llm_requests/gateway/date=2025-03-24/spend.jsonl",
    )
    assert ingest().success
    assert query("SELECT adapter, CAST(delivery_day AS VARCHAR) FROM audit.load_ledger") == [
        ("litellm", "2025-03-24")
    ]
    assert query("SELECT COUNT(*), SUM(input_tokens) FROM staging.llm_requests") == [(1, 10)]


def test_a_declared_adapter_reads_its_folder(data_dir, ingest, query):
    copy_in(
        data_dir,
        LITELLM / "spendlogs_payload_rows_from_litellm_tests.jsonl",
        "llm_requests/proxy-eu/spend.jsonl",
    )
    assert ingest(source_adapters={"llm_requests/proxy-eu": "litellm"}).success
    assert query("SELECT adapter FROM audit.load_ledger") == [("litellm",)]


def test_a_declared_adapter_the_source_lacks_fails_naming_the_setting(data_dir, ingest):
    write(data_dir, "llm_requests/proxy-eu/spend.jsonl", "{}\n")
    result = ingest(source_adapters={"llm_requests/proxy-eu": "helicone"})
    assert not result.success
    assert "source_adapters: 'llm_requests/proxy-eu' names adapter 'helicone'" in (
        step_failure_message(result)
    )


HISTORY = OUTSIDE_DATA / "prices" / "litellm_price_history_2025-02_to_2026-07.csv"


def catalogue_snapshot(day: str) -> str:
    """The LiteLLM catalogue as it stood at the end of `day`, rebuilt from the real price
    history: each chat model's last added or changed input and output price by then."""
    with duckdb.connect() as conn:
        rows = conn.execute(
            """
            SELECT model, litellm_provider, input_cost_per_token, output_cost_per_token
            FROM read_csv($path, all_varchar = true)
            WHERE mode = 'chat' AND CAST(observed_at AS TIMESTAMPTZ) < CAST($day AS DATE) + 1
            QUALIFY ROW_NUMBER() OVER (
                PARTITION BY model, litellm_provider ORDER BY observed_at DESC
            ) = 1 AND event <> 'removed'
            """,
            {"path": str(HISTORY), "day": day},
        ).fetchall()
    return json.dumps(
        {
            model: {
                "litellm_provider": provider,
                "input_cost_per_token": float(inp) if inp else None,
                "output_cost_per_token": float(out) if out else None,
            }
            for model, provider, inp, out in rows
        }
    )


def test_dated_catalogue_snapshots_price_each_request_at_the_price_of_its_day(
    data_dir, build_models, query
):
    # o3 went from 10/40 to 2/8 dollars per million tokens on 2025-06-11 (real history)
    for day in ("2025-06-01", "2025-06-11"):
        write(data_dir, f"model_prices/{day}/model_prices_and_context_window.json",
              catalogue_snapshot(day))  # fmt: skip
    write(
        data_dir,
        "llm_requests/r.csv",
        "request_id,requested_at,model,provider,input_tokens,output_tokens\n"
        "before,2025-06-10T12:00:00Z,o3,openai,1000,1000\n"
        "after,2025-06-11T12:00:00Z,o3,openai,1000,1000\n",
    )
    build_models("core/llm_request_costs", metric={"as_of": "2026-01-01T00:00:00"})
    assert query(
        "SELECT request_id, cost_usd FROM core.llm_request_costs ORDER BY requested_at"
    ) == [("before", Decimal("0.05")), ("after", Decimal("0.01"))]
