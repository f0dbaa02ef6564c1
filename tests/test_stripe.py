"""Stripe refunds and credit notes load as Stripe's API returns them, as consequence records."""

import json
from datetime import datetime
from decimal import Decimal

from tests.conftest import OUTSIDE_DATA, needs_outside_data, write

REFUND = OUTSIDE_DATA / "incidents-refunds" / "stripe_refund_object_example.json"

pytestmark = needs_outside_data


def refund(**fields) -> dict:
    """Stripe's documented Refund object, with the fields given."""
    return {**json.loads(REFUND.read_text()), **fields}


def staged(query) -> list[tuple]:
    return query(
        "SELECT record_id, record_type, amount, amount_unit, currency, amount_usd, occurred_at, "
        "action_id, description FROM staging.consequence_records ORDER BY record_id"
    )


def test_the_documented_refund_without_an_owner_is_quarantined_naming_it(
    data_dir, build_models, query
):
    write(data_dir, "consequence_records/2023-08-25/refund.json", REFUND.read_text())
    build_models("core/cost_ledger", days="2023-08-25")
    assert query("SELECT source, source_line, reason FROM audit.quarantine") == [
        (
            "consequence_records",
            1,
            "action_id: missing (a consequence names an action, task, agent or team)",
        )
    ]
    # the refund's amount is kept in quarantine, converted from cents: conserved to the cent
    assert query(
        "SELECT adapter, rows_read, amount_read, amount_quarantined FROM audit.load_ledger "
        "WHERE source = 'consequence_records'"
    ) == [("stripe", 1, Decimal("1000"), Decimal("1000"))]


def test_a_refund_in_cents_is_booked_in_dollars_on_its_action(data_dir, build_models, query):
    write(
        data_dir,
        "consequence_records/2023-08-25/refund.json",
        json.dumps(refund(metadata={"finops.action_id": "a1"}, reason="requested_by_customer")),
    )
    build_models("core/cost_ledger", days="2023-08-25")
    assert staged(query) == [
        (
            "re_1Nispe2eZvKYlo2Cd31jOCgZ",
            "refund",
            Decimal("1000"),
            "minor",
            "USD",
            Decimal("10.000000000000"),
            datetime(2023, 8, 25, 5, 45, 18),
            "a1",
            "requested_by_customer",
        )
    ]


def test_a_list_page_books_succeeded_refunds_and_issued_credit_notes_only(
    data_dir, build_models, query
):
    page = {
        "object": "list",
        "url": "/v1/refunds",
        "has_more": False,
        "data": [
            refund(id="re_ok", amount=2550, metadata={"finops.task_id": "t1"}),
            refund(id="re_pending", status="pending", metadata={"finops.task_id": "t1"}),
            {
                "id": "cn_1",
                "object": "credit_note",
                "amount": 1999,
                "currency": "eur",
                "created": 1692942318,
                "status": "issued",
                "memo": "Agent sent the wrong invoice",
                "metadata": {"finops.team_id": "team-b"},
            },
        ],
    }
    write(data_dir, "consequence_records/2023-08-25/refunds.json", json.dumps(page))
    build_models("core/cost_ledger", days="2023-08-25", fx_rates_to_usd={"USD": "1", "EUR": "1.10"})
    assert [(r[0], r[1], r[5], r[8]) for r in staged(query)] == [
        ("cn_1", "credit", Decimal("21.989000000000"), "Agent sent the wrong invoice"),
        ("re_ok", "refund", Decimal("25.500000000000"), None),
    ]
    assert query(
        "SELECT rows_read, status_reason FROM audit.load_ledger "
        "WHERE source = 'consequence_records'"
    ) == [
        (
            2,
            "1 record(s) of other kinds than succeeded, issued (by status, or unreadable) are not "
            "consequence_records rows",
        )
    ]


def test_refunds_one_per_line_load_as_jsonl(data_dir, build_models, query):
    lines = [
        refund(id=f"re_{n}", amount=100 * n, metadata={"finops.agent_id": "billing-agent"})
        for n in (1, 2)
    ]
    write(
        data_dir,
        "consequence_records/2023-08-25.jsonl",
        "".join(json.dumps(line) + "\n" for line in lines),
    )
    build_models("core/cost_ledger", days="2023-08-25")
    assert [(r[0], r[5]) for r in staged(query)] == [
        ("re_1", Decimal("1.000000000000")),
        ("re_2", Decimal("2.000000000000")),
    ]
