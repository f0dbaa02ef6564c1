-- One row per month and recommended runtime cap: a per-task budget per task type and a daily cap
-- per agent, each from a percentile of its history, with the sample, the largest value seen and
-- the tail above it; no cap, and why, below the minimum sample. Source: marts.runtime_caps.
-- Answers "what budget should the gateway enforce". The latest month is exported as an LLM
-- gateway's budget settings (serving/runtime_caps_export).
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.runtime_caps AS
SELECT * FROM marts.runtime_caps
