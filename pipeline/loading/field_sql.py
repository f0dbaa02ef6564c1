"""The SQL text reading one canonical column of a landing row through an adapter's field
reference (:class:`pipeline.adapters.FieldRef`): JSON paths, tags, attribute keys, sums of usage
keys, value maps, lookups, unit conversions and fallbacks. Values, keys, paths and patterns travel
as parameters; only column names are composed, quoted, by the caller's ``base_of``.
"""

from __future__ import annotations

from pipeline.adapters import FieldRef

# Per epoch unit: microseconds in one unit, and the first value of 2200 in that unit.
_EPOCH_UNITS = {
    "unix_nanos": ("0.001", "7258118400000000000"),
    "unix_micros": ("1", "7258118400000000"),
    "unix_millis": ("1000", "7258118400000"),
    "unix_seconds": ("1000000", "7258118400"),
}


# Hours kept from a duration: time entries keep hours to 6 places (3.6 ms).
HOURS_PLACES = 6


def _is_clock(value: str) -> str:
    """SQL: whether a value is a clock time, H:MM or H:MM:SS."""
    return f"regexp_full_match(TRIM({value}), '[0-9]{{1,6}}:[0-5][0-9](:[0-5][0-9])?')"


def _clock_seconds(value: str) -> str:
    """SQL: the seconds a clock time (H:MM or H:MM:SS) names."""
    part = f"split_part(TRIM({value}), ':', {{}})"
    return (
        f"(TRY_CAST({part.format(1)} AS BIGINT) * 3600 "
        f"+ TRY_CAST({part.format(2)} AS BIGINT) * 60 "
        f"+ COALESCE(TRY_CAST(NULLIF({part.format(3)}, '') AS BIGINT), 0))"
    )


def _converted(value: str, convert: str) -> str:
    """SQL text turning a value of a declared unit into the canonical text; a value not of that
    form (or a time outside 1970-2199) is kept as it is, so staging names it. Nothing here can
    fail a file: the number is range-checked before it is scaled. A duration (clock_hours
    'H:MM:SS', seconds_as_hours a count of seconds) becomes hours to HOURS_PLACES places;
    clock_seconds keeps a clock time's exact seconds (labour is costed from them)."""
    if convert == "lower":
        return f"LOWER({value})"
    if convert == "clock_seconds":  # NULL when not a clock time: the hours read it instead
        return f"CASE WHEN {_is_clock(value)} THEN CAST({_clock_seconds(value)} AS VARCHAR) END"
    if convert in ("clock_hours", "seconds_as_hours"):
        if convert == "clock_hours":
            seconds, form = _clock_seconds(value), _is_clock(value)
        else:
            seconds = f"TRY_CAST({value} AS BIGINT)"
            form = f"regexp_full_match(TRIM({value}), '[0-9]{{1,12}}')"
        return (
            f"CASE WHEN {form} THEN CAST(ROUND(CAST({seconds} AS DECIMAL(38, 12)) / 3600, "
            f"{HOURS_PLACES}) AS VARCHAR) ELSE {value} END"
        )
    if convert == "hundredths":  # minor units (cents) to units, exactly
        number = f"TRY_CAST({value} AS DECIMAL(38, 16))"
        return (
            f"CASE WHEN {number} IS NULL THEN {value} "
            f"ELSE CAST({number} * CAST(0.01 AS DECIMAL(3, 2)) AS VARCHAR) END"
        )
    micros_per_unit, end = _EPOCH_UNITS[convert]
    number = f"TRY_CAST({value} AS DECIMAL(38, 6))"
    return (
        f"CASE WHEN {number} >= 0 AND {number} < {end} THEN strftime(make_timestamp("
        f"CAST(FLOOR({number} * {micros_per_unit}) AS BIGINT)), '%Y-%m-%d %H:%M:%S.%f') "
        f"ELSE {value} END"
    )


def _listed(params: dict, stem: str, values: list[str]) -> str:
    name = f"{stem}_{len(params)}"
    params[name] = values
    return f"CAST(${name} AS VARCHAR[])"


def _json_value(base: str, paths: list[str], params: dict) -> str:
    """The first of `paths` that holds a value in the JSON text `base`."""
    reads = []
    for path in paths:
        name = f"path_{len(params)}"
        params[name] = path
        reads.append(f"json_extract_string({base}, ${name})")
    first = reads[0] if len(reads) == 1 else f"COALESCE({', '.join(reads)})"
    return f"CASE WHEN json_valid({base}) THEN {first} END"


def _summed_keys(base: str, pattern: str, params: dict) -> str:
    """The sum of the whole-number values of the keys of JSON object `base` matching `pattern`
    (null values left out); the object's text when a matching value is not a whole number, so
    staging names it, never rounds it."""
    name = f"keys_{len(params)}"
    params[name] = pattern
    values = (
        f"list_filter(list_transform(list_filter(json_keys({base}), "
        f"lambda k: regexp_matches(k, ${name})), "
        f"lambda k: json_extract_string({base}, '$.\"' || k || '\"')), lambda x: x IS NOT NULL)"
    )
    return (
        f"CASE WHEN json_valid({base}) AND json_type({base}) = 'OBJECT' THEN "
        f"CASE WHEN list_bool_or(list_transform({values}, "
        "lambda x: NOT regexp_full_match(x, '-?[0-9]{1,30}'))) "
        f"THEN {base} ELSE CAST(list_sum(list_transform({values}, "
        "lambda x: CAST(x AS HUGEINT))) AS VARCHAR) END END"
    )


def field_expression(column: str, ref: FieldRef, base_of, params: dict, settings) -> str:
    """SQL text reading one canonical column through `ref`; `base_of(name)` is the SQL text of a
    field of the file (NULL when the file lacks it). Values, keys and paths travel as
    parameters. The value is cleaned (null tokens, blanks) before a fallback is read."""
    if ref.constant is not None:
        name = f"constant_{len(params)}"
        params[name] = ref.constant
        value = f"CAST(${name} AS VARCHAR)"
    elif ref.attribute:
        key = settings.attribute_keys.get(column)
        if key is None:
            value = "CAST(NULL AS VARCHAR)"
        else:
            reads = [_json_value(base_of(f), [f'$."{key}"'], params) for f in ref.attribute]
            value = reads[0] if len(reads) == 1 else f"COALESCE({', '.join(reads)})"
    elif ref.header_value:
        value = base_of(ref.name, header_value=True)
    elif ref.parts:
        pieces = ", ".join(f"NULLIF(TRIM({base_of(p)}), '')" for p in ref.parts)
        value = f"NULLIF(CONCAT_WS(' ', {pieces}), '')"
    elif ref.identity:
        fields = ", ".join(f"COALESCE({base_of(f)}, '')" for f in ref.identity)
        digest = f"md5(CONCAT_WS(chr(31), {fields}))"
        value = (
            f"{digest} || '#' || CAST(ROW_NUMBER() OVER "
            f"(PARTITION BY {digest} ORDER BY r.source_line) AS VARCHAR)"
        )
    else:
        base = base_of(ref.name)
        if ref.paths():
            value = _json_value(base, list(ref.paths()), params)
        elif ref.tag_list:
            key_param = f"tag_{len(params)}"
            params[key_param] = getattr(settings, column.removesuffix("_id") + "_tag_key")
            value = f"NULLIF(regexp_extract({base}, '\"' || ${key_param} || ':([^\"]*)\"', 1), '')"
        elif ref.sum_keys is not None:
            value = _summed_keys(base, ref.sum_keys, params)
        else:
            value = base
    if ref.values:
        keys = _listed(params, "value_keys", [k.upper() for k in ref.values])
        mapped = _listed(params, "value_map", list(ref.values.values()))
        found = f"list_extract({mapped}, list_position({keys}, UPPER(TRIM({value}))))"
        value = f"COALESCE({found}, {value})"
    if ref.lookup is not None:
        table = getattr(settings, f"{ref.lookup}_usd")
        keys = _listed(params, "lookup_keys", list(table))
        found = _listed(params, "lookup_values", [str(v) for v in table.values()])
        value = f"list_extract({found}, list_position({keys}, TRIM({value})))"
    if ref.extract is not None:
        name = f"extract_{len(params)}"
        params[name] = ref.extract
        found = f"NULLIF(regexp_extract({value}, ${name}, 1), '')"
        value = f"COALESCE({found}, {value})"
    if ref.convert is not None:
        value = _converted(value, ref.convert)
    cleaned = (
        f"CASE WHEN list_contains($null_tokens, UPPER(TRIM({value}))) THEN NULL "
        f"ELSE NULLIF(TRIM({value}), '') END"
    )
    if ref.fallback is None:
        return cleaned
    fallback = field_expression(column, ref.fallback, base_of, params, settings)
    return f"COALESCE({cleaned}, {fallback})"


def fields_read(ref: FieldRef) -> list[str]:
    """The file's fields one mapping entry reads, its fallbacks' included."""
    if ref.constant is not None:
        names = []
    else:
        names = list(ref.attribute or ref.parts or ref.identity or (ref.name,))
    return names + (fields_read(ref.fallback) if ref.fallback is not None else [])
