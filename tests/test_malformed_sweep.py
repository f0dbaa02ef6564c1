"""Malformed files in every source: each fault costs the lines at fault and no other, every line
is accounted for in the load ledger, and each quarantined line names its file, line and field.

One load per fault (the loader as a run's ingest steps call it, through the model harness, with
the blocking staging contracts asserted by their queries), with a four-record file in every CSV
source (the first records of its sample file) and the second record damaged. A JSON-lines load
does the same for the sources that read JSON lines.
"""

from pathlib import Path

import duckdb
import pytest

from tests.conftest import DATA_SAMPLES, day_tags
from tests.model_harness import contract_failures, load

SAMPLES = DATA_SAMPLES
CSV_SAMPLES = {
    "action_events": "2026-10-01.csv",
    "agent_actions": "2026-10-01.csv",
    "billing_lines": "2026-10-01.csv",
    "budgets": "budgets.csv",
    "consequence_records": "2026-10-01.csv",
    "llm_requests": "2026-10-02.csv",
    "loaded_rates": "rates.csv",
    "model_prices": "prices.csv",
    "repository_teams": "repositories.csv",
    "time_entries": "2026-10-01.csv",
    "tool_calls": "2026-10-01.csv",
}
JSONL_SAMPLES = {
    "action_events": "2026-10-02.jsonl",
    "agent_actions": "2026-10-02.jsonl",
    "consequence_records": "2026-10-02.jsonl",
    "llm_requests": "2026-10-01.jsonl",
    "tool_calls": "2026-10-02.jsonl",
}
# the sample files are dated 2026-10-01 to 2026-10-03; undated ones load on any day
RUN_DAYS = ("2026-10-01", "2026-10-03")


RECORDS = 4  # records taken from each sample (fewer where the sample holds fewer)


def first_lines(path: Path) -> list[bytes]:
    """The header (CSV) and the first records of a sample file, one line each."""
    lines = path.read_bytes().splitlines()
    return lines[: RECORDS + (1 if path.suffix == ".csv" else 0)]


def quote_opened(line: bytes) -> bytes:
    return b'"' + line


def quote_closed(line: bytes) -> bytes:
    return line + b'"'


def open_and_close_later(lines: list[bytes]) -> list[bytes]:
    """A quote opened on the second record and closed at the end of the last one."""
    lines = replace_line(lines, 2, quote_opened(lines[2]))
    return replace_line(lines, len(lines) - 1, quote_closed(lines[-1]))


def replace_line(lines: list[bytes], index: int, new: bytes) -> list[bytes]:
    return [*lines[:index], new, *lines[index + 1 :]]


# fault -> (damage to [header, record 1, record 2, ...], lines that must be quarantined, lines
# that may be quarantined besides (the line a stray quote was meant to close), records left)
CSV_FAULTS = {
    "unterminated_quote": (lambda ls: replace_line(ls, 2, quote_opened(ls[2])), {3}, set(), None),
    "quote_closed_lines_later": (lambda ls: open_and_close_later(ls), {3}, {"last"}, None),
    "too_many_fields": (lambda ls: replace_line(ls, 2, ls[2] + b",extra"), {3}, set(), None),
    "too_few_fields": (lambda ls: replace_line(ls, 2, ls[2].split(b",")[0]), {3}, set(), None),
    "line_over_2_mb": (
        lambda ls: replace_line(ls, 2, ls[2] + b"x" * 2_100_000),
        {3},
        set(),
        None,
    ),
    "invalid_utf8": (lambda ls: replace_line(ls, 2, ls[2] + b"\xff\xfe"), {3}, set(), None),
    "blank_lines": (lambda ls: [*ls, b"", b""], set(), set(), None),
    "header_only": (lambda ls: ls[:1], set(), set(), 0),
    "empty_file": (lambda ls: [], set(), set(), 0),
}

JSONL_FAULTS = {
    "not_json": (lambda ls: replace_line(ls, 1, b"{not json"), {2}, set(), None),
    # a JSON line of 2 MB (an OTLP batch) is read like any other (the limit is 32 MB, see
    # tests/test_agent_telemetry.py)
    "line_of_2_mb": (
        lambda ls: replace_line(ls, 1, ls[1][:-1] + b', "padding": "' + b"x" * 2_100_000 + b'"}'),
        set(),
        set(),
        None,
    ),
    "invalid_utf8": (lambda ls: replace_line(ls, 1, ls[1] + b"\xff"), {2}, set(), None),
    "blank_lines": (lambda ls: [ls[0], *ls[1:], b"   ", b""], set(), set(), None),
    "empty_file": (lambda ls: [], set(), set(), 0),
}


def write_files(data_dir: Path, samples: dict[str, str], damage) -> None:
    for source, sample in samples.items():
        path = data_dir / source / sample
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = damage(first_lines(SAMPLES / source / sample))
        path.write_bytes(b"".join(line + b"\n" for line in lines))


def outcome(db_path: Path, source: str) -> tuple[set[int], set[int], tuple]:
    """Lines staged, lines quarantined, and the ledger's rows read, staged, quarantined and
    dropped as duplicates."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        staged = {
            n for (n,) in conn.execute(f"SELECT source_line FROM staging.{source}").fetchall()
        }
        quarantined = {
            n
            for (n,) in conn.execute(
                "SELECT source_line FROM audit.quarantine WHERE source = $s", {"s": source}
            ).fetchall()
        }
        ledger = conn.execute(
            "SELECT rows_read, rows_staged, rows_quarantined, rows_duplicate "
            "FROM audit.load_ledger WHERE source = $s AND load_status = 'loaded'",
            {"s": source},
        ).fetchall()
    return staged, quarantined, ledger


def run_ingest(data_dir: Path, db_path: Path) -> dict[str, list[tuple]]:
    """Load the files as a run's ingest steps do (model harness); returns the blocking
    contracts that fail ({} when rows and amounts are conserved, as a successful run's)."""
    load(data_dir, db_path, tags=day_tags(RUN_DAYS))
    return contract_failures(db_path)


@pytest.fixture(scope="module")
def clean_outcomes(tmp_path_factory) -> dict[str, dict[str, tuple]]:
    """The undamaged files' outcome per source, CSV and JSON lines: the sample rows that the
    staging rules themselves quarantine stay quarantined whatever the fault."""
    outcomes = {}
    for kind, samples in (("csv", CSV_SAMPLES), ("jsonl", JSONL_SAMPLES)):
        folder = tmp_path_factory.mktemp(f"clean-{kind}")
        write_files(folder / "data", samples, lambda ls: ls)
        db_path = folder / "warehouse.duckdb"
        assert run_ingest(folder / "data", db_path) == {}
        outcomes[kind] = {source: outcome(db_path, source) for source in samples}
    return outcomes


def assert_fault_costs_only_its_lines(db_path, samples, clean, fault):
    _, must, may, records_left = fault
    for source, sample in samples.items():
        clean_staged, clean_quarantined, [clean_ledger] = clean[source]
        staged, quarantined, ledger = outcome(db_path, source)
        lines = first_lines(SAMPLES / source / sample)
        may_too = {len(lines) if m == "last" else m for m in may}
        [(read, n_staged, n_quarantined, n_duplicate)] = ledger
        detail = (source, ledger, sorted(staged), sorted(quarantined))
        # every record the file holds is read and ends in exactly one place
        assert read == n_staged + n_quarantined + n_duplicate, detail
        assert len(staged) + len(quarantined) + n_duplicate == read, detail
        assert read == (clean_ledger[0] if records_left is None else records_left), detail
        if records_left == 0:
            continue
        # the lines at fault are quarantined, and no other line changes its fate
        assert must <= quarantined, detail
        assert quarantined - clean_quarantined - must <= may_too, detail


@pytest.mark.parametrize("fault", CSV_FAULTS)
def test_csv_fault_costs_only_the_lines_at_fault(fault, clean_outcomes, data_dir, db_path):
    fault = CSV_FAULTS[fault]
    write_files(data_dir, CSV_SAMPLES, fault[0])
    assert run_ingest(data_dir, db_path) == {}
    assert_fault_costs_only_its_lines(db_path, CSV_SAMPLES, clean_outcomes["csv"], fault)
    with duckdb.connect(str(db_path), read_only=True) as conn:
        unnamed = conn.execute(
            "SELECT source, source_line FROM audit.quarantine WHERE source_file IS NULL "
            "OR source_line IS NULL OR column_name IS NULL OR reason IS NULL"
        ).fetchall()
    assert unnamed == []


@pytest.mark.parametrize("fault", JSONL_FAULTS)
def test_json_lines_fault_costs_only_the_line_at_fault(fault, clean_outcomes, data_dir, db_path):
    fault = JSONL_FAULTS[fault]
    write_files(data_dir, JSONL_SAMPLES, fault[0])
    assert run_ingest(data_dir, db_path) == {}
    assert_fault_costs_only_its_lines(db_path, JSONL_SAMPLES, clean_outcomes["jsonl"], fault)
