"""Word lists the names check reads (built from Hunspell dictionaries, see data/build_lexicons.py): which French
words are common words, and which English words are dictionary words. Loaded once, on first use (~0.1 s)."""

from __future__ import annotations

import gzip
from functools import cache, lru_cache
from pathlib import Path

from .common import fold

_DATA = Path(__file__).resolve().parent / "data"


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(gzip.decompress((_DATA / name).read_bytes()).decode("utf-8").split())


@lru_cache(maxsize=1)
def _proper_names() -> tuple[frozenset[str], frozenset[str]]:
    """(proper names, first names among them), folded."""
    lines = _words("fr-proper.txt.gz")
    return frozenset(line.rstrip("+") for line in lines), frozenset(line[:-1] for line in lines if line.endswith("+"))


def french_first_name(word: str) -> bool:
    """Whether the French dictionary lists `word` as a first name (Larry, Sophie, Pierre)."""
    return fold(word) in _proper_names()[1]


def french_common_word(word: str) -> bool:
    """Whether `word`, capitalised, is a French common word rather than a name: the dictionary has it among its
    common words' forms and not as a proper noun, first name or surname (Laboratoires, Etat, Grand, Frères, Terre
    yes; Macron, Pierre, Lavrov no). A hyphenated word is common when each part is (Tout-le-Monde)."""
    common, proper = _words("fr-common.txt.gz"), _proper_names()[0]
    folded = fold(word)
    if folded in proper:
        return False
    return folded in common or all(part in common and part not in proper for part in folded.split("-") if part)


def _english_forms(word: str) -> tuple[str, ...]:
    forms = [word]
    for ending, stem in (("ies", "y"), ("es", ""), ("s", ""), ("'s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e"), ("ly", ""), ("ily", "y"), ("ally", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: len(word) - len(ending)] + stem)
    return tuple(forms)


def english_word(word: str) -> bool:
    """Whether the English dictionary has `word` in some case and inflection: Laboratories, State, French,
    Brotherhood yes; an invented or foreign name (Zorglub, Servier) no."""
    words = _words("en-words.txt.gz")
    return any(form in words for form in _english_forms(fold(word)))
