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

from pipeline.adapters import FieldRef
from pipeline.loading.discover import SourceFile, UnreadableFileError
from pipeline.loading.field_sql import field_expression, fields_read
from pipeline.sources import Source
from pipeline.sql_files import parameters_used, quote_ident


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


def _mapping(source: Source, adapter: str | None) -> dict[str, FieldRef]:
    if adapter is not None:
        return source.adapters[adapter].columns
    return {c: FieldRef(c) for c in source.columns}


def _plain(ref: FieldRef) -> bool:
    """A reference to one field a file must carry (no constant, attribute key or fallback)."""
    return (
        ref.constant is None
        and ref.fallback is None
        and not (ref.attribute or ref.parts or ref.identity or ref.header_value)
    )


def _recognised_by(source: Source, adapter) -> set[str]:
    return set(adapter.recognised_by) or {
        adapter.columns[c].name
        for c in source.required
        if c in adapter.columns and _plain(adapter.columns[c])
    }


def recognise_adapter(source: Source, f: SourceFile, present: set[str]) -> SourceFile:
    """The file as read: with its declared adapter, else in canonical form when it carries the
    source's required columns, else with the first adapter whose recognising fields it carries
    (LiteLLM spend logs are recognised by startTime, prompt_tokens, ...; OTLP traces by
    resourceSpans). A file matching none keeps the canonical form and is refused naming the
    columns it lacks. A file of another source's folder (``shared``) is read only through an
    adapter that takes some of its records."""
    if f.adapter is not None or (not f.shared and set(source.required) <= present):
        return f
    for name, adapter in source.adapters.items():  # built in first, then declared
        if f.shared and adapter.kind is None:
            continue
        if _recognised_by(source, adapter) <= present or any(
            set(fields) <= present for fields in adapter.also_recognised_by
        ):
            return replace(f, adapter=name)
    return f


def not_read_here(source: Source, f: SourceFile) -> bool:
    """A file of another source's folder that no adapter of this source takes records from."""
    return f.shared and (
        not f.read_here or f.adapter is None or source.adapters[f.adapter].kind is None
    )


def not_read_note(source: Source, f: SourceFile) -> SourceFile:
    """The file, noted as holding none of this source's records (a note already saying why,
    such as the columns it lacks, is kept)."""
    if not f.read_here:
        return f
    return replace(
        f,
        read_here=False,
        landing_note=f"no {source.name} records: not a format {source.name} reads from "
        f"{f.relpath.split('/')[0]}/ ({', '.join(sorted(source.adapters))})",
    )


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
) -> SourceFile:
    """Copy the rows of `relation` (default temp table _numbered; columns source_line, raw_row,
    landing_error and the file's own, typed as `types` says for Parquet) into the landing table,
    mapping the file's fields to canonical columns. An adapter that takes only some kinds of
    record copies those; the others are counted in the file's note."""
    mapping = _mapping(source, f.adapter)
    adapter = source.adapters[f.adapter] if f.adapter is not None else None
    kind = adapter.kind if adapter is not None else None
    params: dict[str, object] = {"source_file": f.relpath, **(relation_params or {})}
    if doc is not None:
        # A JSON document is parsed once per row: every field the mapping reads is extracted in
        # one call (a list of paths), not one parse per column.
        fields = [name for ref in mapping.values() for name in fields_read(ref)]
        names = list(dict.fromkeys(fields + ([kind] if kind else [])))
        params["field_paths"] = [f'$."{name}"' for name in names]
        relation = (
            f"(SELECT d.*, json_extract_string({doc}, $field_paths) AS field_values "
            f"FROM {relation} AS d)"
        )

    def base_of(name: str, header_value: bool = False) -> str:
        if header_value:  # the currency a column's header carries, as a parameter
            key = f"header_{len(params)}"
            params[key] = header_currency(name, present)
            return f"CAST(${key} AS VARCHAR)"
        if doc is not None:
            return f"r.field_values[{names.index(name) + 1}]"
        name = _column_in_file(source, f, name, present)
        if present is not None and name not in present:
            return "CAST(NULL AS VARCHAR)"
        return _text_of(f"r.{quote_ident(name)}", (types or {}).get(name))

    # null tokens ('NULL', 'null', ...) are nulls whatever their case
    params["null_tokens"] = [t.upper() for t in source.null_tokens if t]
    exprs = []
    for column in source.columns:
        ref = mapping.get(column)
        value = (
            "CAST(NULL AS VARCHAR)"
            if ref is None
            else field_expression(column, ref, base_of, params, settings)
        )
        exprs.append(_with_declared_currency(source, column, value, params, settings))
    taken = "TRUE" if not f.shared else "r.landing_error IS NULL"
    if kind is not None:
        if "*" not in adapter.takes:
            params["takes"] = [k.lower() for k in adapter.takes]
        of_kind = (
            f"COALESCE(list_contains($takes, LOWER(TRIM({base_of(kind)}))), FALSE)"
            if "*" not in adapter.takes
            else f"({base_of(kind)}) IS NOT NULL AND TRIM({base_of(kind)}) <> ''"
        )
        # a row that cannot be read (landing_error) is quarantined with its reason, once: by
        # the source whose folder holds the file
        taken = (
            f"({of_kind} AND r.landing_error IS NULL)"
            if f.shared
            else f"(r.landing_error IS NOT NULL OR {of_kind})"
        )
    columns = ", ".join(quote_ident(c) for c in landing_columns(source))
    conn.execute(
        f"INSERT INTO landing_{source.name} ({columns}) "
        f"SELECT $source_file, r.source_line, r.raw_row, r.landing_error, {', '.join(exprs)} "
        f"FROM {relation} AS r WHERE {taken}",
        params,
    )
    if kind is None:
        return f
    count = f"SELECT COUNT(*) FROM {relation} AS r WHERE NOT {taken}"
    others = conn.execute(count, parameters_used(count, params)).fetchone()[0]
    if not others:
        return f
    return replace(
        f,
        landing_note=f"{others} record(s) of other kinds than {', '.join(adapter.takes)} "
        f"(by {kind}, or unreadable) are not {source.name} rows",
    )


def _header_pattern(name: str) -> re.Pattern:
    """A field name holding '{currency}' as a pattern over column headers ('Cost Rate (USD)')."""
    head, tail = name.split("{currency}", 1)
    return re.compile(re.escape(head) + r"([A-Za-z]{3})" + re.escape(tail))


def _header_column(name: str, present: set[str] | None) -> str:
    if "{currency}" not in name or not present:
        return name
    pattern = _header_pattern(name)
    return next((c for c in sorted(present) if pattern.fullmatch(c)), name)


def header_currency(name: str, present: set[str] | None) -> str | None:
    """The currency code in the header of the column a '{currency}' field name matches."""
    match = _header_pattern(name).fullmatch(_header_column(name, present))
    return match.group(1).upper() if match else None


def _column_in_file(source: Source, f: SourceFile, column: str, present: set[str] | None) -> str:
    """The file's name for a field the mapping reads: for a tabular file in canonical form, the
    column's own name, else the first alias the file carries (FOCUS renamed columns across
    versions: ProviderName, OCI's pre-release Provider); a name holding '{currency}' the column
    whose header matches it; otherwise the mapped name as it is."""
    if f.adapter is not None or present is None or column in present:
        return _header_column(column, present)
    return next((a for a in source.aliases.get(column, ()) if a in present), column)


def resolve_columns(f: SourceFile, source: Source, present: set[str], settings) -> SourceFile:
    """The file with its adapter recognised; refused, naming the columns it lacks, when it does
    not carry a required column (a missing currency column may be declared per source)."""
    f = recognise_adapter(source, f, present)
    if not_read_here(source, f):
        return f
    mapping = _mapping(source, f.adapter)
    needed = {
        _column_in_file(source, f, mapping[c].name, present)
        for c in source.required
        if c in mapping
        and _plain(mapping[c])
        and not (c == source.currency_column and source.name in settings.source_currencies)
    }
    missing = sorted(needed - present)
    if missing and f.shared:  # another source's file, without what this source reads from it
        return replace(
            f,
            read_here=False,
            landing_note=f"no {source.name} records: lacks {', '.join(missing)}",
        )
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
