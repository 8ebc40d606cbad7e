"""Key quotes: 1–3 of the ledger's quotations, verbatim, with their speakers."""

from __future__ import annotations

from ..result import Check, KeyQuote, Result
from ..speakers import english_spelling, known_names, speaker_for
from .quote_guard import decision, trim
from .text import content_words, words


def key_quotes(result: Result, known: dict[str, str] | None = None, limit: int = 3) -> tuple[list[KeyQuote],
                                                                                                list[Check]]:
    """1–`limit` quotes from the ledger (none only when it is empty), verbatim, with their speakers.

    Preferred: quotes of a readable length, with a named speaker, early in the article, on its main topic, from
    different speakers; a quote contained in another one already chosen is skipped.
    """
    known = known_names(result) if known is None else known
    article = set(content_words(result.translation))
    candidates: list[tuple[float, int, str, str | None]] = []
    checks: list[Check] = []
    for k, quote in enumerate(result.quotes):
        pieces = [p.strip() for p in quote.target.split("\n\n") if p.strip() and p.strip() in result.translation]
        if not pieces:
            continue
        wording = trim(max(pieces, key=len))
        speaker = quote.speaker or speaker_for(result, quote, known)
        count = len(words(wording))
        length = 1.0 if 8 <= count <= 40 else 0.6 if 4 <= count <= 60 else 0.2
        topic = len(set(content_words(wording)) & article) / (len(set(content_words(wording))) or 1)
        score = length + (0.5 if speaker else 0.0) + 0.3 / (1 + k / 4) + 0.3 * topic
        candidates.append((score, k, wording, speaker))
        if len(pieces) > 1 or "\n\n" in quote.target:
            checks.append(decision("quote", "quotes", "excerpt", quote.target, wording))
    chosen: list[tuple[float, int, str, str | None]] = []
    pool = sorted(candidates, key=lambda c: -c[0])
    while pool and len(chosen) < limit:
        speakers = {c[3] for c in chosen if c[3]}
        pool.sort(key=lambda c: -(c[0] - (0.4 if c[3] in speakers else 0.0)))
        best = pool.pop(0)
        if any(best[2] in c[2] or c[2] in best[2] for c in chosen):
            continue
        if chosen and best[0] - (0.4 if best[3] in speakers else 0.0) < 1.0:
            break  # only substantial extra quotes
        chosen.append(best)
    chosen.sort(key=lambda c: c[1])
    used = {c[2] for c in chosen}
    # the brief is English: a speaker as the translation spells the name (the ledger keeps the French form)
    quotes = [KeyQuote(c[2], c[3] and english_spelling(c[3], result.translation)) for c in chosen]
    return quotes, [c for c in checks if c.detail in used]

