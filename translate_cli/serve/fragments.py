"""LibreTranslate's format=html: a fragment's markup comes back around its translated text.

The fragment is cut into the text of its blocks (p, li, h1, td, …; a <br> ends one too); each block is one paragraph
of one document, so quotations keep their marks across blocks and sentences are batched together. Block elements
come back as given, attributes included. Inline markup (a, em, strong, span) is kept where it can be placed
(inline.py: around the English of a whole block, sentence or quotation, of words the English keeps unchanged, or of
a link's own translation), otherwise dropped: the text is never lost. Scripts, styles and comments are kept as they
are, untranslated.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..result import Link, Result
from .inline import Anchors, Inline, place_inline, render

BLOCKS = frozenset("""address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre section summary table tbody td
    tfoot th thead tr ul br""".split())
VERBATIM = frozenset({"script", "style", "template", "textarea", "code"})  # kept as given, untranslated
RAW_TEXT = frozenset({"script", "style"})  # content the parser hands over undecoded
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed", "track"})
BLOCK_SEPARATOR = "\n\n"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass
class Fragment:
    """The fragment as markup pieces and text slots: `parts` holds str (markup, verbatim) or int (slot index);
    `inline[k]` the inline elements inside slot k's text."""

    parts: list[str | int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    inline: list[tuple[Inline, ...]] = field(default_factory=list)

    def offsets(self) -> list[int]:
        """Where each slot's text starts in document_text(self)."""
        starts, at = [], 0
        for text in self.texts:
            starts.append(at)
            at += len(text) + len(BLOCK_SEPARATOR)
        return starts

    def links(self) -> tuple[Link, ...]:
        """The <a href> elements as links of the document (the pipeline translates their text on its own)."""
        return tuple(Link(offset + span.start, offset + span.end, span.href)
                     for offset, spans in zip(self.offsets(), self.inline) for span in spans if span.href)

    def rebuild(self, translations: list[str], anchors: list[Anchors] | None = None) -> str:
        """The markup with each slot's English (escaped) and the inline elements placed in it (see inline.py;
        `anchors`: what the translation says about each slot, if known)."""
        rendered = [render(english, place_inline(text, english, spans, anchors[k] if anchors else Anchors()),
                           _escape)
                    for k, (text, english, spans) in enumerate(zip(self.texts, translations, self.inline))]
        return "".join(part if isinstance(part, str) else rendered[part] for part in self.parts)


@dataclass(frozen=True)
class _Event:
    kind: str  # "text", "open" or "close"
    piece: str  # the text, or the tag's markup as given
    tag: str = ""
    href: str | None = None


def _inline_spans(events: list[_Event], raw: str, text: str) -> tuple[list[Inline], list[str], list[str]]:
    """A block's inline elements with offsets into `text` (`raw` with its whitespace normalised), and the markup
    to put before and after the block's English: elements that cross the block's edge (a <b> holding a <br>) cannot
    be placed inside it, so one closing here goes before the English (after it when it closes after the last word)
    and one opening here goes after it (before it when it opens before the first word). The markup stays balanced.
    The block's own leading and trailing spaces stay where they were among that markup ("Texte <img> suite": the
    words stay apart)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", raw)]
    starts = [a for a, _ in words]
    normal_starts, at = [], 0
    for a, b in words:
        normal_starts.append(at)
        at += b - a + 1

    def normal(position: int) -> int:
        k = bisect.bisect_right(starts, position) - 1
        if k < 0:
            return 0
        a, b = words[k]
        return normal_starts[k] + min(position, b) - a

    first_word, last_word = words[0][0], words[-1][1]
    spans: list[Inline] = []
    stack: list[tuple[_Event, int, int]] = []  # open elements: event, position, event index (the opening order)
    before: list[tuple[int, int, str]] = []  # event index, position in raw, markup
    after: list[tuple[int, int, str]] = []
    ignored: list[str] = []  # elements closed implicitly (misnested): their own closing tag comes later, dropped
    position = 0
    for index, event in enumerate(events):
        if event.kind == "text":
            position += len(event.piece)
        elif event.kind == "open":
            stack.append((event, position, index))
        elif (k := next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0].tag == event.tag), None)) is None:
            if event.tag in ignored:
                ignored.remove(event.tag)
            else:
                (after if position >= last_word else before).append((index, position, event.piece))
        else:
            element, start, order = stack[k]
            ignored.extend(inner.tag for inner, _, _ in stack[k + 1:])  # markup dropped, text kept
            del stack[k:]
            first, last = normal(start), normal(position)
            while first < last and text[first] == " ":
                first += 1
            while last > first and text[last - 1] == " ":
                last -= 1
            if first < last:
                spans.append(Inline(first, last, element.piece, event.piece, element.href, order))
    for element, start, index in stack:
        (before if start <= first_word else after).append((index, start, element.piece))
    return spans, _with_spaces(before, raw, 0, first_word), _with_spaces(after, raw, last_word, len(raw))


def _with_spaces(markup: list[tuple[int, int, str]], raw: str, lo: int, hi: int) -> list[str]:
    """raw[lo:hi] (spaces) with the markup in event order, each at its own place in them (clamped into lo…hi)."""
    out, at = [], lo
    for _, position, piece in sorted(markup):
        cut = min(max(position, at), hi)
        out.extend((raw[at:cut], piece))
        at = cut
    out.append(raw[at:hi])
    return [piece for piece in out if piece]


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = Fragment()
        self._text: list[_Event] = []  # the block so far
        self._verbatim: str | None = None  # inside <script> etc.
        self._pre = 0  # inside <pre>: each line is a block of its own, its line breaks and indentation kept

    def _close_text(self) -> None:
        raw = "".join(event.piece for event in self._text if event.kind == "text")
        text = " ".join(raw.split())
        if not text:  # nothing to translate: every piece as given (a link around whole blocks stays)
            self.fragment.parts.extend(event.piece for event in self._text)
        else:
            spans, before, after = _inline_spans(self._text, raw, text)
            self.fragment.parts.extend([*before, len(self.fragment.texts), *after])
            self.fragment.texts.append(text)
            self.fragment.inline.append(tuple(spans))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        markup = self.get_starttag_text() or f"<{tag}>"
        if self._verbatim:
            self.fragment.parts.append(markup)
        elif tag == "wbr":  # a line-break hint between French syllables: meaningless in the English
            return
        elif tag in BLOCKS or tag in VERBATIM or tag in VOID:
            self._close_text()
            self.fragment.parts.append(markup)
            if tag in VERBATIM and tag not in VOID:
                self._verbatim = tag
            self._pre += tag == "pre"
        else:  # inline: placed in the block's English where it can be (see inline.py)
            self._text.append(_Event("open", markup, tag, dict(attrs).get("href") if tag == "a" else None))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._verbatim or tag in BLOCKS or tag in VOID:
            self.handle_starttag(tag, attrs)
        elif tag in VERBATIM:  # <code/>: an empty element, not the start of untranslated text
            self._close_text()
            self.fragment.parts.append(self.get_starttag_text() or f"<{tag}/>")
        # an empty inline element (<b/>) wraps nothing: dropped

    def handle_endtag(self, tag: str) -> None:
        if self._verbatim:
            self.fragment.parts.append(f"</{tag}>")
            if tag == self._verbatim:
                self._verbatim = None
        elif tag in BLOCKS or tag in VERBATIM or tag in VOID:
            self._close_text()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            if tag == "br":  # </br> is read as <br> by browsers
                self.fragment.parts.append("<br>")
            elif tag not in VOID:
                self.fragment.parts.append(f"</{tag}>")
        else:
            self._text.append(_Event("close", f"</{tag}>", tag))

    def handle_data(self, data: str) -> None:
        if self._verbatim in RAW_TEXT:
            self.fragment.parts.append(data)  # script and style content is not decoded by the parser
        elif self._verbatim:  # decoded (&lt; became <): escaped again, never live markup
            self.fragment.parts.append(html.escape(data, quote=False))
        elif self._pre:
            lines = data.split("\n")
            for line in lines[:-1]:
                self._text.append(_Event("text", line))
                self._close_text()
                self.fragment.parts.append("\n")
            self._text.append(_Event("text", lines[-1]))
        else:
            self._text.append(_Event("text", data))

    def handle_comment(self, data: str) -> None:
        self.fragment.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.fragment.parts.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.fragment.parts.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.fragment.parts.append(f"<![{data}]]>")


def split_fragment(markup: str) -> Fragment:
    splitter = _Splitter()
    splitter.feed(markup)
    splitter.close()
    splitter._close_text()
    return splitter.fragment


def document_text(fragment: Fragment) -> str:
    """The fragment's blocks as one document, a paragraph each."""
    return BLOCK_SEPARATOR.join(fragment.texts)


def block_translations(fragment: Fragment, translation: str, sentences: list[tuple[int, str]]) -> list[str]:
    """Each block's English: the translation's paragraphs when there is one per block (marks placed by the
    assembly), else the block's sentences joined (`sentences`: (paragraph, English) in order)."""
    paragraphs = [p.strip() for p in translation.split("\n\n")]
    if len(paragraphs) == len(fragment.texts):
        return paragraphs
    by_paragraph: dict[int, list[str]] = {}
    for paragraph, target in sentences:
        by_paragraph.setdefault(paragraph, []).append(target)
    ordered = [" ".join(by_paragraph[p]) for p in sorted(by_paragraph)]
    return ordered + [""] * (len(fragment.texts) - len(ordered))


def english_fragment(fragment: Fragment, result: Result) -> str:
    """The fragment in English: its markup, each block's English, and the inline elements placed in it."""
    english = block_translations(fragment, result.translation, [(s.paragraph, s.target) for s in result.sentences])
    offsets = fragment.offsets()

    def block_of(start: int) -> int:
        return bisect.bisect_right(offsets, start) - 1

    anchors = [Anchors() for _ in fragment.texts]
    for sentence in result.sentences:
        k = block_of(sentence.french.start)
        anchors[k].sentences.append((sentence.french.start - offsets[k], sentence.french.end - offsets[k],
                                     sentence.target))
    for quote in result.quotes:
        k = block_of(quote.french.start)
        if quote.french.end <= offsets[k] + len(fragment.texts[k]):  # quotations over several blocks: not anchors
            anchors[k].quotes.append((quote.french.start - offsets[k], quote.french.end - offsets[k], quote.target))
    for link in result.links:
        k = block_of(link.start)
        anchors[k].links[(link.start - offsets[k], link.end - offsets[k])] = link.target
    return fragment.rebuild(english, anchors)
