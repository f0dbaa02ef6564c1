"""Which files of a source folder a run reads, and which it does not, with the reason.

Every file under ``<data_dir>/<source>/`` and its sub-folders is either *loaded* or recorded as
*ignored* (not a format the source reads, a hidden or marker file), a *manifest* (read to choose
the current run of an export) or *superseded* (an earlier run of a provider export that a later
run restates); nothing is passed over without a record. Files may be compressed (``.csv.gz``,
``.jsonl.zst``): DuckDB's readers decompress them.

**Delivery day.** A file is delivered for the earliest day its path carries, in any of the layouts
providers and gateways write: an ISO date anywhere (``2026-10-03.csv``, ``dt=2026-10-03/``,
``date=2026-10-03/``), OCI's ``YYYY/MM/DD/`` folders, AWS's ``BILLING_PERIOD=YYYY-MM`` partition
(the first of the month), Azure's ``YYYYMMDD-YYYYMMDD`` period folder (its first day), or a compact
``YYYYMMDD`` date in the file name. A file with no date is undated.

**Restated exports.** A provider export run restates its whole period. A *period folder* is a
folder named ``BILLING_PERIOD=YYYY-MM`` (AWS Data Exports) or ``YYYYMMDD-YYYYMMDD`` (Azure cost
exports); its sub-folders are the export's *runs*. Only the latest run of a period is current; the
files of earlier runs are superseded. A run's time is, in order: its manifest's
``runInfo.submittedTime`` (Azure ``manifest.json``), an ISO timestamp in the run folder's name (AWS
"create new export" runs ``<timestamp>-<execution id>/``), a ``yyyyMMddHHmm`` folder name (older
Azure runs), else the newest modification time of its files. An AWS manifest
(``<export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json``) lists the data files of the
current run: any other data file of that period is superseded. A file written over in place is
simply a changed file, which replaces what it loaded before.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
# Compression suffixes DuckDB's CSV reader (and so our JSON-lines reader) decompresses.
COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd"}
# Formats read through the CSV reader, and so readable compressed.
COMPRESSIBLE = ("csv", "jsonl")


class UnreadableFileError(Exception):
    """A whole file could not be read as the source it sits in."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relpath: str  # relative to the data directory, '/'-separated: the stable file identity
    file_format: str
    compression: str | None  # 'gzip', 'zstd' or None
    adapter: str | None  # declared by IngestSettings.source_adapters, else recognised on read
    sha256: str
    size_bytes: int
    day: date | None  # the delivery day written in its path, if any
    landing_note: str | None = None  # what reading it found worth a line in the ledger
    shared: bool = False  # in another source's folder (Source.also_reads)
    read_here: bool = True  # False for a shared file none of whose records are this source's


@dataclass(frozen=True)
class PassedFile:
    """A file under a source folder that is not loaded: why, and whether it restated away."""

    relpath: str
    sha256: str
    size_bytes: int
    status: str  # 'ignored', 'superseded' or 'manifest'
    reason: str
    day: date | None


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    passed: list[PassedFile] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _valid_day(year: str, month: str, day: str) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if 1990 <= found.year <= 2199 else None


# Dates a path can carry, each read as (year, month, day); a month partition is its first day.
_PATH_DATES = (
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
    re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?=/)"),
    re.compile(r"(?i)billing_period=(\d{4})-(\d{2})()(?![\d-])"),
    re.compile(r"(?:^|/)(\d{4})(\d{2})(\d{2})-\d{8}(?=/)"),
)
_NAME_DATE = re.compile(r"(?<![0-9A-Za-z])(\d{4})(\d{2})(\d{2})(?![0-9A-Za-z])")


def file_day(relpath: str) -> date | None:
    """The earliest delivery day a file's path carries (see the module's docstring), or None."""
    days = []
    for pattern in _PATH_DATES:
        for match in pattern.finditer(relpath):
            year, month, day = match.groups()
            found = _valid_day(year, month, day or "01")
            if found is not None:
                days.append(found)
    for match in _NAME_DATE.finditer(relpath.rsplit("/", 1)[-1]):
        found = _valid_day(*match.groups())
        if found is not None:
            days.append(found)
    return min(days) if days else None


def _format_of(path: Path) -> tuple[str | None, str | None]:
    """(format, compression) from a file name's suffixes: 'x.csv.gz' -> ('csv', 'gzip')."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression is not None:
        suffixes = suffixes[:-1]
    file_format = FORMATS.get(suffixes[-1]) if suffixes else None
    return file_format, compression


_AZURE_MANIFEST = re.compile(r"(?i)^_?manifest\.json$")
_AWS_MANIFEST = re.compile(r"(?i)-manifest\.json$")
_PERIOD_FOLDER = re.compile(r"(?i)^(billing_period=\d{4}-\d{2}|\d{8}-\d{8})$")
_RUN_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:?\d{2}:?\d{2}(?:\.\d+)?Z?)")
_RUN_MINUTE = re.compile(r"^(\d{12})$")


def _is_manifest(path: Path) -> bool:
    return bool(_AZURE_MANIFEST.match(path.name) or _AWS_MANIFEST.search(path.name))


def _read_manifest(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFileError(
            f"{path}: export manifest is not readable JSON: {error}"
        ) from error
    if not isinstance(document, dict):
        raise UnreadableFileError(f"{path}: export manifest is not a JSON object")
    return document


def _parse_instant(text: str) -> datetime | None:
    text = text.strip().replace("Z", "+00:00")
    # Azure writes seven fractional digits; Python reads at most six.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    for candidate in (text, text.replace("-", "").replace(":", "")):
        try:
            instant = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return None


def _run_time(run_dir: Path, files: list[Path]) -> tuple[datetime, str]:
    """When a run of an export was made, and how that is known."""
    for manifest in sorted(p for p in run_dir.rglob("*") if _AZURE_MANIFEST.match(p.name)):
        submitted = (_read_manifest(manifest).get("runInfo") or {}).get("submittedTime")
        instant = _parse_instant(str(submitted)) if submitted else None
        if instant is not None:
            return instant, f"submitted {submitted} (manifest)"
    stamp = _RUN_TIMESTAMP.match(run_dir.name)
    if stamp and (instant := _parse_instant(stamp.group(1))) is not None:
        return instant, f"run folder time {stamp.group(1)}"
    minute = _RUN_MINUTE.match(run_dir.name)
    if minute and (instant := _parse_instant(minute.group(1)[:8] + "T" + minute.group(1)[8:])):
        return instant, f"run folder time {minute.group(1)}"
    newest = max((p.stat().st_mtime for p in files), default=0.0)
    return datetime.fromtimestamp(newest, UTC), "newest file modification time"


def _superseded_runs(folder: Path, data_files: list[Path]) -> dict[Path, str]:
    """Data files of earlier runs of a restated export period, with the reason."""
    passed: dict[Path, str] = {}
    periods: dict[Path, dict[Path, list[Path]]] = {}
    for path in data_files:
        rel = path.relative_to(folder).parts
        for depth in range(len(rel) - 2):
            if _PERIOD_FOLDER.match(rel[depth]):
                period = folder.joinpath(*rel[: depth + 1])
                run = period / rel[depth + 1]
                periods.setdefault(period, {}).setdefault(run, []).append(path)
                break
    for period, runs in periods.items():
        if len(runs) < 2:
            continue
        timed = {run: _run_time(run, files) for run, files in runs.items()}
        latest = max(timed, key=lambda run: (timed[run][0], run.name))
        for run, files in runs.items():
            if run == latest:
                continue
            for path in files:
                passed[path] = (
                    f"restated: run {latest.name} ({timed[latest][1]}) of export period "
                    f"{period.name} supersedes run {run.name} ({timed[run][1]})"
                )
    return passed


def _not_in_aws_manifests(folder: Path, manifests: list[Path], data_files: list[Path]):
    """Data files of an AWS export period that its current manifest does not list."""
    passed: dict[Path, str] = {}
    for manifest in manifests:
        # <export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json
        if manifest.parent.parent.name.lower() != "metadata":
            continue
        listed = _read_manifest(manifest).get("dataFiles")
        if not isinstance(listed, list):
            continue
        data_period = (manifest.parent.parent.parent / "data" / manifest.parent.name).as_posix()
        wanted = set()
        for uri in listed:
            tail = str(uri).split("/data/", 1)[-1]
            wanted.add((manifest.parent.parent.parent / "data" / tail).as_posix().lower())
        for path in data_files:
            in_period = path.as_posix().lower().startswith(data_period.lower() + "/")
            if in_period and path.as_posix().lower() not in wanted:
                passed[path] = (
                    f"not listed in the export's current manifest "
                    f"{manifest.relative_to(folder).as_posix()}"
                )
    return passed


def _compressible(source, file_format: str) -> bool:
    """CSV and JSON lines are read compressed, and so is a .json file of a source that reads
    one JSON object per line under that name (OTLP traces, :mod:`pipeline.adapters`)."""
    return file_format in COMPRESSIBLE or (file_format == "json" and source.reads_records)


def _shared_files(data_dir: Path, source, declared_adapters: dict[str, str]) -> list[SourceFile]:
    """The files of the folders a source also reads (Source.also_reads) in a format it reads.
    The folder's own source records every file; this one reads those its adapters take records
    from, and notes the others as holding none of its rows."""
    files = []
    for name in source.also_reads:
        folder = data_dir / name
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            file_format, compression = _format_of(path)
            if (
                any(part.startswith(".") for part in path.relative_to(folder).parts)
                or file_format not in source.formats
                or (compression is not None and not _compressible(source, file_format))
                or _is_manifest(path)
            ):
                continue
            f = _source_file(data_dir, path, file_format, compression, declared_adapters)
            if f.adapter is not None and f.adapter not in source.adapters:
                continue  # declared for an adapter of the folder's own source only
            files.append(replace(f, shared=True))
    return files


def _source_file(
    data_dir: Path, path: Path, file_format: str, compression: str | None, declared_adapters
) -> SourceFile:
    """A file to load, with the adapter declared for the longest path it lies under, if any."""
    relpath = path.relative_to(data_dir).as_posix()
    declared = [p for p in declared_adapters if relpath.startswith(p.rstrip("/") + "/")]
    return SourceFile(
        path=path,
        relpath=relpath,
        file_format=file_format,
        compression=compression,
        adapter=declared_adapters[max(declared, key=len)] if declared else None,
        sha256=_sha256(path),
        size_bytes=path.stat().st_size,
        day=file_day(relpath),
    )


def discover(data_dir: Path, source, declared_adapters: dict[str, str]) -> Discovery:
    """Every file under the source's folder, sorted by path: the ones to load, and the others
    with the reason they are not loaded. `declared_adapters` maps a path under the data
    directory ('llm_requests' or 'llm_requests/proxy-eu') to the adapter its files are read with;
    the longest matching path wins."""
    folder = data_dir / source.name
    found = Discovery(files=_shared_files(data_dir, source, declared_adapters))
    if not folder.is_dir():
        return found
    for prefix, adapter in declared_adapters.items():
        if adapter not in source.adapters and prefix.split("/")[0] == source.name:
            raise UnreadableFileError(
                f"source_adapters: '{prefix}' names adapter '{adapter}', which {source.name} "
                f"does not have (known: {', '.join(sorted(source.adapters)) or 'none'})"
            )
    everything = sorted(p for p in folder.rglob("*") if p.is_file())
    readable: list[Path] = []
    manifests: list[Path] = []
    ignored: dict[Path, str] = {}
    formats = {path: _format_of(path) for path in everything}
    for path in everything:
        file_format, compression = formats[path]
        if _is_manifest(path):
            manifests.append(path)
            ignored[path] = "export manifest: read to choose the current export run, not loaded"
        elif any(part.startswith(".") for part in path.relative_to(folder).parts):
            ignored[path] = "hidden file or folder"
        elif file_format is None or file_format not in source.formats:
            ignored[path] = (
                f"not a format {source.name} reads ({', '.join(source.formats)}; CSV and JSON "
                "lines also gzip- or zstd-compressed)"
            )
        elif compression is not None and not _compressible(source, file_format):
            ignored[path] = f"compressed {file_format} is not read (compress CSV or JSON lines)"
        else:
            readable.append(path)
    superseded = {
        **_superseded_runs(folder, readable),
        **_not_in_aws_manifests(folder, manifests, readable),
    }
    for path in everything:
        relpath = path.relative_to(data_dir).as_posix()
        if path in ignored or path in superseded:
            found.passed.append(
                PassedFile(
                    relpath=relpath,
                    sha256=_sha256(path),
                    size_bytes=path.stat().st_size,
                    status=(
                        "manifest"
                        if path in manifests
                        else "ignored"
                        if path in ignored
                        else "superseded"
                    ),
                    reason=ignored.get(path) or superseded[path],
                    day=file_day(relpath),
                )
            )
            continue
        found.files.append(_source_file(data_dir, path, *formats[path], declared_adapters))
    found.files.sort(key=lambda f: f.relpath)
    return found
