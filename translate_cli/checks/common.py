"""What every check shares: severities, how a flag is made, and accent folding for comparing words."""

from __future__ import annotations

import re
import unicodedata

from ..result import Check, Severity

ERROR: Severity = "error"
WARNING: Severity = "warning"
SEVERITY: dict[str, Severity] = {
    "coverage": ERROR,
    "echo": ERROR,
    "repetition": ERROR,
    "numbers": ERROR,
    "names": WARNING,
    "length": WARNING,
    "brief_numbers": ERROR,
    "language": WARNING,
}
RETRYABLE = frozenset({"repetition", "echo", "length", "coverage"})


def flag(check: str, sentence: int | None, detail: str) -> Check:
    return Check(check, SEVERITY[check], sentence, detail)


WORD = re.compile(r"[^\W\d_]+")  # letters only: numbers are the numbers check's business
HAS_WORD = re.compile(r"[^\W_]")
DIGIT = re.compile(r"\d")


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[code] = base
    table.update({ord("œ"): "oe", ord("Œ"): "Oe", ord("æ"): "ae", ord("Æ"): "Ae", ord("ß"): "ss"})
    return table


FOLD = _build_fold_table()


def fold(text: str) -> str:
    """Lowercase, accents stripped: Sergueï → serguei, État → etat."""
    return text.translate(FOLD).lower()

