"""The abstractive brief: the translation's paragraphs packed into chunks (chunks.py), each summarised (map), the
partial summaries summarised again until one remains (reduce); output that is unusable is reported, not used."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..engine import Decoding, Summariser
from ..result import Check, Result
from .chunks import plan_chunks
from .headline import headline_from
from .quote_guard import check_quotes
from .text import WORD, content_words, split_sentences

_FALLBACK_ERRORS = (RuntimeError, ValueError, IndexError, MemoryError)


def _paragraphs(result: Result) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    last = None
    for sentence in result.sentences:
        if sentence.paragraph != last:
            paragraphs.append([])
            last = sentence.paragraph
        paragraphs[-1].append(sentence.target)
    if not paragraphs:
        paragraphs = [[p] for p in result.translation.split("\n\n") if p.strip()]
    return paragraphs


def _clean(text: str) -> str:
    """Model output on one line, without the space CNN-trained models put before punctuation."""
    text = " ".join((text or "").split())
    return re.sub(r"\s+(?=[,.;:!?](?:\s|$))", "", text)


def _unusable(summary: str, translation: str) -> str | None:
    """Why an abstractive summary can't be used (None when it can)."""
    words = WORD.findall(summary.lower())
    if not summary.strip():
        return "empty output"
    if len(words) < 4:
        return f"too short ({len(words)} words)"
    if len(set(words)) < 0.3 * len(words):
        return "repetitive output"
    content = content_words(summary)
    vocabulary = set(content_words(translation))
    if content and sum(word in vocabulary for word in content) < 0.5 * len(content):
        return "mostly words that are not in the article"
    return None


@dataclass(frozen=True)
class Abstract:
    """What the summariser made of an article, and whether it can be used."""

    headline: str
    summary: str
    checks: tuple[Check, ...]  # the quote guard's decisions on the summary
    chunks: int  # map-pass inputs
    input_tokens: int  # the article's tokens in them
    failure: str | None  # why the output can't be used (None: it can)
    output: str  # the model's summary as it came


def summarise_abstractive(
    result: Result, summariser: Summariser, decoding: Decoding, wordings: Sequence[str]
) -> Abstract:
    """The summariser's headline and 2–4 sentence summary, every quotation checked against the ledger wordings;
    a summariser that fails or writes something unusable gives `failure`, never an exception."""
    try:
        output, chunks, tokens = _map_reduce(summariser, _paragraphs(result), decoding)
    except _FALLBACK_ERRORS as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return Abstract("", "", (), 0, 0, f"{type(exc).__name__}: {first}", "")
    failure = _unusable(output, result.translation)
    if failure is not None:
        return Abstract("", "", (), chunks, tokens, failure, output)
    sentences = split_sentences(output)[:4]
    summary, checks = check_quotes(" ".join(sentences), wordings, result.translation, "summary")
    failure = _unusable(summary, result.translation)
    if failure is not None:
        return Abstract("", "", (), chunks, tokens, failure, output)
    return Abstract(headline_from(split_sentences(summary)[0]), summary, tuple(checks), chunks, tokens, None, output)


def _map_reduce(summariser: Summariser, paragraphs: list[list[str]], decoding: Decoding) -> tuple[str, int, int]:
    """(summary, map chunks, map input tokens). Partial summaries are summarised again until one remains."""
    limit = summariser.max_input_tokens
    chunks = plan_chunks(paragraphs, summariser.count_tokens, limit)
    if not chunks:
        return "", 0, 0
    partials = [_clean(s) for s in _summarise_checked(summariser, [c.text for c in chunks], decoding)]
    for _ in range(4):  # each pass shrinks the text several times over; four passes cover any article
        partials = [p for p in partials if p]
        if len(partials) <= 1:
            break
        reduce_chunks = plan_chunks([[p] for p in partials], summariser.count_tokens, limit)
        if len(reduce_chunks) >= len(partials):
            break  # not shrinking: keep the partials as they are
        partials = [_clean(s) for s in _summarise_checked(summariser, [c.text for c in reduce_chunks], decoding)]
    return " ".join(p for p in partials if p), len(chunks), sum(c.tokens for c in chunks)


def _summarise_checked(summariser: Summariser, texts: list[str], decoding: Decoding) -> list[str]:
    outputs = summariser.summarise(texts, decoding)
    if len(outputs) != len(texts):
        raise RuntimeError(f"{summariser.name} returned {len(outputs)} summaries for {len(texts)} inputs")
    return [o if isinstance(o, str) else "" for o in outputs]

