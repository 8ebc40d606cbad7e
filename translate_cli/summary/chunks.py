"""Chunk planning: an English text cut into model inputs that fit the summariser, nothing left out."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import splitting


@dataclass(frozen=True)
class Chunk:
    text: str
    tokens: int


CountFn = Callable[[Sequence[str]], list[int]]


def split_long(text: str, count_tokens: CountFn, limit: int) -> list[str]:
    """English text cut into pieces of at most `limit` tokens at clause, then word boundaries; nothing dropped."""
    return splitting.split_long(text, count_tokens, limit, splitting.ENGLISH_CLAUSES)


def plan_chunks(paragraphs: Sequence[Sequence[str]], count_tokens: CountFn, limit: int) -> list[Chunk]:
    """Pack paragraphs (each a list of sentences) into chunks of at most `limit` tokens, in order, leaving out nothing.

    As few chunks as possible (each chunk is a model call), cutting between sentences, and at paragraph boundaries
    where that costs no extra chunk; inside a sentence (at a clause, else a word) only where that saves a whole
    chunk, or where a sentence alone is over the limit. Then the most even sizes (no scrap of a last chunk). Sizes
    are estimated from piece counts, then measured; a chunk that measures over the limit (tokenisation at a join
    can differ) is halved until it fits.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    cleaned = [[" ".join(s.split()) for s in sentences if s.strip()] for sentences in paragraphs]
    cleaned = [sentences for sentences in cleaned if sentences]
    if not cleaned:
        return []
    pieces, counts, groups = _plan(cleaned, count_tokens, limit, fine=False)
    chunks = _measured(pieces, groups, count_tokens, limit)
    if len(chunks) > math.ceil(sum(counts) / limit):  # sentence boundaries cost a chunk: try cuts inside them
        fine_pieces, _, fine_groups = _plan(cleaned, count_tokens, limit, fine=True)
        fine = _measured(fine_pieces, fine_groups, count_tokens, limit)
        if len(fine) < len(chunks):  # only a whole chunk saved (measured, not estimated) is worth a cut sentence
            chunks = fine
    return chunks


def _measured(pieces: list[str], groups: list[list[int]], count_tokens: CountFn, limit: int) -> list[Chunk]:
    """The groups' chunks, measured; a group that measures over the limit is halved until it fits."""
    texts = [" ".join(pieces[k] for k in group) for group in groups]
    chunks: list[Chunk] = []
    for group, text, count in zip(groups, texts, count_tokens(texts)):
        chunks.extend([Chunk(text, count)] if count <= limit else _fit(group, pieces, count_tokens, limit))
    return chunks


def _plan(
    paragraphs: list[list[str]], count_tokens: CountFn, limit: int, *, fine: bool
) -> tuple[list[str], list[int], list[list[int]]]:
    """(pieces, their token counts, groups of piece indices). Pieces are sentences, or with `fine` pieces of at
    most limit/64 tokens cut at clause, then word boundaries (a sentence over the limit is always cut)."""
    pieces: list[str] = []
    starts: dict[int, int] = {}  # piece index → 2 at a paragraph start, 1 at a sentence start
    size = max(1, limit // 64) if fine else max(1, limit // 8)
    for sentences in paragraphs:
        for n, (sentence, count) in enumerate(zip(sentences, count_tokens(sentences))):
            starts[len(pieces)] = 2 if n == 0 else 1
            pieces.extend(split_long(sentence, count_tokens, size) if fine or count > limit else [sentence])
    # Counted as they sit in a chunk, after a space: byte-level BPE tokenises " word" and "word" differently, and
    # plain counts fell ~1% short of the joined text's, so chunks packed to the limit measured over it.
    counts = count_tokens([" " + piece for piece in pieces])
    # Two tokens of margin: a chunk's first piece has no space before it.
    budget = max(1, limit - 2) if limit > 64 else limit
    return pieces, counts, _partition(counts, starts, budget, unit=size if fine else max(1, limit // 32))


def _partition(counts: Sequence[int], starts: dict[int, int], limit: int, unit: int) -> list[list[int]]:
    """Consecutive groups of piece indices, each summing to at most `limit` (a piece over it stands alone):
    fewest groups, then fewest cuts inside a sentence, then inside a paragraph, then the smallest largest group
    (dynamic programming).

    Runs of tiny pieces (a list of one-word lines) are first merged into units of up to `unit` tokens, so that
    a group spans a bounded number of units and planning stays linear in the text's length."""
    units: list[list[int]] = []
    unit_size = 0
    for k, count in enumerate(counts):
        if units and unit_size + count <= unit:
            units[-1].append(k)
            unit_size += count
        else:
            units.append([k])
            unit_size = count
    unit_counts = [sum(counts[k] for k in members) for members in units]
    unit_starts = [starts.get(members[0], 0) for members in units]
    return [[k for u in group for k in units[u]] for group in _partition_units(unit_counts, unit_starts, limit)]


def _partition_units(counts: Sequence[int], starts: Sequence[int], limit: int) -> list[list[int]]:
    n = len(counts)
    # best[j]: (groups, cuts inside sentences, cuts inside paragraphs, largest group) for units[:j], and where its
    # last group starts.
    best: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] + [(n + 1, n + 1, n + 1, 0)] * n
    start_of: list[int] = [0] * (n + 1)
    for j in range(1, n + 1):
        size = 0
        for i in range(j - 1, -1, -1):
            size += counts[i]
            if size > limit and i < j - 1:
                break
            groups, in_sentences, in_paragraphs, largest = best[i]
            cut = starts[i] if i > 0 else 2
            candidate = (groups + 1, in_sentences + (cut == 0), in_paragraphs + (cut < 2), max(largest, size))
            if candidate < best[j]:
                best[j], start_of[j] = candidate, i
    bounds, j = [], n
    while j > 0:
        bounds.append((start_of[j], j))
        j = start_of[j]
    return [list(range(i, j)) for i, j in reversed(bounds)]


def _fit(group: list[int], pieces: list[str], count_tokens: CountFn, limit: int) -> list[Chunk]:
    text = " ".join(pieces[k] for k in group)
    count = count_tokens([text])[0]
    if count <= limit or len(group) == 1:
        return [Chunk(text, count)]
    half = len(group) // 2
    return _fit(group[:half], pieces, count_tokens, limit) + _fit(group[half:], pieces, count_tokens, limit)

