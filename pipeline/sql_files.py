"""The one way into ``sql/``: read a model or query file, its leading comment, and the
parameters it names; and the two things DuckDB takes no parameter for, written safely: an
identifier (a table or column name) and a string literal (an ATTACH or COPY target, a COMMENT).

Values always reach SQL as parameters (``$name``); these helpers are only for the places SQL
syntax allows no parameter.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
MACROS_DIR = SQL_DIR / "macros"
# The warehouse schemas a model may read.
SCHEMAS = ("staging", "core", "marts", "audit")


def read_sql(relative_path: str) -> str:
    """The text of ``sql/<relative_path>``."""
    return (SQL_DIR / relative_path).read_text()


def create_macros(conn: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) every macro of sql/macros/ in the connection's current database."""
    for macro in sorted(MACROS_DIR.glob("*.sql")):
        conn.execute(macro.read_text())


def sql_header(relative_path: str) -> str:
    """The leading comment of a SQL file: what one row is and where it comes from (without the
    model's declarations, the comment lines starting with '@')."""
    lines = []
    for line in read_sql(relative_path).splitlines():
        if not line.startswith("--"):
            break
        if not line[2:].strip().startswith("@"):
            lines.append(line[2:].strip())
    return " ".join(lines)


class DeclarationError(ValueError):
    """A SQL file whose declarations are missing, unknown or contradict each other."""


def declarations(text: str, where: str, allowed: tuple[str, ...]) -> dict[str, str]:
    """The '@name value' lines of a SQL file's leading comment; `where` names the file in the
    error raised for a declaration not in `allowed` or declared twice."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        comment = line[2:].strip()
        if comment.startswith("@"):
            name, _, value = comment[1:].partition(" ")
            if name not in allowed:
                raise DeclarationError(f"{where}: unknown declaration @{name}")
            if name in found:
                raise DeclarationError(f"{where}: @{name} declared twice")
            found[name] = value.strip()
    return found


def tables_read(sql: str) -> list[tuple[str, str]]:
    """The warehouse tables (schema, table) a query reads, in order of first mention."""
    seen: dict[tuple[str, str], None] = {}
    for table in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Table):
        if table.db in SCHEMAS:
            seen[(table.db, table.name)] = None
    return list(seen)


def digest_files(digest, folder: str, pattern: str = "*.sql") -> None:
    """Add the name and bytes of every file of ``sql/<folder>/`` matching `pattern`, in name
    order, to a hashlib digest."""
    for path in sorted((SQL_DIR / folder).glob(pattern)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())


def parameters_used(sql: str, candidates: dict[str, object]) -> dict[str, object]:
    """The candidate DuckDB parameters a statement names (DuckDB rejects unused ones)."""
    return {key: value for key, value in candidates.items() if f"${key}" in sql}


def quote_ident(name: str) -> str:
    """A name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    """Text as a SQL string literal, quotes included."""
    return "'" + text.replace("'", "''") + "'"


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        conn.execute(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_schema = $schema AND table_name = $name",
            {"schema": schema, "name": name},
        ).fetchone()[0]
    )
