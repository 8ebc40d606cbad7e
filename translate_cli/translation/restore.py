"""Quotation-preserving translation of a segmented Document, as values: plans → model inputs → renderings.

Each sentence is cut at its quotation marks into tokens. A sentence whose marks are all top-level is first
translated whole ("inline"); the model's output is accepted only if it has the same marks in the same order with
text in the same slots. Otherwise quote contents and frame are translated apart ("separate"). Either way the
English marks are written from the source's structure (assemble.py), never taken from the model.

    plans = plan_sentences(doc)
    plans, renderings = apply_first(plans, translations_of(first_inputs(plans)))
    renderings = apply_second(plans, renderings, translations_of(second_inputs(plans)))
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..quotes import CLOSE, CONTINUE, LITERAL, OPEN, QUOTE_CHARS
from ..segment import Document, Sentence

_OUTPUT_OPENERS = frozenset("«“„‹")
_OUTPUT_CLOSERS = frozenset("»”›")
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Token:
    kind: str  # "text", OPEN, CLOSE, CONTINUE or LITERAL
    value: str = ""  # text, or the literal mark
    quote: int | None = None
    untranslated: bool = False  # the model returned nothing for this text: the French is kept, never dropped


Tokens = tuple[Token, ...]
Renderings = Mapping[int, Tokens]  # sentence index → its English tokens


@dataclass(frozen=True)
class SentencePlan:
    sentence: Sentence
    tokens: Tokens  # the French sentence: text and quotation marks
    method: str  # "plain", "inline" or "separate"
    inline_input: str = ""  # the model input when translated whole

    def pieces(self) -> list[str]:
        """Model inputs when translated apart: the core of every text token."""
        cores = (prepare(_split_core(t.value)[1]) for t in self.tokens if t.kind == "text")
        return [core for core in cores if core]

    def inputs(self) -> list[str]:
        """The model inputs this sentence's rendering comes from."""
        return self.pieces() if self.method == "separate" else [self.inline_input]


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


def source_tokens(doc: Document, sentence: Sentence) -> Tokens:
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
    return tuple(tokens)


def _split_core(text: str) -> tuple[str, str, str]:
    """(prefix, core, suffix): the core is what the model translates; punctuation around it stays as is."""
    match = re.match(r"^([\s,;:.!?)\]}…]*)(.*?)(\s*)$", text, re.S)
    assert match is not None
    prefix, core, suffix = match.groups()
    if not _HAS_WORD.search(core):
        return text, "", ""
    return prefix, core, suffix


def plan_sentences(doc: Document) -> tuple[SentencePlan, ...]:
    return tuple(_plan(doc, sentence) for sentence in doc.sentences)


def _plan(doc: Document, sentence: Sentence) -> SentencePlan:
    tokens = source_tokens(doc, sentence)
    marks = [t for t in tokens if t.kind in (OPEN, CLOSE)]
    if not marks and all(t.kind in ("text", CONTINUE) for t in tokens):
        return SentencePlan(sentence, tokens, "plain", prepare("".join(t.value for t in tokens if t.kind == "text")))
    top_level_only = all(doc.quotes.quotes[t.quote].depth == 0 for t in marks)
    if top_level_only and not any(t.kind == LITERAL for t in tokens):
        text = "".join(t.value for t in tokens if t.kind != CONTINUE)
        return SentencePlan(sentence, tokens, "inline", prepare(text))
    return SentencePlan(sentence, tokens, "separate")


def first_inputs(plans: Sequence[SentencePlan]) -> list[str]:
    """Whole sentences: plain ones, and quoted ones tried inline."""
    return [plan.inline_input for plan in plans if plan.method in ("plain", "inline")]


def apply_first(
    plans: Sequence[SentencePlan], translations: Mapping[str, str]
) -> tuple[tuple[SentencePlan, ...], dict[int, Tokens]]:
    """The first pass's renderings, and the plans as they now stand: an inline sentence whose output does not
    keep its quotation marks slot for slot is planned "separate" instead (rendered in the second pass)."""
    settled: list[SentencePlan] = []
    renderings: dict[int, Tokens] = {}
    for plan in plans:
        rendering = _render(plan, translations) if plan.method in ("plain", "inline") else None
        if rendering is None and plan.method == "inline":
            plan = replace(plan, method="separate")
        if rendering is not None:
            renderings[plan.sentence.index] = rendering
        settled.append(plan)
    return tuple(settled), renderings


def second_inputs(plans: Sequence[SentencePlan]) -> list[str]:
    """The pieces of sentences whose quotes are translated apart."""
    pieces = (piece for plan in plans if plan.method == "separate" for piece in plan.pieces())
    return list(dict.fromkeys(pieces))


def apply_second(
    plans: Sequence[SentencePlan], renderings: Renderings, translations: Mapping[str, str]
) -> dict[int, Tokens]:
    """Every sentence's rendering: the first pass's, and the separate ones from the second pass."""
    done = dict(renderings)
    for plan in plans:
        if plan.method == "separate":
            done[plan.sentence.index] = _render_separate(plan, translations)
    return done


def retry_inputs(plans: Sequence[SentencePlan], indices: Iterable[int]) -> list[str]:
    """The model inputs that produced these sentences: whole sentences, or their pieces if translated apart."""
    return [text for index in indices for text in plans[index].inputs()]


def retry_renderings(
    plans: Sequence[SentencePlan], indices: Iterable[int], translations: Mapping[str, str]
) -> dict[int, Tokens]:
    """Candidate renderings of these sentences from other translations of the same inputs. A sentence whose new
    output no longer matches its quotation marks gets no candidate: its first rendering stands."""
    candidates: dict[int, Tokens] = {}
    for index in indices:
        rendering = _render(plans[index], translations)
        if rendering is not None:
            candidates[index] = rendering
    return candidates


def untranslated(tokens: Tokens) -> list[str]:
    """French pieces of a rendering that the model left empty (kept as French in the output)."""
    return [t.value.strip() for t in tokens if t.untranslated]


def _render(plan: SentencePlan, translations: Mapping[str, str]) -> Tokens | None:
    if plan.method == "separate":
        return _render_separate(plan, translations)
    if plan.method == "plain":
        return _plain_tokens(plan, translations)
    slots = _inline_slots(plan, translations.get(plan.inline_input, ""))
    return None if slots is None else _fill_slots(plan.tokens, slots)


def _english(translations: Mapping[str, str], source: str) -> tuple[str, bool]:
    """The model's English for `source`; the French itself if the model returned nothing (nothing is lost)."""
    english = clean_output(translations.get(prepare(source), "")).strip()
    if english or not _HAS_WORD.search(source):
        return english, False
    return " ".join(source.split()), True


def _plain_tokens(plan: SentencePlan, translations: Mapping[str, str]) -> Tokens:
    source = "".join(t.value for t in plan.tokens if t.kind == "text")
    english, missing = _english(translations, source)
    # continuation marks only occur at a paragraph's start, so they come first
    return (*(t for t in plan.tokens if t.kind == CONTINUE), Token("text", english, untranslated=missing))


def _render_separate(plan: SentencePlan, translations: Mapping[str, str]) -> Tokens:
    tokens = []
    for token in plan.tokens:
        if token.kind == "text":
            prefix, core, suffix = _split_core(token.value)
            english, missing = _english(translations, core) if core else ("", False)
            tokens.append(Token("text", f"{prefix}{english}{suffix}", untranslated=missing))
        else:
            tokens.append(token)
    return tuple(tokens)


def _inline_slots(plan: SentencePlan, output: str) -> list[str] | None:
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


def _fill_slots(tokens: Tokens, slots: list[str]) -> Tokens:
    out: list[Token] = []
    slot_iter = iter(slots)
    out.append(Token("text", next(slot_iter)))
    for token in tokens:
        if token.kind in (OPEN, CLOSE):
            out.append(token)
            out.append(Token("text", next(slot_iter)))
        elif token.kind == CONTINUE:
            out.insert(0, token)
    return tuple(out)
