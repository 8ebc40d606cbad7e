"""Many inputs, one model load: discover inputs (inputs.py), translate them in input order, write outputs atomically
and resumably (outputs.py).

Nothing here prints: the CLI reports what the iterator yields.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefError
from ..reading import Source
from ..result import BriefResult, Result
from .inputs import DEFAULT_GLOBS, BatchInput, discover, prefetched, read_source
from .outputs import (
    OUTCOMES,
    Outcome,
    check_outputs,
    failure_record,
    output_path,
    read_outcomes,
    record_outcome,
    remove_stale_temporaries,
    write_atomically,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Pipeline

__all__ = [
    "DEFAULT_GLOBS", "OUTCOMES", "BatchInput", "BatchItem", "Outcome", "Output", "Process", "check_outputs",
    "discover", "failure_record", "output_path", "prefetched", "read_outcomes", "read_source",
    "remove_stale_temporaries", "run", "run_process", "with_record", "write_atomically",
]


Output = Result | BriefResult
# What turns inputs into outputs, many at a time and in order: Pipeline.translate_many, Briefer.brief_many.
Process = Callable[
    [Iterable[BatchInput], Callable[[BatchInput], Source]], Iterator[tuple[BatchInput, Output | BriefError]]
]


@dataclass(frozen=True)
class BatchItem:
    input: BatchInput
    result: Output | None = None
    error: BriefError | None = None
    output: Path | None = None  # the file written (or, skipped, the one that exists)
    skipped: bool = False  # its output already existed (resumed run)
    recorded: Outcome | None = None  # skipped: what the run that wrote it found (None: no record of it)


def with_record(result: Output, item: BatchInput) -> Output:
    """A result under its input's name; a JSON Lines record's carries its id, and its other fields under `input`."""
    if item.record_id is None:
        return replace(result, source=item.source)
    return replace(result, source=item.source, record_id=item.record_id, record_fields=item.fields)


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
    (`render(result) -> str`), record its checks' outcome, and skip inputs whose output exists unless `overwrite`
    (a skipped item carries the outcome recorded for it). Failures are yielded, not raised (unless fail_fast)."""
    return run_process(pipeline.translate_many, inputs, render=render, out_dir=out_dir, fmt=fmt,  # type: ignore[arg-type]
                       overwrite=overwrite, fail_fast=fail_fast)


def run_process(
    process: Process,
    inputs: Iterable[BatchInput],
    *,
    render: Callable[[Output], str] | None = None,
    out_dir: Path | None = None,
    fmt: str = "text",
    product: str = "translation",
    overwrite: bool = False,
    fail_fast: bool = False,
) -> Iterator[BatchItem]:
    """`run` for any Process: translations, or briefs of English text (`product` "brief" names their files)."""
    order: deque[BatchItem | BatchInput] = deque()  # input order: skipped items, and inputs still to process
    recorded = read_outcomes(out_dir) if out_dir is not None and not overwrite else {}

    def target_of(item: BatchInput) -> Path | None:
        return output_path(item, out_dir, fmt, product) if out_dir is not None and item.problem is None else None

    def pending() -> Iterator[BatchInput]:
        for item in inputs:
            target = target_of(item)
            if target is not None and not overwrite and target.exists():
                assert out_dir is not None
                outcome = recorded.get(target.relative_to(out_dir).as_posix())
                order.append(BatchItem(item, output=target, skipped=True, recorded=outcome))
            else:
                order.append(item)
                yield item

    def ready() -> Iterator[BatchItem]:
        while order and isinstance(order[0], BatchItem):
            yield order.popleft()  # type: ignore[misc]

    for item, outcome in process(pending(), read_source):
        yield from ready()
        head = order.popleft()
        assert head is item, "a Process yields in the order it was given"
        if isinstance(outcome, BriefError):
            if fail_fast:
                raise outcome
            yield BatchItem(item, error=outcome)
            continue
        result = with_record(outcome, item)
        target = target_of(item)
        if target is not None:
            assert render is not None and out_dir is not None
            write_atomically(target, render(result), before_rename=partial(record_outcome, out_dir, target, result))
        yield BatchItem(item, result=result, output=target)
    yield from ready()
