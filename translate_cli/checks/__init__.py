"""Fidelity checks: where a French → English translation may have gone wrong, so that a reader knows where to look.

    check_sentence(index, source, target)  # one sentence pair → [Check, …]
    check_result(result)                   # every sentence of a Result (names seen elsewhere in the article count)
    check_brief(brief_text, translation)   # every number of the brief must occur in the translation

Checks, by name (severity):
    coverage    (error)    the translation is empty, or one of its quotations came back empty
    echo        (error)    the "translation" is (mostly) the French source copied back
    repetition  (error)    a decoding loop: an n-gram repeated back to back, or text that compresses too well
    numbers     (error)    a number, percentage, amount, time or date of the source has no accepted English form
    names       (warning)  a capitalised name or acronym of the source is missing (known exonyms and fuzzy forms pass)
    length      (warning)  the translation is far shorter or longer than the source (dropped or invented content)
    brief_numbers (error)  check_brief: a number of the brief occurs nowhere in the translation
    language    (warning)  check_language: the document is not in the language brief expects (French)

One root cause, one flag: a sentence flagged by coverage, echo or repetition is not checked for numbers, names or
length (their flags would only be noise). `RETRYABLE` names the checks that different decoding may fix.

Pure Python and linear in the text's length (regexes compiled once, no quadratic scans); what they cost next to the
translation is measured by benchmarks/bench_checks.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..language import NAMES, guess_language
from ..result import Check, Result
from .common import ERROR, HAS_WORD, RETRYABLE, SEVERITY
from .names import check_names, document_names
from .numbers import check_brief, check_numbers
from .text import check_coverage, check_echo, check_length, check_repetition

__all__ = ["RETRYABLE", "SEVERITY", "Check", "check_brief", "check_language", "check_result", "check_sentence",
           "document_names", "needs_retry", "penalty", "summary_line"]


def needs_retry(checks: Iterable[Check]) -> bool:
    """Whether a sentence's checks call for a retry with different decoding."""
    return any(c.check in RETRYABLE for c in checks)


def penalty(checks: Iterable[Check]) -> tuple[int, int, int]:
    """Sort key to keep the better of two candidates (lower is better): retryable flags, errors, all flags."""
    checks = list(checks)
    return (
        sum(c.check in RETRYABLE for c in checks),
        sum(c.severity == ERROR for c in checks),
        len(checks),
    )


def summary_line(checks: Sequence[Check]) -> str:
    """One line for people (stderr): '3 checks flagged: numbers ×2 (sentences 5, 8), repetition (sentence 10)'.
    Sentences are numbered from 1 here, as people count; `Check.sentence` (and JSON) index them from 0."""
    if not checks:
        return "no checks flagged"
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.check, []).append(check)
    parts = []
    for name, group in groups.items():
        count = f" ×{len(group)}" if len(group) > 1 else ""
        indexes = sorted({c.sentence for c in group if c.sentence is not None})
        where = []
        if indexes:
            where.append(("sentence " if len(indexes) == 1 else "sentences ") + ", ".join(str(i + 1) for i in indexes))
        where.extend(sorted({c.where or "brief" for c in group if c.sentence is None}))
        parts.append(f"{name}{count} ({'; '.join(where)})")
    noun = "check" if len(checks) == 1 else "checks"
    return f"{len(checks)} {noun} flagged: " + ", ".join(parts)


def check_sentence(
    index: int, source: str, target: str, *, known_names: frozenset[str] | None = None
) -> list[Check]:
    """Every check on one sentence pair. `known_names` (from `document_names`) lets a sentence-initial name count."""
    if not HAS_WORD.search(source):
        return []
    for check in (check_coverage, check_echo, check_repetition):
        flags = check(index, source, target)
        if flags:
            return flags
    return [
        *check_numbers(index, source, target),
        *check_names(index, source, target, known_names),
        *check_length(index, source, target),
    ]


def check_result(result: Result) -> list[Check]:
    """Every check on every sentence of a Result, in sentence order."""
    known = document_names(s.french.normalised for s in result.sentences)
    checks: list[Check] = []
    for sentence in result.sentences:
        checks.extend(check_sentence(sentence.index, sentence.french.normalised, sentence.target, known_names=known))
    return checks



def check_language(text: str, expected: str = "fr") -> list[Check]:
    """A document whose language is clearly another than `expected` (a guess needs enough text: see language.py)."""
    guess = guess_language(text)
    if guess is None or guess == expected:
        return []
    return [Check("language", SEVERITY["language"], None,
                  f"the document looks {NAMES[guess]}, not {NAMES[expected]}", where="document")]
