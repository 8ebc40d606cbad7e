"""English text helpers for briefs: content words for overlap scores, and the sentences of a short text."""

from __future__ import annotations

import re

from ..quotes import inside_quote, quoted_spans

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as into about over after before than then that this
    these those there here it its he she they we you his her their our your them him us me is are was were be been
    being has have had do does did will would shall should can could may might must not no nor so too very also just
    only more most such said says say according who whom whose which what when where while why how all any both each
    few other some own same le la les un une des du de et en est que qui dans pour par sur pas""".split()
)


def content_words(text: str) -> list[str]:
    """Content words, lower-cased and crudely de-pluralised: enough for overlap scores."""
    out = []
    for word in WORD.findall(text.lower().replace("’", "'")):
        if len(word) < 3 or word in _STOP:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def words(text: str) -> list[str]:
    return text.split()


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
        if inside_quote(spans, cut):
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

