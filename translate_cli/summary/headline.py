"""A one-line headline from a sentence, by deletion only: never a word the sentence does not have."""

from __future__ import annotations

import re

from ..quotes import inside_quote, quoted_spans
from .text import words

_HEADLINE_WORDS = 20
_ASIDE = re.compile(r",\s+((?:[A-ZÀ-Ö]|(?:who|which|whose|the|a|an|his|her|its|their)\b)[^,“”«»\"]{0,80}?),\s+")
_CLAUSE_BREAK = re.compile(r",\s|;\s|:\s|\s[—–]\s")


def headline_from(sentence: str, max_words: int = _HEADLINE_WORDS) -> str:
    """A one-line headline from a sentence of the article or summary, by deletion only (never new words):
    drop a final period, then asides between commas, then cut at a clause boundary or between words — never
    inside a quotation."""
    text = " ".join(sentence.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    while len(words(text)) > max_words:
        spans = quoted_spans(text)[0]
        aside = next((m for m in _ASIDE.finditer(text) if not inside_quote(spans, m.start())
                      and len(m.group(1).split()) <= 8), None)
        if aside is None:
            break
        text = text[: aside.start()] + " " + text[aside.end():]
    if len(words(text)) <= max_words:
        return text
    spans = quoted_spans(text)[0]
    cuts = [m.start() for m in _CLAUSE_BREAK.finditer(text)
            if not inside_quote(spans, m.start()) and 6 <= len(words(text[: m.start()])) <= max_words]
    if cuts:
        return text[: cuts[-1]].rstrip(" ,;:—–")
    end = 0
    for match in re.finditer(r"\S+", text):
        if len(words(text[: match.end()])) > max_words:
            break
        if not inside_quote(spans, match.end()) or any(s.end == match.end() for s in spans):
            end = match.end()
    return text[:end].rstrip(" ,;:—–") + "…" if end else text

