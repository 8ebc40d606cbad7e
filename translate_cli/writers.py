"""Output formats. Every writer takes a Result and a text stream; WRITERS is keyed by the --format name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from .quotes import QuoteStyle
from .result import Result
from .summarise import BriefSummary

SEPARATOR = "-" * 40


def _quoted(text: str, style: str) -> str:
    opening, closing = QuoteStyle(style).marks(0)
    return f"{opening}{text}{closing}"


def brief_text(brief: BriefSummary, style: str = "curly") -> str:
    """Headline, summary and key quotes as plain text."""
    lines = [brief.headline, "", brief.summary]
    if brief.quotes:
        lines.append("")
        lines += [_quoted(q.text, style) + (f" — {q.speaker}" if q.speaker else "") for q in brief.quotes]
    return "\n".join(lines).strip("\n") + "\n"


def brief_markdown(brief: BriefSummary, style: str = "curly") -> str:
    """The headline as a # heading, the summary, the key quotes as a block quote."""
    out = f"# {brief.headline}\n\n{brief.summary}\n"
    if brief.quotes:
        quoted = [f"> {_quoted(q.text, style)}" + (f" — {q.speaker}" if q.speaker else "") for q in brief.quotes]
        out += "\n" + "\n>\n".join(quoted) + "\n"
    return out


def write_text(result: Result, stream: TextIO) -> None:
    if result.brief is not None:
        stream.write(brief_text(result.brief, result.quote_style) + "\n" + SEPARATOR + "\n\n")
    stream.write(result.translation.rstrip("\n") + "\n")


def write_json(result: Result, stream: TextIO) -> None:
    json.dump(result.to_dict(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_jsonl(result: Result, stream: TextIO) -> None:
    stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")


def write_markdown(result: Result, stream: TextIO) -> None:
    if result.brief is not None:
        stream.write(brief_markdown(result.brief, result.quote_style) + "\n---\n\n")
    stream.write(result.translation.rstrip("\n") + "\n")
    if result.flagged:
        stream.write("\n## Checks\n\n")
        for check in result.flagged:
            where = "brief" if check.sentence is None else f"sentence {check.sentence}"
            stream.write(f"- **{check.check}** ({check.severity}, {where}): {check.detail}\n")
    if result.quotes:
        stream.write("\n## Quotations\n\n| # | French | English |\n|---|---|---|\n")
        for number, quote in enumerate(result.quotes, 1):
            french = quote.source.replace("|", "\\|").replace("\n\n", " ¶ ")
            english = quote.target.replace("|", "\\|").replace("\n\n", " ¶ ")
            stream.write(f"| {number} | {french} | {english} |\n")


Writer = Callable[[Result, TextIO], None]
WRITERS: dict[str, Writer] = {
    "text": write_text,
    "json": write_json,
    "jsonl": write_jsonl,
    "markdown": write_markdown,
}
