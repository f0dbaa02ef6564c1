"""Daily partitions: one partition per UTC day of the event sources.

A run for a day (or a range of days, as one run) loads the new or changed files dated on or
before its last day, judges outcomes as of the end of its last day, and recomputes every day that
can have changed (see ``pipeline/assets/core.py``). The range of a run is read from its tags, so
assets and checks share one reading of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dagster import DailyPartitionsDefinition

# The first day the pipeline can be asked to build, unless the project configuration says
# (ProjectConfig.first_day); earlier files still load (they are dated before every run's last day).
FIRST_DAY = "2024-01-01"


def daily_partitions_from(first_day: str) -> DailyPartitionsDefinition:
    """The UTC days from `first_day` (YYYY-MM-DD) on."""
    return DailyPartitionsDefinition(start_date=first_day, timezone="UTC")


daily_partitions = daily_partitions_from(FIRST_DAY)

PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class RunDays:
    """The UTC days a run was asked to build, first and last inclusive."""

    first_day: date
    last_day: date

    @property
    def end(self) -> datetime:
        """The instant the last day ends: the default time outcomes are judged at."""
        return datetime.combine(self.last_day + timedelta(days=1), datetime.min.time())

    def days(self) -> list[date]:
        return [
            self.first_day + timedelta(days=n)
            for n in range((self.last_day - self.first_day).days + 1)
        ]


def run_days(tags: dict[str, str]) -> RunDays | None:
    """The days of a run from its tags (one partition or a single-run range); None when the run
    targets no partition."""
    if RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        first, last = tags[RANGE_START_TAG], tags[RANGE_END_TAG]
    elif PARTITION_TAG in tags:
        first = last = tags[PARTITION_TAG]
    else:
        return None
    return RunDays(date.fromisoformat(first), date.fromisoformat(last))
