"""Run state: what each run decided and what each build published, in ``audit.recompute_windows``
and ``audit.builds``. This module owns both tables; the core assets ask it for the run's
recompute window, the checks for the days the run recomputed, and publishing records the build
here, which closes the changes the run consumed.

A run's window is decided once, by the first model that asks (``sql/core/recompute_window.sql``
says how), and every later step of the run reads the same row.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pipeline.partitions import run_days
from pipeline.resources import IngestSettings, MetricSettings
from pipeline.sql_files import digest_files, parameters_used, read_sql, table_exists

# The day a full rebuild recomputes from: before any data.
BEGINNING = date(1, 1, 1)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def model_fingerprint(metric_settings: MetricSettings, ingest_settings: IngestSettings) -> str:
    """A digest of everything that shapes the models' rows besides the data and as_of: the SQL
    of core, marts and macros, and the settings. When it changes, the next run rebuilds all."""
    digest = hashlib.sha256()
    for folder in ("macros", "core", "marts"):
        digest_files(digest, folder)
    settings = {
        **metric_settings.model_dump(exclude={"as_of"}),
        "billing_cost_column": ingest_settings.billing_cost_column,
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def ensure_build_tables(conn) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS audit")
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.recompute_windows (
            run_id VARCHAR NOT NULL,
            decided_at TIMESTAMP NOT NULL,
            as_of TIMESTAMP NOT NULL,
            full_rebuild BOOLEAN NOT NULL,
            full_rebuild_reason VARCHAR,
            recompute_from DATE,
            run_first_day DATE,
            open_window_day DATE,
            first_changed_input_day DATE,
            first_closing_window_day DATE,
            first_newly_known_event_day DATE,
            model_fingerprint VARCHAR NOT NULL
        )
        """
    )
    # Warehouses created before these windows gain the columns (NULL: as recompute_from).
    for column in (
        "records_from",
        "ledger_from",
        "consequences_from",
        "first_consequence_part_day",
    ):
        conn.execute(f"ALTER TABLE audit.recompute_windows ADD COLUMN IF NOT EXISTS {column} DATE")
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.builds (
            run_id VARCHAR NOT NULL,
            published_at TIMESTAMP NOT NULL,
            as_of TIMESTAMP NOT NULL,
            recompute_from DATE,
            changes_through TIMESTAMP NOT NULL,
            model_fingerprint VARCHAR NOT NULL,
            published_database VARCHAR NOT NULL
        )
        """
    )


@dataclass(frozen=True)
class RecomputeWindow:
    run_id: str
    decided_at: datetime
    as_of: datetime
    full_rebuild: bool
    recompute_from: date  # BEGINNING for a full rebuild
    records_from: date  # the record-grain models' first day (@window records_from)
    ledger_from: date  # the ledger's first day for parts other than consequences
    consequences_from: date  # the first record day whose consequence parts are recomputed
    model_fingerprint: str
    row: dict

    @property
    def as_of_text(self) -> str:
        return self.as_of.isoformat(timespec="seconds")


def _fetch_dict(conn, sql: str, parameters: dict) -> dict | None:
    cursor = conn.execute(sql, parameters)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def decided_window(conn, run_id: str) -> dict | None:
    """The audit.recompute_windows row of a run (recompute_from NULL on a full rebuild), or
    None when the run has not decided one."""
    ensure_build_tables(conn)
    return _fetch_dict(
        conn, "SELECT * FROM audit.recompute_windows WHERE run_id = $run_id", {"run_id": run_id}
    )


def _window_from_row(row: dict) -> RecomputeWindow:
    return RecomputeWindow(
        run_id=row["run_id"],
        decided_at=row["decided_at"],
        as_of=row["as_of"],
        full_rebuild=row["full_rebuild"],
        recompute_from=row["recompute_from"] or BEGINNING,
        records_from=row.get("records_from") or row["recompute_from"] or BEGINNING,
        ledger_from=row.get("ledger_from") or row["recompute_from"] or BEGINNING,
        consequences_from=row.get("consequences_from") or row["recompute_from"] or BEGINNING,
        model_fingerprint=row["model_fingerprint"],
        row=row,
    )


def recompute_window(
    conn,
    run_id: str,
    tags: dict[str, str],
    metric_settings: MetricSettings,
    ingest_settings: IngestSettings,
    model_tables: Iterable[str],
) -> RecomputeWindow:
    """This run's recompute window: decided once, by the first model of the run that asks;
    `model_tables` are the models ('layer/name') whose tables a partial recompute needs."""
    decided = decided_window(conn, run_id)
    if decided is not None:
        return _window_from_row(decided)

    previous = _fetch_dict(
        conn,
        "SELECT as_of, changes_through, model_fingerprint FROM audit.builds "
        "ORDER BY published_at DESC LIMIT 1",
        {},
    )
    days = run_days(tags)
    decided_at = now_utc()
    run_end = days.end if days else decided_at
    if metric_settings.as_of:
        as_of = datetime.fromisoformat(metric_settings.as_of)
        if as_of.tzinfo is not None:
            as_of = as_of.astimezone(UTC)
        as_of = as_of.replace(tzinfo=None)
    else:
        as_of = max(run_end, previous["as_of"]) if previous else run_end
    fingerprint = model_fingerprint(metric_settings, ingest_settings)
    missing = [m for m in model_tables if not table_exists(conn, *m.split("/"))]
    if previous is None:
        reason = "no published build yet"
    elif previous["model_fingerprint"] != fingerprint:
        reason = "model SQL or metric settings changed since the last published build"
    elif missing:
        reason = "missing model tables: " + ", ".join(missing)
    else:
        reason = None

    row = {
        "run_id": run_id,
        "decided_at": decided_at,
        "as_of": as_of,
        "full_rebuild": reason is not None,
        "full_rebuild_reason": reason,
        "recompute_from": None,
        "run_first_day": days.first_day if days else None,
        "open_window_day": None,
        "first_changed_input_day": None,
        "first_closing_window_day": None,
        "first_newly_known_event_day": None,
        "first_consequence_part_day": None,
        "records_from": None,
        "ledger_from": None,
        "consequences_from": None,
        "model_fingerprint": fingerprint,
    }
    if reason is None:
        sql = read_sql("core/recompute_window.sql")
        decision = _fetch_dict(
            conn,
            sql,
            parameters_used(
                sql,
                {
                    "as_of": as_of,
                    "previous_as_of": previous["as_of"],
                    "changes_since": previous["changes_through"],
                    "run_first_day": days.first_day if days else as_of.date(),
                    "survival_window_days": metric_settings.survival_window_days,
                },
            ),
        )
        row.update({k: v for k, v in decision.items() if k in row and k != "as_of"})
    columns = ", ".join(row)
    conn.execute(
        f"INSERT INTO audit.recompute_windows ({columns}) "
        f"VALUES ({', '.join('$' + k for k in row)})",
        row,
    )
    return _window_from_row(row)


def last_build(conn) -> dict | None:
    """The latest audit.builds row (run_id, published_database, ...), or None before the first."""
    ensure_build_tables(conn)
    return _fetch_dict(conn, "SELECT * FROM audit.builds ORDER BY published_at DESC LIMIT 1", {})


def record_build(conn, run_id: str, published_at: datetime, window: dict, database: str) -> None:
    """Record a publication of the run whose window is `window`: the next run's changes start
    after the ones this window consumed."""
    conn.execute(
        "INSERT INTO audit.builds VALUES ($run_id, $published_at, $as_of, "
        "$recompute_from, $changes_through, $fingerprint, $database)",
        {
            "run_id": run_id,
            "published_at": published_at,
            "as_of": window["as_of"],
            "recompute_from": window["recompute_from"],
            "changes_through": window["decided_at"],
            "fingerprint": window["model_fingerprint"],
            "database": database,
        },
    )
