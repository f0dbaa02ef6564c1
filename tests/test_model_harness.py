"""The model harness's contracts are the pipeline's: contract_failures runs the blocking check
queries a run is stopped by, so a broken table shows there as it would stop a run."""

import duckdb

from tests.conftest import write

TOOL_CALLS = "call_id,called_at,tool_name,cost_usd,team_id\n"


def test_contract_failures_names_each_broken_contract(
    data_dir, db_path, build_models, contract_failures
):
    write(
        data_dir,
        "tool_calls/t.csv",
        TOOL_CALLS + "c1,2026-10-01T09:00:00Z,search,1.00,team-x\n"
        "c2,2026-10-01T09:05:00Z,search,2.00,team-x\n",
    )
    build_models("marts/showback", metric={"as_of": "2026-12-01T00:00:00"})
    assert contract_failures() == {}
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("DELETE FROM staging.tool_calls WHERE call_id = 'c2'")  # a row lost
        conn.execute("UPDATE core.cost_ledger SET amount_usd = amount_usd + 1")  # money made
    failures = contract_failures()
    assert set(failures) == {
        "tool_calls/rows_conserved",
        "tool_calls/amount_conserved",
        "money_conserved",
        "ledger_in_showback",
    }
    [(source_file, read, staged, *_)] = failures["tool_calls/rows_conserved"]
    assert (source_file, read, staged) == ("tool_calls/t.csv", 2, 1)
