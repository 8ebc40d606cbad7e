"""The brief stage: a translated article → its Brief (headline, 2–4 sentence summary, 1–3 key quotes), never a
misquote.

    summarise_result(result, summariser)   # summariser None → extractive

Abstractive (abstractive.py): chunked map-reduce over the translation, the headline shortened from the summary by
deletion; output that is empty, unusable or raises falls back to extractive with a warning. Extractive
(extractive.py): whole sentences of the translation. Either way every quoted span of the headline and summary is
checked against the article's quotations (quote_guard.py), and `Brief.checks` records each decision:
    check "quote", where "headline" | "summary" | "quotes", action one of
        "verbatim"      kept as written
        "replaced"      altered by the model: replaced by the closest ledger quote's exact wording (in detail)
        "completed"     cut short by the model: replaced by the full ledger wording (in detail)
        "unquoted"      no such quotation in the article: quotation marks dropped, words kept
        "mark-removed"  a stray, empty or unclosed quotation mark removed
        "excerpt"       a key quote running over several paragraphs: its longest paragraph is used
    check "summary", where "summary", action "fallback": the abstractive output was unusable (detail says why),
        the extractive summary is used.
"""

from __future__ import annotations

from ..engine import Decoding, Summariser
from ..result import Brief, Check, Result
from ..speakers import known_names
from .abstractive import summarise_abstractive
from .english_input import result_from_english
from .extractive import summarise_extractive
from .key_quotes import key_quotes
from .quote_guard import check_quotes, decision, ledger_wordings

__all__ = ["result_from_english", "summarise_result"]


def summarise_result(result: Result, summariser: Summariser | None, decoding: Decoding = Decoding()) -> Brief:
    """The brief of a translated article (`summariser` None: extractive). Every quoted span of the headline and
    summary occurs verbatim inside one of the article's quotations."""
    quotes, quote_checks = key_quotes(result, known_names(result))
    wordings = ledger_wordings(result)
    checks: list[Check] = []
    warnings: list[str] = []
    method, chunks, tokens = "extractive", 0, 0
    headline = summary = ""
    if summariser is not None and result.translation.strip():
        abstract = summarise_abstractive(result, summariser, decoding, wordings)
        chunks, tokens = abstract.chunks, abstract.input_tokens
        if abstract.failure is None:
            method, headline, summary = "abstractive", abstract.headline, abstract.summary
            checks.extend(abstract.checks)
        else:
            warnings.append(f"summariser {summariser.name}: {abstract.failure}; using the extractive summary")
            checks.append(decision("summary", "summary", "fallback", abstract.output[:200], abstract.failure))
    if method == "extractive":
        headline, summary = summarise_extractive(result, skip_title=True)
        summary, summary_checks = check_quotes(summary, wordings, result.translation, "summary")
        checks.extend(summary_checks)
    headline, headline_checks = check_quotes(headline, wordings, result.translation, "headline")
    checks.extend(headline_checks)
    checks.extend(quote_checks)
    return Brief(headline, summary, tuple(quotes), method, tuple(checks), chunks, tokens, tuple(warnings))
