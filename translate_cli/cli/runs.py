"""What `brief translate` and `brief summarize` share: turning INPUTs and output options into a planned batch, and
reporting the batch's items — results on stdout (or in files), everything else on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError, describe_error
from ..result import Result
from ..web.fetch import FetchSettings, is_url
from .output import emit
from .progress import Reporter

if TYPE_CHECKING:  # pragma: no cover
    from ..batch import BatchInput, BatchItem


@dataclass(frozen=True)
class Plan:
    documents: list[BatchInput]
    several: bool  # more than one document could come out (a directory, several files, JSON Lines)
    out_dir: Path | None
    fmt: str
    output: Path | None


def plan_inputs(
    inputs: Sequence[str], *, fmt: str, output: str | None, out_dir: str | None, globs: Sequence[str],
    input_format: str, product: str, fetch: FetchSettings | None = None,
) -> Plan:
    """The documents a run reads, checked before any model loads: stdin once at most, -o for one input only,
    one JSON document on stdout at most, no two inputs writing the same file."""
    from .. import batch

    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("no input: give a FILE or directory, or '-' / pipe text on stdin")
        inputs = ("-",)
    if list(inputs).count("-") > 1:
        raise UsageError("'-' (stdin) can be given only once")
    target_dir = Path(out_dir) if out_dir else None
    stdin = read_stdin() if "-" in inputs else None
    documents = batch.discover(
        inputs, globs=globs or batch.DEFAULT_GLOBS, input_format=input_format, out_dir=target_dir, stdin=stdin,
        fetch=fetch or FetchSettings(),
    )
    several = len(documents) != 1 or input_format in ("jsonl", "urls", "feed") or any(
        Path(p).is_dir() for p in inputs if p != "-" and not is_url(p)) or len(documents) != len(inputs)
    if not documents:
        raise UsageError("no input files found (directories are searched for --glob patterns, default "
                         "*.txt *.md *.html *.htm)")
    if output and several:
        raise UsageError("-o/--output takes one input; use --out-dir for several")
    if several and not target_dir and fmt == "json":
        raise UsageError("--format json prints one document; use --format jsonl for several (or --out-dir)")
    if target_dir:
        batch.check_outputs(documents, target_dir, fmt, product=product)
        batch.remove_stale_temporaries(target_dir)
    if not several:
        # One input: read and decode it before loading a model, so a bad input fails in milliseconds (a URL is
        # fetched once: the document keeps what was read).
        documents[0] = batch.prefetched(documents[0])
    return Plan(documents, several, target_dir, fmt, Path(output) if output else None)


def report(items: Iterable[BatchItem], plan: Plan, reporter: Reporter, run_warnings: Sequence[str]) -> bool:
    """Write each item's output and say what happened; whether anything was flagged (this run's checks, or
    what skipped outputs recorded). `run_warnings` were said once already: not again for each document."""
    from .. import batch
    from ..checks import summary_line
    from ..writers import render

    flagged_any = False
    for item in items:
        if item.skipped:
            reporter.skip(f"{item.input.label}: {item.output} exists (--overwrite redoes it)")
            if item.recorded is None:
                reporter.warning(f"{item.output}: no record of its checks (written by an older brief); "
                                 "--strict does not count it")
            flagged_any = flagged_any or bool(item.recorded and item.recorded.flagged)
            continue
        if item.error is not None:
            reporter.error(str(item.error))
            if plan.fmt == "jsonl" and not plan.out_dir:  # a record in its place, so that tools can join by id
                record = batch.failure_record(item.input, describe_error(item.error).to_dict())
                emit(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        result = item.result
        assert result is not None
        for warning in result.warnings:
            if warning not in run_warnings:
                reporter.warning(warning)
        if result.flagged:
            flagged_any = True
            reporter.warning(f"{item.input.label}: {summary_line(result.flagged)}")
        reporter.finished(len(result.sentences) if isinstance(result, Result) else 0)
        if plan.out_dir:
            continue
        text = render(plan.fmt, result)
        if plan.output:
            batch.write_atomically(plan.output, text)
            continue
        if plan.several and plan.fmt in ("text", "markdown"):
            header = f"==> {result.source if result.record_id is None else result.record_id} <==\n"
            text = ("\n" if reporter.done > 1 else "") + header + text
        emit(text)
    reporter.summary(always=plan.several)
    return flagged_any


def read_stdin() -> bytes:
    stream = sys.stdin
    if stream is None:
        return b""
    return stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
