"""The daily schedule: each morning, build yesterday.

At the configured local time it requests one run of the pipeline job for the last complete UTC
day before that moment (the partitions are UTC days whatever the schedule's timezone). That run
also picks up late and restated files for earlier days and recomputes every day that can have
changed (see pipeline/assets/core.py), so a missed morning is caught up by the next one.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster import (
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator


class ScheduleSettings(BaseModel):
    """When the daily run starts. Defaults: 06:00 UTC."""

    model_config = ConfigDict(extra="forbid")

    hour_of_day: int = Field(default=6, ge=0, le=23, description="Hour the run starts.")
    minute_of_hour: int = Field(default=0, ge=0, le=59, description="Minute the run starts.")
    timezone: str = Field(
        default="UTC",
        description="IANA timezone the start time is read in (for example Europe/Berlin).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{timezone!r} is not an IANA timezone") from None
        return timezone


def yesterday_partition(scheduled_for) -> str:
    """The last UTC day completed before the scheduled moment."""
    return (scheduled_for.astimezone(UTC).date() - timedelta(days=1)).isoformat()


def build_daily_schedule(
    job, settings: ScheduleSettings, first_day: date | None = None
) -> ScheduleDefinition:
    """The daily schedule of `job` (a partitioned job of the daily partitions starting on
    `first_day`): a tick whose last complete day is before `first_day` requests nothing."""

    @schedule(
        name="daily_showback",
        job=job,
        cron_schedule=f"{settings.minute_of_hour} {settings.hour_of_day} * * *",
        execution_timezone=settings.timezone,
        description=f"Every day at {settings.hour_of_day:02d}:{settings.minute_of_hour:02d} "
        f"({settings.timezone}): build the last complete UTC day and publish.",
    )
    def _daily(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
        day = yesterday_partition(context.scheduled_execution_time)
        if first_day is not None and day < first_day.isoformat():
            return SkipReason(f"{day} is before the first day the pipeline builds, {first_day}")
        return RunRequest(run_key=day, partition_key=day)

    return _daily
