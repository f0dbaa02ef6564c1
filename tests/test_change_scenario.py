"""Which changes stayed (seed 001, SPEC 7): a scenario of merged pull requests, reverts in every
form GitHub writes them, a fix touching the same file, changes younger than the window and
excluded files, built through the change models alone (the helpers are the cost-per-accepted-
change tests')."""

import pytest

from tests import model_harness
from tests.test_change_metric import (
    TEAM,
    build_tables,
    outcomes,
    pull_request,
    revert_of,
    rows,
)

SCENARIO_AS_OF = "2026-11-15T00:00:00"
LOGIN_SHA = "0006" + "cd" * 18


def scenario_prs() -> list[dict]:
    login = pull_request(6, "Add login", "2026-10-03T09:00:00Z")
    login["mergeCommit"] = {"oid": LOGIN_SHA}
    return [
        pull_request(1, "Add checkout", "2026-10-01T12:00:00Z"),
        pull_request(2, 'Revert "Add checkout"', "2026-10-03T12:00:00Z"),
        pull_request(3, "Add search", "2026-10-02T12:00:00Z"),
        pull_request(4, "Undo search", "2026-10-05T12:00:00Z", body="Reverts #3"),
        pull_request(5, "Add cart", "2026-10-02T13:00:00Z"),
        pull_request(
            40,
            "Roll back cart",
            "2026-10-06T12:00:00Z",
            body="Reverts acme/shop#5",
            repo="acme/api",
        ),
        login,
        pull_request(
            7,
            "Back out login",
            "2026-10-04T09:00:00Z",
            body=f"This reverts commit {LOGIN_SHA[:10].upper()}.\n\nBroke SSO.",
        ),
        pull_request(8, "Add export", "2026-10-05T12:00:00Z"),
        pull_request(9, 'Revert "Add export"', "2026-11-04T12:00:00Z"),
        pull_request(10, "Add import", "2026-10-05T12:00:00Z"),
        pull_request(11, 'Revert "Add import"', "2026-11-04T12:00:01Z"),
        pull_request(12, "Add invoices", "2026-10-06T12:00:00Z", files=[("src/invoices.py", 80)]),
        pull_request(
            13, "fix: invoice rounding", "2026-10-08T12:00:00Z", files=[("src/invoices.py", 4)]
        ),
        pull_request(14, "Fix typo in docs", "2026-10-08T13:00:00Z", files=[("docs/a.md", 2)]),
        pull_request(15, "Patch invoices", "2026-11-10T12:00:00Z", files=[("src/invoices.py", 3)]),
        pull_request(16, "Add reports", "2026-11-01T12:00:00Z"),
        pull_request(
            17,
            "Bump dependencies",
            "2026-10-09T12:00:00Z",
            files=[("poetry.lock", 3000), ("vendor/lib/x.go", 800), ("src/app.py", 20)],
        ),
        pull_request(
            18, "Update lockfile", "2026-10-09T13:00:00Z", files=[("web/yarn.lock", 5000)]
        ),
        pull_request(19, "Add audit log", "2026-11-20T12:00:00Z"),
        pull_request(20, "Big refactor", "2026-10-10T12:00:00Z", lines=1800),
        pull_request(21, "Medium change", "2026-10-10T13:00:00Z", lines=501),
        pull_request(22, "Exactly 500", "2026-10-10T14:00:00Z", lines=500),
    ]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """The scenario's change outcomes, repair candidates, files and change showback, built
    alone."""
    db_path = build_tables(
        tmp_path_factory.mktemp("scenario"),
        scenario_prs(),
        "core/change_outcomes",
        "core/change_repair_candidates",
        "core/change_files",
        "marts/change_showback",
        as_of=SCENARIO_AS_OF,
        costs=False,
    )
    return outcomes(db_path), db_path


def test_the_scenario_holds_every_blocking_contract(tmp_path):
    # every model built; the staging tables' and the metric checks' contracts, as a run is held
    db_path = build_tables(tmp_path, scenario_prs(), as_of=SCENARIO_AS_OF, costs=False)
    assert model_harness.contract_failures(db_path) == {}


def test_a_revert_titled_revert_quote_title_invalidates_the_change_of_that_title(scenario):
    changes, _ = scenario
    assert revert_of(changes, 1) == ("reverted", "acme/shop#2", "title")


def test_reverts_hash_n_in_the_body_invalidates_that_pull_request(scenario):
    changes, _ = scenario
    assert revert_of(changes, 3) == ("reverted", "acme/shop#4", "pull_request_reference")


def test_reverts_owner_repo_hash_n_invalidates_across_repositories(scenario):
    changes, _ = scenario
    assert revert_of(changes, 5) == ("reverted", "acme/api#40", "pull_request_reference")


def test_this_reverts_commit_invalidates_the_change_merged_as_that_commit(scenario):
    changes, _ = scenario
    assert revert_of(changes, 6) == ("reverted", "acme/shop#7", "commit")


def test_reverts_are_their_own_kind_and_count_no_units(scenario):
    changes, _ = scenario
    reverts = {n for n, c in changes.items() if c["change_kind"] == "revert"}
    assert reverts == {2, 4, 7, 9, 11, 40}
    assert {changes[n]["outcome"] for n in reverts} == {"revert"}
    assert sum(changes[n]["change_units"] for n in reverts) == 0


def test_a_revert_exactly_at_the_window_end_invalidates_the_change(scenario):
    changes, _ = scenario
    assert revert_of(changes, 8) == ("reverted", "acme/shop#9", "title")


def test_a_revert_one_second_after_the_window_leaves_the_change_accepted(scenario):
    changes, _ = scenario
    assert revert_of(changes, 10) == ("accepted_confirmed", None, None)


def test_a_fix_touching_the_same_file_inside_the_window_is_only_a_repair_candidate(scenario):
    changes, db_path = scenario
    candidates = rows(
        db_path,
        "SELECT change_id, follow_up_change_id, shared_files, shared_paths, hours_after_merge "
        "FROM core.change_repair_candidates ORDER BY ALL",
    )
    # #14 touches no shared file; #15 is merged after #12's window closed
    assert candidates == [
        {
            "change_id": "acme/shop#12",
            "follow_up_change_id": "acme/shop#13",
            "shared_files": 1,
            "shared_paths": "src/invoices.py",
            "hours_after_merge": 48,
        }
    ]
    assert changes[12]["outcome"] == "accepted_confirmed"


def test_changes_younger_than_the_window_are_provisional_and_left_out_of_the_headline(scenario):
    changes, db_path = scenario
    assert [n for n, c in changes.items() if c["outcome"] == "accepted_provisional"] == [15, 16]
    (november,) = rows(
        db_path,
        "SELECT * FROM marts.change_showback WHERE grain = 'team' AND month = '2026-11-01'",
    )
    assert (november["provisional_change_units"], november["accepted_change_units"]) == (2, 0)
    assert november["cost_per_accepted_change"] is None
    assert november["headline_status"] == "no accepted change units: ratio not defined"
    assert november["window_complete"] is False


def test_pull_requests_merged_after_as_of_are_not_yet_known(scenario):
    changes, _ = scenario
    assert 19 not in changes


def test_lock_vendored_and_generated_files_do_not_count_as_lines_changed(scenario):
    changes, db_path = scenario
    bump, lockfile = changes[17], changes[18]
    assert (bump["lines_changed"], bump["lines_excluded"], bump["lines_counted"]) == (
        3820,
        3800,
        20,
    )
    assert bump["change_units"] == 1
    assert (lockfile["lines_counted"], lockfile["change_units"]) == (0, 0)
    excluded = rows(
        db_path,
        "SELECT path, excluded_by FROM core.change_files WHERE is_excluded ORDER BY path",
    )
    assert excluded == [
        {"path": "poetry.lock", "excluded_by": "*.lock"},
        {"path": "vendor/lib/x.go", "excluded_by": "vendor/"},
        {"path": "web/yarn.lock", "excluded_by": "*.lock"},
    ]


def test_change_units_are_max_1_ceil_lines_over_500(scenario):
    changes, _ = scenario
    assert [changes[n]["change_units"] for n in (20, 21, 22, 1)] == [4, 2, 1, 1]


def test_the_october_headline_counts_only_changes_that_stayed(scenario):
    _, db_path = scenario
    team = {
        r["team_id"]: r
        for r in rows(
            db_path,
            "SELECT * FROM marts.change_showback WHERE grain = 'team' AND month = '2026-10-01'",
        )
    }
    shop = team[TEAM]
    # stayed: 10, 12, 13, 14, 17 (1 unit each), 18 (0), 20 (4), 21 (2), 22 (1)
    assert shop["accepted_change_units"] == 12
    assert (shop["changes_merged"], shop["changes_reverted"], shop["reverts_merged"]) == (
        14,
        5,
        3,
    )
    assert shop["repair_candidates"] == 1
    assert shop["headline_status"] == "final"
    assert team["unallocated"]["reverts_merged"] == 1  # acme/api is not mapped to a team
