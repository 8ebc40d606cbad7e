"""`brief translate --executor ray`: the batch engine's Process run by a Ray Data actor pool.

The driver discovers and reads inputs, skips those whose output exists, writes every output (temp file + rename)
and reports, exactly as a local run does (batch.run_process); only translating moves to the actors. Each input
travels with its position in the run, and results are put back in input order by that position, whatever order
Ray's blocks finish in.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from ..batch import BatchInput, Output, read_source
from ..errors import BriefError, SetupError
from ..options import Options
from ..pipeline import windows
from ..reading import Source
from .dataset import actor_options, check_resources, connect, map_settings, require_ray
from .rows import Batch, TranslateRows, WorkerSetupError, setup_error_in

Outcome = tuple[BatchInput, Output | BriefError]
T = TypeVar("T")


class InputRows(TranslateRows):
    """The CLI's rows, one per window of documents: {"id", "inputs": a pickled list of (position in the run,
    BatchInput already read)} → {"id", "outcomes": a pickled ([(position, Result or BriefError)], the worker's load
    warnings)}. Pickles pass only between this driver and its own actors, as Ray's own object transfers do; datasets
    from elsewhere go through TranslateRows.

    A worker that cannot load brief answers every input with its WorkerSetupError, which the driver raises as the
    run's error: one line, where a failed actor would bring Ray's tracebacks of its retries too."""

    def __init__(self, options: Options | None = None, **settings: Any) -> None:
        self.setup_error: WorkerSetupError | None = None
        try:
            super().__init__(options, **settings)
        except WorkerSetupError as exc:
            self.setup_error = exc

    def __call__(self, batch: Batch) -> dict[str, list[Any]]:
        windows: list[list[tuple[int, BatchInput]]] = [pickle.loads(blob) for blob in batch["inputs"]]
        if self.setup_error is not None:
            answers = [([(position, self.setup_error) for position, _ in window], ()) for window in windows]
        else:
            # One translate_many over the batch's windows groups them exactly as the driver (and a local run) did.
            outcomes = iter(self.translate(item for window in windows for _, item in window))
            warnings = self.pipeline.load_warnings
            answers = [([(position, next(outcomes)[1]) for position, _ in window], warnings) for window in windows]
        return {"id": list(batch["id"]), "outcomes": [pickle.dumps(answer) for answer in answers]}


@dataclass
class RayExecutor:
    """Where and how a CLI run translates on Ray. `process` is a batch Process; `load_warnings` collects what the
    workers said about loading (said once, through `on_warning`, as a local run says its own)."""

    options: Options
    address: str | None = None
    actors: int = 1
    cpus_per_actor: float = 1
    gpus_per_actor: float = 0
    on_warning: Callable[[str], None] = lambda message: None
    env_vars: dict[str, str] = field(default_factory=dict)
    load_warnings: list[str] = field(default_factory=list)
    _connected: bool = False

    def __enter__(self) -> RayExecutor:
        self._connected = connect(self.address, env_vars=self.env_vars)
        try:
            check_resources(self.actors, self.cpus_per_actor, self.gpus_per_actor)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._connected:
            require_ray().shutdown()
            self._connected = False

    def process(self, inputs: Iterable[BatchInput], prepare: Callable[[BatchInput], Source] = read_source) \
            -> Iterator[Outcome]:
        """Translate `inputs` on the actor pool; outcomes in input order.

        The driver reads each input and groups them as a local run's translate_many does (pipeline.windows), and
        each window goes to an actor whole: the engines see the same batches as in a local run, so the outputs
        are the same bytes (batch composition can move a near-tie of a model's scores). An input that cannot be
        read fails here, without a trip to the cluster; the others travel already read, so workers need no access
        to the inputs. Inputs are read CHUNK_WINDOWS windows at a time, each chunk one Ray Data job."""
        items: dict[int, BatchInput] = {}
        arrived: dict[int, Output | BriefError] = {}
        following = 0  # the next position to hand back

        def ready() -> Iterator[Outcome]:
            nonlocal following
            while following in arrived:
                yield items.pop(following), arrived.pop(following)
                following += 1

        grouped = windows(enumerate(inputs), lambda numbered: prepare(numbered[1]))
        for chunk in _chunks(grouped, CHUNK_WINDOWS):
            rows = []
            for window in chunk:
                shipped = []
                for (position, item), work in window:
                    items[position] = item
                    if isinstance(work, BriefError):
                        arrived[position] = work
                    else:
                        shipped.append((position, replace(item, read=work.source, page=None, data=None)))
                if shipped:
                    rows.append({"id": len(rows), "inputs": pickle.dumps(shipped)})
            yield from ready()
            for batch in _batches(self._translated(rows)) if rows else ():
                for blob in batch["outcomes"]:
                    answers, warnings = pickle.loads(blob)
                    for position, outcome in answers:
                        if isinstance(outcome, WorkerSetupError):
                            raise outcome.as_error()
                        arrived[position] = outcome
                    self._said(warnings)
                yield from ready()
        yield from ready()
        if items:
            raise SetupError(f"the Ray job returned no result for {len(items)} inputs")

    def _translated(self, rows: list[dict[str, Any]]) -> Any:
        import ray.data

        return ray.data.from_items(rows).map_batches(
            InputRows,
            fn_constructor_kwargs={"options": actor_options(self.options, self.cpus_per_actor)},
            **map_settings(actors=self.actors, cpus_per_actor=self.cpus_per_actor,
                           gpus_per_actor=self.gpus_per_actor, batch_size=1),  # a window per call: even load
        )

    def _said(self, warnings: Sequence[str]) -> None:
        for warning in warnings:
            if warning not in self.load_warnings:
                self.load_warnings.append(warning)
                self.on_warning(warning)


CHUNK_WINDOWS = 512  # windows (~128 sentences each) read ahead and sent as one job: memory bounded on the driver


def _chunks(groups: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for group in groups:
        chunk.append(group)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _batches(dataset: Any) -> Iterator[Batch]:
    """The dataset's output batches as they finish; a failure on the cluster as brief's one-line error."""
    from ray.exceptions import RayError

    iterator = iter(dataset.iter_batches(batch_size=None, batch_format="numpy"))
    while True:
        try:
            batch = next(iterator)
        except StopIteration:
            return
        except RayError as exc:
            raise cluster_error(exc) from None
        yield batch


def cluster_error(exc: BaseException) -> BriefError:
    """What to tell the user about an error Ray raised: a worker's brief error (its model could not load, say) as
    that error; anything else as a setup error naming Ray's first line."""
    found = setup_error_in(str(exc))
    if found is not None:
        return found
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return SetupError(f"the Ray job failed: {lines[0] if lines else type(exc).__name__}")


# Settings workers need to resolve models as the driver does (a cluster's workers have the environment `ray start`
# gave them, not the driver's): brief's own, the Hugging Face cache and hub's (not its tokens), and the `brief`
# process defaults (quiet transformers, sleeping idle threads).
_WORKER_SETTINGS = ("BRIEF_", "HF_", "TRANSFORMERS_VERBOSITY", "OMP_WAIT_POLICY")
_SECRETS = ("HF_TOKEN", "HF_TOKEN_PATH", "HUGGING_FACE_HUB_TOKEN")


def worker_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of `environ` that travel to the workers (see _WORKER_SETTINGS)."""
    return {name: value for name, value in environ.items()
            if name.startswith(_WORKER_SETTINGS) and name not in _SECRETS}
