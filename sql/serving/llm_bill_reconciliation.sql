-- One row per LLM provider and UTC day (and model, where both sides name the same models) with
-- LLM spend in a bill, a provider's cost report or the request logs: what was billed, what the requests cost at request level, the variance and its
-- likely reason (SPEC 10). Source: core.llm_bill_reconciliation. Answers "does our LLM bill match
-- what our request logs say, and where does it not".
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.llm_bill_reconciliation AS
SELECT * FROM core.llm_bill_reconciliation
