"""Bill fields as providers and people write them: dates in other orders or out of range,
amounts formatted for people, NULL in any case, the billing currency absent or declared, and
FOCUS 1.3's provider column; each bad value quarantined saying why, never read as something
else."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import step_failure_message, write
from tests.test_bills_as_delivered import HEADER, LINE


def test_us_style_dates_are_quarantined_not_read_as_the_year_4(data_dir, ingest, query):
    write(
        data_dir,
        "billing_lines/2026-10-03.csv",
        HEADER + LINE.replace("2026-10-03T00:00:00Z", "4/1/25"),
    )
    assert ingest().success
    assert query("SELECT COUNT(*) FROM staging.billing_lines") == [(0,)]
    assert query("SELECT source_line, reason FROM audit.quarantine") == [
        (
            2,
            "ChargePeriodStart: not a date or time in the expected layout ('4/1/25'; ISO 8601 "
            "unless the source declares a format in IngestSettings.date_formats)",
        )
    ]


def test_a_declared_date_format_reads_the_sources_dates(data_dir, ingest, query):
    line = '0.40,0.40,USD,10/3/26 00:00,10/3/26 01:00,Usage,"{""team"": ""t-a""}"\n'
    write(data_dir, "billing_lines/2026-10-03.csv", HEADER + line)
    assert ingest(date_formats={"billing_lines": "%m/%d/%y %H:%M"}).success
    assert query(
        "SELECT CAST(charge_period_start AS VARCHAR), CAST(charge_period_end AS VARCHAR) "
        "FROM staging.billing_lines"
    ) == [("2026-10-03 00:00:00", "2026-10-03 01:00:00")]


def test_a_date_outside_the_plausible_days_is_quarantined(data_dir, ingest, query):
    write(
        data_dir,
        "billing_lines/2026-10-03.csv",
        HEADER + LINE.replace("2026-10-03T00", "1926-10-03T00"),
    )
    assert ingest().success
    assert query("SELECT reason FROM audit.quarantine") == [
        (
            "ChargePeriodStart: outside the plausible days 1970-01-01 to 2099-12-31 "
            "('1926-10-03T00:00:00Z')",
        )
    ]


def test_an_amount_formatted_for_people_is_quarantined_saying_why(data_dir, ingest, query):
    write(
        data_dir,
        "billing_lines/2026-10-03.csv",
        HEADER + LINE.replace("0.40,0.40", '"$10,000.00",0.40'),
    )
    assert ingest().success
    assert query("SELECT column_name, reason FROM audit.quarantine") == [
        (
            "BilledCost",
            "BilledCost: not a plain decimal number ('$10,000.00'): currency symbols, letters "
            "and thousands separators are not read",
        )
    ]


def test_null_in_any_case_is_a_null_in_typed_columns(data_dir, ingest, query):
    header = HEADER.rstrip("\n") + ",ListCost\n"
    write(data_dir, "billing_lines/2026-10-03.csv", header + LINE.rstrip("\n") + ",null\n")
    assert ingest().success
    assert query("SELECT list_cost, effective_cost FROM staging.billing_lines") == [
        (None, Decimal("0.40"))
    ]


def test_a_file_without_billing_currency_is_refused_naming_the_column(data_dir, ingest):
    no_currency = HEADER.replace("BillingCurrency,", "") + LINE.replace("USD,", "")
    write(data_dir, "billing_lines/2026-10-03.csv", no_currency)
    result = ingest()
    assert not result.success
    message = step_failure_message(result)
    assert "missing required column(s) BillingCurrency" in message
    assert "IngestSettings.source_currencies" in message


def test_a_file_without_billing_currency_takes_the_declared_one(data_dir, ingest, query):
    no_currency = HEADER.replace("BillingCurrency,", "") + LINE.replace("USD,", "")
    write(data_dir, "billing_lines/2026-10-03.csv", no_currency)
    assert ingest(source_currencies={"billing_lines": "EUR"}).success
    assert query("SELECT billing_currency, fx_rate_to_usd FROM staging.billing_lines") == [
        ("EUR", Decimal("1.08000000"))
    ]


def test_focus_1_3_service_provider_name_is_the_provider(data_dir, ingest, query):
    header = HEADER.rstrip("\n") + ",ProviderName,ServiceProviderName,HostProviderName\n"
    write(
        data_dir,
        "billing_lines/2026-10-03.csv",
        header + LINE.rstrip("\n") + ",Old name,Snowflake,AWS\n",
    )
    assert ingest().success
    assert query("SELECT provider_name, host_provider_name FROM staging.billing_lines") == [
        ("Snowflake", "AWS")
    ]
