"""The extractive brief: whole sentences of the translation, chosen by position, centrality and quotations —
verbatim by construction. Headline: the article's title line when it has one, else its lead shortened."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..result import Result, SentenceResult
from .headline import headline_from
from .text import content_words, split_sentences, words

_ENDS_SENTENCE = re.compile(r"[.!?…][”\"»’')\]]*$")


@dataclass(frozen=True)
class _Unit:
    """Consecutive sentences that must stay together (a quotation spans them), as a verbatim slice."""

    positions: tuple[int, ...]  # positions in result.sentences
    paragraph: int
    text: str
    quotes: int  # ledger quotes inside
    usable: bool  # one paragraph and found in the translation: safe to lift out


def _offsets(result: Result) -> list[tuple[int, int] | None]:
    """Where each sentence's English stands in the translation (found in order)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for sentence in result.sentences:
        at = result.translation.find(sentence.target, cursor) if sentence.target else -1
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(sentence.target)))
        cursor = at + len(sentence.target)
    return spans


def _units(result: Result) -> list[_Unit]:
    position = {s.index: k for k, s in enumerate(result.sentences)}
    joined = [False] * len(result.sentences)  # joined[k]: sentence k and k+1 are one unit
    quotes_at = [0] * len(result.sentences)
    for quote in result.quotes:
        ks = sorted(position[i] for i in quote.sentences if i in position)
        if ks:
            quotes_at[ks[0]] += 1
            for k in range(ks[0], ks[-1]):
                joined[k] = True
    offsets = _offsets(result)
    units: list[_Unit] = []
    group: list[int] = []
    for k in range(len(result.sentences)):
        group.append(k)
        if k + 1 < len(result.sentences) and joined[k]:
            continue
        paragraphs = {result.sentences[g].paragraph for g in group}
        first, last = offsets[group[0]], offsets[group[-1]]
        if first and last:
            text = result.translation[first[0]: last[1]]
        else:
            text = " ".join(result.sentences[g].target for g in group)
        units.append(_Unit(tuple(group), result.sentences[group[0]].paragraph, text,
                           sum(quotes_at[g] for g in group), len(paragraphs) == 1 and bool(first and last)))
        group = []
    return units


def _title(result: Result) -> SentenceResult | None:
    """The article's title: a short first line standing alone, without final punctuation."""
    if len(result.sentences) < 2:
        return None
    first = result.sentences[0]
    alone = sum(1 for s in result.sentences if s.paragraph == first.paragraph) == 1
    text = first.target.strip()
    if alone and text and not _ENDS_SENTENCE.search(text) and len(words(text)) <= 20 and text[0] not in "“«\"":
        return first
    return None


def summarise_extractive(result: Result, skip_title: bool) -> tuple[str, str]:
    """(headline, summary) from whole sentences of the translation."""
    title = _title(result) if skip_title else None
    units = [u for u in _units(result) if u.text.strip() and not (title and u.positions[0] == 0)]
    # Whole sentences only: no headings, dialogue lines or fragments; none spanning paragraphs; none of a web page's
    # block quotes (a quotation without marks would read as the article's own statement).
    candidates = [
        u for u in units
        if u.usable and _ENDS_SENTENCE.search(u.text) and len(words(u.text)) >= 6 and u.text[:1] not in "—–-•"
        and not (result.blocks and result.blocks[u.paragraph] == "quote")
    ] or units
    if not candidates:
        return "", ""
    tokens = [set(content_words(u.text)) for u in candidates]
    centrality = []
    for i, own in enumerate(tokens):
        score = 0.0
        for j, other in enumerate(tokens):
            if i != j and own and other:
                score += len(own & other) / (math.log(len(own) + 1) + math.log(len(other) + 1))
        centrality.append(score)
    top = max(centrality) or 1.0
    scores = [
        1.0 / (1.0 + k / 3.0)  # news puts the gist first
        + centrality[k] / top  # sentences sharing words with many others carry the topic
        + (0.4 if unit.quotes else 0.0)  # quotations are what a brief is for
        - (0.5 if len(words(unit.text)) > 60 else 0.0)
        for k, unit in enumerate(candidates)
    ]
    target = 2 if len(candidates) <= 4 else 4 if len(candidates) >= 30 else 3
    # The lead is kept whatever its score: a news article's first sentence is its best one-line context.
    chosen: list[int] = [0] if len(words(candidates[0].text)) <= 60 else []
    sentences = len(candidates[0].positions) if chosen else 0
    for k in sorted(range(len(candidates)), key=lambda k: -scores[k]):
        if k in chosen:
            continue
        size = len(candidates[k].positions)
        if sentences and sentences + size > max(target, 2) or sentences >= target:
            continue
        if any(tokens[k] and len(tokens[k] & tokens[c]) > 0.6 * min(len(tokens[k]), len(tokens[c]) or 1)
               for c in chosen):
            continue  # near-duplicate of a sentence already chosen
        chosen.append(k)
        sentences += size
    summary = " ".join(candidates[k].text.strip() for k in sorted(chosen))
    lead = candidates[0].text if not title else title.target
    headline = headline_from(split_sentences(lead)[0] if lead.strip() else lead)
    return headline, summary

