"""The FinOps Foundation's FOCUS 1.2 conformance rules (focus_validator's model-1.2.json, in
../shared/outside-data/focus/validator/) evaluated against a table in DuckDB, for the tests.

Each active rule with no applicability criteria (a criterion is a provider capability a dataset
declares; this output declares none) and a machine-checkable MUST or MUST NOT requirement is
turned into SQL: the rows that meet its condition and fail its requirement are its violations.
Presence rules of mandatory columns count a missing column as one violation; the rules of a
column absent from the table are not evaluated (its Presence rule says whether it had to be
there). Composite rules (made of other rules) are evaluated through those rules. Requirements
written only in words, and check functions this evaluator does not implement, are returned as
not checked, so a test can say exactly which."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# FOCUS's Decimal type: an exact decimal column (a float is not one)
DECIMAL = "DECIMAL("


class NotCheckable(Exception):
    """A requirement this evaluator cannot turn into SQL."""


@dataclass
class Conformance:
    checked: dict[str, int] = field(default_factory=dict)  # rule -> violating rows
    not_checked: dict[str, str] = field(default_factory=dict)  # rule -> why

    @property
    def violations(self) -> dict[str, int]:
        return {rule: n for rule, n in self.checked.items() if n}


def _literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _column(name: str, columns: dict[str, str]) -> str:
    """A column of the table; one it does not have is null in every row (FOCUS reads an absent
    optional column so), which makes a rule conditioned on it hold vacuously."""
    return '"' + name + '"' if name in columns else "NULL"


def _column_name(check: dict) -> str:
    # one rule of the 1.2 model (ResourceId-C-006-C) names its column under CheckCondition
    return check.get("ColumnName") or check["CheckCondition"]


def _sql(check: dict, columns: dict[str, str], table: str) -> str:
    """The SQL predicate a row of `table` meets when it satisfies `check`."""
    function = check.get("CheckFunction")
    if function in ("AND", "OR"):
        return "(" + f" {function} ".join(_sql(i, columns, table) for i in check["Items"]) + ")"
    if function in ("CheckValue", "CheckNotValue"):
        column = _column(_column_name(check), columns)
        value = check["Value"]
        if value is None:
            target = "NULL"
        elif isinstance(value, int | float):
            target = str(value)
        else:
            column, target = f"CAST({column} AS VARCHAR)", _literal(value)
        # IS NOT DISTINCT FROM: NULL compares as a value, as the rules mean it
        same = "IS NOT DISTINCT FROM" if function == "CheckValue" else "IS DISTINCT FROM"
        return f"{column} {same} {target}"
    if function in ("CheckSameValue", "CheckNotSameValue"):
        a = _column(check["ColumnAName"], columns)
        b = _column(check["ColumnBName"], columns)
        return f"{a} = {b}" if function == "CheckSameValue" else f"{a} IS DISTINCT FROM {b}"
    if function == "CheckGreaterOrEqualThanValue":
        return f"{_column(check['ColumnName'], columns)} >= {check['Value']}"
    if function in ("TypeDecimal", "FormatNumeric", "CheckDecimalValue"):
        # exact decimals (or numbers) hold only valid decimal values
        return "TRUE" if columns.get(check["ColumnName"], "").startswith(DECIMAL) else "FALSE"
    if function in ("TypeDateTime", "FormatDateTime"):
        return "TRUE" if columns.get(check["ColumnName"], "").startswith("TIMESTAMP") else "FALSE"
    if function == "TypeString":
        return "TRUE" if columns.get(check["ColumnName"]) == "VARCHAR" else "FALSE"
    if function == "ColumnByColumnEqualsColumnValue":
        a = _column(check["ColumnAName"], columns)
        b = _column(check["ColumnBName"], columns)
        return f"{a} * {b} = {_column(check['ResultColumnName'], columns)}"
    if function == "CheckDistinctCount":
        # each value of A goes with exactly ExpectedCount values of B, over the whole dataset
        a = _column(check["ColumnAName"], columns)
        b = _column(check["ColumnBName"], columns)
        return (
            f"{a} IN (SELECT {a} FROM {table} GROUP BY {a} "
            f"HAVING COUNT(DISTINCT {b}) = {int(check['ExpectedCount'])})"
        )
    if function == "FormatString":
        # StringHandling: text as written, with no surrounding white space
        column = _column(check["ColumnName"], columns)
        return f"({column} IS NULL OR {column} = TRIM({column}))"
    if function in ("FormatCurrency", "CheckNationalCurrency"):
        column = _column(check["ColumnName"], columns)
        return f"({column} IS NULL OR regexp_full_match({column}, '[A-Z]{{3}}'))"
    raise NotCheckable(f"check function {function or 'none (words only)'}")


def evaluate(conn: duckdb.DuckDBPyConnection, table: str, rules_file: Path) -> Conformance:
    """Every active rule of the model against `table` (a table or view name)."""
    model = json.loads(rules_file.read_text())["ModelRules"]
    columns = {
        name: kind for name, kind, *_ in conn.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()
    }
    result = Conformance()
    for rule_id, rule in sorted(model.items()):
        criteria = rule["ValidationCriteria"]
        requirement = criteria.get("Requirement") or {}
        if rule["Status"] != "Active" or rule["Function"] == "Composite":
            continue
        if criteria["Keyword"] not in ("MUST", "MUST NOT"):
            continue
        if rule["ApplicabilityCriteria"]:
            result.not_checked[rule_id] = "applies to providers that declare " + ", ".join(
                rule["ApplicabilityCriteria"]
            )
            continue
        if rule["EntityType"] == "Attribute":
            # formats shared by columns (date-times, strings, currencies): checked, where this
            # evaluator can, through each column's Format rule
            result.not_checked[rule_id] = f"an attribute rule ({rule['Reference']})"
            continue
        if rule["Function"] == "Presence":
            if rule_id.endswith("-M"):
                result.checked[rule_id] = 0 if requirement["ColumnName"] in columns else 1
            continue
        if rule["Reference"] not in columns:
            continue  # an absent column: its Presence rule decides
        try:
            predicate = _sql(requirement, columns, table)
            condition = (
                _sql(criteria["Condition"], columns, table) if criteria.get("Condition") else "TRUE"
            )
        except NotCheckable as why:
            result.not_checked[rule_id] = str(why)
            continue
        (failing,) = conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE ({condition}) AND NOT COALESCE({predicate}, FALSE)"
        ).fetchone()
        result.checked[rule_id] = failing
    return result
