"""A Markdown article → brief's text: one paragraph per heading, paragraph, list item and block-quote paragraph
(CommonMark, parsed with markdown-it-py), emphasis dissolved into its text, each link's text kept in its sentence
and its URL set aside, code and rules kept verbatim for the English Markdown and never translated."""

from __future__ import annotations

from dataclasses import dataclass

from .result import Link


@dataclass(frozen=True)
class MarkdownArticle:
    text: str  # the prose blocks joined by blank lines (offsets index this)
    blocks: tuple[str, ...]  # per paragraph of `text`: "h1"…"h6", "p", "item", "number", "quote"
    links: tuple[Link, ...]  # their French text's offsets into `text`
    verbatim: tuple[tuple[int, str], ...]  # (paragraph it stands before, Markdown source kept as is)


def read_markdown(source: str) -> MarkdownArticle:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    lines = source.splitlines(keepends=True)
    texts: list[str] = []
    kinds: list[str] = []
    links: list[Link] = []
    verbatim: list[tuple[int, str]] = []
    containers: list[str] = []  # open list / quote tokens around the current one
    offset = 0
    heading: str | None = None
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            containers.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            containers.pop()
        elif token.type == "heading_open":
            heading = token.tag
        elif token.type == "heading_close":
            heading = None
        elif token.type in ("fence", "code_block", "hr", "html_block") and token.map:
            verbatim.append((len(texts), "".join(lines[token.map[0]: token.map[1]]).rstrip("\n")))
        elif token.type == "inline":
            text, spans = _inline(token.children or [])
            if not text:
                continue
            kind = heading or _container_kind(containers)
            for start, end, url in spans:
                links.append(Link(offset + start, offset + end, url))
            texts.append(text)
            kinds.append(kind)
            offset += len(text) + 2
    return MarkdownArticle("\n\n".join(texts), tuple(kinds), tuple(links), tuple(verbatim))


def _container_kind(containers: list[str]) -> str:
    if "blockquote_open" in containers:
        return "quote"
    if containers:
        return "number" if containers[-1] == "ordered_list_open" else "item"
    return "p"


def _inline(children) -> tuple[str, list[tuple[int, int, str]]]:
    """The inline tokens' text (line breaks as spaces, markup dropped) and each link's (start, end, url)."""
    text = ""
    links: list[tuple[int, int, str]] = []
    opened: list[tuple[int, str]] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            text += child.content
        elif child.type in ("softbreak", "hardbreak"):
            text += " "
        elif child.type == "link_open":
            opened.append((len(text), str(child.attrs.get("href", ""))))
        elif child.type == "link_close" and opened:
            start, url = opened.pop()
            if len(text) > start:
                links.append((start, len(text), url))
        elif child.type == "image":
            text += child.content  # its alt text
    stripped = text.strip()
    shift = len(text) - len(text.lstrip())
    trimmed = []
    for start, end, url in links:
        start += len(text[start:end]) - len(text[start:end].lstrip())  # the link's own outer spaces are not its text
        end -= len(text[start:end]) - len(text[start:end].rstrip())
        start, end = max(0, start - shift), min(len(stripped), end - shift)
        if end > start:
            trimmed.append((start, end, url))
    return stripped, trimmed
