"""What every transformers + torch engine shares: loading exactly the verified weights on a device, int8 on CPU,
worker threads sharing the cores, and beam search that leaves the cross-attention cache unreordered."""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..engine import Notify
from ..errors import ModelError
from ..options import EngineOptions, Precision
from .hardware import choose_device, worker_layout
from .limits import GenerationSettings

T = TypeVar("T")


def compute_dtype(device: str, precision: Precision = Precision.AUTO) -> Any:
    """float32 on CPU (half precision there is slow or unsupported: int8 is the fast path, see quantize_int8);
    bfloat16, else float16, on a GPU; float32 everywhere with precision float32."""
    import torch

    if not device.startswith("cuda") or precision is Precision.FLOAT32:
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def quantize_int8(model: Any) -> tuple[Any, str | None]:
    """(the model with its Linear layers in int8, which scheme): "rows" (int8_rows: activations quantised per row,
    so a sentence's result does not depend on the others in its batch), else "dynamic" (torch's quantize_dynamic,
    activations quantised per batch) where this torch build or CPU lacks a row-wise kernel; (model, None)
    unchanged where it lacks both."""
    from .int8_rows import quantize_rows

    try:
        return quantize_rows(model), "rows"
    except (RuntimeError, ImportError):
        pass
    try:
        import torch
        from torch.ao.quantization import quantize_dynamic
    except ImportError:
        return model, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch 2.13 announces the quantized tensor API's future removal
        try:
            return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True), "dynamic"
        except (RuntimeError, NotImplementedError, AssertionError):
            return model, None


def prepare_model(model: Any, device: str, precision: Precision = Precision.AUTO) -> tuple[Any, str | None]:
    """(model in eval mode on `device`, its int8 scheme or None): on CPU with precision auto, its Linear layers in
    int8 (quantize_int8)."""
    model = model.eval().to(device)
    if device == "cpu" and precision is Precision.AUTO:
        return quantize_int8(model)
    return model, None


EXACT_ATTENTION = "brief-exact"


def _attention(device: str) -> str | None:
    """On CPU, brief's own attention (register_exact_attention): a sentence's bits do not depend on how far its
    neighbours pad the batch. GPU: transformers' default."""
    if device != "cpu":
        return None
    register_exact_attention()
    return EXACT_ATTENTION


@functools.cache
def register_exact_attention() -> None:
    """Register EXACT_ATTENTION with transformers (once; a named entry in its attention table, nothing else changes):
    eager attention whose softmax sums in float64. Both torch's fused CPU attention and a float32 softmax add up a
    row's weights in an order that depends on the padded length, and int8's rounding turns those last-bit
    differences into other tokens; in float64 they vanish when the weights are rounded back to float32."""
    import torch
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, AttentionMaskInterface

    def exact_attention(module: Any, query: Any, key: Any, value: Any, attention_mask: Any,
                        scaling: float | None = None, dropout: float = 0.0, **_: Any) -> tuple[Any, Any]:
        scale = query.size(-1) ** -0.5 if scaling is None else scaling
        weights = torch.matmul(query, key.transpose(2, 3)) * scale
        if attention_mask is not None:
            weights = weights + attention_mask
        weights = torch.nn.functional.softmax(weights, dim=-1, dtype=torch.float64).to(query.dtype)
        return torch.matmul(weights, value).transpose(1, 2).contiguous(), weights

    AttentionInterface.register(EXACT_ATTENTION, exact_attention)
    AttentionMaskInterface.register(EXACT_ATTENTION, ALL_MASK_ATTENTION_FUNCTIONS["eager"])  # additive float mask


_THREADS_LOCK = threading.RLock()


@contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """torch's intra-op threads set to `count` (None: left alone) for the block, then restored for the caller.

    torch has no per-call setting: callers in other threads wait on a lock rather than interleave their changes."""
    if not count:
        yield
        return
    import torch

    with _THREADS_LOCK:
        previous = torch.get_num_threads()
        torch.set_num_threads(count)
        try:
            yield
        finally:
            torch.set_num_threads(previous)


@functools.cache
def _shared_cross_cache_class() -> type:
    from transformers.cache_utils import EncoderDecoderCache

    class SharedCrossAttentionCache(EncoderDecoderCache):
        """Beam reordering that leaves the cross-attention keys/values alone (see beam_generate)."""

        def reorder_cache(self, beam_idx: Any) -> None:
            self.self_attention_cache.reorder_cache(beam_idx)

    return SharedCrossAttentionCache


def beam_generate(model: Any, inputs: dict[str, Any], settings: Any, keyword: str = "cache") -> Any:
    """model.generate(**inputs) with a cache whose beam reordering leaves the cross-attention keys/values alone.

    Beam search only ever reorders the beams of one source among themselves, and those beams hold identical
    copies of the source's cross-attention keys/values, so reordering them (an index_select of every layer's
    cache at every step) changes nothing: skipping it gives the same tokens (tested), in less time
    (benchmarks/README.md). `keyword` is generate()'s name for a caller's cache."""
    from transformers.cache_utils import DynamicCache

    cache = _shared_cross_cache_class()(DynamicCache(), DynamicCache())
    return model.generate(**inputs, generation_config=settings, **{keyword: cache})


class TorchEngine:
    """A transformers seq2seq checkpoint on one device. Subclasses say which classes load it (`_load`) and what
    the error message calls it (`label`)."""

    label = "model"

    def __init__(
        self,
        model_dir: str | Path,
        options: EngineOptions = EngineOptions(),
        *,
        weights: Path | None = None,
        notify: Notify | None = None,
        workers: int | None = None,
    ) -> None:
        """`notify` is part of every engine's constructor; torch engines have nothing to say (no conversion)."""
        import torch

        model_dir = Path(model_dir)
        self.name = f"torch:{model_dir.name}"
        cuda = torch.cuda.device_count() if torch.cuda.is_available() else 0
        self.device = str(choose_device(options.device, cuda))
        # Load exactly the weights file that was verified, never a neighbour that appeared later.
        weights = weights or model_dir / "model.safetensors"
        safetensors = weights.name.endswith(".safetensors") and weights.exists()
        try:
            self.tokenizer, self.model = self._load(model_dir, compute_dtype(self.device, options.precision),
                                                    safetensors, _attention(self.device))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load a {self.label} from {model_dir}: {exc}".splitlines()[0]) from exc
        self.generation = GenerationSettings.merge(self.model.config.to_dict(), self.model.generation_config.to_dict())
        if not self.generation.max_positions:
            raise ModelError(f"{model_dir} is not a {self.label} (no max_position_embeddings in its config)")
        self.model, self.int8 = prepare_model(self.model, self.device, options.precision)  # "rows", "dynamic", None
        self.workers, self.threads_per_worker = worker_layout("cpu" if self.device == "cpu" else "cuda",
                                                              options.threads, workers)
        self.threads = options.threads if self.device == "cpu" else None  # None: torch's own setting
        self._cache_keyword = "cache"  # "past_key_values" before a transformers 5 release renamed it

    def _load(self, model_dir: Path, dtype: Any, safetensors: bool, attention: str | None) -> tuple[Any, Any]:
        """(tokenizer, model); `attention` is transformers' attn_implementation (None: its default)."""
        raise NotImplementedError

    def _generate(self, inputs: dict[str, Any], settings: Any) -> Any:
        """beam_generate with this transformers release's name for the cache keyword, found on first use."""
        import torch

        with torch.inference_mode():
            if self._cache_keyword == "cache":
                try:
                    return beam_generate(self.model, inputs, settings, "cache")
                except ValueError as exc:
                    # An older transformers 5 release rejects the keyword as an unused model kwarg.
                    if "model_kwargs" not in str(exc) or "'cache'" not in str(exc):
                        raise
                self._cache_keyword = "past_key_values"
            return beam_generate(self.model, inputs, settings, self._cache_keyword)

    def _run_jobs(self, jobs: Sequence[T], run: Callable[[T], list[str]]) -> list[list[str]]:
        """Each job run on its own worker thread (torch releases the GIL in its kernels), each with its share of the
        cores; a lone job on the calling thread with every worker's share. torch's thread count is restored."""
        share = self.threads_per_worker * (self.workers if len(jobs) == 1 else 1)
        with torch_threads(share if self.device == "cpu" else None):
            if self.workers == 1 or len(jobs) == 1:
                return [run(job) for job in jobs]
            with ThreadPoolExecutor(self.workers, thread_name_prefix="brief-torch") as pool:
                return list(pool.map(run, jobs))
