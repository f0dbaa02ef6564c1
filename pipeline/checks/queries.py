"""How the checks run their queries: each is a file ``sql/checks/<name>.sql``, read through
``pipeline.sql_files``, with its values bound as parameters."""

import duckdb

from pipeline.sql_files import parameters_used, quote_ident, read_sql


def query(conn: duckdb.DuckDBPyConnection, name: str, parameters: dict | None = None) -> list:
    """The rows of ``sql/checks/<name>.sql``, given the parameters it names."""
    sql = read_sql(f"checks/{name}.sql")
    return conn.execute(sql, parameters_used(sql, parameters or {})).fetchall()


def keep(conn: duckdb.DuckDBPyConnection, table: str, name: str, parameters: dict) -> None:
    """Keep the rows of ``sql/checks/<name>.sql`` as temp table ``table``, for a check's queries
    to read there (the figures are computed once)."""
    sql = read_sql(f"checks/{name}.sql")
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {quote_ident(table)} AS {sql}",
        parameters_used(sql, parameters),
    )


def kept(conn: duckdb.DuckDBPyConnection, table: str, name: str, parameters: dict) -> list[tuple]:
    """Keep the rows of ``sql/checks/<name>.sql`` as temp table ``table`` and return them in the
    query's order."""
    keep(conn, table, name, parameters)
    return conn.execute(f"SELECT * FROM {quote_ident(table)}").fetchall()
