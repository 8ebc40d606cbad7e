"""The translation stage: segmented French documents → English with every quotation intact, checked.

Documents are translated together, so that their sentences share engine calls: a first pass of whole sentences, a
second of the pieces of sentences whose quotation marks the model lost (restore.py), then checks and retries
(retry.py), then each document's English assembled (assemble.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from ..engine import CallLimits, Decoding, Translator
from ..quotes import QuoteStyle
from ..segment import Document
from .assemble import Assembled
from .batching import translate_texts
from .restore import apply_first, apply_second, first_inputs, plan_sentences, second_inputs
from .retry import Checked, Draft, check_and_retry, retry_schedule

__all__ = ["Assembled", "Checked", "translate_documents"]


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def translate_documents(
    documents: Sequence[Document],
    translator: Translator,
    *,
    decoding: Decoding,
    limits: CallLimits,
    retries: int,
    style: QuoteStyle,
) -> list[Checked]:
    """Each document's English, sentence results, quote ledger and checks, in the order given."""
    translate = partial(translate_texts, translator, limits=limits)
    plans = [plan_sentences(document) for document in documents]
    first = _unique(text for plan in plans for text in first_inputs(plan))
    first_map = dict(zip(first, translate(first, decoding)))
    settled = [apply_first(plan, first_map) for plan in plans]
    second = _unique(text for plan, _ in settled for text in second_inputs(plan))
    second_map = dict(zip(second, translate(second, decoding)))
    drafts = [
        Draft(document, plan, apply_second(plan, renderings, second_map))
        for document, (plan, renderings) in zip(documents, settled)
    ]
    schedule = retry_schedule(decoding, translator.default_beams, retries)
    return check_and_retry(drafts, translate, decoding, schedule, style)
