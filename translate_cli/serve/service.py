"""One thread owns the models; requests queue for it. Each turn takes every job waiting (up to a sentence budget)
and translates all their documents in one translate_many call per run settings, so concurrent requests share
engine calls, as the documents of one batch run do. No web framework here: app.py awaits the futures.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
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
    document). At most `max_queue` jobs wait; more is Overloaded (HTTP 429). A job whose request gave up
    (`abandon`, or its future cancelled) frees its place at once and its work stops at the next window.
    `close()` lets queued jobs finish."""

    def __init__(self, pipeline: Pipeline, *, max_queue: int = 64, turn_sentences: int = 1024) -> None:
        self.pipeline = pipeline
        self.max_queue = max_queue
        self.turn_sentences = turn_sentences
        self._waiting: deque[Job] = deque()
        self._changed = threading.Condition()
        self._abandoned: set[Future[list[Outcome]]] = set()
        self._variants: dict[Settings, Pipeline] = {(): pipeline}
        self._closed = False
        self._turn_seconds = 1.0  # running mean of a turn's length: what Retry-After is estimated from
        self._turn_started: float | None = None  # the turn running now, if any
        self._thread = threading.Thread(target=self._run, name="brief-translation", daemon=True)
        self._thread.start()

    def submit(self, sources: Sequence[Source], settings: Settings = ()) -> Future[list[Outcome]]:
        job = Job(list(sources), settings)
        with self._changed:
            if self._closed:
                raise Closed("brief is shutting down")
            self._drop_cancelled()
            if len(self._waiting) >= self.max_queue:
                raise Overloaded(self._retry_after())
            self._waiting.append(job)
            self._changed.notify()
        return job.future

    def abandon(self, future: Future[list[Outcome]]) -> None:
        """Its request gave up (timed out): not started, it never runs; running, its documents stop being
        translated once no other job of its turn needs the window in progress."""
        if not future.cancel():
            with self._changed:
                if not future.done():  # answered meanwhile: nothing to stop, nothing to remember
                    self._abandoned.add(future)

    @property
    def queued(self) -> int:
        """Jobs waiting for their turn."""
        with self._changed:
            self._drop_cancelled()
            return len(self._waiting)

    def pipeline_for(self, settings: Settings) -> Pipeline:
        """The pipeline of these run settings (the loaded engines; made once, checked before a job queues)."""
        variant = self._variants.get(settings)
        if variant is None:
            variant = self._variants[settings] = self.pipeline.with_settings(**dict(settings))
        return variant

    def close(self, timeout: float | None = None) -> None:
        """No new jobs; those queued finish; the thread ends (waited for at most `timeout` seconds)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._thread.join(timeout)

    def _drop_cancelled(self) -> None:  # with self._changed held
        if any(job.future.cancelled() for job in self._waiting):
            self._waiting = deque(job for job in self._waiting if not job.future.cancelled())

    def _retry_after(self) -> int:
        """Seconds until the queue has room, about: the turn in progress ends (it takes the waiting jobs next)."""
        running = time.monotonic() - self._turn_started if self._turn_started is not None else 0.0
        # a turn running past the mean is a long one: expect it to last about as long again
        left = self._turn_seconds - running if running <= self._turn_seconds else running
        return max(1, math.ceil(left + self._turn_seconds))

    def _next_turn(self) -> list[Job] | None:
        """The jobs of the next turn (every one waiting, up to the sentence budget); None once closed and empty."""
        with self._changed:
            while True:
                self._drop_cancelled()
                if self._waiting:
                    break
                if self._closed:
                    return None
                self._changed.wait()
            turn = [self._waiting.popleft()]
            sentences = _rough_sentences(turn[0])
            while self._waiting and sentences < self.turn_sentences:
                turn.append(self._waiting.popleft())
                sentences += _rough_sentences(turn[-1])
            self._turn_started = time.monotonic()
            return turn

    def _run(self) -> None:
        while (turn := self._next_turn()) is not None:
            self._translate(turn)
            with self._changed:
                self._turn_seconds = 0.8 * self._turn_seconds + 0.2 * (time.monotonic() - self._turn_started)
                self._turn_started = None
                self._abandoned.difference_update(job.future for job in turn)

    def _given_up(self, jobs: list[Job]) -> bool:
        with self._changed:
            return all(job.future.done() or job.future in self._abandoned for job in jobs)

    def _translate(self, turn: list[Job]) -> None:
        live = [job for job in turn if job.future.set_running_or_notify_cancel()]  # timed out before its turn: skip
        by_settings: dict[Settings, list[Job]] = {}
        for job in live:
            by_settings.setdefault(job.settings, []).append(job)
        for settings, jobs in by_settings.items():
            if not self._given_up(jobs):  # a group whose requests all gave up while another group ran: skipped
                self._translate_group(settings, jobs)
            for job in jobs:  # abandoned and never finished: ended, so that nothing waits on it
                if not job.future.done():
                    job.future.set_exception(Closed("the request gave up"))

    def _translate_group(self, settings: Settings, jobs: list[Job]) -> None:
        """The documents of jobs with the same run settings, in one translate_many; each job answered once its
        last document is out (results stream out window by window), not at the end of the turn."""
        try:
            pipeline = self.pipeline_for(settings)
            items = [(job, source) for job in jobs for source in job.sources]
            outcomes: dict[int, list[Outcome]] = {id(job): [] for job in jobs}
            for job in jobs:
                if not job.sources:
                    job.future.set_result([])
            for (job, _), outcome in pipeline.translate_many(items, lambda item: item[1]):
                done = outcomes[id(job)]
                done.append(outcome)
                if len(done) == len(job.sources):
                    job.future.set_result(done)
                if self._given_up(jobs):  # nobody waits for the rest: no more windows
                    break
        except BaseException as exc:  # noqa: BLE001 - a failed turn fails its jobs, never the thread
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)


def _rough_sentences(job: Job) -> int:
    """About how many sentences a job holds (news sentences run ~80 characters): the budget only bounds a turn."""
    return sum(len(source.text) for source in job.sources) // 80
