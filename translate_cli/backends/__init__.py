"""Translation and summarisation engines behind the protocols in translate.py and summarise.py."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_CAP_PATTERN = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*x)?\s*(?:\+?\s*(\d+))?\s*$")


@dataclass(frozen=True)
class LengthCap:
    """New tokens one model input may generate: `ratio` × its source tokens + `extra` (ratio 0: a fixed cap).

    The default, 2x+16, leaves room for any real translation while a looping output is cut soon after its
    sentence's length instead of running to the model's 512. "--max-new-tokens 40" is a fixed cap, "1x+4"
    a relative one: each piece of a sentence translated in pieces gets a cap for its own length.

    Engines take one length limit per call: a job (plan_jobs: inputs of similar length) is generated to its
    longest source's cap and each output is then cut to its own. Jobs made per cap would cost more: a decoding
    step of a bigger batch costs less than a second step, and real outputs stop at </s> well before any cap.
    """

    ratio: float = 2.0
    extra: int = 16

    @classmethod
    def parse(cls, value: int | str | LengthCap | None) -> LengthCap:
        """None, 0, "0", "auto" → the default; 40 or "40" → fixed; "1.5x", "1.5x+8" → relative (ratio ≤ 100)."""
        if isinstance(value, LengthCap):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = value.strip().lower() if isinstance(value, str) else None
        if value is None or text in ("", "0", "auto"):
            return cls()
        match = _CAP_PATTERN.match(text) if text is not None else None
        if match:
            ratio, extra = float(match.group(1) or 0), int(match.group(2) or 0)
            if (ratio > 0 or extra > 0) and ratio <= 100 and extra <= 100_000:
                return cls(ratio, extra)
        raise ValueError(
            f"a token cap is N (fixed), Rx or Rx+N (relative to the source), or 0 (default), not {value!r}"
        )

    def __call__(self, source_tokens: int) -> int:
        # At least 2: with a forced </s> as the last new token, a cap of 1 would leave no room for a word.
        return max(2, math.ceil(self.ratio * source_tokens) + self.extra)

    def __str__(self) -> str:
        if not self.ratio:
            return str(self.extra)
        return f"{self.ratio:g}x" + (f"+{self.extra}" if self.extra else "")


def quantize_int8(model: Any) -> tuple[Any, bool]:
    """The model with its Linear layers in dynamic int8 (weights int8, activations quantised per batch), the way
    CTranslate2 runs int8 on CPU; (model, False) unchanged where this torch build lacks it. Measured on the
    opus-mt stand-in, beam 4, 2 cores: 1.3-1.75x the float32 generation speed (benchmarks/README.md)."""
    import warnings

    try:
        import torch
        from torch.ao.quantization import quantize_dynamic
    except ImportError:
        return model, False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch 2.13 announces the quantized tensor API's future removal
        try:
            return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True), True
        except (RuntimeError, NotImplementedError, AssertionError):
            return model, False


def retry_decoding(beams: int, attempt: int) -> dict[str, Any]:
    """Decoding that breaks loops and echoes, stronger with each attempt: more beams, no repeated trigram,
    a repetition penalty. Shared so that every backend retries alike."""
    return {
        "beams": max(beams, 4) + 2 * attempt,
        "no_repeat_ngram_size": 3,
        "repetition_penalty": round(1.1 + 0.1 * attempt, 2),
    }


class RetryDecoding:
    """`translate_retry` and `retry_settings` for a backend whose translate_batch takes retry_decoding()'s keys."""

    beams: int

    def translate_batch(self, texts: Sequence[str], **decoding: Any) -> list[str]:
        raise NotImplementedError

    def retry_settings(self, attempt: int) -> str:
        return ", ".join(f"{key} {value}" for key, value in retry_decoding(self.beams, attempt).items())

    def translate_retry(self, texts: Sequence[str], attempt: int = 1) -> list[str]:
        return self.translate_batch(texts, **retry_decoding(self.beams, attempt))


def physical_cores() -> int:
    """Physical cores this process may use (hyper-threads share a core's vector units: not worth a thread)."""
    try:
        allowed = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        allowed = os.cpu_count() or 1
    cores: set[tuple[str, str]] = set()
    try:
        physical = core = ""
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "physical id":
                    physical = value
                elif key == "core id":
                    core = value
                elif not key and core:
                    cores.add((physical, core))
                    physical = core = ""
        if core:
            cores.add((physical, core))
    except OSError:
        pass
    return max(1, min(allowed, len(cores) or allowed))


def worker_layout(device: str, threads: int | None = None, workers: int | None = None) -> tuple[int, int]:
    """(parallel workers, threads per worker). On CPU, single-threaded workers fed one job each: measured on the
    stand-ins (2 cores, beam 4), one BART summary took 4.4 s on one thread and 4.9 s on two, and two jobs on two
    one-thread workers translated the seed article in 0.75x the time of one job on two threads. On bigger
    machines 2 to 4 workers (an article rarely makes more jobs) sharing the cores evenly, as many cores used as
    an even share allows (6 → 3 × 2, 16 → 4 × 4, 5 → 4 × 1). A GPU runs one job at a time."""
    if device != "cpu":
        return 1, max(1, min(threads or physical_cores(), 4))
    threads = max(1, threads or physical_cores())
    if workers:
        workers = max(1, min(workers, threads))
    else:
        choices = range(min(threads, 2), min(threads, 4) + 1)
        workers = max(choices, key=lambda w: (w * (threads // w), w))
    return workers, max(1, threads // workers)


def plan_jobs(lengths: Sequence[int], workers: int, budget: int, max_items: int = 0) -> list[list[int]]:
    """Indices of `lengths` (tokens per input) grouped into engine jobs for `workers` parallel workers.

    Inputs are sorted longest first and cut into contiguous jobs, so a job's padding stays small. A job costs its
    padded tokens (longest × count) and holds at most `budget` of them (one longer input alone excepted) and at
    most `max_items` inputs (0: no limit). The pass is cut into at most a multiple of `workers` jobs (the fewest
    the budget allows, rounded up), so that the costliest job is as cheap as possible; fewer jobs when more would
    not make it cheaper. On CPU one job per single-threaded worker beats one job over all threads: a decoding
    step is many small matrix products that gain nothing from a second thread (benchmarks/README.md).
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    if not order:
        return []
    sizes = [max(1, lengths[i]) for i in order]
    workers, budget = max(1, workers), max(1, budget, sizes[0])

    def pack(cap: int) -> list[list[int]]:
        jobs: list[list[int]] = [[]]
        for position in range(len(sizes)):
            job = jobs[-1]
            if job and (sizes[job[0]] * (len(job) + 1) > cap or len(job) == max_items):
                job = []
                jobs.append(job)
            job.append(position)
        return jobs

    fewest = len(pack(budget))
    count = min(len(order), workers * math.ceil(fewest / workers))
    low, high = sizes[0], budget  # the smallest cap that packs into `count` jobs: pack() is monotone in it
    while low < high:
        middle = (low + high) // 2
        if len(pack(middle)) <= count:
            high = middle
        else:
            low = middle + 1
    return [[order[position] for position in job] for job in pack(low)]


def ensure_within_limit(counts: Sequence[int], limit: int) -> None:
    """Summarisers never truncate: an input over the model's limit is the caller's chunking bug, so say so."""
    over = [count for count in counts if count > limit]
    if over:
        raise ValueError(f"summariser input of {max(over)} tokens exceeds the limit of {limit}")
