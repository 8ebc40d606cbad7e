"""The brief's quote guard: every quoted span of a headline or summary occurs verbatim inside one of the article's
quotations, or is repaired (completed, replaced by the exact wording, unquoted) — each decision recorded."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..quotes import QuotedSpan, quoted_spans
from ..result import Check, Result
from .text import content_words

# How much a decision says about the model: kept as written is information, a repair is worth a look.
_SEVERITY = {"verbatim": "info", "excerpt": "info"}


def decision(check: str, where: str, action: str, text: str = "", detail: str = "") -> Check:
    """A decision of the brief's (check "quote" or "summary"), as recorded in Brief.checks."""
    return Check(check, "info" if action in _SEVERITY else "warning", None, detail, where=where, action=action,
                 text=text)


def _style_marks(translation: str) -> tuple[str, str]:
    """The translation's top-level quotation marks, so that the brief's quotes look like the article's."""
    counts = {"“": translation.count("“"), "«": translation.count("«"), '"': translation.count('"')}
    best = max(counts, key=lambda mark: counts[mark]) if any(counts.values()) else "“"
    return {"“": ("“", "”"), "«": ("«", "»"), '"': ('"', '"')}[best]


def ledger_wordings(result: Result) -> list[str]:
    """Every ledger quote's English wording as it stands in the translation: a quote running over paragraphs gives
    one wording per paragraph, since only those are contiguous in the translation."""
    wordings: list[str] = []
    for quote in result.quotes:
        for piece in quote.target.split("\n\n"):
            piece = piece.strip()
            if piece and piece in result.translation and piece not in wordings:
                wordings.append(piece)
    return wordings


def _plain(text: str) -> str:
    text = " ".join(text.lower().replace("’", "'").split())
    return re.sub(r"^(?:\.\.\.|…|\s)+|(?:\.\.\.|…|[\s.,;:])+$", "", text)


def _is_truncation(content: str, wording: str) -> bool:
    """The span is a cut-short (or ellipsed) piece of `wording`: a model truncating a quote, not altering it."""
    plain = _plain(content)
    return len(plain) >= 8 and len(plain.split()) >= 2 and plain in _plain(wording)


def _closest(content: str, wordings: Sequence[str]) -> str | None:
    """The ledger wording sharing most content words with `content`, if it shares enough to be the same quote."""
    span = set(content_words(content))
    if not span:
        return None
    best, best_key = None, (0.0, 0.0)
    for wording in wordings:
        words = set(content_words(wording))
        overlap = len(span & words)
        if not (overlap >= 2 or (len(span) == 1 and overlap == 1 and len(words) <= 3)):
            continue
        key = (overlap / len(span), overlap / len(span | words))
        if key[0] >= 0.5 and key > best_key:
            best, best_key = wording, key
    return best


def check_quotes(text: str, wordings: Sequence[str], translation: str, where: str) -> tuple[str, list[Check]]:
    """`text` with every quoted span verbatim from the article's quotations, and what was done to get there.

    Accepted: a span inside a ledger wording (or inside the translation when there is no ledger). A cut-short span
    is completed and an altered one replaced with the closest ledger wording; a span with no ledger match loses its
    marks (an invented quote, or the article's own words presented as a quotation); stray marks go.
    """
    wordings = [w for w in wordings if w]
    opening, closing = _style_marks(translation)
    spans, stray = quoted_spans(text)
    events: list[tuple[int, QuotedSpan | None]] = sorted(
        [(span.start, span) for span in spans] + [(pos, None) for pos in stray], key=lambda event: event[0]
    )
    checks: list[Check] = []
    out: list[str] = []
    cursor = 0
    for pos, span in events:
        out.append(text[cursor:pos])
        if span is None:
            checks.append(decision("quote", where, "mark-removed", text[pos], "a closing mark with no opening mark"))
            cursor = pos + 1
            continue
        cursor = span.end
        content = span.content.strip()
        if not content:
            checks.append(decision("quote", where, "mark-removed", text[span.start: span.end], "an empty quotation"))
            continue
        if span.closed and _accepted(content, wordings, translation):
            out.append(f"{opening}{content}{closing}")
            checks.append(decision("quote", where, "verbatim", content))
            continue
        if span.closed and content in translation:
            out.append(content)
            checks.append(decision("quote", where, "unquoted", content, "the article's words, not a quotation"))
            continue
        truncated = next((w for w in wordings if _is_truncation(content, w)), None)
        closest = truncated or (_closest(content, wordings) if span.closed else None)
        if closest:
            closest = trim(closest)
            out.append(f"{opening}{closest}{closing}")
            checks.append(decision("quote", where, "completed" if truncated else "replaced", content, closest))
        elif span.closed:
            out.append(content)
            checks.append(decision("quote", where, "unquoted", content, "no such quotation in the article"))
        else:
            out.append(text[span.start + 1: span.end])
            checks.append(decision("quote", where, "mark-removed", text[span.start], "a quotation never closed"))
    out.append(text[cursor:])
    repaired = _tidy("".join(out))
    # Safety net: whatever the rebuild produced must pass the same rule; anything else loses its marks.
    spans, stray = quoted_spans(repaired)
    bad = [s for s in spans if not s.closed or not _accepted(s.content.strip(), wordings, translation)]
    if bad or stray:
        for span in bad:
            checks.append(decision("quote", where, "unquoted", span.content.strip(), "failed the final check"))
        drop = set(stray) | {s.start for s in bad} | {s.end - 1 for s in bad if s.closed}
        repaired = _tidy("".join(c for i, c in enumerate(repaired) if i not in drop))
    return repaired, checks


def trim(wording: str) -> str:
    """A ledger wording without the comma English puts inside closing marks ("…Russia,” said X"): still verbatim."""
    return wording.rstrip(" ,;:")


def _accepted(content: str, wordings: Sequence[str], translation: str) -> bool:
    return bool(content) and (any(content in w for w in wordings) if wordings else content in translation)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r" +(?=[,.;:!?])", "", text).strip()

