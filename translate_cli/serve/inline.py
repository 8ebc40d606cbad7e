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


MAX_PLACED = 200  # inline elements placed per block; more (a block of links, say) keep their text, not their tags
Located = tuple[int, int, int, int]  # French start, end → English start, end


def place_inline(french: str, english: str, spans: Sequence[Inline], anchors: Anchors) -> list[Placed]:
    """The spans whose English is found (see the module), outer ones first."""
    sentences = _in_order(english, sorted(anchors.sentences))
    quotes = _in_order(english, sorted(anchors.quotes))
    placed: list[Placed] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.order))[:MAX_PLACED]:
        found = _english_of(french, english, span, sentences, quotes, anchors.links)
        if found is not None and all(_fits(span, found, other) for other in placed):
            placed.append(Placed(found[0], found[1], span))
    return placed


def _in_order(english: str, pieces: Sequence[tuple[int, int, str]]) -> list[Located]:
    """Each piece's English found in the block's English after the previous one's (pieces in French order), so
    that of two equal sentences or quotations each gets its own."""
    located, cursor = [], 0
    for start, end, target in pieces:
        target = target.strip()
        at = english.find(target, cursor) if target else -1
        if at >= 0:
            located.append((start, end, at, at + len(target)))
            cursor = at + len(target)
    return located


def _english_of(french: str, english: str, span: Inline, sentences: Sequence[Located], quotes: Sequence[Located],
                links: dict[tuple[int, int], str]) -> tuple[int, int] | None:
    start, end = span.start, span.end
    if (start, end) == (0, len(french)):
        return (0, len(english)) if english else None
    for f_start, f_end, e_start, e_end in sentences:
        if (start, end) == (f_start, f_end):
            return e_start, e_end
    for q_start, q_end, at, at_end in quotes:
        before, after = french[start:q_start], french[q_end:end]
        if start <= q_start and q_end <= end and _only_marks(before, _OPENING_MARKS) and \
                _only_marks(after, _CLOSING_MARKS):
            if before.strip() and at > 0 and english[at - 1] in _OPENING_MARKS:
                at -= 1
            if after.strip() and at_end < len(english) and english[at_end] in _CLOSING_MARKS:
                at_end += 1
            return at, at_end
    # within the English of the sentence the span is in (when known), the match nearest the span's place in it
    f_lo, f_hi, e_lo, e_hi = next((s for s in sentences if s[0] <= start and end <= s[1]),
                                  (0, len(french), 0, len(english)))
    where = (start - f_lo) / max(1, f_hi - f_lo)
    text = french[start:end]
    if _kept_by_translation(text) and (found := _nearest(text, english, e_lo, e_hi, where)):
        return found
    target = links.get((start, end), "").strip()
    if target:
        return _nearest(target, english, e_lo, e_hi, where, re.IGNORECASE)
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


def _nearest(text: str, english: str, lo: int, hi: int, where: float, flags: int = 0) -> tuple[int, int] | None:
    """`text` as whole words in english[lo:hi] (`flags`: re.IGNORECASE for a link's own English); of several,
    the one nearest `where` (0 the start, 1 the end of that stretch)."""
    hits = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", english[lo:hi], flags)]
    if not hits:
        return None
    at, at_end = min(hits, key=lambda hit: abs(hit[0] / max(1, hi - lo) - where))
    return lo + at, lo + at_end


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
