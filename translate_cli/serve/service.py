"""One thread owns the models; requests queue for it. Each turn takes every job waiting (up to a sentence budget)
and translates all their documents in one translate_many call per run settings, so concurrent requests share
engine calls, as the documents of one batch run do. No web framework here: app.py awaits the futures.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from ..errors import BriefError
from ..pipeline import Pipeline
from ..reading import Source
from ..result import Result

Outcome = Result | BriefError
Settings = tuple[tuple[str, Any], ...]  # run settings of a request, hashable (sorted name/value pairs)


class Overloaded(Exception):
    """The queue is full: come back in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"brief is busy: {retry_after} s")
        self.retry_after = retry_after


class Closed(Exception):
    """The server is shutting down: no new work."""


@dataclass
class Job:
    sources: Sequence[Source]
    settings: Settings = ()
    future: Future[list[Outcome]] = field(default_factory=Future)


class TranslationService:
    """`submit(sources, settings)` → a Future of one outcome per source (a Result, or the BriefError of that
    document). At most `max_queue` jobs wait; more is Overloaded (HTTP 429). `close()` lets queued jobs finish."""

    def __init__(self, pipeline: Pipeline, *, max_queue: int = 64, turn_sentences: int = 1024) -> None:
        self.pipeline = pipeline
        self.max_queue = max_queue
        self.turn_sentences = turn_sentences
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=max_queue)
        self._variants: dict[Settings, Pipeline] = {(): pipeline}
        self._closed = False
        self._turn_seconds = 1.0  # running mean: what Retry-After is estimated from
        self._thread = threading.Thread(target=self._run, name="brief-translation", daemon=True)
        self._thread.start()

    def submit(self, sources: Sequence[Source], settings: Settings = ()) -> Future[list[Outcome]]:
        if self._closed:
            raise Closed("brief is shutting down")
        job = Job(list(sources), settings)
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            raise Overloaded(max(1, round(self._turn_seconds * 2))) from None
        return job.future

    @property
    def queued(self) -> int:
        """Jobs waiting for their turn."""
        return self._jobs.qsize()

    def pipeline_for(self, settings: Settings) -> Pipeline:
        """The pipeline of these run settings (the loaded engines; made once, checked before a job queues)."""
        variant = self._variants.get(settings)
        if variant is None:
            variant = self._variants[settings] = self.pipeline.with_settings(**dict(settings))
        return variant

    def close(self, timeout: float | None = None) -> None:
        """No new jobs; those queued finish; the thread ends."""
        if not self._closed:
            self._closed = True
            self._jobs.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            turn = [first]
            sentences = _rough_sentences(first)
            while sentences < self.turn_sentences:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # closing: this turn first, then stop
                    break
                turn.append(job)
                sentences += _rough_sentences(job)
            started = time.monotonic()
            self._translate(turn)
            self._turn_seconds = 0.8 * self._turn_seconds + 0.2 * (time.monotonic() - started)

    def _translate(self, turn: list[Job]) -> None:
        live = [job for job in turn if job.future.set_running_or_notify_cancel()]  # timed out before its turn: skip
        by_settings: dict[Settings, list[Job]] = {}
        for job in live:
            by_settings.setdefault(job.settings, []).append(job)
        for settings, jobs in by_settings.items():
            try:
                pipeline = self.pipeline_for(settings)
                items = [(job, source) for job in jobs for source in job.sources]
                outcomes: dict[int, list[Outcome]] = {id(job): [] for job in jobs}
                for job in jobs:
                    if not job.sources:
                        job.future.set_result([])
                # results stream out of translate_many window by window: a job is answered once its last
                # document is out, not at the end of the turn
                for (job, _), outcome in pipeline.translate_many(items, lambda item: item[1]):
                    done = outcomes[id(job)]
                    done.append(outcome)
                    if len(done) == len(job.sources):
                        job.future.set_result(done)
            except BaseException as exc:  # noqa: BLE001 - a failed turn fails its jobs, never the thread
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(exc)


def _rough_sentences(job: Job) -> int:
    """About how many sentences a job holds (news sentences run ~80 characters): the budget only bounds a turn."""
    return sum(len(source.text) for source in job.sources) // 80
