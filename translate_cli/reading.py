"""Bytes → text: encodings detected, binary refused, French typography normalised for the model with every
character traced back to the text as given."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .result import ArticleInfo, Link

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, LF, CR and form feed (a paragraph break): text pasted from terminals and PDFs
# carries a few, binary data many. Terminal escape sequences (colours, titles) go whole.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_ESCAPE_SEQUENCES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
BINARY_SHARE = 0.01  # more control characters than this share of the text (escape sequences removed): binary


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode(data: bytes, name: str = "-") -> DecodedText:
    """Decode an article's bytes. UTF-8 (BOM or not), UTF-16/32 with a BOM, else cp1252/latin-1 with a warning."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: not valid {encoding} despite its byte-order mark ({exc.reason})") from exc
            return _checked(text, encoding, name)
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes), not a text file")
    try:
        return _checked(data.decode("utf-8"), "utf-8", name)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # never fails: every byte is a code point
        encoding = "latin-1"
    return _checked(text, encoding, name, (f"{name}: not UTF-8; decoded as {encoding} (check accented letters)",))


def _checked(text: str, encoding: str, name: str, warnings: tuple[str, ...] = ()) -> DecodedText:
    """The text as decoded, or InputError when it is binary (a NUL byte, or controls over BINARY_SHARE of it) or
    empty. Control characters stay (offsets index this text); a warning says how many `normalise` will remove."""
    if "\x00" in text:
        raise InputError(f"{name}: binary data (NUL bytes), not a text file")
    without_sequences, sequences = _ESCAPE_SEQUENCES.subn("", text)
    remaining, controls = _CONTROL_CHARS.subn("", without_sequences)
    if controls and controls > BINARY_SHARE * (len(remaining) + controls):
        raise InputError(f"{name}: binary data ({controls} control characters), not a text file")
    if not remaining.strip():
        raise InputError(f"{name}: empty input (no text to translate)")
    if controls or sequences:
        removed = [_count(controls, "control character"), _count(sequences, "terminal escape sequence")]
        warnings += (f"{name}: removed {' and '.join(part for part in removed if part)}",)
    return DecodedText(text, encoding, warnings)


def _count(number: int, noun: str) -> str:
    return "" if not number else f"{number} {noun}" + ("s" if number > 1 else "")


@dataclass(frozen=True)
class Source:
    """One document to translate: its text, its name (a path, "-" for stdin), and warnings from reading it."""

    text: str
    name: str = "-"
    warnings: tuple[str, ...] = ()
    article: ArticleInfo | None = None  # a web page's metadata; `text` is then the article extracted from it
    blocks: tuple[str, ...] = ()  # the kind of each of text's paragraphs in the page (see Result.blocks)
    links: tuple[Link, ...] = ()  # a Markdown article's links (offsets into `text`)
    verbatim: tuple[tuple[int, str], ...] = ()  # Markdown kept as is: (paragraph it precedes, source)


INPUT_FORMATS = ("auto", "text", "html", "markdown")  # for one document's bytes; JSON Lines is a batch of documents
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def source_from_bytes(data: bytes, name: str = "-", input_format: str = "auto") -> Source:
    """One document's bytes as a Source: a web page's article (html, or auto and the name or content says HTML;
    needs the web extra), a Markdown article's prose (markdown, or auto and a .md name), or the text itself."""
    if input_format == "html" or (input_format == "auto" and looks_like_html(name, data)):
        return source_from_html(data, name)
    decoded = decode(data, name)
    if input_format == "markdown" or (input_format == "auto" and name.lower().endswith(_MARKDOWN_SUFFIXES)):
        from .markdown_input import read_markdown

        article = read_markdown(normalise_markup_input(decoded.text))
        if not article.text.strip():
            raise InputError(f"{name}: empty input (no text to translate)")
        return Source(article.text, name, decoded.warnings, blocks=article.blocks, links=article.links,
                      verbatim=article.verbatim)
    return Source(decoded.text, name, decoded.warnings)


def source_from_html(data: bytes, name: str, *, url: str | None = None, charset: str | None = None) -> Source:
    """A web page's article as a Source (the web extra); `url` and `charset` as HTTP gave them, for a fetched page."""
    from .web.html import read_page

    page = read_page(data, name, url=url, charset=charset)
    return Source(page.text, name, page.warnings, article=page.info, blocks=page.blocks)


def normalise_markup_input(text: str) -> str:
    """Markdown's own line endings (CommonMark reads \\r\\n and \\r as line ends) and no control characters."""
    return _CONTROL_CHARS.sub("", _ESCAPE_SEQUENCES.sub("", text))


_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)[\s>]", re.I | re.S)


def looks_like_html(name: str, data: bytes) -> bool:
    """By the file name's extension, else by how the content starts (<!DOCTYPE html>, <html>, <head>)."""
    if name.lower().endswith(_HTML_SUFFIXES):
        return True
    return bool(_HTML_START.match(data[:4096]))


def source_from_path(path: str | Path, input_format: str = "auto") -> Source:
    """Read and decode one file ('-' is not handled here: the caller reads stdin's bytes)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    return source_from_bytes(data, str(path), input_format)


_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# One pass over the text: what each match becomes. Escape sequences before the control characters they start with.
_REWRITES = re.compile(
    f"(?P<gone>{_ESCAPE_SEQUENCES.pattern}|{_CONTROL_CHARS.pattern}|[{_ZERO_WIDTH}])"
    f"|(?P<newline>\r(?:{_ESCAPE_SEQUENCES.pattern}|{_CONTROL_CHARS.pattern})*\n|[\r\u2028])|(?P<paragraph>[\u2029\f])|(?P<space>[\t{_SPACES}])"
)
_REPLACEMENT = {"gone": "", "newline": "\n", "paragraph": "\n\n", "space": " "}
# ’ between letters is an apostrophe (l’État); elsewhere it may close a ‘ ’ quotation, so it stays.
_APOSTROPHE = re.compile(r"(?<=\w)[\u2019\u02bc](?=\w)")


@dataclass(frozen=True)
class Normalised:
    """A text normalised for the model, and where each of its characters came from in the original.

    Character i of `text` stands for original[starts[i]:ends[i]] (a replaced character covers what it replaced;
    removed characters belong to no character), so a span of `text` maps back to a verbatim span of the original.
    """

    text: str
    original: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's (start, end) for text[start:end]; an empty span maps to an empty one."""
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def verbatim(self, start: int, end: int) -> tuple[str, int, int]:
        """(the original's text, start, end) for text[start:end]."""
        begin, finish = self.span(start, end)
        return self.original[begin:finish], begin, finish


def normalise_aligned(original: str) -> Normalised:
    """Typography the model handles badly turned into plain forms, remembering where every character came from.

    Control characters and terminal escape sequences go; newlines become \\n (a paragraph separator or form feed
    a blank line); tabs and odd spaces (no-break, narrow no-break, thin …) become plain spaces; zero-width
    characters and soft hyphens go; an apostrophe between letters becomes '. Paragraph structure is kept.
    """
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for match in _REWRITES.finditer(original):
        begin, finish = match.span()
        pieces.append(original[done:begin])
        starts.extend(range(done, begin))
        ends.extend(range(done + 1, begin + 1))
        replacement = _REPLACEMENT[match.lastgroup or "gone"]
        pieces.append(replacement)
        starts.extend([begin] * len(replacement))
        ends.extend([finish] * len(replacement))
        done = finish
    pieces.append(original[done:])
    starts.extend(range(done, len(original)))
    ends.extend(range(done + 1, len(original) + 1))
    text = _APOSTROPHE.sub("'", "".join(pieces))  # one character for one: the alignment holds
    return Normalised(text, original, tuple(starts), tuple(ends))


def normalise(text: str) -> str:
    """The text the model reads (see normalise_aligned)."""
    return normalise_aligned(text).text


CONTROL_CHARS = _CONTROL_CHARS  # what normalise removes: writers keep it off people's terminals too
ESCAPE_SEQUENCES = _ESCAPE_SEQUENCES
