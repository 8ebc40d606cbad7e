"""The Translator protocol and the batching around it: sorted by length, bounded by a token budget,
over-long inputs split at clause boundaries and rejoined, duplicates translated once, order restored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from .splitting import split_long


@runtime_checkable
class Translator(Protocol):
    """Any engine that turns French strings into English strings, one output per input, in order."""

    name: str
    max_input_tokens: int  # inputs longer than this (in the engine's tokens) are split before translation

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def translate_batch(self, texts: Sequence[str]) -> list[str]: ...


def translate_texts(
    translator: Translator,
    texts: Sequence[str],
    *,
    batch_size: int = 16,
    batch_tokens: int = 2048,
    on_batch: Callable[[int], None] | None = None,
) -> list[str]:
    """Translate every text; the i-th output is the translation of the i-th input. Blank inputs map to ''."""
    unique = list(dict.fromkeys(text for text in texts if text.strip()))
    if not unique:
        return ["" for _ in texts]
    counts = translator.count_tokens(unique)
    pieces: list[str] = []
    piece_counts: list[int] = []
    owners: list[list[int]] = []  # for each unique text, the indices of its pieces
    limit = translator.max_input_tokens
    for text, count in zip(unique, counts):
        parts = [text] if count <= limit else split_long(text, translator.count_tokens, limit)
        part_counts = [count] if len(parts) == 1 else translator.count_tokens(parts)
        owners.append(list(range(len(pieces), len(pieces) + len(parts))))
        pieces.extend(parts)
        piece_counts.extend(part_counts)

    outputs: list[str] = [""] * len(pieces)
    for batch in plan_batches(piece_counts, batch_size=batch_size, batch_tokens=batch_tokens):
        translated = translator.translate_batch([pieces[i] for i in batch])
        if len(translated) != len(batch):
            raise RuntimeError(f"{translator.name} returned {len(translated)} outputs for {len(batch)} inputs")
        for i, out in zip(batch, translated):
            outputs[i] = out.strip()
        if on_batch:
            on_batch(len(batch))

    by_text = {text: " ".join(outputs[i] for i in idx if outputs[i]) for text, idx in zip(unique, owners)}
    return [by_text.get(text, "") for text in texts]


def plan_batches(counts: Sequence[int], *, batch_size: int, batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches of similar length: padding is wasted compute, so sort by length first.

    A batch holds at most `batch_size` inputs and at most `batch_tokens` padded tokens (longest × count).
    Longest first, so memory problems show on the first batch rather than the last.
    """
    order = sorted(range(len(counts)), key=lambda i: counts[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = counts[current[0]] if current else counts[i]
        if current and (len(current) >= batch_size or longest * (len(current) + 1) > batch_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
