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
from ..result import Result
from .inputs import DEFAULT_GLOBS, BatchInput, discover, read_source
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
    "DEFAULT_GLOBS", "OUTCOMES", "BatchInput", "BatchItem", "Outcome", "check_outputs", "discover", "failure_record",
    "output_path", "read_outcomes", "read_source", "remove_stale_temporaries", "run", "with_record",
    "write_atomically",
]


@dataclass(frozen=True)
class BatchItem:
    input: BatchInput
    result: Result | None = None
    error: BriefError | None = None
    output: Path | None = None  # the file written (or, skipped, the one that exists)
    skipped: bool = False  # its output already existed (resumed run)
    recorded: Outcome | None = None  # skipped: what the run that wrote it found (None: no record of it)


def with_record(result: Result, item: BatchInput) -> Result:
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
    order: deque[BatchItem | BatchInput] = deque()  # input order: skipped items, and inputs still to translate
    recorded = read_outcomes(out_dir) if out_dir is not None and not overwrite else {}

    def pending() -> Iterator[BatchInput]:
        for item in inputs:
            target = output_path(item, out_dir, fmt) if out_dir is not None and item.problem is None else None
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
            write_atomically(target, render(result), before_rename=partial(record_outcome, out_dir, target, result))
        yield BatchItem(item, result=result, output=target)
    yield from ready()
