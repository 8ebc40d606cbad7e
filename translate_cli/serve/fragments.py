"""LibreTranslate's format=html: a fragment's markup comes back around its translated text.

The fragment is cut into the text of its blocks (p, li, h1, td, …; a <br> ends one too); each block is one paragraph
of one document, so quotations keep their marks across blocks and sentences are batched together. Block elements
come back as given, attributes included. Inline markup (a, em, strong, span) is kept where it can be placed: around
a block's whole text (a list of linked headlines, a bold lead paragraph); inside a block it is dropped, since
English words do not map one-to-one onto the French ones it wrapped: the text is never lost. Scripts, styles and
comments are kept as they are, untranslated.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = frozenset("""address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre section summary table tbody td
    tfoot th thead tr ul br""".split())
VERBATIM = frozenset({"script", "style", "template", "textarea", "code"})
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed", "track"})


@dataclass
class Fragment:
    """The fragment as markup pieces and text slots: `parts` holds str (markup, verbatim) or int (slot index)."""

    parts: list[str | int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def rebuild(self, translations: list[str]) -> str:
        """The markup with each slot's English (escaped); `translations` has one entry per slot."""
        return "".join(part if isinstance(part, str) else html.escape(translations[part], quote=False)
                       for part in self.parts)


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = Fragment()
        self._text: list[tuple[str, str]] = []  # the block so far: ("text", data), ("open"|"close", markup)
        self._verbatim: str | None = None  # inside <script> etc.

    def _close_text(self) -> None:
        raw = "".join(piece for kind, piece in self._text if kind == "text")
        text = " ".join(raw.split())
        if text:
            opening, closing = self._wrapping()
            self.fragment.parts.extend(opening)
            self.fragment.parts.append(len(self.fragment.texts))
            self.fragment.parts.extend(closing)
            self.fragment.texts.append(text)
        elif raw:
            self.fragment.parts.append(raw)
        self._text = []

    def _wrapping(self) -> tuple[list[str], list[str]]:
        """Inline tags that open before the block's first word and close after its last, innermost last: these
        can be placed around the English (None of them when any other inline tag is inside the text)."""
        events = self._text
        first = next(i for i, (kind, piece) in enumerate(events) if kind == "text" and piece.strip())
        last = max(i for i, (kind, piece) in enumerate(events) if kind == "text" and piece.strip())
        inside = [e for e in events[first:last + 1] if e[0] != "text"]
        before = [e for e in events[:first] if e[0] == "open"]
        after = [e for e in events[last + 1:] if e[0] == "close"]
        if inside or any(kind == "close" for kind, _ in events[:first]) or any(
                kind == "open" for kind, _ in events[last + 1:]):
            return [], []
        tags_before = [piece.split()[0].strip("<>/").lower() for _, piece in before]
        tags_after = [piece.strip("</>").lower() for _, piece in after]
        if tags_before != list(reversed(tags_after)):
            return [], []
        return [piece for _, piece in before], [piece for _, piece in after]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        markup = self.get_starttag_text() or f"<{tag}>"
        if self._verbatim:
            self.fragment.parts.append(markup)
        elif tag in BLOCKS or tag in VERBATIM or tag == "img":
            self._close_text()
            self.fragment.parts.append(markup)
            if tag in VERBATIM and tag not in VOID:
                self._verbatim = tag
        else:  # inline: placed around the block's English if it wraps the whole text (see _wrapping)
            self._text.append(("open", markup))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._verbatim:
            self.fragment.parts.append(f"</{tag}>")
            if tag == self._verbatim:
                self._verbatim = None
        elif tag in BLOCKS or tag in VERBATIM:
            self._close_text()
            if tag not in VOID:
                self.fragment.parts.append(f"</{tag}>")
        else:
            self._text.append(("close", f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if self._verbatim:
            self.fragment.parts.append(html.escape(data, quote=False) if self._verbatim == "textarea" else data)
        else:
            self._text.append(("text", data))

    def handle_comment(self, data: str) -> None:
        self.fragment.parts.append(f"<!--{data}-->")


def split_fragment(markup: str) -> Fragment:
    splitter = _Splitter()
    splitter.feed(markup)
    splitter.close()
    splitter._close_text()
    return splitter.fragment


def document_text(fragment: Fragment) -> str:
    """The fragment's blocks as one document, a paragraph each."""
    return "\n\n".join(fragment.texts)


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
