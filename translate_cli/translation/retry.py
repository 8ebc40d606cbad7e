"""Fidelity checks on every sentence, and the retry of sentences that loop, echo the French or have an implausible
length: re-translated with other decoding (a new Decoding per attempt), the candidate the checks like better kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..checks import RETRYABLE, check_sentence, document_names, needs_retry, penalty
from ..engine import Decoding
from ..quotes import QuoteStyle
from ..result import Check, SentenceResult
from ..segment import Document
from .assemble import Assembled, assemble
from .restore import Renderings, SentencePlan, Tokens, retry_inputs, retry_renderings, untranslated

TranslateFn = Callable[[Sequence[str], Decoding], list[str]]


def retry_schedule(first: Decoding, model_beams: int, attempts: int) -> list[Decoding]:
    """Decoding that breaks loops and echoes, stronger with each attempt: more beams, no repeated trigram, a
    repetition penalty. The same for every engine."""
    beams = max(first.beams or model_beams, 4)
    return [
        replace(first, beams=beams + 2 * attempt, no_repeat_ngram_size=3,
                repetition_penalty=round(1.1 + 0.1 * attempt, 2))
        for attempt in range(1, attempts + 1)
    ]


@dataclass(frozen=True)
class Draft:
    """One document translated once: its plans and every sentence's rendering."""

    document: Document
    plans: tuple[SentencePlan, ...]
    renderings: Renderings


@dataclass(frozen=True)
class Checked:
    """One document's final English and its checks (fidelity flags, retry notes), in sentence order."""

    assembled: Assembled
    checks: tuple[Check, ...]


def _sentence_checks(
    results: Sequence[SentenceResult], renderings: Renderings, names: frozenset[str]
) -> dict[int, list[Check]]:
    found = {}
    for s in results:
        checks = check_sentence(s.index, s.french.normalised, s.target, known_names=names)
        missing = untranslated(renderings[s.index])
        if missing:  # one root cause, one flag: the French kept in its place is no echo of its own
            pieces = "; ".join(f"«{piece}»" for piece in missing)
            checks = [c for c in checks if c.check not in ("coverage", "echo")]
            checks.insert(0, Check("coverage", "error", s.index, f"no translation for {pieces}: French kept"))
        found[s.index] = checks
    return found


@dataclass
class _Progress:
    """One draft through the attempts: each sentence's current checks, the retries kept, the notes written."""

    draft: Draft
    names: frozenset[str]  # the document's names (a sentence-initial name is checked when it occurs elsewhere)
    checks: dict[int, list[Check]]
    accepted: dict[int, Tokens] = field(default_factory=dict)
    notes: list[Check] = field(default_factory=list)

    def flagged(self) -> list[int]:
        return [index for index, found in self.checks.items() if needs_retry(found)]


def check_and_retry(
    drafts: Sequence[Draft], translate: TranslateFn, first: Decoding, schedule: Sequence[Decoding], style: QuoteStyle
) -> list[Checked]:
    """Check every sentence of every draft; retry the flagged ones of all drafts together, one attempt per
    Decoding of `schedule`, keeping a candidate only when its checks are better. The drafts are left as given."""
    assembled = [assemble(d.document, d.plans, d.renderings, style) for d in drafts]
    progress = []
    for draft, english in zip(drafts, assembled):
        names = document_names(s.french.normalised for s in english.sentences)
        progress.append(_Progress(draft, names, _sentence_checks(english.sentences, draft.renderings, names)))
    for attempt, decoding in enumerate(schedule, 1):
        flagged = [p.flagged() for p in progress]
        inputs = list(dict.fromkeys(text for p, f in zip(progress, flagged) for text in retry_inputs(p.draft.plans, f)))
        if not inputs:
            break
        retried = dict(zip(inputs, translate(inputs, decoding)))
        for p, indices in zip(progress, flagged):
            _attempt(p, indices, retried, f"attempt {attempt}", decoding.describe(first), style)
    checked = []
    for p, english in zip(progress, assembled):
        if p.accepted:
            english = assemble(p.draft.document, p.draft.plans, {**p.draft.renderings, **p.accepted}, style)
        flat = [c for index in sorted(p.checks) for c in p.checks[index]]
        ordered = sorted(flat + p.notes, key=lambda c: (c.sentence if c.sentence is not None else -1))
        checked.append(Checked(english, tuple(ordered)))
    return checked


def _attempt(
    p: _Progress, indices: list[int], retried: dict[str, str], attempt: str, settings: str, style: QuoteStyle
) -> None:
    """Weigh the retried renderings of one draft's flagged sentences against what it has; keep the better."""
    candidates = retry_renderings(p.draft.plans, indices, retried)
    if not candidates:
        return
    trial_renderings = {**p.draft.renderings, **p.accepted, **candidates}
    trial = assemble(p.draft.document, p.draft.plans, trial_renderings, style).sentences
    trial_checks = _sentence_checks([trial[i] for i in candidates], trial_renderings, p.names)
    for index in indices:
        before = p.checks[index]
        after = trial_checks.get(index)
        better = after is not None and penalty(after) < penalty(before)
        if better:
            p.accepted[index] = candidates[index]
            p.checks[index] = after
        flags = ", ".join(sorted({c.check for c in before if c.check in RETRYABLE}))
        outcome = "kept the retry" if better else "kept the first translation"
        p.notes.append(Check("retry", "info", index, f"{attempt} for {flags} ({settings}): {outcome}"))
