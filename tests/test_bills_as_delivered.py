"""Cloud bills as providers deliver them: real FOCUS rows (the FinOps Foundation's public sample)
written in each provider's physical layout, compressed, restated, typed; totals exact against the
files' own, nothing passed over without a record."""

from __future__ import annotations

import csv
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import OUTSIDE_DATA, check_results, needs_outside_data, write

FOCUS_SAMPLE = OUTSIDE_DATA / "focus" / "focus-1.0_sample_1000.csv"

pytestmark = needs_outside_data


def sample(provider: str) -> tuple[list[str], list[dict[str, str]]]:
    """The sample's header and its rows of one provider, as the text the file holds."""
    with FOCUS_SAMPLE.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), [r for r in reader if r["ProviderName"] == provider]


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_gz(data_dir: Path, relpath: str, text: str) -> Path:
    path = data_dir / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode()))
    return path


def total(rows: list[dict[str, str]], column: str) -> Decimal:
    """A file's own total of a cost column, read with Python's exact decimals."""
    return sum((Decimal(r[column]) for r in rows if r[column] not in ("", "NULL")), Decimal(0))


def staged_total(query, column: str) -> Decimal:
    return query(f"SELECT SUM({column}) FROM staging.billing_lines")[0][0]


def ledger(query) -> list[tuple[str, str]]:
    return query(
        "SELECT source_file, load_status FROM audit.load_ledger "
        "WHERE source = 'billing_lines' ORDER BY source_file"
    )


def test_aws_data_export_gzip_csv_loads_the_run_its_manifest_lists(data_dir, ingest, query):
    header, rows = sample("AWS")
    export = "billing_lines/focus-aws/data/BILLING_PERIOD=2024-09"
    old_run = f"{export}/2024-09-30T02:00:00.000Z-11111111-2222-3333-4444-555555555555"
    new_run = f"{export}/2024-10-01T02:00:00.000Z-66666666-7777-8888-9999-000000000000"
    # The earlier run delivered the month's first 300 rows, with other costs.
    earlier = [{**r, "BilledCost": "1"} for r in rows[:300]]
    write_gz(data_dir, f"{old_run}/focus-aws-00001.csv.gz", csv_text(header, earlier))
    write_gz(data_dir, f"{new_run}/focus-aws-00001.csv.gz", csv_text(header, rows[:500]))
    write_gz(data_dir, f"{new_run}/focus-aws-00002.csv.gz", csv_text(header, rows[500:]))
    manifest = {
        "executionId": "66666666-7777-8888-9999-000000000000",
        "dataFiles": [
            f"s3://bucket/exports/focus-aws/data/BILLING_PERIOD=2024-09/"
            f"{new_run.rsplit('/', 1)[1]}/focus-aws-0000{n}.csv.gz"
            for n in (1, 2)
        ],
    }
    write(
        data_dir,
        "billing_lines/focus-aws/metadata/BILLING_PERIOD=2024-09/focus-aws-Manifest.json",
        json.dumps(manifest),
    )
    assert ingest(billing_cost_column="BilledCost").success
    assert staged_total(query, "billed_cost") == total(rows, "BilledCost")
    assert query("SELECT COUNT(*) FROM staging.billing_lines") == [(942,)]
    assert [status for _, status in ledger(query)] == ["superseded", "loaded", "loaded", "manifest"]


def test_azure_month_restated_by_a_later_run_counts_once(data_dir, ingest, query):
    header, rows = sample("Microsoft")
    period = "billing_lines/costs/focus-azure/20240901-20240930"
    first, second = "9b6b32ef-0000-0000-0000-000000000001", "9b6b32ef-0000-0000-0000-000000000002"

    def deliver(run: str, submitted: str, delivered: list[dict[str, str]]) -> None:
        write_gz(data_dir, f"{period}/{run}/part_0_0001.csv.gz", csv_text(header, delivered))
        write(
            data_dir,
            f"{period}/{run}/manifest.json",
            json.dumps(
                {
                    "manifestVersion": "2024-04-01",
                    "runInfo": {"runId": run, "submittedTime": submitted},
                    "blobs": [{"blobName": f"{period}/{run}/part_0_0001.csv.gz"}],
                }
            ),
        )

    deliver(first, "2024-09-20T02:08:20.6417838Z", rows[:30])
    assert ingest().success
    assert staged_total(query, "effective_cost") == total(rows[:30], "EffectiveCost")
    # The next run restates the whole month: it replaces the first, it is not added to it.
    deliver(second, "2024-10-01T02:08:20.1234567Z", rows)
    assert ingest().success
    assert staged_total(query, "effective_cost") == total(rows, "EffectiveCost")
    assert query(
        "SELECT status_reason FROM audit.load_ledger WHERE load_status = 'superseded'"
    ) == [
        (
            f"restated: run {second} (submitted 2024-10-01T02:08:20.1234567Z (manifest)) of "
            f"export period 20240901-20240930 supersedes run {first} "
            "(submitted 2024-09-20T02:08:20.6417838Z (manifest))",
        )
    ]


def _typed_parquet(data_dir: Path, relpath: str, rows: list[dict[str, str]], tags_sql: str):
    """The rows as a typed Parquet file, every column kept: costs as DOUBLE and DECIMAL, times
    as TIMESTAMP, tags as `tags_sql` over the JSON object text `t`."""
    path = data_dir / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    source = data_dir.parent / "rows.csv"
    header = list(rows[0])
    source.write_text(csv_text(header, rows))
    with duckdb.connect() as conn:
        conn.execute(
            f"""
            COPY (
                SELECT * REPLACE (
                    CAST(BilledCost AS DOUBLE) AS BilledCost,
                    CAST(EffectiveCost AS DECIMAL(38, 11)) AS EffectiveCost,
                    CAST(ListCost AS DECIMAL(38, 11)) AS ListCost,
                    CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart,
                    CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd,
                    (SELECT {tags_sql} FROM (SELECT Tags AS t)) AS Tags
                )
                FROM read_csv($source, all_varchar = true, nullstr = 'NULL')
            ) TO $path (FORMAT parquet)
            """,
            {"source": str(source), "path": str(path)},
        )
    return path


TAG_TYPES = {
    # AWS Data Exports write Tags as MAP<STRING, STRING>
    "aws_map": "CAST(json_transform(t, '\"MAP(VARCHAR, VARCHAR)\"') AS MAP(VARCHAR, VARCHAR))",
    # GCP's FOCUS view writes ARRAY<STRUCT<key, value, x_type, x_inherited, x_namespace>>
    "gcp_key_value_list": "list_transform(map_entries(CAST(json_transform(t, "
    "'\"MAP(VARCHAR, VARCHAR)\"') AS MAP(VARCHAR, VARCHAR))), lambda e: struct_pack(key := e.key, "
    "value := e.value, x_type := 'label', x_inherited := false, x_namespace := NULL))",
}


@pytest.mark.parametrize("tag_type", sorted(TAG_TYPES))
def test_typed_parquet_tags_attribute_as_the_same_rows_in_csv_do(data_dir, ingest, query, tag_type):
    header, rows = sample("AWS")
    _typed_parquet(data_dir, "billing_lines/typed/part-0.parquet", rows, TAG_TYPES[tag_type])
    assert ingest(team_tag_key="business_unit", billing_cost_column="BilledCost").success
    as_parquet = query(
        "SELECT COUNT(team_id), SUM(billed_cost), SUM(effective_cost) FROM staging.billing_lines"
    )
    tagged = sum(
        1 for r in rows if r["Tags"] != "NULL" and "business_unit" in json.loads(r["Tags"])
    )
    assert as_parquet == [(tagged, total(rows, "BilledCost"), total(rows, "EffectiveCost"))]
    assert tagged == 653


def test_oci_daily_folders_with_pre_release_column_names(data_dir, ingest, query):
    header, rows = sample("Oracle")
    renamed = ["Provider" if c == "ProviderName" else c for c in header]
    renamed = ["Publisher" if c == "PublisherName" else c for c in renamed]
    for i, row in enumerate(rows):
        day = row["ChargePeriodStart"][:10].replace("-", "/")
        written = {
            ("Provider" if k == "ProviderName" else "Publisher" if k == "PublisherName" else k): v
            for k, v in row.items()
        }
        write_gz(
            data_dir,
            f"billing_lines/FOCUS Reports/{day}/000{i}.csv.gz",
            csv_text(renamed, [written]),
        )
    assert ingest(billing_cost_column="BilledCost").success
    assert query(
        "SELECT provider_name, COUNT(*), SUM(billed_cost) FROM staging.billing_lines GROUP BY 1"
    ) == [("Oracle", 7, total(rows, "BilledCost"))]
    # each file is delivered for the day of its YYYY/MM/DD folders
    assert query(
        "SELECT COUNT(*), COUNT(CASE WHEN source_file LIKE "
        "'billing_lines/FOCUS Reports/' || strftime(delivery_day, '%Y/%m/%d') || '/%' THEN 1 END) "
        "FROM audit.load_ledger"
    ) == [(7, 7)]


HEADER = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "Tags\n"
)
LINE = '0.40,0.40,USD,2026-10-03T00:00:00Z,2026-10-03T01:00:00Z,Usage,"{""team"": ""t-a""}"\n'


def test_dated_folder_layouts_load_and_date_their_files(data_dir, ingest, query):
    write(data_dir, "billing_lines/dt=2026-10-03/part-0.csv", HEADER + LINE)
    write(
        data_dir,
        "billing_lines/gateway/date=2026-10-04/focus.csv",
        HEADER + LINE.replace("03", "04"),
    )
    write(data_dir, "billing_lines/daily/costs_20261005.csv", HEADER + LINE.replace("03", "05"))
    assert ingest().success
    assert query(
        "SELECT CAST(delivery_day AS VARCHAR), rows_staged FROM audit.load_ledger ORDER BY 1"
    ) == [("2026-10-03", 1), ("2026-10-04", 1), ("2026-10-05", 1)]


def test_a_file_the_source_does_not_read_is_named_and_warned_about(data_dir, ingest, query):
    write(data_dir, "billing_lines/2026-10-03.csv", HEADER + LINE)
    write(data_dir, "billing_lines/2026-10-03.xlsx", "not read")
    write(data_dir, "billing_lines/notes/.DS_Store", "")
    result = ingest()
    assert result.success
    assert not check_results(result)[("billing_lines", "every_file_loaded")]
    assert query(
        "SELECT source_file, load_status, status_reason FROM audit.load_ledger "
        "WHERE load_status <> 'loaded' ORDER BY 1"
    ) == [
        (
            "billing_lines/2026-10-03.xlsx",
            "ignored",
            "not a format billing_lines reads (csv, parquet; CSV and JSON lines also gzip- or "
            "zstd-compressed)",
        ),
        ("billing_lines/notes/.DS_Store", "ignored", "hidden file or folder"),
    ]
    assert staged_total(query, "effective_cost") == Decimal("0.40")


def test_every_file_loaded_passes_when_nothing_is_passed_over(data_dir, ingest):
    write(data_dir, "billing_lines/2026-10-03.csv", HEADER + LINE)
    assert check_results(ingest())[("billing_lines", "every_file_loaded")]


def test_identical_rows_in_one_file_are_two_charges(data_dir, ingest, query):
    write(data_dir, "billing_lines/2026-10-03.csv", HEADER + LINE + LINE)
    assert ingest().success
    assert query("SELECT COUNT(*), SUM(effective_cost) FROM staging.billing_lines") == [
        (2, Decimal("0.80"))
    ]


def test_the_same_charges_delivered_again_in_another_column_order_count_once(
    data_dir, ingest, query
):
    write(data_dir, "billing_lines/2026-10-03.csv", HEADER + LINE + LINE)
    reordered = (
        "Tags,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,BillingCurrency,EffectiveCost,"
        "BilledCost\n"
        '"{""team"":""t-a""}",usage,2026-10-03 01:00:00,2026-10-03 00:00:00,usd,0.4,0.400\n'
    )
    write(
        data_dir, "billing_lines/resent/2026-10-03.csv", reordered + reordered.split("\n")[1] + "\n"
    )
    assert ingest().success
    assert query("SELECT COUNT(*), SUM(effective_cost) FROM staging.billing_lines") == [
        (2, Decimal("0.80"))
    ]
    assert query(
        "SELECT source_file, rows_staged, rows_duplicate FROM audit.load_ledger ORDER BY 1"
    ) == [("billing_lines/2026-10-03.csv", 2, 0), ("billing_lines/resent/2026-10-03.csv", 0, 2)]


def test_the_same_charge_as_typed_parquet_counts_once(data_dir, ingest, query):
    header, rows = sample("Microsoft")
    write(data_dir, "billing_lines/csv/2024-09.csv", csv_text(header, rows[:5]))
    _typed_parquet(data_dir, "billing_lines/parquet/2024-09.parquet", rows[:5], "t")
    assert ingest().success
    assert query("SELECT COUNT(*), SUM(effective_cost) FROM staging.billing_lines") == [
        (5, total(rows[:5], "EffectiveCost"))
    ]


def test_the_public_samples_net_credit_days_publish(data_dir, run_pipeline, db_path):
    # The public FOCUS sample nets negative on two of its thirty days (2024-09-03, 2024-09-10).
    header, rows = [], []
    for provider in ("AWS", "Microsoft", "Oracle"):
        header, provider_rows = sample(provider)
        rows += provider_rows
    write_gz(data_dir, "billing_lines/focus/2024-09.csv.gz", csv_text(header, rows))
    assert run_pipeline(metric={"as_of": "2024-10-31T00:00:00"}).success
    day_total = sum(
        (Decimal(r["EffectiveCost"]) for r in rows if r["ChargePeriodStart"][:10] == "2024-09-03"),
        Decimal(0),
    )
    with duckdb.connect(str(db_path.parent / "published.duckdb"), read_only=True) as conn:
        published = conn.execute(
            "SELECT total_cost_usd, credits_usd < 0 FROM serving.showback_fleet_daily "
            "WHERE day = DATE '2024-09-03'"
        ).fetchall()
    assert day_total == Decimal("-0.14899513897")
    assert published == [(day_total, True)]
