"""The FOCUS 1.0 billing lines of each day: the lines tied to actions, shared and credit lines,
and the filler usage lines (``billing_lines_per_day``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import polars as pl

from sample_data.files import STR, _dec, _focus_ts, _pick, _rng, _seq_ids, _write_daily
from sample_data.fleet import (
    ACCOUNT,
    AGENT_IDS,
    AGENT_TEAM,
    AGENTS,
    BILLING_FILL,
    DAY_MS,
    HOUR_MS,
    TASK_TYPES,
    TEAMS,
    _Cfg,
)


def _focus_block(
    n: int,
    start_ms: np.ndarray,
    end_ms: np.ndarray,
    cost: dict[str, np.ndarray],
    qty_micro: np.ndarray | None,
    **cols: object,
) -> pl.DataFrame:
    """A block of FOCUS rows: costs in 1e-10 dollars, quantities in millionths."""
    data: dict[str, object] = {"_s": start_ms, "_e": end_ms}
    for name, values in cost.items():
        data[f"_{name}"] = values
    data["_q"] = qty_micro if qty_micro is not None else np.full(n, -1)
    for name, value in cols.items():
        data[name] = value if isinstance(value, (pl.Series, np.ndarray)) else [value] * n
    df = pl.DataFrame(data, strict=False)
    q = pl.when(pl.col("_q") >= 0).then(_dec(pl.col("_q"), 6))
    return df.with_columns(
        ChargePeriodStart=_focus_ts(pl.col("_s")),
        ChargePeriodEnd=_focus_ts(pl.col("_e")),
        BilledCost=_dec(pl.col("_billed"), 10),
        EffectiveCost=_dec(pl.col("_effective"), 10),
        ListCost=_dec(pl.col("_list"), 10),
        ContractedCost=_dec(pl.col("_contracted"), 10),
        ConsumedQuantity=q,
        PricingQuantity=q,
    )


def _same(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"billed": x, "effective": x, "list": x, "contracted": x}


def _billing_fill(
    cfg: _Cfg, d: int, acts: pl.DataFrame, k: int, common: dict[str, str]
) -> pl.DataFrame:
    """``k`` filler lines of day ``d`` (``BILLING_FILL``): one hour of one resource each, every
    ResourceId new (``<prefix><YYYYMMDD><seq>``), so no two lines are duplicates; tagged lines
    name a random action of the day and sit in the hour it was attempted."""
    rng = _rng(cfg.seed, "billing_fill", d)
    spec = list(zip(*BILLING_FILL, strict=True))
    kind = rng.choice(len(BILLING_FILL), size=k, p=np.array(spec[10]) / sum(spec[10]))
    lo, hi = (np.array([r[i] for r in spec[9]])[kind] for i in (0, 1))
    q = rng.integers(lo, hi)
    cost = q * np.array(spec[8], dtype=np.int64)[kind] // 1_000_000
    row = acts[rng.integers(0, acts.height, k)]
    s = np.where(
        kind == 2,
        cfg.day_ms(d) + rng.integers(0, 24, k) * HOUR_MS,
        row["attempted_ms"].to_numpy() // HOUR_MS * HOUR_MS,
    )
    ids = _seq_ids(cfg.day(d).strftime("%Y%m%d"), 1, k, 7)
    kinds = pl.Series(kind)
    team_agent = '{"team": "' + row["team_id"] + '", "agent": "' + row["agent_id"]
    tags = (
        pl.select(
            pl.when(kinds == 0)
            .then(
                team_agent
                + '", "task": "'
                + row["task_id"]
                + '", "session": "'
                + row["root_session_id"]
                + '"}'
            )
            .when(kinds == 1)
            .then(team_agent + '", "action": "' + row["action_id"] + '"}')
        )
        .to_series()
        .cast(STR)
    )
    names = (
        pl.select(
            pl.when(kinds == 0)
            .then("scratch-" + row["task_id"])
            .when(kinds == 1)
            .then(row["agent_id"])
            .otherwise("snap-" + ids)
        )
        .to_series()
        .cast(STR)
    )
    return _focus_block(
        k,
        s,
        s + HOUR_MS,
        _same(cost),
        q,
        **common,
        ChargeDescription=_pick(spec[0], kind),
        ServiceName=_pick(spec[1], kind),
        ServiceCategory=_pick(spec[2], kind),
        ResourceId=_pick(spec[7], kind) + ids,
        ResourceName=names,
        ResourceType=_pick(spec[3], kind),
        SkuId=_pick(spec[4], kind),
        ConsumedUnit=_pick(spec[5], kind),
        PricingUnit=_pick(spec[6], kind),
        Tags=tags,
    )


def _billing_day(cfg: _Cfg, d: int, acts: pl.DataFrame) -> pl.DataFrame:
    rng = _rng(cfg.seed, "billing", d)
    day = cfg.day(d)
    d0 = cfg.day_ms(d)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    common = {
        "BillingCurrency": "USD",
        "BillingAccountId": ACCOUNT,
        "BillingPeriodStart": f"{month.isoformat()} 00:00:00",
        "BillingPeriodEnd": f"{next_month.isoformat()} 00:00:00",
        "ChargeCategory": "Usage",
        "ChargeFrequency": "Usage-Based",
        "ProviderName": "AWS",
        "PublisherName": "Amazon Web Services, Inc.",
        "InvoiceIssuerName": "Amazon Web Services, Inc.",
        "RegionId": "us-east-1",
        "SubAccountId": "444455556666",
        "SubAccountName": "agents-prod",
    }
    hours = np.arange(24)
    blocks = []

    # 1. per-agent runtime (AWS Fargate), tagged team + agent
    na = len(AGENTS)
    ag = np.repeat(np.arange(na), 24)
    s = d0 + np.tile(hours, na) * HOUR_MS
    q = rng.integers(250_000, 2_000_000, na * 24)  # vCPU-hours, millionths
    cost = q * 4_048_000 // 10_000  # 0.04048 $/vCPU-h
    agent_ids = _pick(AGENT_IDS, ag)
    teams = _pick(TEAMS, AGENT_TEAM[ag])
    team_key = np.where((np.arange(na * 24) == 0) & (d == 0), " team", "team")
    tags = '{"' + pl.Series(team_key) + '": "' + teams + '", "agent": "' + agent_ids + '"}'
    blocks.append(
        _focus_block(
            na * 24,
            s,
            s + HOUR_MS,
            _same(cost),
            q,
            **common,
            ChargeDescription="$0.04048 per vCPU-hour for AWS Fargate in US East (N. Virginia)",
            ServiceName="Amazon Elastic Container Service",
            ServiceCategory="Compute",
            ResourceId=f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/agents-prod/" + agent_ids,
            ResourceName=agent_ids,
            ResourceType="ECS Service",
            SkuId="FARGATE-VCPU-HOURS",
            ConsumedUnit="vCPU-Hours",
            PricingUnit="Hours",
            Tags=tags,
        )
    )

    # 2. per-task sandboxes for code_fix / data_cleanup tasks, tagged team, agent, task, session
    firsts = acts.filter((pl.col("pos") == 0) & pl.col("task_type").is_in(TASK_TYPES[2:])).head(12)
    nt = firsts.height
    if nt:
        s = firsts["attempted_ms"].to_numpy() // HOUR_MS * HOUR_MS
        q = rng.integers(100_000, 1_000_000, nt)  # instance-hours
        cost = q * 3_328_000 // 10_000  # t3.large spot 0.03328 $/h
        tags = (
            '{"team": "'
            + firsts["team_id"]
            + '", "agent": "'
            + firsts["agent_id"]
            + '", "task": "'
            + firsts["task_id"]
            + '", "session": "'
            + firsts["root_session_id"]
            + '"}'
        )
        blocks.append(
            _focus_block(
                nt,
                s,
                s + HOUR_MS,
                _same(cost),
                q,
                **common,
                ChargeDescription="$0.03328 per On Demand Linux t3.large Spot Instance Hour",
                ServiceName="Amazon Elastic Compute Cloud",
                ServiceCategory="Compute",
                ResourceId=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/sandbox-" + firsts["task_id"],
                ResourceName="sandbox-" + firsts["task_id"],
                ResourceType="Instance",
                SkuId="T3LARGE-SPOT",
                ConsumedUnit="Hours",
                PricingUnit="Hours",
                Tags=tags,
            )
        )

    # 3. shared EKS node group, covered by a savings plan: BilledCost 0, EffectiveCost amortised
    s = d0 + hours * HOUR_MS
    lst = np.full(24, 11_520_000_000)  # 3 x m6i.2xlarge x 0.384 $/h
    eff = np.full(24, 7_603_200_000)
    blocks.append(
        _focus_block(
            24,
            s,
            s + HOUR_MS,
            {"billed": np.zeros(24, np.int64), "effective": eff, "list": lst, "contracted": eff},
            np.full(24, 3_000_000),
            **common,
            ChargeDescription="m6i.2xlarge covered by Compute Savings Plan",
            ServiceName="Amazon Elastic Compute Cloud",
            ServiceCategory="Compute",
            ResourceId=f"arn:aws:eks:us-east-1:{ACCOUNT}:nodegroup/agents-prod/ng-general",
            ResourceName="eks-agents-prod-ng-general",
            ResourceType="Node Group",
            SkuId="M6I2XL-SP",
            ConsumedUnit="Hours",
            PricingUnit="Hours",
            Tags='{"environment": "prod"}',
        )
    )

    # 4. shared vector store (OpenSearch Serverless), untagged
    blocks.append(
        _focus_block(
            24,
            s,
            s + HOUR_MS,
            _same(np.full(24, 4_800_000_000)),
            np.full(24, 2_000_000),
            **common,
            ChargeDescription="$0.24 per OCU-hour for OpenSearch Serverless vector search",
            ServiceName="Amazon OpenSearch Service",
            ServiceCategory="Databases",
            ResourceId=f"arn:aws:aoss:us-east-1:{ACCOUNT}:collection/agents-vectors",
            ResourceName="agents-vectors",
            ResourceType="Collection",
            SkuId="AOSS-OCU",
            ConsumedUnit="OCU-Hours",
            PricingUnit="Hours",
            Tags=None,
        )
    )

    # 5. shared observability (CloudWatch logs), untagged, ChargeFrequency spelled Usage-based
    q = rng.integers(200_000, 3_000_000, 24)  # GB
    blocks.append(
        _focus_block(
            24,
            s,
            s + HOUR_MS,
            _same(q * 5_000),
            q,
            **{**common, "ChargeFrequency": "Usage-based"},
            ChargeDescription="$0.50 per GB of log data ingested",
            ServiceName="AmazonCloudWatch",
            ServiceCategory="Management and Governance",
            ResourceId=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/agents/prod",
            ResourceName="/agents/prod",
            ResourceType="Log Group",
            SkuId="CW-LOGS-INGEST",
            ConsumedUnit="GB",
            PricingUnit="GB",
            Tags=None,
        )
    )

    # 6. a credit on the vector store (negative cost), daily period
    credit = -rng.integers(10_000_000_000, 30_000_000_000, 1)
    blocks.append(
        _focus_block(
            1,
            np.array([d0]),
            np.array([d0 + DAY_MS]),
            _same(credit),
            None,
            **{**common, "ChargeCategory": "Credit"},
            ChargeDescription="AWS Activate credits",
            ServiceName="Amazon OpenSearch Service",
            ServiceCategory="Databases",
            ResourceId=None,
            ResourceName=None,
            ResourceType=None,
            SkuId=None,
            ConsumedUnit=None,
            PricingUnit=None,
            Tags=None,
        )
    )

    # 7. day 0 only: storage line whose charge period spans 26 h across midnight
    if d == 0:
        blocks.append(
            _focus_block(
                1,
                np.array([d0 + 6 * HOUR_MS]),
                np.array([d0 + DAY_MS + 8 * HOUR_MS]),
                _same(np.array([3_466_666_667])),
                np.array([150_720_000]),
                **common,
                ChargeDescription="$0.023 per GB-Month of storage used in Standard",
                ServiceName="Amazon Simple Storage Service",
                ServiceCategory="Storage",
                ResourceId="arn:aws:s3:::agents-data-cleaner-staging",
                ResourceName="agents-data-cleaner-staging",
                ResourceType="Bucket",
                SkuId="S3-STD-TIMEDSTORAGE",
                ConsumedUnit="GB-Hours",
                PricingUnit="GB-Month",
                Tags='{"team": "team-data", "agent": "agt-cleaner"}',
            )
        )
    # 8. billing_lines_per_day: small per-resource lines up to the day's target
    fill = (cfg.billing_lines_target or 0) - sum(b.height for b in blocks)
    if fill > 0:
        blocks.append(_billing_fill(cfg, d, acts, fill, common))
    df = pl.concat(blocks, how="diagonal_relaxed")
    return df.sort("_s", "ResourceId", "ChargeCategory", nulls_last=True, maintain_order=True)


def _write_billing(cfg: _Cfg, acts: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield _billing_day(cfg, d, acts.filter(pl.col("day") == d))

    return _write_daily(
        cfg, "billing_lines", chunks, late=1, null_value="NULL", quote_style="non_numeric"
    )
