"""The value readers' plain form (is_plain_count, is_plain_amount in
sql/ingest/macros/value_readers.sql) reads every text it accepts exactly as the general rules
do: the same value and the same quarantine reason, for every kind of value."""

import random
import re

import duckdb
import pytest

from pipeline.loading.stage import VALUE_READERS
from pipeline.sql_files import read_sql

# Every kind value_limit states, and one it does not.
KINDS = (
    *re.findall(
        r"WHEN '(\w+)'", read_sql(VALUE_READERS).split("MACRO value_limit")[1].split(");")[0]
    ),
    "unknown",
)

# Texts at the plain form's edges: 18 and 19 digits, each kind's limit and one past it, its
# decimal places and one more, signs, leading and trailing zeros, spaces, exponents, float noise.
EDGES = [
    "0",
    "-0",
    "007",
    "999999999999999999",
    "9999999999999999999",
    "1000000000",
    "1000000001",
    "1000000000000",
    "1000000000001",
    "-1000000000000",
    "1000000000000.000000000001",
    "24",
    "24.000001",
    "24.0000001",
    "7.1234567",
    "10000000",
    "10000000.000000000001",
    "1000000000000000",
    "1000000000000001",
    "0.123456789012",
    "0.1234567890123",
    "0.00022500000000000002",
    "12.500",
    "+5",
    " 5",
    "5 ",
    "5.",
    ".5",
    "1e3",
    "1.5e-13",
    "",
    "-",
    "$10.00",
    "1,000",
]


def _texts(count: int) -> list[str]:
    """The edges and `count` random texts of digits, signs, points, exponents and spaces."""
    rng = random.Random(20261130)
    alphabet = "0123456789" * 4 + ".-+eE ,_"
    texts = set(EDGES)
    while len(texts) < count + len(EDGES):
        texts.add("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 22))))
    return sorted(texts)


def _read_all(conn) -> list[tuple]:
    """Every reader's value and reason for every text and kind."""
    readers = ", ".join(
        f"CAST(read_amount(value, '{kind}') AS VARCHAR), amount_problem('c', value, '{kind}'), "
        f"CAST(read_bounded_count(value, '{kind}') AS VARCHAR), "
        f"count_problem('c', value, '{kind}')"
        for kind in KINDS
    )
    return conn.execute(
        f"SELECT value, CAST(read_count(value) AS VARCHAR), {readers} FROM texts ORDER BY value"
    ).fetchall()


@pytest.fixture
def readers():
    conn = duckdb.connect()
    conn.execute(read_sql(VALUE_READERS))
    conn.execute(
        "CREATE TEMP TABLE texts AS SELECT UNNEST($texts) AS value UNION ALL SELECT NULL",
        {"texts": _texts(20_000)},
    )
    yield conn
    conn.close()


def _without_plain_form(conn) -> None:
    """Every reader through the general rules alone (macros are expanded when a query is bound,
    so the readers pick the replacements up)."""
    conn.execute("CREATE OR REPLACE TEMP MACRO is_plain_count(value) AS FALSE")
    conn.execute("CREATE OR REPLACE TEMP MACRO is_plain_amount(value, places) AS FALSE")


def test_plain_form_reads_every_value_and_reason_as_the_general_rules(readers):
    (plain,) = readers.execute(
        "SELECT COUNT(*) FROM texts WHERE is_plain_count(value) OR is_plain_amount(value, 12)"
    ).fetchone()
    assert plain > 2_000  # the plain form is taken, so the comparison below means something
    assert {"money", "hours", "tokens"} <= set(KINDS)  # the kinds were found
    with_plain_form = _read_all(readers)
    _without_plain_form(readers)
    assert _read_all(readers) == with_plain_form


def test_an_amount_with_more_places_than_its_kind_keeps_is_not_plain_and_is_quarantined(readers):
    assert readers.execute(
        "SELECT is_plain_amount('7.123456', 6), is_plain_amount('7.1234567', 6)"
    ).fetchone() == (True, False)
    assert readers.execute(
        "SELECT read_amount('7.1234567', 'hours'), amount_problem('hours', '7.1234567', 'hours')"
    ).fetchone() == (
        None,
        "hours: more than 6 decimal places ('7.1234567'), which would be rounded",
    )
