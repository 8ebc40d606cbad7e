"""Deterministic stand-ins for model engines, for pipeline tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence


class FakeTranslator:
    """Applies `fn` to each input; records every batch it was given."""

    def __init__(
        self,
        fn: Callable[[str], str] = str.upper,
        max_input_tokens: int = 256,
        name: str = "fake",
        retry_fn: Callable[[str], str] | None = None,
    ):
        self.fn = fn
        self.retry_fn = retry_fn
        self.retried: list[list[str]] = []
        self.max_input_tokens = max_input_tokens
        self.name = name
        self.batches: list[list[str]] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return [self.fn(text) for text in texts]

    def translate_retry(self, texts: Sequence[str], attempt: int = 1) -> list[str]:
        self.retried.append(list(texts))
        return [(self.retry_fn or self.fn)(text) for text in texts]

    @property
    def inputs(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


def garble_quotes(text: str) -> str:
    """A model that mangles quotation marks: drops some, adds stray ones, and reorders."""
    stripped = "".join(c for c in text if c not in "«»“”\"‹›„")
    return f'" {stripped.upper()} » «'


def drop_quotes(text: str) -> str:
    return "".join(c for c in text if c not in "«»“”\"‹›„").upper()
