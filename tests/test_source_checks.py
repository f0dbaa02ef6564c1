"""Freshness and volume checks of the daily sources, over the days of a run."""

from tests.conftest import check_results, write

CALLS = "call_id,called_at,tool_name,cost_usd\n"


def deliver_calls(data_dir, day: str, calls: int, name: str | None = None) -> None:
    write(
        data_dir,
        f"tool_calls/{name or day}.csv",
        CALLS + "".join(f"{day}-{i},{day}T10:00:00Z,search,0.10\n" for i in range(calls)),
    )


def metadata(result, check: str) -> dict:
    [evaluation] = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == check and e.asset_key.path[-1] == "tool_calls"
    ]
    return {key: value.value for key, value in evaluation.metadata.items()}


def test_a_day_with_no_delivery_is_flagged(data_dir, ingest):
    deliver_calls(data_dir, "2026-10-01", 5)
    deliver_calls(data_dir, "2026-10-03", 5)
    result = ingest(days=("2026-10-01", "2026-10-03"))
    assert check_results(result)[("tool_calls", "delivered_every_day")] is False
    found = metadata(result, "delivered_every_day")
    assert found["missing_days"] == "2026-10-02"
    assert found["latest_day_with_rows"] == "2026-10-03"


def test_every_day_delivered_passes_freshness(data_dir, ingest):
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        deliver_calls(data_dir, day, 5)
    result = ingest(days=("2026-10-01", "2026-10-03"))
    assert check_results(result)[("tool_calls", "delivered_every_day")]


def test_an_empty_file_for_a_day_of_incidents_counts_as_delivered(data_dir, ingest):
    header = "record_id,record_type,amount,currency,occurred_at\n"
    write(data_dir, "consequence_records/2026-10-01.csv", header)
    write(data_dir, "consequence_records/2026-10-02.csv", header)
    result = ingest(days=("2026-10-01", "2026-10-02"))
    assert check_results(result)[("consequence_records", "delivered_every_day")]
    result = ingest(days=("2026-10-01", "2026-10-03"))
    assert check_results(result)[("consequence_records", "delivered_every_day")] is False


def test_a_day_far_below_its_recent_median_is_flagged(data_dir, ingest):
    for n in range(1, 8):
        deliver_calls(data_dir, f"2026-10-0{n}", 10)
    deliver_calls(data_dir, "2026-10-08", 3)
    result = ingest(days="2026-10-08")
    assert check_results(result)[("tool_calls", "daily_volume_normal")] is False
    assert (
        "2026-10-08: 3 rows, baseline median 10 (0.30 x)"
        in metadata(result, "daily_volume_normal")["days_flagged"]
    )


def test_a_day_near_its_recent_median_passes_the_volume_check(data_dir, ingest):
    for n in range(1, 8):
        deliver_calls(data_dir, f"2026-10-0{n}", 10)
    deliver_calls(data_dir, "2026-10-08", 12)
    result = ingest(days="2026-10-08")
    assert check_results(result)[("tool_calls", "daily_volume_normal")]
    assert metadata(result, "daily_volume_normal")["days_with_baseline"] == 1
