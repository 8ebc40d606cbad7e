"""Bytes → text: encodings detected, binary refused, French typography normalised for the model."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

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
    """The text without control characters (a warning says how many went), or InputError when it is binary
    (a NUL byte, or controls over BINARY_SHARE of it) or empty."""
    if "\x00" in text:
        raise InputError(f"{name}: binary data (NUL bytes), not a text file")
    text, sequences = _ESCAPE_SEQUENCES.subn("", text)
    text, controls = _CONTROL_CHARS.subn("", text)
    if controls and controls > BINARY_SHARE * (len(text) + controls):
        raise InputError(f"{name}: binary data ({controls} control characters), not a text file")
    if not text.strip():
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


def source_from_bytes(data: bytes, name: str = "-") -> Source:
    decoded = decode(data, name)
    return Source(decoded.text, name, decoded.warnings)


def source_from_path(path: str | Path) -> Source:
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
    return source_from_bytes(data, str(path))


_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# ’ between letters is an apostrophe (l’État); elsewhere it may close a ‘ ’ quotation, so it stays.
_APOSTROPHE = re.compile(r"(?<=\w)[\u2019\u02bc](?=\w)")


def normalise(text: str) -> str:
    """Typography the model handles badly, turned into plain forms. Keeps lengths stable per line semantics.

    Newlines become \\n, odd spaces become plain spaces, zero-width characters go, apostrophes become '.
    Paragraph structure (blank lines) is kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\f", "\n\n").replace("\t", " ")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    return _APOSTROPHE.sub("'", text)
