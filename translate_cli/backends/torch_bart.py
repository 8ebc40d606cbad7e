"""BART-family summarisers (distilbart-cnn, bart-large-cnn) through transformers + torch."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError
from . import ensure_within_limit
from .torch_marian import beam_generate, compute_dtype, pick_device, prepare_model, torch_threads

# What generate() takes from the model's generation_config; recorded so a run says how it summarised.
_SETTINGS = ("num_beams", "min_length", "max_length", "length_penalty", "no_repeat_ngram_size", "early_stopping")


class TorchBartSummariser:
    """A seq2seq summariser and its tokenizer loaded from one directory (a verified snapshot or a local checkpoint).

    Inputs are never truncated: the caller plans chunks within `max_input_tokens` (see summarise.plan_chunks), and an
    input over the limit is an error, not a silent cut.
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "auto",
        max_new_tokens: int | None = None,
        batch_size: int = 4,
        weights: Path | None = None,
        precision: str = "auto",
        threads: int | None = None,
    ) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # stderr carries brief's own messages only
        hf_logging.set_verbosity_error()
        model_dir = Path(model_dir)
        weights_file = weights or model_dir / "model.safetensors"
        self.name = f"torch:{model_dir.name}"
        self.device = pick_device(device)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
            # dtype explicit: transformers 5 defaults to the checkpoint's dtype, and fp16 on CPU is slow or broken;
            # on a GPU half precision doubles the speed.
            # When generation_config.json is missing, transformers reads the generation settings from config.json.
            self.model = AutoModelForSeq2SeqLM.from_pretrained(
                str(model_dir),
                dtype=compute_dtype(self.device, precision),
                # Load exactly the weights file that was verified, never a neighbour that appeared later.
                use_safetensors=weights_file.name.endswith(".safetensors") and weights_file.exists(),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load a summariser from {model_dir}: {exc}".splitlines()[0]) from exc
        positions = getattr(self.model.config, "max_position_embeddings", None)
        if not positions:
            raise ModelError(f"{model_dir} is not a BART-family summariser (no max_position_embeddings in its config)")
        self.model, self.int8 = prepare_model(self.model, self.device, precision)
        self.max_positions = int(positions)
        # Counts exclude <s> … </s>; the model sees them too, so they come off the position table.
        self.max_input_tokens = self.max_positions - self.tokenizer.num_special_tokens_to_add(pair=False)
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.threads = threads if self.device == "cpu" else None  # None: torch's own setting
        generation = self.model.generation_config
        self.settings: dict[str, Any] = {key: getattr(generation, key, None) for key in _SETTINGS}
        if max_new_tokens:
            self.settings["max_new_tokens"] = max_new_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        # verbose=False: counting a whole article is expected to exceed model_max_length; no warning for that.
        encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded.input_ids]

    def summarise(self, texts: Sequence[str]) -> list[str]:
        import torch

        texts = list(texts)
        outputs = [""] * len(texts)
        counts = self.count_tokens(texts)
        ensure_within_limit(counts, self.max_input_tokens)
        order = sorted((i for i in range(len(texts)) if texts[i].strip()), key=lambda i: -counts[i])
        settings = copy.copy(self.model.generation_config)
        if self.max_new_tokens:
            settings.max_new_tokens = self.max_new_tokens
            settings.min_length = min(settings.min_length or 0, self.max_new_tokens)
        for start in range(0, len(order), self.batch_size):
            batch_ids = order[start: start + self.batch_size]
            batch = self.tokenizer([texts[i] for i in batch_ids], return_tensors="pt", padding=True)
            batch = {key: value.to(self.device) for key, value in batch.items()}
            with torch.inference_mode(), torch_threads(self.threads):
                generated = beam_generate(self.model, batch, settings)
            for i, text in zip(batch_ids, self.tokenizer.batch_decode(generated, skip_special_tokens=True)):
                outputs[i] = text.strip()
        return outputs
