"""LiteLLM proxy spend logs (LiteLLM_SpendLogs rows)."""

from pipeline.adapters.mapping import Adapter, FieldRef

LITELLM_SPEND_LOGS = Adapter(
    name="litellm",
    description=(
        "LiteLLM proxy spend logs (LiteLLM_SpendLogs rows as JSONL, a JSON array, CSV, Parquet). "
        "prompt_tokens follows the OpenAI convention (cached tokens included); cache and reasoning "
        "token counts come from metadata.usage_object; ids from request_tags 'key:value' entries."
    ),
    columns={
        "request_id": FieldRef("request_id"),
        "requested_at": FieldRef("startTime"),
        "model": FieldRef("model"),
        "provider": FieldRef("custom_llm_provider"),
        "input_tokens": FieldRef("prompt_tokens"),
        "cached_input_tokens": FieldRef(
            "metadata", "$.usage_object.prompt_tokens_details.cached_tokens"
        ),
        "cache_write_input_tokens": FieldRef(
            "metadata", "$.usage_object.cache_creation_input_tokens"
        ),
        "output_tokens": FieldRef("completion_tokens"),
        "reasoning_tokens": FieldRef(
            "metadata", "$.usage_object.completion_tokens_details.reasoning_tokens"
        ),
        "reported_cost_usd": FieldRef("spend"),
        "status": FieldRef("status"),
        "action_id": FieldRef("request_tags", tag_list=True),
        "task_id": FieldRef("request_tags", tag_list=True),
        "session_id": FieldRef("session_id"),
        "parent_session_id": FieldRef("request_tags", tag_list=True),
        "agent_id": FieldRef("agent_id"),
        "team_id": FieldRef("team_id"),
        "work_type": FieldRef("request_tags", tag_list=True),
    },
)
