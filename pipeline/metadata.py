"""What the assets and checks show in Dagster beside their own figures: a table's row count and
column schema under Dagster's standard keys (the UI shows them on the asset), and exact amounts
written out in plain decimal notation (``12.5``, ``0``; never ``0E-12``)."""

from decimal import Decimal

from dagster import TableColumn, TableSchema

from pipeline.sql_files import quote_ident


def table_metadata(conn, schema: str, table: str) -> dict:
    """``dagster/row_count`` and ``dagster/column_schema`` (names, types and column comments)
    of a warehouse table; nothing when there is no such table."""
    columns = conn.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = $schema "
        "AND table_name = $table ORDER BY column_index",
        {"schema": schema, "table": table},
    ).fetchall()
    if not columns:
        return {}
    (rows,) = conn.execute(f"SELECT COUNT(*) FROM {schema}.{quote_ident(table)}").fetchone()
    return {
        "dagster/row_count": rows,
        "dagster/column_schema": TableSchema(
            columns=[
                TableColumn(name=name, type=kind, description=comment)
                for name, kind, comment in columns
            ]
        ),
    }


def amount_text(amount: Decimal | None) -> str:
    """An exact amount in plain decimal notation, trailing zeros dropped; '' for none."""
    if amount is None:
        return ""
    if amount == 0:
        return "0"
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
