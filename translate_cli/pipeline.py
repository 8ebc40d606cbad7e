"""The library's front door: `load(...)` gives a Brief whose `translate(text)` runs every stage.

read → normalise → segment (+ quotation parse) → translate (batched) → restore quotations → Result
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from .checks import RETRYABLE, Check, check_brief, check_sentence, document_names, needs_retry, penalty
from .errors import BriefError, InputError
from .options import Options, resolve_options
from .quotes import QuoteStyle
from .reading import decode, normalise, read_path
from .restore import DocumentJob
from .result import Result, SentenceResult
from .segment import Document, segment
from .summarise import Summariser, attribute_speakers, summarise_result
from .translate import Translator, translate_texts

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """One document to translate: its text, where it came from, and warnings from reading it."""

    text: str
    source: str = "-"
    warnings: tuple[str, ...] = ()


@dataclass
class _Job:
    source: Source
    document: Document
    restore: DocumentJob


class _RetryView:
    """A translator seen through its retry decoding (`translate_retry(texts, attempt)`), for translate_texts."""

    def __init__(self, translator: Translator, attempt: int) -> None:
        self.translator = translator
        self.attempt = attempt
        self.name = f"{translator.name} (retry {attempt})"
        self.max_input_tokens = translator.max_input_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.translator.count_tokens(texts)

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return self.translator.translate_retry(texts, self.attempt)  # type: ignore[attr-defined]

    def describe(self) -> str:
        describe = getattr(self.translator, "retry_settings", None)
        return describe(self.attempt) if describe else "other decoding settings"


class Brief:
    """A loaded translator plus run options. Load once, translate many documents."""

    def __init__(
        self,
        translator: Translator,
        options: Options,
        models: dict[str, dict[str, Any]] | None = None,
        warnings: Sequence[str] = (),
    ):
        self.translator = translator
        self.options = options
        self.models = models or {"translator": {"name": getattr(translator, "name", "custom")}}
        self.load_warnings = tuple(warnings)  # e.g. a model file whose hash could not be checked
        self._summariser: Summariser | None = None
        self._summariser_loaded = False

    @property
    def summariser(self) -> Summariser | None:
        """The brief's summariser, loaded on first use (None: extractive). `--summarizer auto` falls back to
        extractive with a warning when the pinned model is not available."""
        if not self._summariser_loaded:
            from .summarise import load_summariser

            self._summariser, described, warnings = load_summariser(
                self.options.summarizer,
                device=self.options.device,
                ctranslate2=use_ctranslate2(self.options.backend),
                precision=self.options.precision,
                threads=self.options.threads or None,
            )
            self.models = {**self.models, "summarizer": described}
            self.load_warnings += tuple(warnings)
            self._summariser_loaded = True
        return self._summariser

    @summariser.setter
    def summariser(self, summariser: Summariser | None) -> None:
        self._summariser, self._summariser_loaded = summariser, True
        described = {"name": getattr(summariser, "name", "extractive"), "repo": None, "revision": None, "path": None}
        self.models = {**self.models, "summarizer": described}

    def _batching(self) -> dict[str, int]:
        """Batch limits: the user's, else the engine's preference (CTranslate2 wants bigger batches than torch)."""
        return {
            "batch_size": self.options.batch_size or getattr(self.translator, "preferred_batch_size", 16),
            "batch_tokens": self.options.batch_tokens or getattr(self.translator, "preferred_batch_tokens", 4096),
        }

    def _translate_strings(self, texts: Sequence[str]) -> list[str]:
        return translate_texts(self.translator, texts, **self._batching())

    def translate(self, text: str, *, source: str = "-", warnings: Sequence[str] = ()) -> Result:
        """Translate one French document given as text."""
        [(_, outcome)] = self.translate_many([Source(text, source, tuple(warnings))])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def translate_many(
        self,
        items: Iterable[T],
        prepare: Callable[[T], Source] | None = None,
        *,
        window_sentences: int = 128,
    ) -> Iterator[tuple[T, Result | BriefError]]:
        """Translate many documents with one model, batching sentences across documents; results in input order.

        `prepare` turns an item into a Source (reading a file, say); a BriefError it raises is yielded for that item
        and the others go on. Documents are grouped until a group holds `window_sentences` sentences, so results
        stream out while later documents are still being read.
        """
        prepare = prepare or (lambda item: item)  # type: ignore[assignment,return-value]
        window: list[tuple[T, _Job | BriefError]] = []
        sentences = 0
        for item in items:
            try:
                job = self._job(prepare(item))
                sentences += len(job.document.sentences)
                window.append((item, job))
            except BriefError as exc:
                window.append((item, exc))
            if sentences >= window_sentences:
                yield from self._run_window(window)
                window, sentences = [], 0
        yield from self._run_window(window)

    def _job(self, source: Source) -> _Job:
        normalised = normalise(source.text)
        if not normalised.strip():
            raise InputError(f"{source.source}: empty input (no text to translate)")
        document = segment(normalised)
        return _Job(source, document, DocumentJob(document, QuoteStyle(self.options.quotes)))

    def _run_window(self, window: list[tuple[T, _Job | BriefError]]) -> Iterator[tuple[T, Result | BriefError]]:
        jobs = [job for _, job in window if isinstance(job, _Job)]
        first = list(dict.fromkeys(text for job in jobs for text in job.restore.first_inputs()))
        first_map = dict(zip(first, self._translate_strings(first)))
        second = list(dict.fromkeys(text for job in jobs for text in job.restore.second_inputs(first_map)))
        second_map = dict(zip(second, self._translate_strings(second)))
        assembled = {id(job): job.restore.finish(second_map) for job in jobs}
        checks = self._check_and_retry(jobs, assembled)
        summariser = self.summariser if self.options.brief and jobs else None
        for item, job in window:
            if isinstance(job, BriefError):
                yield item, job
                continue
            translation, sentence_results, quotes = assembled[id(job)]
            result = attribute_speakers(
                Result(
                    source=job.source.source,
                    translation=translation,
                    sentences=tuple(sentence_results),
                    quotes=tuple(quotes),
                    models=dict(self.models),
                    warnings=self.load_warnings + job.source.warnings + job.document.quotes.warnings,
                    checks=tuple(checks[id(job)]),
                    quote_style=self.options.quotes,
                )
            )
            if self.options.brief:
                summary = summarise_result(result, summariser)
                brief_text = f"{summary.headline}\n{summary.summary}\n" + "\n".join(q.text for q in summary.quotes)
                result = replace(
                    result,
                    brief=summary,
                    warnings=result.warnings + summary.warnings,
                    checks=result.checks + tuple(check_brief(brief_text, result.translation)),
                )
            yield item, result

    def _check_and_retry(self, jobs: list[_Job], assembled: dict[int, Any]) -> dict[int, list[Check]]:
        """Run the fidelity checks on every sentence; retry sentences that loop, echo the French or have an
        implausible length with other decoding settings, keeping whichever candidate the checks like better.
        Updates `assembled` in place; returns each job's checks, retry notes included."""
        names = {id(job): document_names(s.source for s in assembled[id(job)][1]) for job in jobs}

        def sentence_checks(job: _Job, results: list[SentenceResult], overrides: dict) -> dict[int, list[Check]]:
            found = {}
            for s in results:
                checks = check_sentence(s.index, s.source, s.target, known_names=names[id(job)])
                missing = job.restore.untranslated(s.index, overrides)
                if missing:  # one root cause, one flag: the French kept in its place is no echo of its own
                    pieces = "; ".join(f"«{piece}»" for piece in missing)
                    checks = [c for c in checks if c.check not in ("coverage", "echo")]
                    checks.insert(0, Check("coverage", "error", s.index, f"no translation for {pieces}: French kept"))
                found[s.index] = checks
            return found

        current = {id(job): sentence_checks(job, assembled[id(job)][1], {}) for job in jobs}
        accepted: dict[int, dict[int, list]] = {id(job): {} for job in jobs}
        notes: dict[int, list[Check]] = {id(job): [] for job in jobs}
        retry = getattr(self.translator, "translate_retry", None)
        for attempt in range(1, self.options.retries + 1 if retry else 1):
            flagged = {
                id(job): [i for i, found in current[id(job)].items() if needs_retry(found)] for job in jobs
            }
            inputs = list(
                dict.fromkeys(text for job in jobs for text in job.restore.retry_inputs(flagged[id(job)]))
            )
            if not inputs:
                break
            view = _RetryView(self.translator, attempt)
            retried = dict(zip(inputs, translate_texts(view, inputs, **self._batching())))
            for job in jobs:
                key = id(job)
                candidates = job.restore.retry_renderings(flagged[key], retried)
                if not candidates:
                    continue
                overrides = {**accepted[key], **candidates}
                trial = job.restore.assemble(overrides)[1]
                trial_checks = sentence_checks(job, [trial[i] for i in candidates], overrides)
                for index in flagged[key]:
                    before = current[key][index]
                    after = trial_checks.get(index)
                    better = after is not None and penalty(after) < penalty(before)
                    if better:
                        accepted[key][index] = candidates[index]
                        current[key][index] = after
                    flags = ", ".join(sorted({c.check for c in before if c.check in RETRYABLE}))
                    outcome = "kept the retry" if better else "kept the first translation"
                    notes[key].append(
                        Check("retry", "info", index, f"attempt {attempt} for {flags} ({view.describe()}): {outcome}")
                    )
        checks: dict[int, list[Check]] = {}
        for job in jobs:
            key = id(job)
            if accepted[key]:
                assembled[key] = job.restore.assemble(accepted[key])
            flat = [c for index in sorted(current[key]) for c in current[key][index]]
            checks[key] = sorted(flat + notes[key], key=lambda c: (c.sentence if c.sentence is not None else -1))
        return checks

    def translate_bytes(self, data: bytes, *, source: str = "-") -> Result:
        decoded = decode(data, source)
        return self.translate(decoded.text, source=source, warnings=decoded.warnings)

    def translate_file(self, path: str | Path) -> Result:
        decoded = read_path(path)
        return self.translate(decoded.text, source=str(path), warnings=decoded.warnings)


def load_translator(options: Options) -> tuple[Translator, dict[str, Any], tuple[str, ...]]:
    """Resolve (download/verify where needed) and load the translator named by `options`."""
    import os

    from . import models

    # Spinning OpenMP threads steal the cores other processes need: on a busy machine that is a 10x slowdown.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    resolved = models.resolve(options.translator, "translator")
    settings = {
        "device": options.device,
        "beams": options.beams or None,
        "max_new_tokens": options.max_new_tokens,
        "precision": options.precision,
        "threads": options.threads or None,
    }
    if use_ctranslate2(options.backend):
        from .backends.ct2_marian import CT2MarianTranslator

        translator: Translator = CT2MarianTranslator.from_checkpoint(
            resolved.path, weights=resolved.weights, **settings
        )
    else:
        from .backends.torch_marian import TorchMarianTranslator

        translator = TorchMarianTranslator(resolved.path, weights=resolved.weights, **settings)
    return translator, resolved.to_dict(), resolved.warnings


def use_ctranslate2(backend: str) -> bool:
    """--backend auto picks CTranslate2 (int8 on CPU, int8_float16 on GPU) whenever it is installed."""
    if backend == "torch":
        return False
    if backend == "ctranslate2":
        return True
    from importlib.util import find_spec

    return find_spec("ctranslate2") is not None


def load(
    translator: str | Path | Translator | None = None,
    *,
    summariser: Summariser | None = None,
    options: Options | None = None,
    **overrides: Any,
) -> Brief:
    """Load brief. `translator` is a models.lock name, a repo id, a local directory, or a Translator object;
    `summariser` a Summariser object (otherwise `summarizer=` names one, loaded on first use).

    Other keyword arguments are Options fields (device, beams, quotes, …); unset ones come from BRIEF_* env and
    configs/default.toml.
    """
    if isinstance(translator, (str, Path)):
        overrides["translator"] = str(translator)
    options = options.with_overrides(**overrides) if options else resolve_options(overrides)
    if translator is not None and not isinstance(translator, (str, Path)):
        brief = Brief(translator, options)
    else:
        engine, described, warnings = load_translator(options)
        brief = Brief(engine, options, {"translator": described}, warnings)
    if summariser is not None:
        brief.summariser = summariser
    return brief
