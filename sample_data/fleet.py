"""The simulated fleet and the generator's settings: teams, agents, task types, models and
their prices, people and their rates, tools, filler billing lines, the random streams, the file
formats per source, and ``_Cfg`` (one generation's settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
DEFECT_AT = 3  # text defects are inserted after this many data records of a file
LATE_AT = 20  # late rows are taken from this data record (0-based) of a day's file
CHUNK_ACTIONS = 100_000  # requests and tool calls are generated for this many actions at a time
FOLLOW_UP_DAYS = 40  # the follow-up action_events file is dated last day + this many days
UNKNOWN_MODEL = "acme-llm-9"
UNKNOWN_MODEL_ACTION = 10  # index (within day 0) of the action whose requests use UNKNOWN_MODEL
ACCOUNT = "111122223333"

TEAMS = ("team-payments", "team-support", "team-platform", "team-data")
TASK_TYPES = ("refund_request", "ticket_triage", "code_fix", "data_cleanup")
MODELS = ("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o3", UNKNOWN_MODEL)
PROVIDERS = ("openai", "openai", "anthropic", "openai", "acme")
TOKEN_KINDS = ("input", "cached_input", "cache_write_input", "output", "reasoning")

# agent_id, team index, task type index, primary model index, share of tasks
AGENTS = (
    ("agt-refund-bot", 0, 0, 0, 0.14),
    ("agt-refund-review", 0, 0, 2, 0.08),
    ("agt-triage-1", 1, 1, 1, 0.22),
    ("agt-triage-2", 1, 1, 1, 0.16),
    ("agt-coder", 2, 2, 2, 0.12),
    ("agt-coder-o3", 2, 2, 3, 0.06),
    ("agt-cleaner", 3, 3, 0, 0.12),
    ("agt-dq-checker", 3, 3, 1, 0.10),
)
AGENT_IDS = tuple(a[0] for a in AGENTS)
AGENT_TEAM = np.array([a[1] for a in AGENTS])
AGENT_TYPE = np.array([a[2] for a in AGENTS])
AGENT_MODEL = np.array([a[3] for a in AGENTS])
AGENT_P = np.array([a[4] for a in AGENTS]) / sum(a[4] for a in AGENTS)

# risk grade probabilities per task type: G0, G1, G2, G3, ungraded (blank)
GRADES = ("G0", "G1", "G2", "G3", None)
GRADE_P = np.array(
    [
        [0.00, 0.10, 0.50, 0.32, 0.08],  # refund_request
        [0.55, 0.35, 0.02, 0.00, 0.08],  # ticket_triage
        [0.05, 0.45, 0.35, 0.07, 0.08],  # code_fix
        [0.10, 0.50, 0.30, 0.02, 0.08],  # data_cleanup
    ]
)

# Outcome kinds of an action (internal codes).
ACC, AUTO, APPR, REV_IN, REV_OUT, OVR, ESC_OK, ESC_FAIL, RUN_ERR, PENDING = range(10)
OUTCOME_P = np.array([0.36, 0.14, 0.10, 0.07, 0.02, 0.04, 0.05, 0.05, 0.05, 0.12])
FIRST_EVENT = (
    "accepted",
    "auto_accepted",
    "approved",
    "accepted",
    "accepted",
    "overridden",
    "escalated",
    "escalated",
    "run_error",
    None,
)
REVERSAL_EVENTS = ("reverted", "rolled_back", "redone", "rerun", "reopened")

# Prices in milli-dollars per million tokens (= nano-dollars per token).
PRICES = {
    "gpt-4o": {"input": 2500, "cached_input": 1250, "output": 10000},
    "gpt-4o-mini": {"input": 150, "cached_input": 75, "output": 600},
    "claude-sonnet-4-5": {
        "input": 3000,
        "cached_input": 300,
        "cache_write_input": 3750,
        "output": 15000,
        "reasoning": 15000,
    },
    "o3": {"input": 2000, "cached_input": 500, "output": 8000, "reasoning": 8000},
}
PRICE_CHANGE = ("gpt-4o", {"input": 2000, "cached_input": 1000})

# person_id, role
PEOPLE = (
    ("p-001", "reviewer"),
    ("p-002", "reviewer"),
    ("p-003", "reviewer"),
    ("p-004", "sre"),
    ("p-005", "sre"),
    ("p-006", "engineer"),
    ("p-007", "engineer"),
    ("p-008", "support_lead"),
    ("p-009", "ops_manager"),
)
# role, cents per hour; the reviewer rate changes inside the range; p-002 has an override
ROLE_RATES = (
    ("engineer", 12500),
    ("ops_manager", 14000),
    ("reviewer", 8500),
    ("sre", 11000),
    ("support_lead", 7000),
)
RATE_CHANGE = ("reviewer", 9250)
RATE_OVERRIDE = ("reviewer", "p-002", 9900)

# tool_name, vendor, style ("cost" = cost_usd only, "units" = units + unit_price_usd)
TOOLS = (
    ("web_search", "tavily", "cost"),
    ("code_exec", "e2b", "units"),
    ("vector_query", "pinecone", "units"),
    ("crm_api", "salesforce", "cost"),
)
TOOL_P = np.array(
    [
        [0.20, 0.00, 0.30, 0.50],  # refund_request
        [0.30, 0.00, 0.50, 0.20],  # ticket_triage
        [0.35, 0.50, 0.15, 0.00],  # code_fix
        [0.10, 0.40, 0.50, 0.00],  # data_cleanup
    ]
)

CONSEQUENCE_TEXT = {
    "refund": "Refund issued after the agent's decision was reverted",
    "credit": "Service credit granted, customer contacted",
    "sla_penalty": 'SLA penalty: response "breached" contractual target',
    "escalation": "Escalation handled by tier-2 support, customer waited",
    "lost_revenue": "Order cancelled after wrong change; revenue lost",
    "incident": "Incident: agent run failed, batch reprocessed by on-call",
}

# Filler billing lines (``billing_lines_per_day``): one small usage line per short-lived resource
# and hour. ChargeDescription, ServiceName, ServiceCategory, ResourceType, SkuId, ConsumedUnit,
# PricingUnit, ResourceId prefix, price in 1e-10 dollars per unit, quantity range in millionths of
# a unit, share of the lines. Tags: volumes name the team, agent, task and session of an action of
# the day, Fargate tasks the team, agent and action; snapshots are untagged (shared cost).
BILLING_FILL = (
    (
        "$0.08 per GB-month of General Purpose (gp3) provisioned storage",
        "Amazon Elastic Compute Cloud",
        "Storage",
        "Volume",
        "EBS-GP3-STORAGE",
        "GB-Hours",
        "GB-Month",
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-",
        1_095_890,  # 0.08 / 730 $ per GB-hour
        (8_000_000, 200_000_000),
        0.5,
    ),
    (
        "$0.04048 per vCPU-hour for AWS Fargate in US East (N. Virginia)",
        "Amazon Elastic Container Service",
        "Compute",
        "ECS Task",
        "FARGATE-VCPU-HOURS",
        "vCPU-Hours",
        "Hours",
        f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/agents-prod/",
        404_800_000,
        (50_000, 500_000),
        0.3,
    ),
    (
        "$0.05 per GB-month of snapshot data stored",
        "Amazon Elastic Compute Cloud",
        "Storage",
        "Snapshot",
        "EBS-SNAPSHOT-STORAGE",
        "GB-Hours",
        "GB-Month",
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:snapshot/snap-",
        684_932,  # 0.05 / 730 $ per GB-hour
        (1_000_000, 100_000_000),
        0.2,
    ),
)

STREAMS = {
    "actions": 1,
    "events": 2,
    "requests": 3,
    "tools": 4,
    "billing": 5,
    "time": 6,
    "consequences": 7,
    "litellm": 8,
    "time_cap": 9,
    "cons_cap": 10,
    "billing_fill": 11,
    "time_fill": 12,
    "cons_fill": 13,
}

ROTATION = {
    "billing_lines": ("csv", "parquet"),
    "llm_requests": ("jsonl", "csv", "parquet"),
    "tool_calls": ("csv", "jsonl", "parquet"),
    "agent_actions": ("csv", "jsonl", "parquet"),
    "action_events": ("csv", "jsonl"),
    "consequence_records": ("csv", "jsonl"),
    "time_entries": ("csv",),
}
ALL_FORMATS = ("csv", "jsonl", "parquet")


@dataclass(frozen=True)
class _Cfg:
    out: Path
    seed: int
    start: date
    days: int
    apd: int
    rpa: float
    tpa: float
    formats: tuple[str, ...]
    defects: bool
    billing_lines_target: int | None = None
    time_entries_target: int | None = None
    consequences_target: int | None = None

    def day(self, d: int) -> date:
        return self.start + timedelta(days=d)

    def day_ms(self, d: int) -> int:
        return (self.day(d) - date(1970, 1, 1)).days * DAY_MS

    @property
    def change_day(self) -> int:
        """Day index on which the price and rate changes take effect (inside the range)."""
        return min(self.days - 1, max(1, self.days // 2))

    @property
    def base_from(self) -> date:
        jan1 = date(self.start.year, 1, 1)
        return jan1 if self.start > jan1 else date(self.start.year - 1, 1, 1)
