"""Marian (opus-mt) through transformers + torch."""

from __future__ import annotations

import copy
import functools
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ModelError
from . import LengthCap, RetryDecoding, plan_jobs, quantize_int8, worker_layout

# Generated and source tokens share the 512 learned/sinusoidal positions: cutting inputs at 256 tokens leaves the
# translation room to be longer than its source without running off the position table.
_MAX_SPLIT_TOKENS = 256


def compute_dtype(device: str, precision: str = "auto"):
    """float32 on CPU (half precision there is slow or unsupported: int8 is the fast path, see quantize_int8);
    bfloat16, else float16, on a GPU; float32 everywhere with precision "float32"."""
    import torch

    if not device.startswith("cuda") or precision == "float32":
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def prepare_model(model, device: str, precision: str = "auto"):
    """(model in eval mode on `device`, whether it runs int8): on CPU with precision "auto", its Linear layers in
    dynamic int8 (quantize_int8)."""
    model = model.eval().to(device)
    if device == "cpu" and precision == "auto":
        return quantize_int8(model)
    return model, False


_THREADS_LOCK = threading.RLock()


@contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """torch's intra-op threads set to `count` (None: left alone) for the block, then restored for the caller.

    The setting is process-wide: callers in other threads wait on a lock rather than interleave their changes."""
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


_cache_keyword = "cache"  # generate()'s name for a caller's cache ("past_key_values" before a 5.x release)


@functools.cache
def _shared_cross_cache_class() -> type:
    from transformers.cache_utils import EncoderDecoderCache

    class SharedCrossAttentionCache(EncoderDecoderCache):
        """Beam reordering that leaves the cross-attention keys/values alone (see beam_generate)."""

        def reorder_cache(self, beam_idx: Any) -> None:
            self.self_attention_cache.reorder_cache(beam_idx)

    return SharedCrossAttentionCache


def beam_generate(model: Any, inputs: dict[str, Any], settings: Any) -> Any:
    """model.generate(**inputs) with a cache whose beam reordering leaves the cross-attention keys/values alone.

    Beam search only ever reorders the beams of one source among themselves, and those beams hold identical
    copies of the source's cross-attention keys/values, so reordering them (an index_select of every layer's
    cache at every step) changes nothing; skipping it gives the same tokens (tested) and, on the opus-mt stand-in
    (16 sentences, beam 4, one thread), 0.82x the generation time."""
    global _cache_keyword
    from transformers.cache_utils import DynamicCache

    def generate(keyword: str) -> Any:
        cache = _shared_cross_cache_class()(DynamicCache(), DynamicCache())
        return model.generate(**inputs, generation_config=settings, **{keyword: cache})

    if _cache_keyword == "cache":
        try:
            return generate("cache")
        except ValueError as exc:
            # A transformers 5 release before the keyword was renamed rejects it as an unused model kwarg.
            if "model_kwargs" not in str(exc) or "'cache'" not in str(exc):
                raise
        generated = generate("past_key_values")
        _cache_keyword = "past_key_values"
        return generated
    return generate(_cache_keyword)


def pick_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"--device {device}: no CUDA device is available (use --device cpu)")
    return device


class TorchMarianTranslator(RetryDecoding):
    """A MarianMTModel and its tokenizer loaded from one directory (a verified snapshot or a local checkpoint)."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "auto",
        beams: int | None = None,
        max_new_tokens: int | str | LengthCap | None = None,
        weights: Path | None = None,
        precision: str = "auto",
        threads: int | None = None,
        workers: int | None = None,
        job_size: int = 16,
        job_tokens: int = 4096,
    ) -> None:
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # stderr carries brief's own messages only
        hf_logging.set_verbosity_error()
        model_dir = Path(model_dir)
        self.name = f"torch:{model_dir.name}"
        self.device = pick_device(device)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*sacremoses.*")  # brief normalises text itself
                self.tokenizer = MarianTokenizer.from_pretrained(str(model_dir))
            self.model = MarianMTModel.from_pretrained(
                str(model_dir),
                dtype=compute_dtype(self.device, precision),
                # Load exactly the weights file that was verified, never a neighbour that appeared later.
                use_safetensors=(weights or model_dir / "model.safetensors").name.endswith(".safetensors")
                and (weights or model_dir / "model.safetensors").exists(),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load a Marian translator from {model_dir}: {exc}".splitlines()[0]) from exc
        self.model, self.int8 = prepare_model(self.model, self.device, precision)
        config = self.model.config
        self.max_positions = int(getattr(config, "max_position_embeddings", 512))
        self.max_input_tokens = min(_MAX_SPLIT_TOKENS, self.max_positions - 2)
        generation = self.model.generation_config
        self.beams = beams or int(generation.num_beams or 1)
        self.length_cap = LengthCap.parse(max_new_tokens)
        # The model's own length limit (512 for opus-mt) bounds any cap brief computes.
        self.max_length = int(generation.max_length or self.max_positions) - 1
        # A pass comes in one call and is cut into jobs of at most job_size sentences / job_tokens padded tokens,
        # generated by parallel workers (Python threads; torch releases the GIL inside its kernels), each with
        # its share of the cores. Measured on the stand-in, 2 cores, beam 4: 48 sentences in 3 jobs took 0.65x
        # the time on two one-thread workers that they took one after another on two threads.
        self.workers, self.threads_per_worker = worker_layout("cpu" if self.device == "cpu" else "cuda", threads,
                                                              workers)
        self.job_size, self.job_tokens = job_size, job_tokens
        self.preferred_batch_size = 256
        self.preferred_batch_tokens = 1 << 20

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer(list(texts)).input_ids]

    def cap(self, source_tokens: int) -> int:
        """New tokens allowed for a source of this many tokens (</s> included): --max-new-tokens, default
        2 × source + 16 (without a cap tied to the source, a looping model runs to 512 tokens on every bad
        sentence), within the model's max_length and position table."""
        return min(self.max_length, self.max_positions - 1, self.length_cap(source_tokens))

    def translate_batch(self, texts: Sequence[str], **decoding: object) -> list[str]:
        """Translate; `decoding` overrides generation settings (retries). The texts are cut into jobs (plan_jobs)
        run by the workers; each job is generated to its longest source's cap (generate() takes one) and each
        output cut to its own source's cap."""
        texts = list(texts)
        if not texts:
            return []
        encoded = self.tokenizer(texts).input_ids
        jobs = plan_jobs([len(ids) for ids in encoded], self.workers, self.job_tokens, self.job_size)
        outputs: list[str] = [""] * len(texts)
        # Each worker its share of the cores; a lone job all of them (restored afterwards).
        share = self.threads_per_worker * (self.workers if len(jobs) == 1 else 1)
        with torch_threads(share if self.device == "cpu" else None):
            if self.workers == 1 or len(jobs) == 1:
                done = [self._generate([encoded[i] for i in job], decoding) for job in jobs]
            else:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(self.workers, thread_name_prefix="brief-torch") as pool:
                    done = list(pool.map(lambda job: self._generate([encoded[i] for i in job], decoding), jobs))
        for job, translated in zip(jobs, done):
            for i, text in zip(job, translated):
                outputs[i] = text
        return outputs

    def _generate(self, input_ids: list[list[int]], decoding: dict[str, object]) -> list[str]:
        import torch

        batch = self.tokenizer.pad({"input_ids": input_ids}, return_tensors="pt")
        batch = {key: value.to(self.device) for key, value in batch.items()}
        lengths = [len(ids) for ids in input_ids]
        settings = copy.copy(self.model.generation_config)
        settings.num_beams = self.beams
        settings.max_new_tokens = self.cap(max(lengths))
        for key, value in decoding.items():
            setattr(settings, "num_beams" if key == "beams" else key, value)
        with torch.inference_mode():
            generated = beam_generate(self.model, batch, settings)
        # A row is the decoder start token, then the new tokens; at a cap of N transformers keeps N-1 words and
        # the forced </s>, so a cut keeps N-1 words too (as the CTranslate2 backend does).
        forced_eos = settings.forced_eos_token_id is not None
        rows = [row[: 1 + self.cap(n) - forced_eos] for row, n in zip(generated.tolist(), lengths)]
        return self.tokenizer.batch_decode(rows, skip_special_tokens=True)
