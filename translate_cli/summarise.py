"""The brief of a translated article: a headline, a 2–4 sentence summary and 1–3 key quotes — never a misquote.

    summarise_result(result, summariser)        # summariser None → extractive
    load_summariser("auto", device="cpu")       # --summarizer auto | extractive | NAME | REPO | DIR

Abstractive path: the translation's sentences, grouped by paragraph, are packed into chunks that fit the model's input
limit (an over-long sentence is cut at clause, then word boundaries; nothing is left out), each chunk is summarised
(map), and the joined partial summaries are summarised again (reduce; chunked again while they do not fit). The
headline is the first sentence of that summary, shortened by deletion only (no second generation: a second model
call costs time and is one more chance to invent). Output that is empty or unusable falls back to extractive.

Extractive path: whole sentences of the translation scored by position, centrality (word overlap with the rest of the
article) and quotations; verbatim by construction. Headline: the article's title line when it has one, else its first
sentence shortened by deletion.

Either way every quoted span of the headline and summary is checked: it must occur verbatim inside one of the article's
quotations (the ledger; the whole translation when there is no ledger). `checks` records each decision as a dict
with five string keys, {"check", "where", "action", "text", "detail"}:
    check "quote", where "headline" | "summary" | "quotes", action one of
        "verbatim"      kept as written
        "replaced"      altered by the model: replaced by the closest ledger quote's exact wording (in "detail")
        "completed"     cut short by the model: replaced by the full ledger wording (in "detail")
        "unquoted"      no such quotation in the article: quotation marks dropped, words kept
        "mark-removed"  a stray, empty or unclosed quotation mark removed
        "excerpt"       a key quote running over several paragraphs: its longest paragraph is used
    check "summary", where "summary", action "fallback": the abstractive output was unusable ("detail" says why),
        the extractive summary is used.
Nothing heavy is imported at module level: torch/transformers load only in backends.torch_bart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from .result import QuoteResult, Result, SentenceResult

# ----------------------------------------------------------------------------------------------- API types


@runtime_checkable
class Summariser(Protocol):
    """Any engine that turns English texts into English summaries, one output per input, in order."""

    name: str
    max_input_tokens: int  # inputs are planned so that count_tokens(text) never exceeds this

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def summarise(self, texts: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True)
class KeyQuote:
    text: str  # a ledger quote's English wording, verbatim in the translation
    speaker: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "speaker": self.speaker}


Check = dict[str, str]


@dataclass(frozen=True)
class BriefSummary:
    headline: str
    summary: str
    quotes: tuple[KeyQuote, ...]
    method: str  # "abstractive" or "extractive"
    checks: tuple[Check, ...] = ()
    chunks: int = 0  # map-pass inputs given to the abstractive model (0 when extractive)
    input_tokens: int = 0  # tokens of the article in those inputs (0 when extractive)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "summary": self.summary,
            "quotes": [quote.to_dict() for quote in self.quotes],
            "method": self.method,
            "checks": [dict(check) for check in self.checks],
            "chunks": self.chunks,
            "input_tokens": self.input_tokens,
        }


def _check(check: str, where: str, action: str, text: str = "", detail: str = "") -> Check:
    return {"check": check, "where": where, "action": action, "text": text, "detail": detail}


# ------------------------------------------------------------------------------------------- text helpers

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as into about over after before than then that this
    these those there here it its he she they we you his her their our your them him us me is are was were be been
    being has have had do does did will would shall should can could may might must not no nor so too very also just
    only more most such said says say according who whom whose which what when where while why how all any both each
    few other some own same le la les un une des du de et en est que qui dans pour par sur pas""".split()
)


def _tokens(text: str) -> list[str]:
    """Content words, lower-cased and crudely de-pluralised: enough for overlap scores."""
    out = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        if len(word) < 3 or word in _STOP:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _words(text: str) -> list[str]:
    return text.split()


# ---------------------------------------------------------------------------------------- quoted spans

# Opening mark → marks that close it. Single quotes count only at word boundaries (otherwise they are apostrophes).
_PAIRS = {"“": "”", "«": "»", "„": "“”", "‹": "›", '"': '"', "‘": "’", "'": "'’"}
_STRAY_CLOSERS = frozenset("”»›")
_QUOTE_MARKS = frozenset("“”«»„‹›\"")


@dataclass(frozen=True)
class QuotedSpan:
    start: int  # index of the opening mark
    end: int  # one past the closing mark; len(text) when it is never closed
    content: str
    closed: bool


def _opens(text: str, i: int) -> bool:
    char = text[i]
    if char not in _PAIRS:
        return False
    if char in "'‘":
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return (before.isspace() or before in "([{—–-/“«\"") and not after.isspace() and after not in "'‘’"
    return True


def _closes(text: str, i: int, opener: str) -> bool:
    if text[i] not in _PAIRS[opener]:
        return False
    if opener in "'‘":
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return not before.isspace() and not after.isalnum()
    return True


def _find_close(text: str, i: int) -> int | None:
    opener = text[i]
    nested: list[str] = []
    for j in range(i + 1, len(text)):
        if nested and _closes(text, j, nested[-1]):
            nested.pop()
        elif _closes(text, j, opener):
            return j  # an outer closer ends the quotation even if a nested "opener" was an apostrophe
        elif _opens(text, j):
            nested.append(text[j])
    return None


def quoted_spans(text: str) -> tuple[list[QuotedSpan], list[int]]:
    """Top-level quotations of `text` (any common mark style) and the positions of stray closing marks."""
    spans: list[QuotedSpan] = []
    stray: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if _opens(text, i):
            j = _find_close(text, i)
            if j is not None:
                spans.append(QuotedSpan(i, j + 1, text[i + 1: j], True))
                i = j + 1
                continue
            if char in "'‘":
                i += 1  # an apostrophe after all
                continue
            if not text[i + 1:].strip():
                stray.append(i)  # a lone mark at the very end
                break
            spans.append(QuotedSpan(i, len(text), text[i + 1:], False))
            break
        if char in _STRAY_CLOSERS:
            stray.append(i)
        i += 1
    return spans, stray


def _inside_quote(spans: Sequence[QuotedSpan], pos: int) -> bool:
    return any(span.start < pos < span.end for span in spans)


# ---------------------------------------------------------------------------------- English sentences

_EN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen sen rep gov lt col capt sgt jr sr co corp inc ltd no vs etc jan feb mar apr jun jul aug "
    "sep sept oct nov dec m mme mm".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[”\"»’')\]]*\s+(?=[A-Z0-9“\"«‘(À-Ö])")


def split_sentences(text: str) -> list[str]:
    """English sentences of a short text (a summary); never splits inside a quotation."""
    text = " ".join(text.split())
    spans = quoted_spans(text)[0]
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.end()
        if _inside_quote(spans, cut):
            continue
        before = re.search(r"([\w.]+)[.]+$", text[start: match.start() + 1])
        if before and text[match.start()] == "." and (
            before.group(1).lower().rstrip(".") in _EN_ABBREVIATIONS or len(before.group(1).rstrip(".")) == 1
        ):
            continue
        pieces.append(text[start:cut].strip())
        start = cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


# ------------------------------------------------------------------------------------------ chunk planning


@dataclass(frozen=True)
class Chunk:
    text: str
    tokens: int


_CLAUSE_SPLITTERS = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[,)])\s+|\s+(?=[(—–])"),
    re.compile(r"\s+(?=(?:and|but|or|which|who|whose|while|because|although|when|where|after|before|"
               r"et|mais|ou|qui|que|dont|où)\b)"),
)

CountFn = Callable[[Sequence[str]], list[int]]


def split_long(text: str, count_tokens: CountFn, limit: int) -> list[str]:
    """Cut `text` into pieces of at most `limit` tokens: at clause boundaries when possible, else between words.
    Nothing is dropped: the pieces joined by spaces give back the text's words, in order."""
    pieces = [text]
    for splitter in _CLAUSE_SPLITTERS:
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
    words = text.split()
    windows: list[str] = []
    start = 0
    while start < len(words):
        size = len(words) - start
        while size > 1 and count_tokens([" ".join(words[start: start + size])])[0] > limit:
            size = max(1, size * 3 // 4)
        windows.append(" ".join(words[start: start + size]))
        start += size
    return windows


def plan_chunks(paragraphs: Sequence[Sequence[str]], count_tokens: CountFn, limit: int) -> list[Chunk]:
    """Pack paragraphs (each a list of sentences) into chunks of at most `limit` tokens, in order, leaving out nothing.

    A paragraph that fits stays whole; one that doesn't is cut between sentences, and a sentence over the limit is
    cut at clause, then word boundaries. Chunks are balanced (about total/n tokens each) rather than filled greedily,
    so the last one isn't a scrap. Sizes are estimated from piece counts, then measured; a chunk that measures over
    the limit (tokenisation at a join can differ) is halved until it fits.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    for sentences in paragraphs:
        sentences = [" ".join(s.split()) for s in sentences if s.strip()]
        if not sentences:
            continue
        whole = " ".join(sentences)
        if count_tokens([whole])[0] <= limit:
            pieces.append(whole)
            continue
        for sentence, count in zip(sentences, count_tokens(sentences)):
            pieces.extend([sentence] if count <= limit else split_long(sentence, count_tokens, limit))
    if not pieces:
        return []
    counts = count_tokens(pieces)
    total = sum(counts)
    target = math.ceil(total / math.ceil(total / limit))
    groups: list[list[int]] = [[]]
    size = 0
    for k, count in enumerate(counts):
        if groups[-1] and (size + count > limit or size + count / 2 > target):
            groups.append([])
            size = 0
        groups[-1].append(k)
        size += count

    texts = [" ".join(pieces[k] for k in group) for group in groups]
    chunks: list[Chunk] = []
    for group, text, count in zip(groups, texts, count_tokens(texts)):
        chunks.extend([Chunk(text, count)] if count <= limit else _fit(group, pieces, count_tokens, limit))
    return chunks


def _fit(group: list[int], pieces: list[str], count_tokens: CountFn, limit: int) -> list[Chunk]:
    text = " ".join(pieces[k] for k in group)
    count = count_tokens([text])[0]
    if count <= limit or len(group) == 1:
        return [Chunk(text, count)]
    half = len(group) // 2
    return _fit(group[:half], pieces, count_tokens, limit) + _fit(group[half:], pieces, count_tokens, limit)
