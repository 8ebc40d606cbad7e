"""The machine an engine runs on: which device, how many physical cores, and how they are shared out in workers."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import ModelError


@dataclass(frozen=True)
class Device:
    kind: str  # "cpu" or "cuda"
    index: int = 0

    def __str__(self) -> str:
        return "cpu" if self.kind == "cpu" else f"cuda:{self.index}"


def choose_device(spec: str, cuda_devices: int) -> Device:
    """The device for a --device value (auto | cpu | cuda | cuda:N), given how many CUDA devices the engine sees."""
    if spec == "auto":
        return Device("cuda") if cuda_devices > 0 else Device("cpu")
    if spec.startswith("cuda"):
        index = int(spec.partition(":")[2] or 0)
        if cuda_devices == 0:
            raise ModelError(f"--device {spec}: no CUDA device is available (use --device cpu)")
        if index >= cuda_devices:
            raise ModelError(f"--device {spec}: no such CUDA device ({cuda_devices} found; use --device cpu)")
        return Device("cuda", index)
    return Device("cpu")


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
    """(parallel workers, threads per worker). On CPU, single-threaded workers fed one job each: a decoding step is
    many small matrix products that gain little from a second thread, while two workers run two jobs at once
    (measured: benchmarks/README.md). On bigger machines 2 to 4 workers (an article rarely makes more jobs) share
    the cores evenly, as many cores used as an even share allows (6 → 3 × 2, 16 → 4 × 4, 5 → 4 × 1). A GPU runs
    one job at a time."""
    if device != "cpu":
        return 1, max(1, min(threads or physical_cores(), 4))
    threads = max(1, threads or physical_cores())
    if workers:
        workers = max(1, min(workers, threads))
    else:
        choices = range(min(threads, 2), min(threads, 4) + 1)
        workers = max(choices, key=lambda w: (w * (threads // w), w))
    return workers, max(1, threads // workers)
