"""Every core and marts model, read from its own SQL file: nothing about a model is kept anywhere
else. A model is ``sql/<layer>/<name>.sql``; its leading comment says what one row is and where
it comes from, and ends with the model's declarations (comment lines starting with ``@``):

- ``@time_column <column>``: the day column its rows are replaced by; from the run's
  ``recompute_from`` (the month-aligned window, ``pipeline/run_state.py``) unless
- ``@window records_from``: a record-grain model, whose rows depend only on their own inputs,
  replaced from the first day those inputs changed; or
- ``@replaces <predicate>``: the rows a run replaces, when no one day column says it (the cost
  ledger replaces consequence parts by record day and every other part from ``ledger_from``);
- ``@rebuilt_whole <reason>``: a table without a day, rebuilt whole every run;
- ``@run_state <what>``: not a table model but a query of the run's state (the recompute window);
- ``@summary_by <column>``: the column its asset metadata counts rows by.

The tables a model reads come from its SQL (parsed with sqlglot), so an asset's dependencies can
never drift from what its query joins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter

from pipeline.sql_files import SQL_DIR, DeclarationError, declarations, read_sql, tables_read

LAYERS = ("core", "marts")
DECLARATIONS = ("time_column", "window", "replaces", "rebuilt_whole", "run_state", "summary_by")
WINDOWS = ("recompute_from", "records_from")


class ModelDeclarationError(DeclarationError):
    """A model file whose declarations are missing or contradict each other."""


@dataclass(frozen=True)
class Model:
    name: str  # "<layer>/<table>", e.g. "core/cost_ledger"
    time_column: str | None  # None: rebuilt whole
    window: str  # "recompute_from" or "records_from"
    replaces: str | None  # the predicate of the rows a run replaces, when not the time column's
    summary_by: str
    reads: tuple[tuple[str, str], ...]  # (schema, table), audit tables included

    @property
    def layer(self) -> str:
        return self.name.split("/")[0]

    @property
    def table(self) -> str:
        return self.name.split("/")[1]

    @property
    def sql(self) -> str:
        return read_sql(f"{self.name}.sql")


def model_from_sql(name: str, sql: str) -> Model | None:
    """The model `name` ('layer/table') whose file holds `sql`; None for a run-state query.
    Raises ModelDeclarationError naming the file when its declarations are incomplete."""
    where = f"sql/{name}.sql"
    try:
        declared = declarations(sql, where, DECLARATIONS)
    except DeclarationError as error:
        raise ModelDeclarationError(str(error)) from None
    if "run_state" in declared:
        return None
    kinds = [k for k in ("time_column", "rebuilt_whole") if k in declared]
    if len(kinds) != 1:
        raise ModelDeclarationError(
            f"{where}: declare exactly one of @time_column <column> or @rebuilt_whole <reason>"
        )
    if "replaces" in declared and "time_column" not in declared:
        raise ModelDeclarationError(f"{where}: @replaces needs the @time_column it narrows")
    window = declared.get("window", "recompute_from")
    if window not in WINDOWS:
        raise ModelDeclarationError(f"{where}: @window must be one of {', '.join(WINDOWS)}")
    if "summary_by" not in declared:
        raise ModelDeclarationError(f"{where}: declare @summary_by <column>")
    return Model(
        name=name,
        time_column=declared.get("time_column"),
        window=window,
        replaces=declared.get("replaces"),
        summary_by=declared["summary_by"],
        reads=tuple(tables_read(sql)),
    )


@cache
def models() -> dict[str, Model]:
    """Every model of sql/core and sql/marts, by name, in file order per layer."""
    found: dict[str, Model] = {}
    for layer in LAYERS:
        for path in sorted((SQL_DIR / layer).glob("*.sql")):
            model = model_from_sql(f"{layer}/{path.stem}", path.read_text())
            if model is not None:
                found[model.name] = model
    return found


def build_order(targets: Iterable[str] | None = None) -> list[Model]:
    """The models `targets` ('layer/table' names; every model when None) and every model they
    read from, each after the models it reads."""
    every = models()
    wanted = set(every if targets is None else targets)
    unknown = wanted - set(every)
    if unknown:
        raise KeyError(f"no model named {', '.join(sorted(unknown))}")
    upstream = {
        name: [f"{schema}/{table}" for schema, table in model.reads if f"{schema}/{table}" in every]
        for name, model in every.items()
    }
    needed: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(upstream[name])
    order = TopologicalSorter({name: upstream[name] for name in needed}).static_order()
    return [every[name] for name in order]
