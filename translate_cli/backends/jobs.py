"""Engine jobs: a pass of inputs cut into balanced groups for an engine's parallel workers."""

from __future__ import annotations

import math
from collections.abc import Sequence


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
