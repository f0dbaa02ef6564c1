"""Which field of a file feeds each canonical column of a source, and the landing table it fills.

The landing table (temp table ``landing_<source>``) holds a source's canonical columns, all as
text, with ``source_file``, ``source_line``, ``raw_row`` and ``landing_error``. A file is read in
canonical form, through the adapter declared for its folder, or through the adapter its columns
are recognised as (see :mod:`pipeline.sources`). Typed (Parquet) fields become the text a CSV
would carry; null tokens become nulls; a currency missing from a source's files may be declared.
Values and JSON paths reach SQL as parameters; only column names are composed, quoted.
"""

from __future__ import annotations

import re
from dataclasses import replace

import duckdb

from pipeline.loading.discover import SourceFile, UnreadableFileError
from pipeline.sources import FieldRef, Source
from pipeline.sql_files import quote_ident


def landing_columns(source: Source) -> list[str]:
    return ["source_file", "source_line", "raw_row", "landing_error", *source.columns]


def create_landing_table(conn: duckdb.DuckDBPyConnection, source: Source) -> str:
    table = f"landing_{source.name}"
    columns = ", ".join(
        f"{quote_ident(c)} {'BIGINT' if c == 'source_line' else 'VARCHAR'}"
        for c in landing_columns(source)
    )
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns})")
    return table


def _field_expression(column: str, ref: FieldRef, base: str, params: dict, settings) -> str:
    """SQL text reading one canonical column from `base`, the text of the file's field; values
    and paths travel as parameters."""
    if ref.json_path is not None:
        path_param = f"path_{len(params)}"
        params[path_param] = ref.json_path
        return f"CASE WHEN json_valid({base}) THEN json_extract_string({base}, ${path_param}) END"
    if ref.tag_list:
        key_param = f"tag_{len(params)}"
        params[key_param] = getattr(settings, column.removesuffix("_id") + "_tag_key")
        return f"NULLIF(regexp_extract({base}, '\"' || ${key_param} || ':([^\"]*)\"', 1), '')"
    return base


def _mapping(source: Source, adapter: str | None) -> dict[str, FieldRef]:
    if adapter is not None:
        return source.adapters[adapter].columns
    return {c: FieldRef(c) for c in source.columns}


def recognise_adapter(source: Source, f: SourceFile, present: set[str]) -> SourceFile:
    """The file as read: with its declared adapter, else in canonical form when it carries the
    source's required columns, else with the first adapter whose required fields it carries
    (LiteLLM spend logs are recognised by startTime, prompt_tokens, ...). A file matching none
    keeps the canonical form and is refused naming the columns it lacks."""
    if f.adapter is not None or set(source.required) <= present:
        return f
    for name, adapter in sorted(source.adapters.items()):
        needed = {adapter.columns[c].name for c in source.required if c in adapter.columns}
        if needed <= present:
            return replace(f, adapter=name)
    return f


def _text_of(value: str, column_type: str | None) -> str:
    """SQL text of a typed (Parquet) field as the text a CSV would carry: tags typed as a MAP
    (AWS) or a list of key/value structs (GCP) become one JSON object; other nested values
    JSON; a DOUBLE the shortest decimal text that reads back as the same double; DECIMAL,
    integer and time values their exact text."""
    kind = (column_type or "VARCHAR").upper()
    if kind.startswith("MAP("):
        return f"CAST(to_json({value}) AS VARCHAR)"
    if kind.endswith("[]") and re.search(r"\bKEY\b", kind) and re.search(r"\bVALUE\b", kind):
        pairs = (
            f"list_transform({value}, lambda e: to_json(e.key) || ':' "
            "|| COALESCE(to_json(e.value), 'null'))"
        )
        return f"('{{' || array_to_string({pairs}, ',') || '}}')"
    if kind.startswith("STRUCT(") or kind.endswith("]"):
        return f"CAST(to_json({value}) AS VARCHAR)"
    return f"CAST({value} AS VARCHAR)"


def _with_declared_currency(source: Source, column: str, value: str, params: dict, settings):
    """A row's own currency, else the currency declared for the source's files that carry
    none (IngestSettings.source_currencies)."""
    declared = settings.source_currencies.get(source.name)
    if column != source.currency_column or declared is None:
        return value
    params["declared_currency"] = declared
    return f"COALESCE({value}, $declared_currency)"


def insert_landing(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    f: SourceFile,
    settings,
    present: set[str] | None,
    doc: str | None,
    relation: str = "_numbered",
    relation_params: dict[str, object] | None = None,
    types: dict[str, str] | None = None,
) -> None:
    """Copy the rows of `relation` (default temp table _numbered; columns source_line, raw_row,
    landing_error and the file's own, typed as `types` says for Parquet) into the landing table,
    mapping the file's fields to canonical columns."""
    mapping = _mapping(source, f.adapter)
    params: dict[str, object] = {"source_file": f.relpath, **(relation_params or {})}
    if doc is not None:
        # A JSON document is parsed once per row: every field the mapping reads is extracted in
        # one call (a list of paths), not one parse per column.
        names = list(dict.fromkeys(ref.name for ref in mapping.values()))
        params["field_paths"] = [f'$."{name}"' for name in names]
        relation = (
            f"(SELECT d.*, json_extract_string({doc}, $field_paths) AS field_values "
            f"FROM {relation} AS d)"
        )
    # null tokens ('NULL', 'null', ...) are nulls whatever their case
    params["null_tokens"] = [t.upper() for t in source.null_tokens if t]
    exprs = []
    for column in source.columns:
        ref = mapping.get(column)
        name = None if ref is None else _column_in_file(source, f, ref.name, present)
        if ref is None or (present is not None and name not in present):
            missing = "CAST(NULL AS VARCHAR)"
            exprs.append(_with_declared_currency(source, column, missing, params, settings))
            continue
        if doc is None:  # tabular file: the field is a column of the relation
            base = _text_of(f"r.{quote_ident(name)}", (types or {}).get(name))
        else:
            base = f"r.field_values[{names.index(name) + 1}]"
        value = _field_expression(column, ref, base, params, settings)
        cleaned = (
            f"CASE WHEN list_contains($null_tokens, UPPER(TRIM({value}))) THEN NULL "
            f"ELSE NULLIF(TRIM({value}), '') END"
        )
        exprs.append(_with_declared_currency(source, column, cleaned, params, settings))
    columns = ", ".join(quote_ident(c) for c in landing_columns(source))
    conn.execute(
        f"INSERT INTO landing_{source.name} ({columns}) "
        f"SELECT $source_file, r.source_line, r.raw_row, r.landing_error, {', '.join(exprs)} "
        f"FROM {relation} AS r",
        params,
    )


def _column_in_file(source: Source, f: SourceFile, column: str, present: set[str] | None) -> str:
    """The file's name for a field the mapping reads: for a tabular file in canonical form, the
    column's own name, else the first alias the file carries (FOCUS renamed columns across
    versions: ProviderName, OCI's pre-release Provider); otherwise the mapped name as it is."""
    if f.adapter is not None or present is None or column in present:
        return column
    return next((a for a in source.aliases.get(column, ()) if a in present), column)


def resolve_columns(f: SourceFile, source: Source, present: set[str], settings) -> SourceFile:
    """The file with its adapter recognised; refused, naming the columns it lacks, when it does
    not carry a required column (a missing currency column may be declared per source)."""
    f = recognise_adapter(source, f, present)
    mapping = _mapping(source, f.adapter)
    needed = {
        _column_in_file(source, f, mapping[c].name, present)
        for c in source.required
        if c in mapping
        and not (c == source.currency_column and source.name in settings.source_currencies)
    }
    missing = sorted(needed - present)
    if missing:
        hint = ""
        if source.currency_column in missing:
            hint = (
                f"; a file without {source.currency_column} needs its currency declared in "
                f"IngestSettings.source_currencies (for example {{'{source.name}': 'USD'}})"
            )
        raise UnreadableFileError(
            f"{f.path}: not a {source.name} file: missing required column(s) "
            f"{', '.join(missing)} (found: {', '.join(sorted(present)) or 'none'}){hint}"
        )
    return f
