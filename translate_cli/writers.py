"""Output formats. WRITERS is keyed by the --format name; each writer knows its file suffix and writes a translation's
Result or a summary's BriefResult to a text stream."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from .quotes import QuoteStyle
from .reading import CONTROL_CHARS as _CONTROL_CHARS
from .reading import ESCAPE_SEQUENCES as _ESCAPE_SEQUENCES
from .result import Brief, BriefResult, Check, KeyQuote, Result


def _quoted(text: str, style: QuoteStyle) -> str:
    opening, closing = QuoteStyle(style).marks(0)
    return f"{opening}{text}{closing}"


def _speaker(quote: KeyQuote) -> str:
    return f" — {quote.speaker}" if quote.speaker else ""


def brief_text(brief: Brief, style: QuoteStyle = QuoteStyle.CURLY) -> str:
    """Headline, summary and key quotes, each part labelled."""
    lines = [f"Headline: {brief.headline}", f"Summary: {brief.summary}"]
    if brief.quotes:
        lines.append("Key quotes:")
        lines += [f"  {_quoted(q.text, style)}{_speaker(q)}" for q in brief.quotes]
    return "\n".join(lines) + "\n"


def brief_markdown(brief: Brief, style: QuoteStyle = QuoteStyle.CURLY) -> str:
    """The headline as a # heading, the summary, the key quotes as a block quote."""
    out = f"# {brief.headline}\n\n{brief.summary}\n"
    if brief.quotes:
        quoted = [f"> {_quoted(q.text, style)}{_speaker(q)}" for q in brief.quotes]
        out += "\n" + "\n>\n".join(quoted) + "\n"
    return out


def where(result: Result, check: Check) -> str:
    """Where a check points, for people: the brief, or the sentence numbered from 1 with its opening words."""
    if check.sentence is None:
        return check.where or "brief"
    sentence = next((s for s in result.sentences if s.index == check.sentence), None)
    words = sentence.target.split() if sentence is not None else []
    opening = " ".join(words[:6]).strip("“”‘’«»\"") + (" …" if len(words) > 6 else "")
    return f"sentence {check.sentence + 1}" + (f" “{opening}”" if opening else "")


def one_line(text: str) -> str:
    """A verbatim quotation on one line for people: a paragraph break shown as ¶, other line breaks as spaces,
    terminal escape sequences and control characters left out (they would act on the terminal); every other
    character (no-break spaces, typographic apostrophes) as the input has it."""
    text = _CONTROL_CHARS.sub("", _ESCAPE_SEQUENCES.sub("", text.replace("\u2028", "\n").replace("\u2029", "\n\n")))
    return _LINE_BREAKS.sub(" ", _PARAGRAPH_BREAK.sub(" ¶ ", text))


_PARAGRAPH_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)\s*")
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


def article_header(result: Result) -> str:
    """For a web page's article: where it comes from (site, author, date) and its URL, one line each."""
    if result.article is None:
        return ""
    info = result.article
    lines = [", ".join(part for part in (info.site, info.author, info.date) if part), info.url or ""]
    return "".join(f"{line}\n" for line in lines if line) + "\n"


def _markdown_blocks(result: Result) -> str:
    """The translation with its source's structure in Markdown: headings, list items, block quotes, links (their
    English text where the translation has it, else after the paragraph) and the code and rules kept verbatim."""
    paragraphs = result.translation.split("\n\n")
    if not result.blocks or len(paragraphs) != len(result.blocks):
        return result.translation
    paragraphs = _with_links(result, paragraphs)
    marker = {"item": "- ", "quote": "> "} | {f"h{level}": "#" * level + " " for level in range(1, 7)}
    verbatim = sorted(result.verbatim, key=lambda entry: entry[0])
    out: list[str] = []
    previous, number = "", 0
    for index, (kind, paragraph) in enumerate(zip(result.blocks, paragraphs)):
        while verbatim and verbatim[0][0] <= index:
            out.append("\n\n" + verbatim.pop(0)[1])
            previous = "verbatim"
        number = number + 1 if kind == "number" and previous == "number" else 1
        text = (f"{number}. " if kind == "number" else marker.get(kind, "")) + paragraph.replace(
            "\n", "\n> " if kind == "quote" else "\n")
        joined = kind == previous and kind in ("item", "number", "quote")  # one list, one block quote
        out.append(("\n>\n" if kind == "quote" else "\n") if joined else "\n\n")
        out.append(text)
        previous = kind
    out.extend("\n\n" + source for _, source in verbatim)
    return "".join(out).lstrip("\n")


def _with_links(result: Result, paragraphs: list[str]) -> list[str]:
    """Each Markdown link put back: around its English text in its paragraph, else after the paragraph."""
    if not result.links:
        return paragraphs
    paragraphs = list(paragraphs)
    for link in result.links:
        sentence = next((s for s in result.sentences if s.french.start <= link.start < s.french.end), None)
        if sentence is None or not link.target:
            continue
        english = paragraphs[sentence.paragraph]
        at = english.lower().find(link.target.lower())
        if at >= 0 and english[at - 1: at] != "[":
            found = english[at: at + len(link.target)]
            paragraphs[sentence.paragraph] = f"{english[:at]}[{found}]({link.url}){english[at + len(found):]}"
        else:
            paragraphs[sentence.paragraph] = f"{english} ([{link.target}]({link.url}))"
    return paragraphs


def write_text(result: Result, stream: TextIO) -> None:
    """With a brief: the labelled brief, the translation, any flagged checks, then each quotation French ↔ English.
    Without: the translation. A web page's article starts with where it comes from."""
    stream.write(article_header(result))
    if result.brief is None:
        stream.write(result.translation.rstrip("\n") + "\n")
        return
    stream.write(brief_text(result.brief, result.quote_style) + "\nTranslation:\n")
    stream.write(result.translation.rstrip("\n") + "\n")
    if result.flagged:
        stream.write("\nChecks:\n")
        for check in result.flagged:
            stream.write(f"  {check.check} ({check.severity}, {where(result, check)}): {check.detail}\n")
    if result.quotes:
        stream.write("\nQuotations:\n")
        for number, quote in enumerate(result.quotes, 1):
            stream.write(f"  {number}. fr: {one_line(quote.source)}\n     en: {one_line(quote.target)}\n")


def write_json(output: Result | BriefResult, stream: TextIO) -> None:
    json.dump(output.to_dict(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_jsonl(output: Result | BriefResult, stream: TextIO) -> None:
    stream.write(json.dumps(output.to_dict(), ensure_ascii=False) + "\n")


def write_markdown(result: Result, stream: TextIO) -> None:
    if result.brief is not None:
        stream.write(brief_markdown(result.brief, result.quote_style) + "\n---\n\n")
    if result.article is not None:
        stream.write("".join(f"{line}  \n" for line in article_header(result).splitlines() if line) + "\n")
    stream.write(_markdown_blocks(result).rstrip("\n") + "\n")
    if result.flagged:
        stream.write("\n## Checks\n\n")
        for check in result.flagged:
            stream.write(f"- **{check.check}** ({check.severity}, {where(result, check)}): {check.detail}\n")
    if result.quotes:
        stream.write("\n## Quotations\n\n| # | French | English |\n|---|---|---|\n")
        for number, quote in enumerate(result.quotes, 1):
            french = one_line(quote.source).replace("|", "\\|")
            english = one_line(quote.target).replace("|", "\\|")
            stream.write(f"| {number} | {french} | {english} |\n")


def write_brief_text(output: BriefResult, stream: TextIO) -> None:
    stream.write(brief_text(output.brief, output.quote_style))


def write_brief_markdown(output: BriefResult, stream: TextIO) -> None:
    stream.write(brief_markdown(output.brief, output.quote_style))


@dataclass(frozen=True)
class Writer:
    suffix: str  # a translation's file under --out-dir: <stem><suffix>
    brief_suffix: str  # a summary's (brief summarize)
    result: Callable[[Result, TextIO], None]
    brief: Callable[[BriefResult, TextIO], None]

    def suffix_for(self, product: str) -> str:
        """The file suffix of a "translation" or a "brief"."""
        return self.brief_suffix if product == "brief" else self.suffix


WRITERS: dict[str, Writer] = {
    "text": Writer(".en.txt", ".brief.txt", write_text, write_brief_text),
    "json": Writer(".en.json", ".brief.json", write_json, write_json),
    "jsonl": Writer(".en.jsonl", ".brief.jsonl", write_jsonl, write_jsonl),
    "markdown": Writer(".en.md", ".brief.md", write_markdown, write_brief_markdown),
}
FORMATS = tuple(WRITERS)


def render(fmt: str, output: Result | BriefResult) -> str:
    """`output` in format `fmt`, as a string."""
    buffer = io.StringIO()
    writer = WRITERS[fmt]
    if isinstance(output, BriefResult):
        writer.brief(output, buffer)
    else:
        writer.result(output, buffer)
    return buffer.getvalue()
