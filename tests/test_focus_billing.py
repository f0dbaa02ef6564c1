"""The real FOCUS 1.0 sample (1,000 rows with real quirks) loads whole, totals exact."""

from decimal import Decimal

import pytest

from tests.conftest import OUTSIDE_DATA, check_results, copy_in, needs_outside_data

FOCUS_SAMPLE = OUTSIDE_DATA / "focus" / "focus-1.0_sample_1000.csv"

pytestmark = needs_outside_data


@pytest.fixture
def loaded(data_dir, ingest):
    copy_in(data_dir, FOCUS_SAMPLE, "billing_lines/focus_sample.csv")
    result = ingest()
    assert result.success
    return result


def test_every_focus_row_is_staged_and_accounted_for(loaded, query):
    assert query(
        "SELECT rows_read, rows_staged, rows_quarantined, rows_duplicate FROM audit.load_ledger"
    ) == [(1000, 1000, 0, 0)]


def test_focus_totals_are_preserved_to_the_last_decimal(loaded, query):
    assert query(
        "SELECT SUM(billed_cost), SUM(effective_cost), SUM(list_cost), SUM(contracted_cost) "
        "FROM staging.billing_lines"
    ) == [
        (
            Decimal("20.52022672899"),
            Decimal("14.97651418586"),
            Decimal("20.39090575119"),
            Decimal("14.97626039326"),
        )
    ]


def test_focus_totals_per_provider_match_the_reference(loaded, query):
    assert query(
        "SELECT provider_name, SUM(billed_cost) FROM staging.billing_lines GROUP BY 1 ORDER BY 1"
    ) == [
        ("AWS", Decimal("18.00663861840")),
        ("Microsoft", Decimal("1.97651418586")),
        ("Oracle", Decimal("0.53707392473")),
    ]


def test_negative_billed_costs_are_kept(loaded, query):
    assert query("SELECT COUNT(*) FROM staging.billing_lines WHERE billed_cost < 0") == [(13,)]


def test_usage_based_spellings_are_normalised(loaded, query):
    assert query(
        "SELECT DISTINCT charge_frequency FROM staging.billing_lines "
        "WHERE LOWER(charge_frequency) = 'usage-based'"
    ) == [("Usage-Based",)]


def test_null_token_and_empty_string_both_read_as_null(loaded, query):
    # 289 rows carry the bare NULL token in Tags; Oracle rows use empty strings elsewhere.
    assert query("SELECT COUNT(*) FROM staging.billing_lines WHERE tags_json IS NULL") == [(289,)]
    assert query("SELECT COUNT(*) FROM staging.billing_lines WHERE tags_status = 'invalid'") == [
        (0,)
    ]


def test_configured_tag_key_attributes_lines(data_dir, ingest, query):
    copy_in(data_dir, FOCUS_SAMPLE, "billing_lines/focus_sample.csv")
    assert ingest(team_tag_key="business_unit", agent_tag_key="application").success
    assert query("SELECT COUNT(team_id), COUNT(agent_id) FROM staging.billing_lines") == [
        (660, 660)
    ]


def test_tag_keys_are_whitespace_sensitive(data_dir, ingest, query):
    copy_in(data_dir, FOCUS_SAMPLE, "billing_lines/focus_sample.csv")
    assert ingest(team_tag_key=" org").success
    with_space = query("SELECT COUNT(team_id) FROM staging.billing_lines")[0][0]
    # A changed setting re-stages the file already loaded.
    assert ingest(team_tag_key="org").success
    without_space = query("SELECT COUNT(team_id) FROM staging.billing_lines")[0][0]
    assert (with_space, without_space) == (23, 42)


def test_billing_conservation_checks_pass(loaded):
    checks = check_results(loaded)
    assert checks[("billing_lines", "rows_conserved")]
    assert checks[("billing_lines", "amount_conserved")]
