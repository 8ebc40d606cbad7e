"""Cutting a text that is too long for a model into pieces that fit, at clause boundaries when possible."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

CountFn = Callable[[Sequence[str]], list[int]]

# Clause boundaries, strongest first: where a too-long sentence may be cut without cutting a phrase.
FRENCH_CLAUSES = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[,)])\s+|\s+(?=[(—–])"),
    re.compile(r"\s+(?=(?:et|mais|ou|donc|car|qui|que|dont|où|puis|alors|lorsque|quand|parce)\b)"),
)
ENGLISH_CLAUSES = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[,)])\s+|\s+(?=[(—–])"),
    re.compile(r"\s+(?=(?:and|but|or|which|who|whose|while|because|although|when|where|after|before)\b)"),
)


def split_long(
    text: str, count_tokens: CountFn, limit: int, splitters: Sequence[re.Pattern[str]] = FRENCH_CLAUSES
) -> list[str]:
    """Cut `text` into pieces of at most `limit` tokens: at clause boundaries when possible, else between words.
    Nothing is dropped: the pieces joined by spaces give back the text's words, in order."""
    pieces = [text]
    for splitter in splitters:
        counts = count_tokens(pieces)
        if all(count <= limit for count in counts):
            break
        refined: list[str] = []
        for piece, count in zip(pieces, counts):
            refined.extend(_pack(splitter.split(piece), count_tokens, limit) if count > limit else [piece])
        pieces = refined
    result: list[str] = []
    for piece, count in zip(pieces, count_tokens(pieces)):
        result.extend(_word_windows(piece, count_tokens, limit) if count > limit else [piece])
    return [piece for piece in result if piece.strip()]


def _pack(parts: Sequence[str], count_tokens: CountFn, limit: int) -> list[str]:
    """Greedily join consecutive parts while the joined piece stays within `limit` tokens."""
    packed: list[str] = []
    current, current_count = "", 0
    for part, count in zip(parts, count_tokens(parts)):
        if current and current_count + count > limit:
            packed.append(current)
            current, current_count = "", 0
        current = f"{current} {part}" if current else part
        current_count += count
    if current:
        packed.append(current)
    return packed


def _word_windows(text: str, count_tokens: CountFn, limit: int) -> list[str]:
    """Runs of whole words of at most `limit` tokens (a single word longer than that stands alone)."""
    words = text.split()
    windows: list[str] = []
    start = 0
    while start < len(words):
        size = min(len(words) - start, limit)  # every word is at least one token: linear, not quadratic
        while size > 1 and count_tokens([" ".join(words[start: start + size])])[0] > limit:
            size = max(1, size * 3 // 4)
        windows.append(" ".join(words[start: start + size]))
        start += size
    return windows
