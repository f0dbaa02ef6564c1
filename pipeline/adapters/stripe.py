"""Stripe refunds and credit notes, as Stripe's API returns them (a list page, one object per
line, or one object per file): the consequences of agent work it refunded or credited."""

from pipeline.adapters.mapping import Adapter, FieldRef

STRIPE_CONSEQUENCES = Adapter(
    name="stripe",
    description=(
        "Stripe Refund and CreditNote objects (JSON list pages, JSONL, one object per .json "
        "file): a succeeded refund is a refund, an issued credit note a credit. Amounts are in "
        "the currency's minor units; ids from metadata under IngestSettings.attribute_keys."
    ),
    recognised_by=("id", "object", "amount", "currency", "created"),
    also_recognised_by=(("object", "data", "has_more"),),
    records=("landing/list_pages.sql",),
    kind="status",
    # pending, failed and canceled refunds and void credit notes moved no money
    takes=("succeeded", "issued"),
    columns={
        "record_id": FieldRef("id"),
        "record_type": FieldRef("object", values={"REFUND": "refund", "CREDIT_NOTE": "credit"}),
        "amount": FieldRef("amount"),
        "amount_unit": FieldRef("amount", constant="minor"),
        "currency": FieldRef("currency"),
        "occurred_at": FieldRef("created", convert="unix_seconds"),
        "action_id": FieldRef("metadata", attribute=("metadata",)),
        "task_id": FieldRef("metadata", attribute=("metadata",)),
        "agent_id": FieldRef("metadata", attribute=("metadata",)),
        "team_id": FieldRef("metadata", attribute=("metadata",)),
        "description": FieldRef("reason", fallback=FieldRef("memo")),
    },
)
