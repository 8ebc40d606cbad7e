"""An English text as a Result that needs no translation (`brief summarize`): the text is its own translation, and
its quotations (“…” or "…") form the ledger."""

from __future__ import annotations

from ..reading import normalise
from ..result import QuoteResult, Result, SentenceResult, Span
from ..segment import segment, split_paragraphs


def result_from_english(text: str, *, source: str = "-") -> Result:
    normalised = normalise(text)
    # One line per paragraph, so that sentences and quotations are contiguous slices of the "translation".
    flat = "\n\n".join(" ".join(normalised[a:b].split()) for a, b in split_paragraphs(normalised))
    document = segment(flat)
    sentences = tuple(
        SentenceResult(s.index, s.paragraph, Span(document.sentence_text(s), s.start, s.end, document.sentence_text(s)),
                       document.sentence_text(s), "original")
        for s in document.sentences
    )
    quotes = []
    for quote in document.quotes.top_level():
        content = "\n\n".join(flat[a:b].strip() for a, b in quote.spans)
        covered = tuple(s.index for s in document.sentences if s.start < quote.close_pos and s.end > quote.open_pos)
        start, end = quote.spans[0][0], quote.spans[-1][1]
        start, end = start + len(flat[start:end]) - len(flat[start:end].lstrip()), start + len(flat[start:end].rstrip())
        quotes.append(QuoteResult(Span(flat[start:end], start, end, content), content, covered, (), "original"))
    return Result(source, flat, sentences, tuple(quotes), warnings=document.quotes.warnings)
