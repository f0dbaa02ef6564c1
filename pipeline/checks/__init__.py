"""Asset checks, one module per family: the per-source staging contracts (``sources``), the
metric contracts on the core and the marts (``metrics``) and the operate alerts (``operate``).
Each check's query is a file in ``sql/checks/`` that returns the failing rows."""

from pipeline.checks.metrics import (
    change_showback_conserved,
    ledger_in_showback,
    metric_checks,
    showback_well_formed,
)
from pipeline.checks.operate import operate_checks
from pipeline.checks.sources import ingest_checks

__all__ = [
    "change_showback_conserved",
    "ingest_checks",
    "ledger_in_showback",
    "metric_checks",
    "operate_checks",
    "showback_well_formed",
]
