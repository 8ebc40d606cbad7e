"""Paragraphs and sentences of a French news text, aware of abbreviations, initials, numbers and quotations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quotes import CLOSE, CONTINUE, OPEN, QuoteParse, parse_quotes
from .reading import Normalised


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    start: int  # offsets into Document.text
    end: int
    separator: str  # what joins it to the next sentence of its paragraph: " " or "\n"


@dataclass(frozen=True)
class Document:
    """A normalised text cut into paragraphs and sentences, with its quotation structure."""

    text: str
    paragraphs: tuple[tuple[int, int], ...]
    sentences: tuple[Sentence, ...]
    quotes: QuoteParse
    origin: Normalised | None = None  # how `text` maps back to the text as given (None: it is that text)
    blocks: tuple[str, ...] = ()  # per paragraph, its kind in a web page ("p", "h1", "item", "quote"); () for text

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start: sentence.end]

    def verbatim(self, start: int, end: int) -> tuple[str, int, int]:
        """text[start:end] as the input has it, with its offsets into the input."""
        if self.origin is None:
            return self.text[start:end], start, end
        return self.origin.verbatim(start, end)


# Words after which a period does not end a sentence (compared without the period, case-sensitive first,
# then lower-cased). Titles, Latin and bibliographic abbreviations, streets, units, months.
_ABBREVIATIONS = frozenset(
    """M MM Mme Mmes Mlle Mlles Mgr Me Dr Drs Pr Pre St Ste Sts Stes Sr Jr Cie Ets Co Corp Inc Ltd Gal Gén Col Cdt Cne
    Lt Sgt Adj Capt Vve Bd Av
    av apr cf ex env vol chap fig éd hab tél réf coll dir trad vs p pp art al no nos n° op ibid id sq sqq éds
    bd boul av fg pl rte ch imp janv févr fév avr juil sept oct nov déc lun mar mer jeu ven sam dim approx
    adm anc gouv min max mlle mme mmes mgr dép arr""".split()
)
_TERMINAL = ".!?…"
_CLOSING_BRACKETS = ")]}"
_WORD_BEFORE = re.compile(r"([\w\-°'.]+)$")
_ALL_CAPS_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by blank lines, outer whitespace trimmed.

    A text with no blank line at all whose lines end like paragraphs (final punctuation, or short lines such as
    headlines) has one paragraph per line — scraped articles often look like that; a hard-wrapped text, whose lines
    mostly stop mid-sentence, stays one block.
    """
    spans = []
    for match in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        start, end = match.span()
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    if len(spans) == 1 and _one_paragraph_per_line(text[spans[0][0]: spans[0][1]]):
        start = spans[0][0]
        spans = []
        for match in re.finditer(r"[^\n]+", text[start:]):
            line_start, line_end = start + match.start(), start + match.end()
            while line_start < line_end and text[line_start].isspace():
                line_start += 1
            while line_end > line_start and text[line_end - 1].isspace():
                line_end -= 1
            if line_end > line_start:
                spans.append((line_start, line_end))
    return spans


_ENDS_PARAGRAPH = re.compile(r"[.!?…:»”\"')]\s*$")


def _one_paragraph_per_line(block: str) -> bool:
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if len(lines) < 3:
        return False
    longest = max(len(line) for line in lines)
    ended = sum(bool(_ENDS_PARAGRAPH.search(line)) or len(line) < 0.5 * longest for line in lines[:-1])
    return ended >= 0.8 * (len(lines) - 1)


def segment(text: str, origin: Normalised | None = None, blocks: tuple[str, ...] = ()) -> Document:
    """Cut a normalised text (see reading.normalise) into paragraphs and sentences and parse its quotations.
    `origin` (whose text is `text`) lets the document quote its input verbatim; `blocks` gives each paragraph's
    kind in a web page (ignored unless there is one per paragraph)."""
    paragraphs = split_paragraphs(text)
    quotes = parse_quotes(text, paragraphs)
    roles = {mark.pos: mark.role for mark in quotes.marks}
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        cuts = _boundaries(text, p_start, p_end, roles)
        starts = [p_start] + [cut for cut, _ in cuts]
        seps = [sep for _, sep in cuts] + [""]
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else p_end
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                sentences.append(Sentence(len(sentences), p_index, start, end, seps[k]))
    blocks = blocks if len(blocks) == len(paragraphs) else ()
    return Document(text, tuple(paragraphs), tuple(sentences), quotes, origin, blocks)


def _boundaries(text: str, start: int, end: int, roles: dict[int, str]) -> list[tuple[int, str]]:
    """Positions where a new sentence starts inside a paragraph, with the separator before each."""
    cuts: list[tuple[int, str]] = []
    line_cuts = _line_breaks(text, start, end, roles)
    i = start
    while i < end:
        char = text[i]
        if char == "\n" and i + 1 in line_cuts:
            cuts.append((i + 1, "\n"))
        if char not in _TERMINAL:
            i += 1
            continue
        run_start = i
        while i < end and (text[i] in _TERMINAL):
            i += 1
        punct = text[run_start:i]
        # Closing quotation marks and brackets that belong to the ending sentence (French puts a space before »).
        j = i
        while j < end:
            if text[j] in _CLOSING_BRACKETS or roles.get(j) == CLOSE:
                i = j = j + 1
            elif text[j] == " " and j + 1 < end and roles.get(j + 1) == CLOSE:
                j += 1
            else:
                break
        if i >= end or not text[i].isspace():
            continue
        k = i
        while k < end and text[k].isspace():
            k += 1
        if k >= end or not _starts_sentence(text, k, roles):
            continue
        if punct == "." and _is_abbreviation(text, start, run_start, k):
            continue
        if punct in ("...", "…") and run_start > start and text[run_start - 1] in "([":
            continue
        separator = "\n" if "\n" in text[i:k] else " "
        if not cuts or cuts[-1][0] != k:
            cuts.append((k, separator))
    return sorted(set(cuts))


def _starts_sentence(text: str, pos: int, roles: dict[int, str]) -> bool:
    char = text[pos]
    if char.isupper() or char.isdigit() or char in "([—–-¿¡…":
        return True
    return roles.get(pos) in (OPEN, CONTINUE) or char in "«“„"


def _is_abbreviation(text: str, para_start: int, dot: int, next_start: int) -> bool:
    match = _WORD_BEFORE.search(text, para_start, dot)
    if not match:
        return False
    word = match.group(1).split("'")[-1].lstrip("-")  # l'art. → art
    if word in ("J.-C", "J-C"):  # "av. J.-C." ends sentences more often than not
        return False
    last = re.split(r"[.\-']", word)[-1]
    if len(last) == 1 and last.isalpha() and last.isupper():
        return True  # an initial: J. Dupont, J.-L. Mélenchon
    if "." in word and all(len(part) <= 2 for part in word.split(".") if part):
        return True  # e.g. "p.ex", "c.-à-d", "U.S"
    if word.isdigit():
        # "1. " opening a paragraph or a line is a list number, not a sentence end
        line_start = text.rfind("\n", para_start, dot) + 1 or para_start
        return text[max(line_start, para_start): match.start()].strip() == ""
    return word in _ABBREVIATIONS or word.lower() in _ABBREVIATIONS and not word.isupper()


def _line_breaks(text: str, start: int, end: int, roles: dict[int, str]) -> set[int]:
    """Starts of lines that begin a new sentence although the previous line has no final punctuation.

    A short unpunctuated line (a headline, a rubric, a dateline) ends there; a hard-wrapped line of running text,
    about as long as the paragraph's longest line, does not. Dialogue and list lines always start anew.
    """
    lines = []
    pos = start
    for line in text[start:end].split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    if len(lines) < 2:
        return set()
    longest = max(len(line.strip()) for _, line in lines)
    result = set()
    for (_, line), (next_pos, next_line) in zip(lines, lines[1:]):
        stripped, following = line.strip(), next_line.lstrip()
        if not stripped or not following:
            continue
        first = next_pos + len(next_line) - len(following)
        if following[0] in "—–-•*" or re.match(r"\d+[.)] ", following):
            result.add(first)
            continue
        if stripped[-1] in _TERMINAL or not _starts_sentence(text, first, roles):
            continue
        letters = [c for c in stripped if c.isalpha()]
        all_caps = len(letters) >= 2 and all(c.isupper() for c in letters)
        if all_caps or len(stripped) < 0.7 * longest or stripped[-1] == ":":
            result.add(first)
    return result
