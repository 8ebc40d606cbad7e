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
# C0 controls other than tab, newlines and form feed never occur in text files.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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
            return DecodedText(_checked(text, name), encoding)
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes), not a text file")
    try:
        return DecodedText(_checked(data.decode("utf-8"), name), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # never fails: every byte is a code point
        encoding = "latin-1"
    return DecodedText(
        _checked(text, name), encoding, (f"{name}: not UTF-8; decoded as {encoding} (check accented letters)",)
    )


def _checked(text: str, name: str) -> str:
    controls = len(_CONTROL_CHARS.findall(text))
    if controls and controls > max(2, len(text) // 1000):
        raise InputError(f"{name}: binary data ({controls} control characters), not a text file")
    text = _CONTROL_CHARS.sub("", text)
    if not text.strip():
        raise InputError(f"{name}: empty input (no text to translate)")
    return text


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
