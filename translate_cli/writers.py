"""Output formats. Every writer takes a Result and a text stream; WRITERS is keyed by the --format name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from .result import Result


def write_text(result: Result, stream: TextIO) -> None:
    stream.write(result.translation.rstrip("\n") + "\n")


def write_json(result: Result, stream: TextIO) -> None:
    json.dump(result.to_dict(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_jsonl(result: Result, stream: TextIO) -> None:
    stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")


def write_markdown(result: Result, stream: TextIO) -> None:
    stream.write(result.translation.rstrip("\n") + "\n")
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
