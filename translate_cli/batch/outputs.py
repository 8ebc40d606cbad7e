"""What a batch run writes: one output per input under --out-dir, atomically (a temporary file renamed into place,
with the permissions a plain open() gives), and a record of each output's checks so that a rerun that skips it
still knows what it found."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..result import BriefResult, Result
from ..writers import WRITERS
from .inputs import HIDDEN_PREFIX, BatchInput

TMP_PREFIX = HIDDEN_PREFIX  # so that a directory input holding --out-dir never reads a half-written output
TMP_SUFFIX = ".brief-tmp"
OUTCOMES = ".brief-outcomes.jsonl"  # in --out-dir: one line per output written, the last one for a path counts


def output_path(item: BatchInput, out_dir: Path, fmt: str, product: str = "translation") -> Path:
    """Where `item`'s output goes under `out_dir`: its path there, with the suffix of `fmt` for `product`
    ("translation": <stem>.en.txt; "brief": <stem>.brief.txt)."""
    return out_dir / item.relative.parent / (item.relative.name + WRITERS[fmt].suffix_for(product))


def check_outputs(inputs: Sequence[BatchInput], out_dir: Path, fmt: str, product: str = "translation") -> None:
    """Two inputs that would write the same file are a usage error, found before any work."""
    owners: dict[Path, BatchInput] = {}
    for item in inputs:
        if item.problem is not None:
            continue  # it fails when its turn comes and writes nothing
        target = output_path(item, out_dir, fmt, product)
        if target in owners:
            raise UsageError(f"{owners[target].label} and {item.label} would both write {target}; translate them in "
                             "separate runs")
        owners[target] = item


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Temporary files a killed run left behind (never renamed into place)."""
    if not out_dir.is_dir():
        return []
    stale = [p for p in out_dir.rglob(f"{TMP_PREFIX}*{TMP_SUFFIX}") if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def write_atomically(target: Path, content: str, *, before_rename: Callable[[], None] | None = None) -> None:
    """Write into a dot-prefixed temporary file in the target's folder, then rename: readers never see half. The
    file is created as open() creates one (0666 less the umask). `before_rename` runs once the content is safe."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f"{TMP_PREFIX}{target.name}.{secrets.token_hex(4)}{TMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if before_rename is not None:
            before_rename()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Outcome:
    """What an output's run found: its flagged checks and its warnings (counts)."""

    flagged: int
    warnings: int


def record_outcome(out_dir: Path, target: Path, result: Result | BriefResult) -> None:
    """Append the outcome of `target` to the run's record (one short line: appends of it do not interleave)."""
    line = json.dumps({"output": target.relative_to(out_dir).as_posix(), "flagged": len(result.flagged),
                       "warnings": len(result.warnings)}, ensure_ascii=False) + "\n"
    fd = os.open(out_dir / OUTCOMES, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_outcomes(out_dir: Path) -> dict[str, Outcome]:
    """Each output's last recorded outcome, by its path under `out_dir` (a line a killed run cut short is ignored)."""
    outcomes: dict[str, Outcome] = {}
    try:
        text = (out_dir / OUTCOMES).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return outcomes
    for line in text.splitlines():
        try:
            entry = json.loads(line)
            outcomes[str(entry["output"])] = Outcome(int(entry["flagged"]), int(entry["warnings"]))
        except (ValueError, KeyError, TypeError):
            continue
    return outcomes


def failure_record(item: BatchInput, error: dict[str, str]) -> dict[str, Any]:
    """The JSON Lines record of an input that failed, in its place among the results, so that tools can join
    outputs to inputs: by "id" for a record (its other fields under "input"), by "source" for a file."""
    if item.record_id is not None:
        return {"id": item.record_id, "error": error, "input": item.fields}
    if item.line is not None:
        return {"source": item.source, "line": item.line, "error": error}
    return {"source": item.source, "error": error}
