"""What every CTranslate2 engine shares: the checkpoint converted once (ct2_convert.py) and loaded on its device
with its workers, jobs submitted all at once, and the length bookkeeping that keeps outputs equal to transformers'.

Running an already converted model imports neither torch nor transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import Notify
from ..errors import EngineUnsupportedError, ModelError
from ..options import EngineOptions, Precision
from .ct2_convert import ensure_converted
from .hardware import choose_device, worker_layout
from .limits import GenerationSettings


def default_compute_type(device: str, device_index: int = 0) -> str:
    """int8 on CPU; int8 weights with float16 activations on GPU (falling back to what the device supports)."""
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(device, device_index)
    preferred = ("int8_float16", "int8_bfloat16", "float16", "int8") if device == "cuda" else ("int8", "int8_float32")
    return next((kind for kind in preferred if kind in supported), "default")


@dataclass(frozen=True)
class Engine:
    """A loaded ctranslate2.Translator and the settings it was loaded with."""

    translator: Any
    model_path: Path
    device: str
    device_index: int
    compute_type: str
    workers: int  # jobs run in parallel (CTranslate2 inter_threads)
    threads_per_worker: int  # CTranslate2 intra_threads


def open_engine(
    model_dir: Path,
    options: EngineOptions,
    *,
    quantization: str,
    compute_type: str | None,
    weights: str | Path | None,
    workers: int | None,
    notify: Notify | None,
) -> Engine:
    """Convert `model_dir` once (see ensure_converted) and load it on its device: int8 on CPU, int8 weights with
    half-precision activations on GPU; precision float32 uses a float32 conversion run in float32 (the reference,
    not the fast path)."""
    import ctranslate2

    device = choose_device(options.device, ctranslate2.get_cuda_device_count())
    if options.precision is Precision.FLOAT32:
        quantization, compute_type = "float32", compute_type or "float32"
    compute_type = compute_type or default_compute_type(device.kind, device.index)
    workers, per_worker = worker_layout(device.kind, options.threads, workers)
    path = ensure_converted(model_dir, quantization=quantization, weights=weights, notify=notify)
    try:
        translator = ctranslate2.Translator(
            str(path), device=device.kind, device_index=device.index, compute_type=compute_type,
            intra_threads=per_worker, inter_threads=workers,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise EngineUnsupportedError(f"cannot load the CTranslate2 model {path}: {exc}".splitlines()[0]) from exc
    return Engine(translator, path, device.kind, device.index, compute_type, workers, per_worker)


def run_jobs(
    translator: Any,
    batch: Sequence[Sequence[str]],
    jobs: Sequence[Sequence[int]],
    limits: Sequence[int],
    prefixes: Sequence[Sequence[str]] | None = None,
    **settings: Any,
) -> list[Any]:
    """Every job submitted before any is awaited (each one engine batch with its own max_decoding_length), so
    the workers never wait for Python; results in `batch` order."""
    pending = []
    for job, limit in zip(jobs, limits):
        pending.append(translator.translate_batch(
            [list(batch[i]) for i in job],
            target_prefix=[list(prefixes[i]) for i in job] if prefixes is not None else None,
            max_batch_size=0,  # the job is the batch
            max_decoding_length=limit,
            asynchronous=True,
            **settings,
        ))
    results: list[Any] = [None] * len(batch)
    for job, futures in zip(jobs, pending):
        for i, future in zip(job, futures):
            results[i] = future.result()
    return results


def decoding_steps(hypothesis: Sequence[str], limit: int) -> int:
    """Tokens a hypothesis cost: its own, plus the </s> CTranslate2 leaves out when it stopped before `limit`
    (transformers counts that </s> among its generated tokens too)."""
    return len(hypothesis) + (1 if len(hypothesis) < limit else 0)


class CT2Engine:
    """A transformers checkpoint directory converted for CTranslate2 and loaded. Subclasses name what they need
    (`label`, `required_files`) and load their tokenizer in `_load_tokenizer`, before the (slow, one-time)
    conversion, so that a broken checkpoint fails at once."""

    label = "model"
    required_files: tuple[str, ...] = ("config.json",)

    def __init__(
        self,
        model_dir: str | Path,
        options: EngineOptions = EngineOptions(),
        *,
        weights: str | Path | None = None,
        notify: Notify | None = None,
        workers: int | None = None,
        quantization: str = "int8",
        compute_type: str | None = None,
    ) -> None:
        model_dir = Path(model_dir)
        self.name = f"ctranslate2:{model_dir.name}"
        missing = [name for name in self.required_files if not (model_dir / name).is_file()]
        if missing:
            raise ModelError(f"cannot load a {self.label} from {model_dir}: no {', '.join(missing)}")
        self.generation = GenerationSettings.read(model_dir)
        self._load_tokenizer(model_dir)
        self.engine = open_engine(model_dir, options, quantization=quantization, compute_type=compute_type,
                                  weights=weights, workers=workers, notify=notify)
        self.translator = self.engine.translator  # the ctranslate2.Translator (it runs BART too)
        self.generated_tokens = 0  # target tokens generated so far (what benchmarks count)

    def _load_tokenizer(self, model_dir: Path) -> None:
        raise NotImplementedError
