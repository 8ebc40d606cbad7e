"""Batching around an engine call: duplicates translated once, over-long inputs split at clause boundaries and
rejoined, inputs cut into calls as the engine asks (CallLimits), sorted by length, order restored."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine import CallLimits, Decoding, Translator
from ..splitting import split_long


def translate_texts(translator: Translator, texts: Sequence[str], decoding: Decoding, limits: CallLimits) -> list[str]:
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
    for batch in plan_batches(piece_counts, limits):
        translated = translator.translate_batch([pieces[i] for i in batch], decoding)
        if len(translated) != len(batch):
            raise RuntimeError(f"{translator.name} returned {len(translated)} outputs for {len(batch)} inputs")
        for i, out in zip(batch, translated):
            outputs[i] = out.strip()

    by_text = {text: " ".join(outputs[i] for i in idx if outputs[i]) for text, idx in zip(unique, owners)}
    return [by_text.get(text, "") for text in texts]


def plan_batches(counts: Sequence[int], limits: CallLimits) -> list[list[int]]:
    """Indices grouped into calls of similar length: padding is wasted compute, so sort by length first.

    A call holds at most `limits.items` inputs and at most `limits.tokens` padded tokens (longest × count); None
    is no limit, so an engine that plans its own jobs gets the whole pass in one call. Longest first, so memory
    problems show on the first call rather than the last.
    """
    order = sorted(range(len(counts)), key=lambda i: counts[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = counts[current[0]] if current else counts[i]
        full = limits.items is not None and len(current) >= limits.items
        too_long = limits.tokens is not None and longest * (len(current) + 1) > limits.tokens
        if current and (full or too_long):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
