"""Quotation-preserving translation of a segmented Document.

Each sentence is cut at its quotation marks into pieces. A sentence whose marks are all top-level is first
translated whole ("inline"); the model's output is accepted only if it has the same marks in the same order with
text in the same slots. Otherwise quote contents and frame are translated apart ("separate"). Either way the
English marks are written by this module from the source's structure, never taken from the model.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .quotes import CLOSE, CONTINUE, LITERAL, OPEN, QUOTE_CHARS, QuoteStyle
from .result import NestedQuote, QuoteResult, SentenceResult
from .segment import Document, Sentence

TranslateFn = Callable[[Sequence[str]], list[str]]

_OUTPUT_OPENERS = frozenset("«“„‹")
_OUTPUT_CLOSERS = frozenset("»”›")
_HAS_WORD = re.compile(r"\w")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[,.;:!?%)\]])")
_MULTISPACE = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Token:
    kind: str  # "text", OPEN, CLOSE, CONTINUE or LITERAL
    value: str = ""  # text, or the literal mark
    quote: int | None = None
    untranslated: bool = False  # the model returned nothing for this text: the French is kept, never dropped


def _english(translations: Mapping[str, str], source: str) -> tuple[str, bool]:
    """The model's English for `source`; the French itself if the model returned nothing (nothing is lost)."""
    english = clean_output(translations.get(prepare(source), "")).strip()
    if english or not _HAS_WORD.search(source):
        return english, False
    return " ".join(source.split()), True


def _plain_tokens(plan: _Plan, translations: Mapping[str, str]) -> list[Token]:
    source = "".join(t.value for t in plan.tokens if t.kind == "text")
    english, untranslated = _english(translations, source)
    # continuation marks only occur at a paragraph's start, so they come first
    return [t for t in plan.tokens if t.kind == CONTINUE] + [Token("text", english, untranslated=untranslated)]


def prepare(text: str) -> str:
    """What the model sees: one line, and an ALL-CAPS line in sentence case (opus-mt loops on all caps)."""
    text = " ".join(text.split())
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
        lowered = text.lower()
        index = next((i for i, c in enumerate(lowered) if c.isalpha()), 0)
        text = lowered[:index] + lowered[index:].capitalize()[:1] + lowered[index + 1:]
    return text


def clean_output(text: str) -> str:
    """Model output stripped of quotation marks (the code places those) and with plain apostrophes."""
    text = text.replace("’", "'").replace("‘", "'")
    return "".join(c for c in text if c not in QUOTE_CHARS or c == "'")


def source_tokens(doc: Document, sentence: Sentence) -> list[Token]:
    """A sentence as text pieces and quotation marks, in order."""
    tokens: list[Token] = []
    cursor = sentence.start
    marks = doc.quotes.marks
    first = bisect_left(marks, sentence.start, key=lambda mark: mark.pos)  # marks are sorted: no full scan per sentence
    last = bisect_left(marks, sentence.end, key=lambda mark: mark.pos)
    for mark in marks[first:last]:
        if mark.pos > cursor:
            tokens.append(Token("text", doc.text[cursor: mark.pos]))
        tokens.append(Token(mark.role, mark.char, mark.quote))
        cursor = mark.pos + 1
    if cursor < sentence.end:
        tokens.append(Token("text", doc.text[cursor: sentence.end]))
    return tokens


def _split_core(text: str) -> tuple[str, str, str]:
    """(prefix, core, suffix): the core is what the model translates; punctuation around it stays as is."""
    match = re.match(r"^([\s,;:.!?)\]}…]*)(.*?)(\s*)$", text, re.S)
    assert match is not None
    prefix, core, suffix = match.groups()
    if not _HAS_WORD.search(core):
        return text, "", ""
    return prefix, core, suffix


@dataclass
class _Plan:
    sentence: Sentence
    tokens: list[Token]
    method: str  # "plain", "inline" or "separate"
    inline_input: str = ""


def _plan(doc: Document, sentence: Sentence) -> _Plan:
    tokens = source_tokens(doc, sentence)
    marks = [t for t in tokens if t.kind in (OPEN, CLOSE)]
    if not marks and all(t.kind in ("text", CONTINUE) for t in tokens):
        return _Plan(sentence, tokens, "plain", prepare("".join(t.value for t in tokens if t.kind == "text")))
    top_level_only = all(doc.quotes.quotes[t.quote].depth == 0 for t in marks)
    if top_level_only and not any(t.kind == LITERAL for t in tokens):
        text = "".join(t.value for t in tokens if t.kind != CONTINUE)
        return _Plan(sentence, tokens, "inline", prepare(text))
    return _Plan(sentence, tokens, "separate")


def _inline_slots(plan: _Plan, output: str) -> list[str] | None:
    """The model's text between its quotation marks, if they match the source's marks slot for slot."""
    expected = [t.kind for t in plan.tokens if t.kind in (OPEN, CLOSE)]
    found: list[tuple[int, str]] = []
    for i, char in enumerate(output):
        if char in _OUTPUT_OPENERS:
            found.append((i, OPEN))
        elif char in _OUTPUT_CLOSERS:
            found.append((i, CLOSE))
        elif char == '"':
            found.append((i, "either"))
    if len(found) != len(expected) or any(kind not in ("either", want) for (_, kind), want in zip(found, expected)):
        return None
    slots, cursor = [], 0
    for pos, _ in found:
        slots.append(output[cursor:pos])
        cursor = pos + 1
    slots.append(output[cursor:])
    # Source slots: the text between consecutive marks (continuation marks are not slots).
    source_slots, current = [], ""
    for token in plan.tokens:
        if token.kind in (OPEN, CLOSE):
            source_slots.append(current)
            current = ""
        elif token.kind == "text":
            current += token.value
    source_slots.append(current)
    # Text must stay on the same side of every mark: the frame before a quote stays before it.
    if any(bool(_HAS_WORD.search(a)) != bool(_HAS_WORD.search(b)) for a, b in zip(source_slots, slots)):
        return None
    return [clean_output(slot) for slot in slots]


class DocumentJob:
    """One document's translation in two passes, so a caller can batch the passes of many documents together.

    first_inputs() → (translate them) → second_inputs(first) → (translate them) → finish(second)
    """

    def __init__(self, doc: Document, style: QuoteStyle = QuoteStyle.CURLY) -> None:
        self.doc = doc
        self.style = style
        self.plans = [_plan(doc, sentence) for sentence in doc.sentences]
        self.rendered: dict[int, list[Token]] = {}

    def first_inputs(self) -> list[str]:
        """Whole sentences: plain ones, and quoted ones tried inline."""
        return [plan.inline_input for plan in self.plans if plan.method in ("plain", "inline")]

    def second_inputs(self, translations: Mapping[str, str]) -> list[str]:
        """Apply the first pass; return the pieces of sentences whose quotes must be translated apart."""
        for plan in self.plans:
            if plan.method == "plain":
                self.rendered[plan.sentence.index] = _plain_tokens(plan, translations)
            elif plan.method == "inline":
                slots = _inline_slots(plan, translations.get(plan.inline_input, ""))
                if slots is None:
                    plan.method = "separate"
                else:
                    self.rendered[plan.sentence.index] = _fill_slots(plan.tokens, slots)
        cores = (
            prepare(_split_core(t.value)[1])
            for plan in self.plans
            if plan.method == "separate"
            for t in plan.tokens
            if t.kind == "text"
        )
        return [core for core in dict.fromkeys(cores) if core]

    def finish(self, translations: Mapping[str, str]) -> tuple[str, list[SentenceResult], list[QuoteResult]]:
        """Apply the second pass and assemble: English text, per-sentence results, quote ledger."""
        for plan in self.plans:
            if plan.method == "separate":
                self.rendered[plan.sentence.index] = _render_separate(plan, translations)
        return self.assemble()

    def assemble(
        self, overrides: Mapping[int, list[Token]] | None = None
    ) -> tuple[str, list[SentenceResult], list[QuoteResult]]:
        """Build the English text from each sentence's rendering (`overrides` replace some, e.g. retries)."""
        rendered = {**self.rendered, **(overrides or {})}
        methods = {plan.sentence.index: plan.method for plan in self.plans}
        return _assemble(self.doc, rendered, methods, self.style)

    def untranslated(self, index: int, overrides: Mapping[int, list[Token]] | None = None) -> list[str]:
        """French pieces of a sentence that the model left empty (kept as French in the output)."""
        tokens = (overrides or {}).get(index, self.rendered.get(index, []))
        return [t.value.strip() for t in tokens if t.untranslated]

    def retry_inputs(self, indices: Iterable[int]) -> list[str]:
        """The model inputs that produced these sentences: whole sentences, or their pieces if translated apart."""
        inputs: list[str] = []
        for index in indices:
            plan = self.plans[index]
            if plan.method == "separate":
                cores = (prepare(_split_core(t.value)[1]) for t in plan.tokens if t.kind == "text")
                inputs.extend(core for core in cores if core)
            else:
                inputs.append(plan.inline_input)
        return inputs

    def retry_renderings(self, indices: Iterable[int], translations: Mapping[str, str]) -> dict[int, list[Token]]:
        """Candidate renderings of these sentences from other translations of the same inputs. A sentence whose new
        output no longer matches its quotation marks gets no candidate: its first rendering stands."""
        candidates: dict[int, list[Token]] = {}
        for index in indices:
            plan = self.plans[index]
            if plan.method == "separate":
                candidates[index] = _render_separate(plan, translations)
            elif plan.method == "plain":
                candidates[index] = _plain_tokens(plan, translations)
            else:
                slots = _inline_slots(plan, translations.get(plan.inline_input, ""))
                if slots is not None:
                    candidates[index] = _fill_slots(plan.tokens, slots)
        return candidates


def _render_separate(plan: _Plan, translations: Mapping[str, str]) -> list[Token]:
    tokens = []
    for token in plan.tokens:
        if token.kind == "text":
            prefix, core, suffix = _split_core(token.value)
            english, untranslated = _english(translations, core) if core else ("", False)
            tokens.append(Token("text", f"{prefix}{english}{suffix}", untranslated=untranslated))
        else:
            tokens.append(token)
    return tokens


def translate_document(
    doc: Document, translate: TranslateFn, style: QuoteStyle = QuoteStyle.CURLY
) -> tuple[str, list[SentenceResult], list[QuoteResult]]:
    """Translate one Document; returns the English text, per-sentence results and the quote ledger."""
    job = DocumentJob(doc, style)
    first = job.first_inputs()
    second = job.second_inputs(dict(zip(first, translate(first))))
    return job.finish(dict(zip(second, translate(second))))


def _fill_slots(tokens: list[Token], slots: list[str]) -> list[Token]:
    out: list[Token] = []
    slot_iter = iter(slots)
    out.append(Token("text", next(slot_iter)))
    for token in tokens:
        if token.kind in (OPEN, CLOSE):
            out.append(token)
            out.append(Token("text", next(slot_iter)))
        elif token.kind == CONTINUE:
            out.insert(0, token)
    return out


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


def _assemble(doc, rendered, methods, style):
    builder = _Builder()
    sentence_results: list[SentenceResult] = []
    open_quotes: list[int] = []
    previous_paragraph = None
    for sentence in doc.sentences:
        if previous_paragraph is not None and sentence.paragraph != previous_paragraph:
            for quote in open_quotes:  # a quotation running on: its content so far ends with the paragraph
                builder.end_span(quote)
            builder.new_line("\n\n")
        previous_paragraph = sentence.paragraph
        sentence_start = len(builder.text)
        for token in rendered[sentence.index]:
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
        source = " ".join(doc.sentence_text(sentence).split())
        sentence_results.append(
            SentenceResult(sentence.index, sentence.paragraph, source, target.strip(), methods[sentence.index])
        )
        if sentence.separator == "\n":
            builder.new_line("\n")
        elif sentence.separator and builder.last != "open":  # a quote opened by an empty sentence hugs its text
            builder.text += sentence.separator
    translation = builder.text.strip()
    return translation, sentence_results, _ledger(doc, builder, sentence_results)


def _ledger(doc: Document, builder: _Builder, sentences: list[SentenceResult]) -> list[QuoteResult]:
    def source_of(quote) -> str:
        return "\n\n".join(" ".join(doc.text[a:b].split()) for a, b in quote.spans)

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
