"""The library's front door: `load(...)` gives a Pipeline whose `translate(text)` runs every stage.

    text ─normalise─▶ Document (segment: paragraphs, sentences, quotations) ─translation─▶ English, quote ledger,
    checks ─speakers─▶ Result ─briefer─▶ Result with its brief

Front ends (the CLI, batch runs) call `translate_many`; they never run a stage themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from .briefer import Briefer, load_briefer
from .checks import check_language
from .engine import CallLimits, EngineLoader, Notify, Summariser, Translator, as_summariser, as_translator
from .errors import BriefError, InputError, UsageError
from .options import Options, resolve_options
from .reading import Source, normalise, normalise_aligned, source_from_path
from .result import Check, ModelInfo, Result
from .segment import Document, segment
from .speakers import attribute_speakers
from .translation import translate_documents

T = TypeVar("T")
_LOADING_SETTINGS = {"translator", "summarizer", "backend", "device", "precision", "threads"}
WINDOW_SENTENCES = 128  # sentences translate_many gathers from consecutive documents before translating them


@dataclass(frozen=True)
class _Prepared:
    """One document in flight: where it came from, its text segmented, and whether it is French at all."""

    source: Source
    document: Document
    language: tuple[Check, ...]


class Pipeline:
    """A loaded translator (and brief stage) plus run options. Load once, translate many documents."""

    def __init__(
        self,
        translator: Translator,
        options: Options,
        *,
        briefer: Briefer | None = None,
        model: ModelInfo | None = None,
        warnings: Sequence[str] = (),
    ) -> None:
        self.translator = translator
        self.options = options
        self.briefer = briefer  # None: no brief (--no-brief)
        self.models: dict[str, ModelInfo] = {"translator": model or ModelInfo(translator.name)}
        self._engine_warnings = tuple(warnings)
        self.load_warnings = tuple(warnings)  # e.g. a model file whose hash could not be checked
        if briefer is not None:
            self.models["summarizer"] = briefer.model
            self.load_warnings += briefer.warnings
        limits = translator.call_limits
        self.call_limits = CallLimits(options.batch_size or limits.items, options.batch_tokens or limits.tokens)

    def with_settings(self, **settings: Any) -> Pipeline:
        """These engines under other run settings (quotes, brief on or off, retries, beams, max_new_tokens, …), no
        model reloaded. Settings that choose models or engines are refused (a server's requests cannot load any)."""
        chosen = sorted(set(settings) & _LOADING_SETTINGS)
        if chosen:
            raise UsageError(f"cannot change {', '.join(chosen)} of a loaded pipeline")
        options = self.options.with_overrides(**settings)
        briefer = self.briefer if options.brief else None
        if options.brief and briefer is None:
            raise UsageError("this pipeline was loaded without a brief stage")
        return Pipeline(self.translator, options, briefer=briefer, model=self.models["translator"],
                        warnings=self._engine_warnings)

    def translate(self, text: str, *, source: str = "-", warnings: Sequence[str] = ()) -> Result:
        """Translate one French document given as text."""
        return self.translate_source(Source(text, source, tuple(warnings)))

    def translate_file(self, path: str | Path, input_format: str = "auto") -> Result:
        """Translate one file: a text, a Markdown article or a web page's article (by extension or content;
        input_format "text", "markdown" or "html" forces one)."""
        return self.translate_source(source_from_path(path, input_format))

    def translate_source(self, source: Source) -> Result:
        """Translate one document already read (its BriefError raised)."""
        [(_, outcome)] = self.translate_many([source])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def translate_many(
        self,
        items: Iterable[T],
        prepare: Callable[[T], Source] | None = None,
        *,
        window_sentences: int = WINDOW_SENTENCES,
    ) -> Iterator[tuple[T, Result | BriefError]]:
        """Translate many documents with one model, batching sentences across documents; results in input order.

        `prepare` turns an item into a Source (reading a file, say); a BriefError it raises is yielded for that item
        and the others go on. Documents are grouped until a group holds `window_sentences` sentences, so results
        stream out while later documents are still being read.
        """
        for window in windows(items, prepare, window_sentences=window_sentences):
            yield from self._run_window(window)

    def _link_texts(self, prepared: list[_Prepared]) -> Iterator[str]:
        """The English of every Markdown link text of the window, in order (one model call for them all)."""
        french = [" ".join(normalise(work.source.text[link.start: link.end]).split())
                  for work in prepared for link in work.source.links]
        return iter(self.translator.translate_batch(french, self.options.decoding) if french else [])

    def _run_window(self, window: list[tuple[T, _Prepared | BriefError]]) -> Iterator[tuple[T, Result | BriefError]]:
        prepared = [work for _, work in window if isinstance(work, _Prepared)]
        links = self._link_texts(prepared)
        translated = iter(translate_documents(
            [work.document for work in prepared],
            self.translator,
            decoding=self.options.decoding,
            limits=self.call_limits,
            retries=self.options.retries,
            style=self.options.quotes,
        ))
        for item, work in window:
            if isinstance(work, BriefError):
                yield item, work
                continue
            checked = next(translated)
            result = attribute_speakers(Result(
                source=work.source.name,
                translation=checked.assembled.translation,
                sentences=checked.assembled.sentences,
                quotes=checked.assembled.quotes,
                models=dict(self.models),
                warnings=(*self.load_warnings, *work.source.warnings,
                          *(f"{work.source.name}: {warning}" for warning in work.document.quotes.warnings),
                          *(f"{work.source.name}: {c.detail} (brief translates from French)" for c in work.language)),
                checks=(*work.language, *checked.checks),
                quote_style=self.options.quotes,
                article=work.source.article,
                blocks=work.document.blocks,
                links=tuple(replace(link, target=next(links).strip()) for link in work.source.links),
                verbatim=work.source.verbatim,
            ))
            if self.briefer is not None:
                result = self.briefer.brief(result)
            yield item, result


def windows(
    items: Iterable[T], prepare: Callable[[T], Source] | None = None, *, window_sentences: int = WINDOW_SENTENCES,
) -> Iterator[list[tuple[T, _Prepared | BriefError]]]:
    """The groups translate_many translates together: items in order, a group closed by the item that brings it to
    `window_sentences` sentences (an item that cannot be read is a BriefError in its place). A group given alone to
    translate_many is translated as one group again, so other executors batch exactly as a local run does."""
    prepare = prepare or (lambda item: item)  # type: ignore[assignment,return-value]
    window: list[tuple[T, _Prepared | BriefError]] = []
    sentences = 0
    for item in items:
        try:
            prepared = _prepare(prepare(item))
            sentences += len(prepared.document.sentences)
            window.append((item, prepared))
        except BriefError as exc:
            window.append((item, exc))
        if sentences >= window_sentences:
            yield window
            window, sentences = [], 0
    if window:
        yield window


def _prepare(source: Source) -> _Prepared:
    normalised = normalise_aligned(source.text)
    if not normalised.text.strip():
        raise InputError(f"{source.name}: empty input (no text to translate)")
    document = segment(normalised.text, normalised, source.blocks)
    return _Prepared(source, document, tuple(check_language(normalised.text, "fr")))


def load(
    translator: str | Path | Any | None = None,
    *,
    summariser: Any | None = None,
    options: Options | None = None,
    notify: Notify | None = None,
    load_engine: EngineLoader | None = None,
    **settings: Any,
) -> Pipeline:
    """Load brief. `translator` is a models.lock name, a repo id, a local directory, or an engine object (a
    Translator, or a brief 0.1 engine with a one-argument `translate_batch(texts)`); `summariser` a Summariser
    object (otherwise the `summarizer` setting names one).

    Other keyword arguments are settings (device, beams, quotes, …); unset ones come from BRIEF_* variables and
    configs/default.toml. `notify` receives notices for the user (a one-time model conversion); `load_engine`
    replaces backends.load_engine (front ends' tests substitute fakes this way).
    """
    if isinstance(translator, (str, Path)):
        settings["translator"] = str(translator)
    options = options.with_overrides(**settings) if options else resolve_options(settings)
    if load_engine is None:
        from .backends import load_engine
    if translator is None or isinstance(translator, (str, Path)):
        loaded = load_engine("translator", options.translator, options.engine, notify)
        engine, model, warnings = as_translator(loaded.engine), loaded.model, loaded.warnings
    else:
        engine, model, warnings = as_translator(translator), ModelInfo(translator.name), ()
    briefer = None
    if options.brief:
        if summariser is not None:
            briefer = Briefer(as_summariser(summariser), ModelInfo(summariser.name))
        else:
            briefer = load_briefer(options.summarizer, options.engine, notify=notify, load_engine=load_engine)
    return Pipeline(engine, options, briefer=briefer, model=model, warnings=warnings)


__all__ = ["Pipeline", "Summariser", "Translator", "load"]
