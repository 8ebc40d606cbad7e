"""Checks on the text as a whole: coverage (nothing empty), echo (no French left untranslated), repetition (no
decoding loop) and length (nothing dropped or invented at scale)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from operator import eq

from ..result import Check
from .common import FOLD, HAS_WORD, WORD, flag, fold
from .names import mostly_caps

_FRENCH_FUNCTION_WORDS = frozenset(
    fold(w)
    for w in """le la les des du de d l et est une pour dans avec sur par qui que qu pas ne n ce c cette ces il elle
    nous vous ils elles sont au aux ses sa leur leurs mais ou où été être avoir ont fait très aussi comme selon entre
    après avant sans sous chez vers depuis dont lui eux notre nos votre vos mon ma mes se y était sera peut tout
    tous toute toutes même mêmes encore alors donc car déjà ainsi cela ceci ça lors plusieurs aucun aucune chaque
    quand leurs avons avez sommes êtes étaient fut sont""".split()
)
# Words both languages use ("a", "on", possessive "s"): they say nothing about which language a text is in.
_SHARED_WORDS = frozenset("a as but me on or s son t".split())


def check_echo(index: int, source: str, target: str) -> list[Check]:
    """Flag a target whose words are mostly the source's own or French function words; names and numbers don't count
    (a sentence that is only names and numbers reads the same in both languages)."""
    source_words = WORD.findall(source.translate(FOLD))
    source_folded = {w.lower() for w in source_words}
    if mostly_caps(source):  # an all-caps headline: capitals say nothing about names
        source_names: set[str] = set()
    else:
        source_names = {w.lower() for w in source_words if w[0].isupper()} - _FRENCH_FUNCTION_WORDS
    content = [w for w in source_words if w.lower() not in source_names]
    if len(content) < 3:
        return []
    tokens = [w for w in WORD.findall(target.translate(FOLD).lower()) if w not in _SHARED_WORDS]
    if source_names:
        tokens = [w for w in tokens if w not in source_names]
    if len(tokens) < 3:
        return []
    copied = sum(map(source_folded.__contains__, tokens)) / len(tokens)
    french = sum(map(_FRENCH_FUNCTION_WORDS.__contains__, tokens)) / len(tokens)
    if copied >= ECHO_COPIED or french >= ECHO_FRENCH or (copied >= ECHO_COPIED_WITH_FRENCH and french >= 0.1):
        if " ".join(target.split()) == " ".join(source.split()):
            detail = "the translation is the French source unchanged"
        else:
            detail = f"{copied:.0%} of the translation's words are the source's, {french:.0%} French function words"
        return [flag("echo", index, detail)]
    return []


ECHO_COPIED = 0.7  # share of the target's words (names aside) copied from the source
ECHO_FRENCH = 0.25  # share of the target's words that are French function words
ECHO_COPIED_WITH_FRENCH = 0.45  # a partly translated sentence: copied ≥ this and French ≥ 10%

# ------------------------------------------------------------------------------------------------ repetition

_LOOP_TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[^\w\s])")
# (n-gram size, times back to back): "the the the the", "and the and the and the and the", a clause said thrice, a
# sentence-long span (10+ tokens) twice. Judged against the source: a repetition the French has is not a loop.
_REPEATS = tuple((n, 4 if n <= 2 else 3 if n <= 9 else 2) for n in range(1, 31))
COMPRESSION_RATIO = 2.4  # whisper's threshold (zlib ratio of a looping segment)
_COMPRESSION_MIN_CHARS = 80


def _loop(tokens: Sequence[str]) -> tuple[int, int, int] | None:
    """(n, times, position) of the first n-gram repeated back to back, or None. Linear per n: an n-gram repeated k
    times is a run of (k-1)·n positions where token[i] == token[i+n] (found by bytes.find, in C)."""
    if len(set(tokens)) == len(tokens):
        return None
    for n, times in _REPEATS:
        need = (times - 1) * n
        if len(tokens) < need + n:
            break
        position = bytes(map(eq, tokens, tokens[n:])).find(b"\x01" * need)
        if position >= 0:
            return n, times, position
    return None


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data))


def check_repetition(index: int, source: str, target: str) -> list[Check]:
    tokens = _LOOP_TOKEN.findall(target.lower())
    loop = _loop(tokens)
    if loop and not _loop(_LOOP_TOKEN.findall(source.lower())):
        n, _, start = loop
        count = 1
        while tokens[start + count * n: start + (count + 1) * n] == tokens[start: start + n]:
            count += 1
        gram = _SPACE_BEFORE_PUNCT.sub("", " ".join(tokens[start: start + n])).strip(" .,;:") or tokens[start]
        return [flag("repetition", index, f"“{gram}” repeated {count} times in a row")]
    if len(target) >= _COMPRESSION_MIN_CHARS:
        ratio = _compression_ratio(target)
        if ratio > COMPRESSION_RATIO and ratio > _compression_ratio(source) + 0.4:
            return [flag("repetition", index, f"the translation compresses {ratio:.1f}:1 (a loop; limit "
                                               f"{COMPRESSION_RATIO})")]
    return []


# ------------------------------------------------------------------------------------------------ length

LENGTH_MIN_RATIO = 0.4  # target chars / source chars; FR → EN is about 0.9
LENGTH_MAX_RATIO = 2.2
LENGTH_MIN_SOURCE = 40  # chars: below this a short ratio says little (headlines, "Oui.")
LENGTH_MAX_SLACK = 40  # chars: a longer target must also be this much longer ("Oui" → "Yes, indeed")


def check_length(index: int, source: str, target: str) -> list[Check]:
    source_len, target_len = len(" ".join(source.split())), len(" ".join(target.split()))
    if not source_len:
        return []
    ratio = target_len / source_len
    if source_len >= LENGTH_MIN_SOURCE and ratio < LENGTH_MIN_RATIO:
        return [flag("length", index, f"the translation is {ratio:.2f}× the source's length (under "
                                       f"{LENGTH_MIN_RATIO}×: content dropped?)")]
    if ratio > LENGTH_MAX_RATIO and target_len - source_len > LENGTH_MAX_SLACK:
        return [flag("length", index, f"the translation is {ratio:.2f}× the source's length (over "
                                       f"{LENGTH_MAX_RATIO}×: content invented?)")]
    return []


# ------------------------------------------------------------------------------------------------ coverage

# an opening mark, at most a few spaces or punctuation marks, its closing mark (bounded: linear on any input)
_EMPTY_QUOTE = re.compile(r"“[^\w“]{0,6}”|«[^\w«]{0,6}»|‹[^\w‹]{0,6}›|„[^\w„]{0,6}“|‘[^\w‘’]{0,6}’")


def check_coverage(index: int, source: str, target: str) -> list[Check]:
    if not HAS_WORD.search(target):
        return [flag("coverage", index, "no translation for this sentence")]
    if _EMPTY_QUOTE.search(target) and not _EMPTY_QUOTE.search(source):
        return [flag("coverage", index, "a quotation of this sentence came back empty")]
    return []

