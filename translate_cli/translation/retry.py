"""Fidelity checks on every sentence, and the retry of sentences that loop, echo the French or have an implausible
length: re-translated with other decoding (a new Decoding per attempt), the candidate the checks like better kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

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
        checks = check_sentence(s.index, s.source, s.target, known_names=names)
        missing = untranslated(renderings[s.index])
        if missing:  # one root cause, one flag: the French kept in its place is no echo of its own
            pieces = "; ".join(f"«{piece}»" for piece in missing)
            checks = [c for c in checks if c.check not in ("coverage", "echo")]
            checks.insert(0, Check("coverage", "error", s.index, f"no translation for {pieces}: French kept"))
        found[s.index] = checks
    return found


def check_and_retry(
    drafts: Sequence[Draft], translate: TranslateFn, first: Decoding, schedule: Sequence[Decoding], style: QuoteStyle
) -> list[Checked]:
    """Check every sentence of every draft; retry the flagged ones of all drafts together, one attempt per
    Decoding of `schedule`, keeping a candidate only when its checks are better. The drafts are left as given."""
    assembled = [assemble(d.document, d.plans, d.renderings, style) for d in drafts]
    names = [document_names(s.source for s in a.sentences) for a in assembled]
    current = [_sentence_checks(a.sentences, d.renderings, n) for a, d, n in zip(assembled, drafts, names)]
    accepted: list[dict[int, Tokens]] = [{} for _ in drafts]
    notes: list[list[Check]] = [[] for _ in drafts]
    for attempt, decoding in enumerate(schedule, 1):
        flagged = [[i for i, found in checks.items() if needs_retry(found)] for checks in current]
        inputs = list(dict.fromkeys(text for d, f in zip(drafts, flagged) for text in retry_inputs(d.plans, f)))
        if not inputs:
            break
        retried = dict(zip(inputs, translate(inputs, decoding)))
        settings = decoding.describe(first)
        for k, draft in enumerate(drafts):
            candidates = retry_renderings(draft.plans, flagged[k], retried)
            if not candidates:
                continue
            trial_renderings = {**draft.renderings, **accepted[k], **candidates}
            trial = assemble(draft.document, draft.plans, trial_renderings, style).sentences
            trial_checks = _sentence_checks([trial[i] for i in candidates], trial_renderings, names[k])
            for index in flagged[k]:
                before = current[k][index]
                after = trial_checks.get(index)
                better = after is not None and penalty(after) < penalty(before)
                if better:
                    accepted[k][index] = candidates[index]
                    current[k][index] = after
                flags = ", ".join(sorted({c.check for c in before if c.check in RETRYABLE}))
                outcome = "kept the retry" if better else "kept the first translation"
                notes[k].append(Check("retry", "info", index, f"attempt {attempt} for {flags} ({settings}): {outcome}"))
    checked = []
    for k, draft in enumerate(drafts):
        final = assembled[k]
        if accepted[k]:
            final = assemble(draft.document, draft.plans, {**draft.renderings, **accepted[k]}, style)
        flat = [c for index in sorted(current[k]) for c in current[k][index]]
        ordered = sorted(flat + notes[k], key=lambda c: (c.sentence if c.sentence is not None else -1))
        checked.append(Checked(final, tuple(ordered)))
    return checked
