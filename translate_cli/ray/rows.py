"""brief as a Ray Data callable class, without Ray: an actor loads brief once, then maps batches of rows.

Rows in are records as `brief translate --input-format jsonl` reads them: {"id", "text", …}. Rows out are
{"id", "result", "error"}: `result` is the JSON brief writes for that record (`--format jsonl`, one line), `error` None
or {"kind", "message"} — a bad row is an error row, never a failed batch. Ray Data passes columns (numpy arrays, or
lists); this module needs neither numpy nor Ray, so it is tested on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..batch import BatchInput, Output, read_source, with_record
from ..errors import BriefError, ConfigError, InputError, ModelError, SetupError, UsageError, describe_error
from ..options import Options
from ..pipeline import Pipeline, load

Batch = Mapping[str, Sequence[Any]]

# A worker's setup failure crosses to the driver only as the text of Ray's ActorDiedError (the traceback of the
# creation task): its kind and line are written in a form the driver finds again there.
_SETUP_FAILURE = re.compile(r"brief-worker-error\[(\w+)\]: ([^\n]*)")
_ERRORS_BY_KIND: dict[str, type[BriefError]] = {"model": ModelError, "setup": SetupError, "config": ConfigError,
                                                 "usage": UsageError, "input": InputError}


class WorkerSetupError(BriefError):
    """brief could not load on a worker (a model missing or unverified there): its kind and one line, in a form
    the driver reads back from Ray's error (`setup_error_in`)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"brief-worker-error[{kind}]: {message}")
        self.kind, self.message = kind, message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.message))

    def as_error(self) -> BriefError:
        """The error as the driver raises it: of its kind's class (a ModelError for "model", …)."""
        return _ERRORS_BY_KIND.get(self.kind, ModelError)(self.message)


def setup_error_in(text: str) -> BriefError | None:
    """The brief error a worker's setup failure carried, found in the text of the error Ray raised (None: none)."""
    found = _SETUP_FAILURE.search(text)
    if found is None:
        return None
    kind, message = found.groups()
    return WorkerSetupError(kind, message.strip()).as_error()


class TranslateRows:
    """A Ray Data callable class (`ds.map_batches(TranslateRows, fn_constructor_kwargs=…)`): brief loaded once per
    actor, each batch translated with its sentences batched across the batch's documents.

    `options` are brief's run options (`translate_cli.resolve_options(...)`); the models are resolved and verified
    on the worker, as the CLI does. Extra keyword arguments are settings, as for `translate_cli.load`.
    """

    def __init__(self, options: Options | None = None, *, pipeline: Pipeline | None = None, **settings: Any) -> None:
        if pipeline is None:
            try:
                pipeline = load(options=options, **settings)
            except BriefError as exc:
                report = describe_error(exc)
                raise WorkerSetupError(report.kind, report.message) from exc
        self.pipeline = pipeline

    def __call__(self, batch: Batch) -> dict[str, list[Any]]:
        inputs = self.inputs(batch)
        outcomes = self.translate(inputs)
        return self.rows(batch, inputs, outcomes)

    def inputs(self, batch: Batch) -> list[BatchInput]:
        """The batch's rows as brief's inputs (a row without a string "text" is an input that fails alone)."""
        columns = {name: list(values) for name, values in batch.items()}
        ids = columns.get("id")
        if ids is None:
            raise UsageError('rows need an "id" column (and a "text" column)')
        texts = columns.get("text", [None] * len(ids))
        inputs = []
        for position, (record_id, text) in enumerate(zip(ids, texts)):
            fields = {name: _plain(values[position]) for name, values in columns.items() if name not in ("id", "text")}
            key = str(_plain(record_id))
            name = f"id {key}"  # how messages and the record's "source" name a row (it has no file)
            if isinstance(text, str):
                inputs.append(BatchInput(name, Path(key), record_id=key, text=str(text), fields=fields))
            else:
                inputs.append(BatchInput(name, Path(key), record_id=key, fields=fields,
                                         problem=f'{name}: "text" must be a string, not {_type_name(text)}'))
        return inputs

    def translate(self, inputs: Iterable[BatchInput]) -> Iterator[tuple[BatchInput, Output | BriefError]]:
        return self.pipeline.translate_many(inputs, read_source)

    def rows(self, batch: Batch, inputs: Sequence[BatchInput],
             outcomes: Iterable[tuple[BatchInput, Output | BriefError]]) -> dict[str, list[Any]]:
        results: list[str | None] = []
        errors: list[dict[str, str] | None] = []
        for item, outcome in outcomes:
            if isinstance(outcome, BriefError):
                results.append(None)
                errors.append(describe_error(outcome).to_dict())
            else:
                results.append(json.dumps(with_record(outcome, item).to_dict(), ensure_ascii=False))
                errors.append(None)
        assert len(results) == len(inputs), "translate_many yields one outcome per input"
        return {"id": list(batch["id"]), "result": results, "error": errors}


def _plain(value: Any) -> Any:
    """A numpy scalar or array as the Python value it holds (so that JSON and str() read it as a list's would)."""
    return value.tolist() if type(value).__module__ == "numpy" and hasattr(value, "tolist") else value


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__
