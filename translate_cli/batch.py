"""Many inputs, one model load: discover inputs, translate them in order, write outputs atomically and resumably.

Nothing here prints: the CLI reports what the iterator yields.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BriefError, InputError, UsageError
from .reading import Source, decode, source_from_bytes
from .result import Result
from .writers import WRITERS

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Pipeline

DEFAULT_GLOBS = ("*.txt", "*.md")
TMP_PREFIX = "."
TMP_SUFFIX = ".brief-tmp"


@dataclass(frozen=True)
class BatchInput:
    """One document to translate: a file, stdin, or a record of a JSON Lines file."""

    source: str  # the path as given, "-" for stdin, or the .jsonl path for a record
    relative: Path  # where its output goes under --out-dir, without the format suffix
    path: Path | None = None  # read lazily, so a bad file fails alone
    data: bytes | None = None  # stdin's bytes
    record_id: str | None = None
    text: str | None = None  # a JSON Lines record's text
    fields: dict[str, Any] = field(default_factory=dict)  # the record's other fields


@dataclass(frozen=True)
class BatchItem:
    input: BatchInput
    result: Result | None = None
    error: BriefError | None = None
    output: Path | None = None  # the file written, if any
    skipped: bool = False  # its output already existed (resumed run)


def discover(
    paths: Sequence[str],
    *,
    globs: Sequence[str] = DEFAULT_GLOBS,
    input_format: str = "text",
    out_dir: Path | None = None,
    stdin: bytes | None = None,
) -> list[BatchInput]:
    """Expand files, directories (recursive, filtered by `globs`) and '-' into inputs, in a stable order."""
    inputs: list[BatchInput] = []
    excluded = out_dir.resolve() if out_dir else None
    for given in paths:
        if given == "-":
            data = stdin if stdin is not None else b""
            if input_format == "jsonl":
                inputs.extend(_records(data, "-"))
            else:
                inputs.append(BatchInput("-", Path("stdin"), data=data))
            continue
        path = Path(given)
        if path.is_dir():
            files = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and any(fnmatch(candidate.name, pattern) for pattern in globs)
                and not candidate.name.startswith(TMP_PREFIX)
                and not (excluded and candidate.resolve().is_relative_to(excluded))
            )
            for file in files:
                inputs.extend(_file_inputs(file, file.relative_to(path), input_format))
        elif path.is_file():
            inputs.extend(_file_inputs(path, Path(path.name), input_format))
        elif path.exists():
            raise UsageError(f"{given} is not a regular file")
        else:
            raise UsageError(f"no such file or directory: {given}")
    return inputs


def _file_inputs(path: Path, relative: Path, input_format: str) -> list[BatchInput]:
    if input_format == "jsonl":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        return _records(data, str(path))
    return [BatchInput(str(path), _strip_suffix(relative), path=path)]


def _strip_suffix(relative: Path) -> Path:
    name = relative.name
    for suffix in (".fr.txt", ".fr.md", ".txt", ".md"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return relative.with_name(name[: -len(suffix)])
    return relative.with_name(relative.stem or name)


def _records(data: bytes, source: str) -> list[BatchInput]:
    """JSON Lines: one object per line with `id` and `text`; other fields are kept and echoed under `input`."""
    records = []
    seen: set[str] = set()
    text = decode(data, source).text if data.strip() else ""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{source}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            raise UsageError(f"{source}:{number}: each line needs an object with \"id\" and a string \"text\"")
        record_id = str(record["id"])
        if record_id in seen:
            raise UsageError(f"{source}:{number}: duplicate id {record_id!r}")
        seen.add(record_id)
        fields = {key: value for key, value in record.items() if key not in ("id", "text")}
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in record_id).lstrip(".") or "_"
        records.append(BatchInput(source, Path(safe), record_id=record_id, text=record["text"], fields=fields))
    return records


def output_path(item: BatchInput, out_dir: Path, fmt: str) -> Path:
    return out_dir / item.relative.parent / (item.relative.name + WRITERS[fmt].suffix)


def check_outputs(inputs: Sequence[BatchInput], out_dir: Path, fmt: str) -> None:
    """Two inputs that would write the same file are a usage error, found before any work."""
    owners: dict[Path, BatchInput] = {}
    for item in inputs:
        target = output_path(item, out_dir, fmt)
        if target in owners:
            first = owners[target]
            raise UsageError(
                f"{_label(first)} and {_label(item)} would both write {target}; translate them in separate runs"
            )
        owners[target] = item


def _label(item: BatchInput) -> str:
    return f"{item.source}#{item.record_id}" if item.record_id is not None else item.source


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Temporary files a killed run left behind (never renamed into place)."""
    if not out_dir.is_dir():
        return []
    stale = [p for p in out_dir.rglob(f"{TMP_PREFIX}*{TMP_SUFFIX}") if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def write_atomically(target: Path, content: str) -> None:
    """Write into a dot-prefixed temporary file in the target's folder, then rename: readers never see half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_source(item: BatchInput) -> Source:
    """Read and decode one input (InputError if it is unreadable, binary or empty)."""
    if item.text is not None:
        return Source(item.text, item.source)
    if item.data is not None:
        return source_from_bytes(item.data, item.source)
    assert item.path is not None
    try:
        data = item.path.read_bytes()
    except OSError as exc:
        raise InputError(f"{item.source}: cannot read ({exc.strerror})") from None
    return source_from_bytes(data, item.source)


def with_record(result: Result, item: BatchInput) -> Result:
    """A JSON Lines record's result carries its id, and its other fields under `input`."""
    if item.record_id is None:
        return result
    return replace(result, record_id=item.record_id, record_fields=item.fields)


def run(
    pipeline: Pipeline,
    inputs: Iterable[BatchInput],
    *,
    render: Callable[[Result], str] | None = None,
    out_dir: Path | None = None,
    fmt: str = "text",
    overwrite: bool = False,
    fail_fast: bool = False,
) -> Iterator[BatchItem]:
    """Translate every input; items come out in input order. With `out_dir`, write each output atomically
    (`render(result) -> str`) and skip inputs whose output exists unless `overwrite`. Failures are yielded, not
    raised (unless fail_fast)."""
    order: deque[BatchItem | BatchInput] = deque()  # input order: skipped items, and inputs still to translate

    def pending() -> Iterator[BatchInput]:
        for item in inputs:
            target = output_path(item, out_dir, fmt) if out_dir is not None else None
            if target is not None and not overwrite and target.exists():
                order.append(BatchItem(item, output=target, skipped=True))
            else:
                order.append(item)
                yield item

    def ready() -> Iterator[BatchItem]:
        while order and isinstance(order[0], BatchItem):
            yield order.popleft()  # type: ignore[misc]

    for item, outcome in pipeline.translate_many(pending(), read_source):
        yield from ready()
        head = order.popleft()
        assert head is item, "translate_many yields in the order it was given"
        if isinstance(outcome, BriefError):
            if fail_fast:
                raise outcome
            yield BatchItem(item, error=outcome)
            continue
        result = with_record(outcome, item)
        target = None
        if out_dir is not None:
            assert render is not None
            target = output_path(item, out_dir, fmt)
            write_atomically(target, render(result))
        yield BatchItem(item, result=result, output=target)
    yield from ready()
