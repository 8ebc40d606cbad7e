"""The library's front door: `load(...)` gives a Brief whose `translate(text)` runs every stage.

read → normalise → segment (+ quotation parse) → translate (batched) → restore quotations → Result
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from .errors import BriefError, InputError
from .options import Options, resolve_options
from .quotes import QuoteStyle
from .reading import decode, normalise, read_path
from .restore import DocumentJob
from .result import Result
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

            self._summariser, described, warnings = load_summariser(self.options.summarizer, device=self.options.device)
            self.models = {**self.models, "summarizer": described}
            self.load_warnings += tuple(warnings)
            self._summariser_loaded = True
        return self._summariser

    @summariser.setter
    def summariser(self, summariser: Summariser | None) -> None:
        self._summariser, self._summariser_loaded = summariser, True
        described = {"name": getattr(summariser, "name", "extractive"), "repo": None, "revision": None, "path": None}
        self.models = {**self.models, "summarizer": described}

    def _translate_strings(self, texts: Sequence[str]) -> list[str]:
        return translate_texts(
            self.translator, texts, batch_size=self.options.batch_size, batch_tokens=self.options.batch_tokens
        )

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
        summariser = self.summariser if self.options.brief and any(isinstance(j, _Job) for _, j in window) else None
        for item, job in window:
            if isinstance(job, BriefError):
                yield item, job
                continue
            translation, sentence_results, quotes = job.restore.finish(second_map)
            result = attribute_speakers(
                Result(
                    source=job.source.source,
                    translation=translation,
                    sentences=tuple(sentence_results),
                    quotes=tuple(quotes),
                    models=dict(self.models),
                    warnings=self.load_warnings + job.source.warnings + job.document.quotes.warnings,
                    quote_style=self.options.quotes,
                )
            )
            if self.options.brief:
                summary = summarise_result(result, summariser)
                result = replace(result, brief=summary, warnings=result.warnings + summary.warnings)
            yield item, result

    def translate_bytes(self, data: bytes, *, source: str = "-") -> Result:
        decoded = decode(data, source)
        return self.translate(decoded.text, source=source, warnings=decoded.warnings)


    def translate_file(self, path: str | Path) -> Result:
        decoded = read_path(path)
        return self.translate(decoded.text, source=str(path), warnings=decoded.warnings)


def load_translator(options: Options) -> tuple[Translator, dict[str, Any], tuple[str, ...]]:
    """Resolve (download/verify where needed) and load the translator named by `options`."""
    from . import models

    resolved = models.resolve(options.translator, "translator")
    settings = {
        "device": options.device,
        "beams": options.beams or None,
        "max_new_tokens": options.max_new_tokens or None,
    }
    if _use_ctranslate2(options.backend):
        from .backends.ct2_marian import CT2MarianTranslator

        translator: Translator = CT2MarianTranslator.from_checkpoint(resolved.path, **settings)
    else:
        from .backends.torch_marian import TorchMarianTranslator

        translator = TorchMarianTranslator(resolved.path, weights=resolved.weights, **settings)
    return translator, resolved.to_dict(), resolved.warnings


def _use_ctranslate2(backend: str) -> bool:
    if backend == "torch":
        return False
    if backend == "ctranslate2":
        return True
    from importlib.util import find_spec

    return find_spec("ctranslate2") is not None


def load(translator: str | Translator | None = None, *, options: Options | None = None, **overrides: Any) -> Brief:
    """Load brief. `translator` is a models.lock name, a repo id, a local directory, or a Translator object.

    Other keyword arguments are Options fields (device, beams, quotes, …); unset ones come from BRIEF_* env and
    configs/default.toml.
    """
    if isinstance(translator, (str, Path)):
        overrides["translator"] = str(translator)
    options = options.with_overrides(**overrides) if options else resolve_options(overrides)
    if translator is not None and not isinstance(translator, (str, Path)):
        return Brief(translator, options)
    engine, described, warnings = load_translator(options)
    return Brief(engine, options, {"translator": described}, warnings)
