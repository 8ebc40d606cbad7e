"""Quotation structure of a French text: which marks open, close, continue or are stray, and how quotes nest.

The parse is done once on the source; the English output's quotation marks are rebuilt from it (see restore.py),
so the model never decides where a quotation starts or ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

OPEN, CLOSE, CONTINUE, LITERAL = "open", "close", "continue", "literal"

# Opening mark → the closing marks that end a quotation it opened.
_CLOSERS: dict[str, frozenset[str]] = {
    "«": frozenset("»"),
    "“": frozenset("”"),
    "„": frozenset("“”"),
    "‹": frozenset("›"),
    "‘": frozenset("’"),
    '"': frozenset('"'),
}
QUOTE_CHARS = frozenset("«»“”„‹›‘’\"")
# Marks that reopen a quotation continued from the previous paragraph.
_CONTINUATION = frozenset("«»“\"‹")


class QuoteStyle(str, Enum):
    CURLY = "curly"
    STRAIGHT = "straight"
    GUILLEMETS = "guillemets"

    def marks(self, depth: int) -> tuple[str, str]:
        """(open, close) for a quotation at `depth` (0 = top level); nesting alternates outer/inner."""
        outer, inner = _STYLE_MARKS[self]
        return outer if depth % 2 == 0 else inner


_STYLE_MARKS = {
    QuoteStyle.CURLY: (("“", "”"), ("‘", "’")),
    QuoteStyle.STRAIGHT: (('"', '"'), ("'", "'")),
    QuoteStyle.GUILLEMETS: (("«", "»"), ("“", "”")),
}


@dataclass(frozen=True)
class Mark:
    pos: int
    char: str
    role: str  # OPEN, CLOSE, CONTINUE or LITERAL
    quote: int | None  # the quotation's id; None for a literal mark


@dataclass(frozen=True)
class Quote:
    id: int
    parent: int | None
    depth: int
    open_pos: int
    close_pos: int
    spans: tuple[tuple[int, int], ...]  # content, one span per paragraph it covers, continuation marks excluded

    def contains(self, pos: int) -> bool:
        return self.open_pos < pos < self.close_pos


@dataclass(frozen=True)
class QuoteParse:
    marks: tuple[Mark, ...]
    quotes: tuple[Quote, ...]
    warnings: tuple[str, ...]

    def top_level(self) -> list[Quote]:
        return [quote for quote in self.quotes if quote.depth == 0]

    def descendants(self, quote_id: int) -> list[Quote]:
        found: list[Quote] = []
        frontier = {quote_id}
        for quote in self.quotes:  # ids increase with opening position, so parents come first
            if quote.parent in frontier:
                found.append(quote)
                frontier.add(quote.id)
        return found


@dataclass
class _Open:
    char: str
    pos: int
    continuations: list[int]


def _is_word(char: str) -> bool:
    return char.isalnum()


def parse_quotes(text: str, paragraphs: list[tuple[int, int]]) -> QuoteParse:
    """Find quotations in `text`, whose paragraphs are the given (start, end) spans."""
    stack: list[_Open] = []
    closed: list[tuple[_Open, int]] = []
    stray: list[tuple[int, str]] = []
    warnings: list[str] = []

    def unmatched(entry: _Open, why: str) -> None:
        stray.append((entry.pos, entry.char))
        for pos in entry.continuations:
            stray.append((pos, text[pos]))
        warnings.append(f"unmatched {entry.char} at {_where(text, entry.pos)} {why}; kept as literal text")

    for para_start, para_end in paragraphs:
        pos = para_start
        if stack:
            # A quotation left open continues only if this paragraph reopens it (« or » in French, “ in English).
            depth_left = len(stack)
            while pos < para_end and depth_left and text[pos] in _CONTINUATION:
                stack[len(stack) - depth_left].continuations.append(pos)
                depth_left -= 1
                pos += 1
                while pos < para_end and text[pos] == " ":
                    pos += 1
            if depth_left == len(stack):
                for entry in reversed(stack):
                    unmatched(entry, "(not closed before the paragraph ends)")
                stack.clear()
            elif depth_left:
                for entry in reversed(stack[len(stack) - depth_left:]):
                    unmatched(entry, "(not closed before the paragraph ends)")
                del stack[len(stack) - depth_left:]
        for i in range(pos, para_end):
            char = text[i]
            if char not in QUOTE_CHARS:
                continue
            before = text[i - 1] if i > para_start else " "
            after = text[i + 1] if i + 1 < para_end else " "
            closer_index = next(
                (k for k in range(len(stack) - 1, -1, -1) if char in _CLOSERS[stack[k].char]), None
            )
            if char == "’" and closer_index is None:
                continue  # an apostrophe
            if char == "‘" and not stack:
                continue  # a lone ‘ outside any quotation is typography, not a nested quote
            if char == '"':
                opener_like = (before.isspace() or before in "([{—–-/") and not after.isspace()
                closer_like = not before.isspace() and (after.isspace() or not _is_word(after))
                if closer_index is not None and stack[closer_index].char == '"' and (
                    closer_like or not opener_like or closer_index == len(stack) - 1
                ):
                    _close(stack, closer_index, i, closed, unmatched)
                elif opener_like or not closer_like:
                    stack.append(_Open(char, i, []))
                else:
                    stray.append((i, char))
                    warnings.append(f'unmatched " at {_where(text, i)}; kept as literal text')
                continue
            if char == "“" and closer_index is not None and stack[closer_index].char == "„":
                _close(stack, closer_index, i, closed, unmatched)
            elif char in _CLOSERS:
                stack.append(_Open(char, i, []))
            elif closer_index is not None:
                _close(stack, closer_index, i, closed, unmatched)
            else:
                stray.append((i, char))
                warnings.append(f"unmatched {char} at {_where(text, i)}; kept as literal text")
    for entry in reversed(stack):
        unmatched(entry, "(never closed)")

    return _build(text, paragraphs, closed, stray, warnings)


def _close(stack: list[_Open], index: int, pos: int, closed: list, unmatched) -> None:
    for entry in reversed(stack[index + 1:]):
        unmatched(entry, "(closed by an outer quotation first)")
    closed.append((stack[index], pos))
    del stack[index:]


def _build(text, paragraphs, closed, stray, warnings) -> QuoteParse:
    closed.sort(key=lambda pair: pair[0].pos)
    intervals = [(entry.pos, close) for entry, close in closed]
    quotes: list[Quote] = []
    marks: list[Mark] = []
    for qid, (entry, close) in enumerate(closed):
        parent = None
        for pid in range(qid - 1, -1, -1):
            start, end = intervals[pid]
            if start < entry.pos and close < end:
                parent = pid
                break
        depth = 0 if parent is None else quotes[parent].depth + 1
        quotes.append(Quote(qid, parent, depth, entry.pos, close, _content_spans(entry, close, paragraphs)))
        marks.append(Mark(entry.pos, text[entry.pos], OPEN, qid))
        marks.append(Mark(close, text[close], CLOSE, qid))
        marks.extend(Mark(pos, text[pos], CONTINUE, qid) for pos in entry.continuations)
    marks.extend(Mark(pos, char, LITERAL, None) for pos, char in stray)
    marks.sort(key=lambda mark: mark.pos)
    return QuoteParse(tuple(marks), tuple(quotes), tuple(warnings))


def _content_spans(entry: _Open, close: int, paragraphs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    starts = [entry.pos + 1] + [pos + 1 for pos in entry.continuations]
    spans = []
    for k, start in enumerate(starts):
        end = close
        if k + 1 < len(starts):
            end = next(p_end for p_start, p_end in paragraphs if p_start <= start <= p_end)
        spans.append((start, end))
    return tuple(spans)


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    snippet = text[max(0, pos - 15): pos + 15].replace("\n", " ")
    return f"line {line} (…{snippet}…)"


# ------------------------------------------------------------------------------------ quoted spans of one text

# A light scan of any one text (a brief, a sentence): top-level quotations in any common style, for checking and
# masking. The source article is parsed by parse_quotes above, paragraphs and continuations included.
# Opening mark → marks that close it. Single quotes count only at word boundaries (otherwise they are apostrophes).
_SPAN_PAIRS = {"“": "”", "«": "»", "„": "“”", "‹": "›", '"': '"', "‘": "’", "'": "'’"}
_STRAY_CLOSERS = frozenset("”»›")


@dataclass(frozen=True)
class QuotedSpan:
    start: int  # index of the opening mark
    end: int  # one past the closing mark; len(text) when it is never closed
    content: str
    closed: bool


def _opens(text: str, i: int) -> bool:
    char = text[i]
    if char not in _SPAN_PAIRS:
        return False
    if char in "'‘":
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return (before.isspace() or before in "([{—–-/“«\"") and not after.isspace() and after not in "'‘’"
    return True


def _closes(text: str, i: int, opener: str) -> bool:
    if text[i] not in _SPAN_PAIRS[opener]:
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


def inside_quote(spans: list[QuotedSpan], pos: int) -> bool:
    return any(span.start < pos < span.end for span in spans)


def mask_quotes(text: str) -> str:
    """`text` with every quotation blanked out (same length): what is said outside quotation marks."""
    chars = list(text)
    for span in quoted_spans(text)[0]:
        chars[span.start: span.end] = " " * (span.end - span.start)
    return "".join(chars)
