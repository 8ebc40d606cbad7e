"""The English text of a document from its sentences' renderings: English spacing, quotation marks written
from the source's structure in the chosen style, each sentence's result and the quote ledger."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..quotes import CONTINUE, LITERAL, OPEN, QuoteStyle
from ..result import NestedQuote, QuoteResult, SentenceResult, Span
from ..segment import Document
from .restore import Renderings, SentencePlan

_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[,.;:!?%)\]])")
_MULTISPACE = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Assembled:
    translation: str
    sentences: tuple[SentenceResult, ...]
    quotes: tuple[QuoteResult, ...]


class _Builder:
    """Concatenates rendered tokens with English spacing, remembering where each quotation's content lies.

    Spacing depends on the previous token's kind, not on characters: with straight quotes an opening and a
    closing mark look the same.
    """

    def __init__(self) -> None:
        self.text = ""
        self.last = "start"  # kind of the previous token
        self.content_starts: dict[int, int] = {}
        self.spans: dict[int, list[tuple[int, int]]] = {}

    def add_text(self, value: str) -> None:
        value = _SPACE_BEFORE_PUNCT.sub("", _MULTISPACE.sub(" ", value.replace("\n", " ")))
        if value[:1] in _PUNCT:
            self.text = self.text.rstrip(" ")
        if self.last in ("open", "start") or self.text.endswith((" ", "\n")):
            value = value.lstrip()
        if value and self.last == "close" and value[0].isalnum():
            value = " " + value
        self.text += value
        if value:
            self.last = "text"

    def open(self, quote: int, mark: str) -> None:
        if self.last != "open" and self.text and not self.text.endswith((" ", "\n", "(", "[", "—", "–", "/", "-")):
            self.text += " "
        self.text += mark
        self.content_starts[quote] = len(self.text)
        self.last = "open"

    def close(self, quote: int, mark: str) -> None:
        self.text = self.text.rstrip(" ")
        self.end_span(quote)
        self.text += mark
        self.content_starts.pop(quote, None)
        self.last = "close"

    def end_span(self, quote: int) -> None:
        start = self.content_starts.get(quote)
        if start is not None:
            self.spans.setdefault(quote, []).append((start, len(self.text)))

    def literal(self, char: str) -> None:
        if self.text and not self.text.endswith((" ", "\n")):
            self.text += " "
        self.text += char + " "
        self.last = "literal"

    def new_line(self, separator: str) -> None:
        self.text = self.text.rstrip(" ") + separator
        self.last = "start"


_PUNCT = frozenset(",.;:!?%)]")


def assemble(
    doc: Document, plans: Sequence[SentencePlan], renderings: Renderings, style: QuoteStyle = QuoteStyle.CURLY
) -> Assembled:
    """The English text built from each sentence's rendering, per-sentence results and the quote ledger."""
    methods = {plan.sentence.index: plan.method for plan in plans}
    builder = _Builder()
    sentence_results: list[SentenceResult] = []
    open_quotes: list[int] = []
    previous_paragraph = None
    paragraph_spans: dict[int, tuple[int, int]] = {}  # paragraph → its English in builder.text
    for sentence in doc.sentences:
        if previous_paragraph is not None and sentence.paragraph != previous_paragraph:
            for quote in open_quotes:  # a quotation running on: its content so far ends with the paragraph
                builder.end_span(quote)
            builder.new_line("\n\n")
        if sentence.paragraph != previous_paragraph:
            paragraph_spans[sentence.paragraph] = (len(builder.text), len(builder.text))
        previous_paragraph = sentence.paragraph
        sentence_start = len(builder.text)
        for token in renderings[sentence.index]:
            if token.kind == "text":
                builder.add_text(token.value)
                continue
            if token.kind == LITERAL:
                builder.literal(token.value)
                continue
            depth = doc.quotes.quotes[token.quote].depth
            opening, closing = style.marks(depth)
            if token.kind in (OPEN, CONTINUE):
                builder.open(token.quote, opening)
                if token.kind == OPEN:
                    open_quotes.append(token.quote)
            else:
                builder.close(token.quote, closing)
                if token.quote in open_quotes:
                    open_quotes.remove(token.quote)
        builder.text = builder.text.rstrip(" ")
        target = builder.text[sentence_start:]
        paragraph_spans[sentence.paragraph] = (paragraph_spans[sentence.paragraph][0], len(builder.text))
        french = Span(*doc.verbatim(sentence.start, sentence.end), " ".join(doc.sentence_text(sentence).split()))
        sentence_results.append(
            SentenceResult(sentence.index, sentence.paragraph, french, target.strip(), methods[sentence.index])
        )
        if sentence.separator == "\n":
            builder.new_line("\n")
        elif sentence.separator and builder.last != "open":  # a quote opened by an empty sentence hugs its text
            builder.text += sentence.separator
    translation = builder.text.strip()
    ledger = _ledger(doc, builder, sentence_results) + _block_quotes(doc, builder, sentence_results, paragraph_spans)
    ledger.sort(key=lambda quote: quote.french.start)
    return Assembled(translation, tuple(sentence_results), tuple(ledger))


def _ledger(doc: Document, builder: _Builder, sentences: list[SentenceResult]) -> list[QuoteResult]:
    def source_of(quote) -> Span:
        return quoted_span(doc, quote.spans)

    def target_of(quote) -> str:
        return "\n\n".join(builder.text[a:b].strip() for a, b in builder.spans.get(quote.id, []))

    results = []
    sentence_starts = [s.start for s in doc.sentences]
    sentence_ends = [s.end for s in doc.sentences]
    for quote in doc.quotes.top_level():
        lo = bisect_left(sentence_ends, quote.open_pos + 1)
        hi = bisect_left(sentence_starts, quote.close_pos)
        covered = tuple(s.index for s in doc.sentences[lo:hi])  # sorted, disjoint: the slice is the overlap
        marked = {
            sentences[s.index].method
            for s in doc.sentences[lo: bisect_right(sentence_starts, quote.close_pos)]
            if s.start <= quote.open_pos < s.end or s.start <= quote.close_pos < s.end
        }
        method = marked.pop() if len(marked) == 1 else "mixed"
        nested = tuple(NestedQuote(source_of(q), target_of(q)) for q in doc.quotes.descendants(quote.id))
        results.append(QuoteResult(source_of(quote), target_of(quote), covered, nested, method))
    return results


def _block_quotes(doc: Document, builder: _Builder, sentences: list[SentenceResult],
                  paragraph_spans: dict[int, tuple[int, int]]) -> list[QuoteResult]:
    """A web page's <blockquote> paragraphs as ledger quotations (origin "blockquote"), marks or not: the whole
    paragraph, French verbatim and its English."""
    results = []
    for paragraph, kind in enumerate(doc.blocks):
        if kind != "quote" or paragraph not in paragraph_spans:
            continue
        start, end = doc.paragraphs[paragraph]
        covered = [s for s in sentences if s.paragraph == paragraph]
        methods = {s.method for s in covered}
        english_start, english_end = paragraph_spans[paragraph]
        results.append(QuoteResult(quoted_span(doc, [(start, end)]), builder.text[english_start:english_end].strip(),
                                   tuple(s.index for s in covered), (), methods.pop() if len(methods) == 1 else "mixed",
                                   origin="blockquote"))
    return results


def quoted_span(doc: Document, spans: Sequence[tuple[int, int]]) -> Span:
    """A quotation's content, verbatim from its first word to its last (over paragraphs, with what lies between);
    its normalised form has one space between words and a blank line between paragraphs."""
    normalised = "\n\n".join(" ".join(doc.text[a:b].split()) for a, b in spans)
    start, end = spans[0][0], spans[-1][1]
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return Span(*doc.verbatim(start, end), normalised)
