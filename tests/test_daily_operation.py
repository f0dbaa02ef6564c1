"""Daily operation: day partitions, late and restated inputs, re-runs, and publishing.

Daily runs over generated days (with late rows, a late labour file and a restated billing day)
must give the tables one backfill over the same days gives; re-runs change nothing; a run only
recomputes from the first day that can have changed.
"""

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.loading.discover import file_day
from pipeline.models import models
from sample_data.generator import generate
from tests.conftest import materialize_everything, write

DAYS = ("2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04")


def deliver(generated: Path, data_dir: Path, last_day: str) -> None:
    """Copy the generated files due by `last_day` that the data folder does not have yet."""
    for path in sorted(p for p in generated.rglob("*") if p.is_file()):
        relpath = path.relative_to(generated).as_posix()
        due = file_day(relpath)
        target = data_dir / relpath
        if (due is None or due <= date.fromisoformat(last_day)) and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def model_tables(db_path: Path) -> dict[str, list[tuple]]:
    """Every core and marts table, and every staging table without its load columns, sorted."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        tables = {m.replace("/", "."): "*" for m in models()}
        for (name,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging'"
        ).fetchall():
            tables[f"staging.{name}"] = "* EXCLUDE (load_id, loaded_at)"
        return {
            table: conn.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
            for table, columns in tables.items()
        }


def published_tables(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as conn:
        names = [
            n
            for (n,) in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'serving' "
                "AND table_name <> 'publication'"
            ).fetchall()
        ]
        return {
            n: conn.execute(f"SELECT * FROM serving.{n} ORDER BY ALL").fetchall() for n in names
        }


def fleet_day(db_path: Path, day: str, column: str):
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return conn.execute(
            f"SELECT {column} FROM marts.showback "
            "WHERE grain = 'fleet' AND period = 'day' AND period_start = $day",
            {"day": date.fromisoformat(day)},
        ).fetchone()[0]


def add_late_labour(data_dir: Path, db_path: Path) -> None:
    """Two review entries for 2026-10-01, logged late: a file dated that day, delivered later."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        action, task, agent, team = conn.execute(
            "SELECT action_id, task_id, agent_id, team_id FROM staging.agent_actions "
            "WHERE CAST(attempted_at AS DATE) = DATE '2026-10-01' ORDER BY action_id LIMIT 1"
        ).fetchone()
    write(
        data_dir,
        "time_entries/2026-10-01-late.csv",
        "entry_id,person_id,role,work_date,hours,activity,action_id,task_id,agent_id,team_id\n"
        f"late-1,p-001,reviewer,2026-10-01,1.50,review,{action},{task},{agent},{team}\n"
        f"late-2,p-001,reviewer,2026-10-01,0.50,review,{action},{task},{agent},{team}\n",
    )


def restate_billing(data_dir: Path, day: str) -> None:
    """The provider re-issues a day's export with every EffectiveCost up by 10 %."""
    path = data_dir / "billing_lines" / f"{day}.csv"
    restated = path.with_suffix(".restated")
    with duckdb.connect() as conn:
        conn.execute(
            """
            COPY (
                SELECT * REPLACE (
                    COALESCE(
                        CAST(TRY_CAST(EffectiveCost AS DECIMAL(38, 12)) * 1.1 AS VARCHAR),
                        EffectiveCost
                    ) AS EffectiveCost
                )
                FROM read_csv($path, all_varchar = true, header = true, nullstr = 'NULL',
                              ignore_errors = true)
            ) TO $target (FORMAT csv, HEADER true)
            """,
            {"path": str(path), "target": str(restated)},
        )
    restated.replace(path)


@pytest.fixture(scope="module")
def daily_and_backfill(tmp_path_factory):
    root = tmp_path_factory.mktemp("daily")
    generated = root / "generated"
    generate(generated, start_date=date(2026, 10, 1), days=4, actions_per_day=30)
    daily_dir, daily_db = root / "daily_data", root / "daily" / "agent_finops.duckdb"
    daily_dir.mkdir()
    oversight_0101, published_bytes = {}, {}
    for day in DAYS:
        deliver(generated, daily_dir, day)
        if day == "2026-10-03":
            add_late_labour(daily_dir, daily_db)
        if day == "2026-10-04":
            restate_billing(daily_dir, "2026-10-03")
        result = materialize_everything(daily_dir, daily_db, days=day)
        assert result.success, day
        oversight_0101[day] = fleet_day(daily_db, "2026-10-01", "oversight_cost_usd")
        published_bytes[day] = (daily_db.parent / "published.duckdb").stat().st_size

    backfill_dir, backfill_db = root / "backfill_data", root / "backfill" / "agent_finops.duckdb"
    shutil.copytree(daily_dir, backfill_dir)
    assert materialize_everything(backfill_dir, backfill_db, days=(DAYS[0], DAYS[-1])).success
    return daily_db, backfill_db, oversight_0101, published_bytes


def test_daily_runs_give_the_tables_one_backfill_gives(daily_and_backfill):
    daily_db, backfill_db, _, _ = daily_and_backfill
    daily, backfill = model_tables(daily_db), model_tables(backfill_db)
    assert daily.keys() == backfill.keys()
    assert len(daily["core.cost_ledger"]) > 1000
    for table in daily:
        assert daily[table] == backfill[table], table


def test_daily_runs_publish_what_one_backfill_publishes(daily_and_backfill):
    daily_db, backfill_db, _, _ = daily_and_backfill
    daily = published_tables(daily_db.parent / "published.duckdb")
    assert len(daily) == 32
    assert daily == published_tables(backfill_db.parent / "published.duckdb")


def test_daily_publishes_reuse_the_space_they_free_so_the_file_stops_growing(
    daily_and_backfill,
):
    # Each daily publish starts from a copy of the last file and replaces its window's rows in
    # one transaction, so the file holds the old rows until the commit (up to twice the rows'
    # size); the next publish writes into the blocks that commit freed.
    _, backfill_db, _, published_bytes = daily_and_backfill
    sizes = [published_bytes[day] for day in DAYS]
    one_build = (backfill_db.parent / "published.duckdb").stat().st_size
    assert max(sizes) <= 2.5 * one_build, (sizes, one_build)
    # from the second day on, no publish is larger than the second day's by a tenth of a build
    assert all(size <= sizes[1] + one_build / 10 for size in sizes[2:]), (sizes, one_build)


def test_late_labour_for_an_old_day_is_booked_to_that_day_by_the_next_daily_run(
    daily_and_backfill,
):
    daily_db, _, oversight_0101, _ = daily_and_backfill
    with duckdb.connect(str(daily_db), read_only=True) as conn:
        late_cost = conn.execute(
            "SELECT SUM(labour_cost_usd) FROM core.labour_costs WHERE entry_id LIKE 'late-%'"
        ).fetchone()[0]
    assert late_cost > 0
    assert oversight_0101["2026-10-03"] - oversight_0101["2026-10-02"] == late_cost
    assert oversight_0101["2026-10-04"] == oversight_0101["2026-10-03"]


def test_a_restated_billing_day_replaces_its_rows_once(daily_and_backfill):
    daily_db, _, _, _ = daily_and_backfill
    with duckdb.connect(str(daily_db), read_only=True) as conn:
        loads = conn.execute(
            "SELECT COUNT(*) FROM audit.load_ledger "
            "WHERE source_file = 'billing_lines/2026-10-03.csv'"
        ).fetchone()[0]
        staged, file_total = conn.execute(
            """
            SELECT
                (SELECT SUM(effective_cost) FROM staging.billing_lines
                 WHERE source_file = 'billing_lines/2026-10-03.csv'),
                (SELECT amount_staged FROM audit.load_ledger
                 WHERE source_file = 'billing_lines/2026-10-03.csv')
            """
        ).fetchone()
        windows = conn.execute(
            "SELECT first_changed_input_day FROM audit.recompute_windows ORDER BY decided_at"
        ).fetchall()
    assert loads == 1  # the restated file replaced its earlier load
    assert staged == file_total
    # the last run saw the restated day among its changed inputs
    assert windows[-1][0] <= date(2026, 10, 3)


def test_rerunning_a_day_changes_nothing(daily_and_backfill, tmp_path):
    # a copy of the backfill's data and warehouse (2026-10-01 to 2026-10-04, one load), made as
    # a plain copy of the folders is (the export's `current` link becomes a folder)
    _, backfill_db, _, _ = daily_and_backfill
    data_dir, db_path = tmp_path / "data", tmp_path / "w" / "agent_finops.duckdb"
    shutil.copytree(backfill_db.parent.parent / "backfill_data", data_dir)
    shutil.copytree(backfill_db.parent, db_path.parent)
    first = model_tables(db_path)
    published = published_tables(db_path.parent / "published.duckdb")
    for day in ("2026-10-04", "2026-10-04", "2026-10-02"):
        assert materialize_everything(data_dir, db_path, days=day).success
        assert model_tables(db_path) == first, day
        assert published_tables(db_path.parent / "published.duckdb") == published, day
    with duckdb.connect(str(db_path), read_only=True) as conn:
        # nothing was loaded twice, and re-running an old day did not wind as_of back
        assert conn.execute("SELECT COUNT(DISTINCT load_id) FROM audit.changes").fetchone()[0] == 1
        assert conn.execute("SELECT DISTINCT as_of FROM audit.recompute_windows").fetchall() == [
            (datetime(2026, 10, 5),)
        ]


def test_files_dated_after_the_run_are_left_for_their_own_run(data_dir, ingest, query):
    header = "call_id,called_at,tool_name,cost_usd\n"
    write(data_dir, "tool_calls/2026-10-01.csv", header + "c1,2026-10-01T10:00:00Z,search,1.00\n")
    write(data_dir, "tool_calls/2026-10-02.csv", header + "c2,2026-10-02T10:00:00Z,search,2.00\n")
    result = ingest(days="2026-10-01")
    assert result.success
    assert query("SELECT call_id FROM staging.tool_calls") == [("c1",)]
    materialization = next(
        m
        for m in result.get_asset_materialization_events()
        if m.asset_key.path == ["staging", "tool_calls"]
    )
    assert materialization.materialization.metadata["files_not_yet_due"].value == 1
    assert ingest(days="2026-10-02").success
    assert query("SELECT call_id FROM staging.tool_calls ORDER BY 1") == [("c1",), ("c2",)]
