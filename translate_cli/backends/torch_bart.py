"""BART-family summarisers (distilbart-cnn, bart-large-cnn) through transformers + torch: the Summariser contract.

Inputs are never truncated: the caller plans chunks within `max_input_tokens` (summary/chunks.py), and an input over
the limit is an error, not a silent cut.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..engine import Decoding, Notify
from ..options import EngineOptions
from .limits import ensure_within_limit, summary_tokens
from .torch_engine import TorchEngine, torch_threads

# What generate() takes from the model's generation_config; recorded so a run says how it summarised.
_SETTINGS = ("num_beams", "min_length", "max_length", "length_penalty", "no_repeat_ngram_size", "early_stopping")


class TorchBartSummariser(TorchEngine):
    label = "BART summariser"

    def __init__(
        self,
        model_dir: str | Path,
        options: EngineOptions = EngineOptions(),
        *,
        weights: Path | None = None,
        notify: Notify | None = None,
        batch_size: int = 4,
    ) -> None:
        super().__init__(model_dir, options, weights=weights, notify=notify)
        self.max_positions = int(self.generation.max_positions or 0)
        # Counts exclude <s> … </s>; the model sees them too, so they come off the position table.
        self.max_input_tokens = self.max_positions - self.tokenizer.num_special_tokens_to_add(pair=False)
        self.batch_size = batch_size
        generation = self.model.generation_config
        self.settings: dict[str, Any] = {key: getattr(generation, key, None) for key in _SETTINGS}

    def _load(self, model_dir: Path, dtype: Any, safetensors: bool, attention: str | None) -> tuple[Any, Any]:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        # dtype explicit: transformers 5 defaults to the checkpoint's dtype, and fp16 on CPU is slow or broken.
        # When generation_config.json is missing, transformers reads the generation settings from config.json.
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        return tokenizer, AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), dtype=dtype,
                                                                use_safetensors=safetensors,
                                                                attn_implementation=attention)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        # verbose=False: counting a whole article is expected to exceed model_max_length; no warning for that.
        encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded.input_ids]

    def summarise(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        texts = list(texts)
        outputs = [""] * len(texts)
        counts = self.count_tokens(texts)
        ensure_within_limit(counts, self.max_input_tokens)
        order = sorted((i for i in range(len(texts)) if texts[i].strip()), key=lambda i: -counts[i])
        settings = copy.copy(self.model.generation_config)
        max_new = summary_tokens(decoding, max((counts[i] for i in order), default=0))
        if max_new:
            # As max_length (decoder tokens: the start token and the new ones), as the Marian translator does.
            settings.max_length = 1 + max_new
            settings.max_new_tokens = None
            settings.min_length = min(settings.min_length or 0, max_new)
        if decoding.beams:
            settings.num_beams = decoding.beams
        for start in range(0, len(order), self.batch_size):
            batch_ids = order[start: start + self.batch_size]
            batch = self.tokenizer([texts[i] for i in batch_ids], return_tensors="pt", padding=True)
            batch = {key: value.to(self.device) for key, value in batch.items()}
            with torch_threads(self.threads):
                generated = self._generate(batch, settings)
            for i, text in zip(batch_ids, self.tokenizer.batch_decode(generated, skip_special_tokens=True)):
                outputs[i] = text.strip()
        return outputs
