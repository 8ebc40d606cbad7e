"""Where a block's inline markup (a, em, strong, span…) goes in its English.

English words do not map one-to-one onto the French ones a tag wrapped, so a tag is placed only where its English
can be found for sure: its French is the whole block, a whole sentence or a whole quotation (the pipeline knows
their English), its French occurs unchanged in the English (a name, a number, a URL, a #hashtag), or it is a link
whose text, translated on its own, occurs in the English. Otherwise the tag is dropped and its text stays in the
block's English. Placed tags keep the French nesting: one whose English would cross another's is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_OPENING_MARKS = "«“‘‹„\""
_CLOSING_MARKS = "»”’›\""


@dataclass(frozen=True)
class Inline:
    """An inline element of a block: its text's offsets in the block's text, and its markup as given."""

    start: int
    end: int
    opening: str
    closing: str
    href: str | None = None  # an <a href>: its text is also translated on its own (a Link of the document)
    order: int = 0  # its place among the block's opening tags: of two around the same text, the first is outside


@dataclass
class Anchors:
    """What the translation says about a block: English of French pieces, offsets into the block's text."""

    sentences: list[tuple[int, int, str]] = field(default_factory=list)  # a sentence: start, end, its English
    quotes: list[tuple[int, int, str]] = field(default_factory=list)  # a quotation's content: start, end, English
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # a link's text → its own English


@dataclass(frozen=True)
class Placed:
    """An inline element placed: its English offsets."""

    start: int
    end: int
    inline: Inline


def place_inline(french: str, english: str, spans: Sequence[Inline], anchors: Anchors) -> list[Placed]:
    """The spans whose English is found (see the module), outer ones first."""
    placed: list[Placed] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.order)):
        found = _english_of(french, english, span, anchors)
        if found is not None and all(_fits(span, found, other) for other in placed):
            placed.append(Placed(found[0], found[1], span))
    return placed


def _english_of(french: str, english: str, span: Inline, anchors: Anchors) -> tuple[int, int] | None:
    start, end = span.start, span.end
    if (start, end) == (0, len(french)):
        return (0, len(english)) if english else None
    for s_start, s_end, target in anchors.sentences:
        if (start, end) == (s_start, s_end) and (at := english.find(target.strip())) >= 0:
            return at, at + len(target.strip())
    for q_start, q_end, target in anchors.quotes:
        before, after = french[start:q_start], french[q_end:end]
        if start <= q_start and q_end <= end and _only_marks(before, _OPENING_MARKS) and \
                _only_marks(after, _CLOSING_MARKS) and target and (at := english.find(target)) >= 0:
            at_end = at + len(target)
            if before.strip() and at > 0 and english[at - 1] in _OPENING_MARKS:
                at -= 1
            if after.strip() and at_end < len(english) and english[at_end] in _CLOSING_MARKS:
                at_end += 1
            return at, at_end
    text = french[start:end]
    if _kept_by_translation(text) and (found := _verbatim(text, english, start / max(1, len(french)))):
        return found
    target = anchors.links.get((start, end), "").strip()
    if target and (at := english.lower().find(target.lower())) >= 0:
        return at, at + len(target)
    return None


def _only_marks(text: str, marks: str) -> bool:
    """Nothing but (at most one) quotation mark and spaces: `text` sits between a span's edge and a quote's content."""
    stripped = text.strip(" \u00a0\u202f")
    return len(stripped) <= 1 and all(ch in marks for ch in stripped)


def _kept_by_translation(text: str) -> bool:
    """Words a translation keeps as they are: with a digit, a capital (names, acronyms) or the signs of a handle,
    a hashtag or a URL. Found unchanged in the English, they are the same words; a plain word ("a", "on") is not:
    French "a" (has) is not English "a"."""
    return any(ch.isalnum() for ch in text) and any(ch.isdigit() or ch.isupper() or ch in "@#/:." for ch in text)


def _verbatim(text: str, english: str, where: float) -> tuple[int, int] | None:
    """`text` as a whole word sequence in the English; of several, the one nearest its place in the French."""
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", english)]
    if not hits:
        return None
    at = min(hits, key=lambda hit: abs(hit / max(1, len(english)) - where))
    return at, at + len(text)


def _relation(a: tuple[int, int], b: tuple[int, int]) -> str:
    if a == b:
        return "same"
    if b[0] <= a[0] and a[1] <= b[1]:
        return "inside"
    if a[0] <= b[0] and b[1] <= a[1]:
        return "contains"
    return "apart" if a[1] <= b[0] or b[1] <= a[0] else "crossing"


def _fits(span: Inline, english: tuple[int, int], other: Placed) -> bool:
    """Placing `span` at `english` keeps its French relation to `other` (nested stays nested, apart stays apart;
    two nested tags may come to wrap the same English)."""
    in_french = _relation((span.start, span.end), (other.inline.start, other.inline.end))
    in_english = _relation(english, (other.start, other.end))
    if "crossing" in (in_french, in_english):
        return False
    return in_english == in_french or (in_english == "same" and in_french in ("inside", "contains"))


def render(english: str, placed: Sequence[Placed], escape: Callable[[str], str]) -> str:
    """The English, escaped, with each placed element's markup around its text (properly nested)."""
    order = sorted(placed, key=lambda p: (p.start, -p.end, p.inline.start, -p.inline.end, p.inline.order))
    events: list[tuple[int, int, int, str]] = []  # position, closes (0) before opens (1), nesting, markup
    for rank, item in enumerate(order):
        events.append((item.start, 1, rank, item.inline.opening))
        events.append((item.end, 0, -rank, item.inline.closing))
    out, at = [], 0
    for position, _, _, markup in sorted(events):
        out.append(escape(english[at:position]))
        out.append(markup)
        at = position
    out.append(escape(english[at:]))
    return "".join(out)
