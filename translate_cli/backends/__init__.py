"""Translation and summarisation engines behind the protocols in translate.py and summarise.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


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


def ensure_within_limit(counts: Sequence[int], limit: int) -> None:
    """Summarisers never truncate: an input over the model's limit is the caller's chunking bug, so say so."""
    over = [count for count in counts if count > limit]
    if over:
        raise ValueError(f"summariser input of {max(over)} tokens exceeds the limit of {limit}")
