"""The declared mapping every adapter is: a field reference per canonical column (FieldRef), and
the adapter that holds them (Adapter). pipeline/loading/fields.py turns them into SQL."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.sql_files import read_sql

# the macros the statements flattening records call (created before landing), and the statement
# numbering their records
RECORD_MACROS = "ingest/macros/otlp_attributes.sql"
RECORDS_NUMBERED = "landing/records_numbered.sql"

CONVERSIONS = (
    "unix_nanos",
    "unix_micros",
    "unix_millis",
    "unix_seconds",
    "hundredths",
    "clock_hours",
    "clock_seconds",
    "seconds_as_hours",
    "lower",
)


@dataclass(frozen=True)
class FieldRef:
    """Where a canonical column comes from in an adapter's records.

    ``name`` is the field (JSON key or CSV/Parquet column). ``json_path`` reads a value inside that
    field when it holds a JSON document, or a JSON-encoded string (LiteLLM's ``metadata``); a tuple
    of paths reads the first that holds a value. ``tag_list`` reads the value of a ``"key:value"``
    entry in a JSON array of strings (LiteLLM's ``request_tags``); the key is the configured tag
    key for that canonical column. ``attribute`` reads the configured span attribute key of the
    column (``IngestSettings.attribute_keys``) from each object of the field, in order (a
    span's own attributes, then its resource's). ``sum_keys`` sums the whole-number values of the
    keys of a JSON object field that match a regular expression (Langfuse's ``usage_details``).
    ``lookup`` names a settings mapping the value is looked up in (a tool's price per call).
    ``convert`` is one of :data:`CONVERSIONS`; ``values`` maps values (any case) to canonical
    ones, others kept. ``constant`` is a fixed value (one call is one unit). ``fallback`` is read
    when this field holds no value (a span's parent, else its conversation, else its trace).
    ``parts`` joins several fields with a space (Harvest's first and last name). ``identity``
    names a record with no id of its own: a digest of those fields and the record's occurrence
    among identical ones in its file, so a re-delivered export restates the same records.
    ``extract`` keeps the first group of a regular expression (the ISO code of 'Euro - EUR').
    A ``name`` holding ``{currency}`` is a column whose header carries the currency (Clockify's
    'Cost Rate (USD)'); with ``header_value`` the value is that currency.
    """

    name: str
    json_path: str | tuple[str, ...] | None = None
    tag_list: bool = False
    attribute: tuple[str, ...] = ()
    sum_keys: str | None = None
    lookup: str | None = None
    convert: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    constant: str | None = None
    fallback: FieldRef | None = None
    parts: tuple[str, ...] = ()
    identity: tuple[str, ...] = ()
    extract: str | None = None
    header_value: bool = False

    def paths(self) -> tuple[str, ...]:
        if self.json_path is None:
            return ()
        return (self.json_path,) if isinstance(self.json_path, str) else self.json_path


@dataclass(frozen=True)
class Adapter:
    """A declared mapping from another tool's export to a source's canonical columns."""

    name: str
    description: str
    columns: dict[str, FieldRef]
    # fields a file's rows carry when they are this adapter's (default: the fields feeding the
    # source's required columns); a file declared for a folder is read with it regardless
    recognised_by: tuple[str, ...] = ()
    # other sets of fields that also tell this adapter's files (a list page around its records)
    also_recognised_by: tuple[tuple[str, ...], ...] = ()
    # statements of sql/landing/ turning the JSON documents of a file into records (temp table
    # _record_docs, each statement reading the one before), for exports whose rows nest their
    # records (OTLP: spans inside resource scopes; API pages); records_numbered.sql numbers them
    records: tuple[str, ...] = ()
    # the record field naming its kind, and the kinds this source takes (any case; '*' takes
    # any kind the record names); records of other kinds belong to other sources and are
    # counted in the file's ledger note
    kind: str | None = None
    takes: tuple[str, ...] = ()


def mapping_text(source) -> str:
    """What a source's adapters read, as text (their mappings and the statements flattening
    their records): a change to it reloads the source's files, as a changed staging model does."""
    statements = sorted({s for a in source.adapters.values() for s in a.records})
    if statements:
        statements += [RECORD_MACROS, RECORDS_NUMBERED]
    return repr(list(source.adapters.items())) + "".join(
        read_sql(statement) for statement in statements
    )
