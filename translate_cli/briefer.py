"""The brief stage, loaded: a summariser (None: extractive) and which model it is, applied to translated articles
(`Briefer.brief`) or to English text (`Briefer.brief_english`, for `brief summarize`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from .checks import check_brief, check_language
from .engine import Decoding, EngineLoader, Notify, Summariser
from .errors import BriefError, ModelError, ModelNotFoundError
from .options import EngineOptions
from .quotes import QuoteStyle
from .reading import Source
from .result import EXTRACTIVE, BriefResult, ModelInfo, Result
from .summary import result_from_english, summarise_result

T = TypeVar("T")


@dataclass(frozen=True)
class Briefer:
    summariser: Summariser | None
    model: ModelInfo = EXTRACTIVE
    warnings: tuple[str, ...] = ()  # from loading it (a fallback to extractive, an unverified file)

    def brief(self, result: Result, decoding: Decoding = Decoding()) -> Result:
        """`result` with its brief, the brief's warnings, and a check of the brief's numbers."""
        brief = summarise_result(result, self.summariser, decoding)
        models = result.models
        if brief.method == "extractive" and self.summariser is not None:  # the model's output was unusable
            models = {**models, "summarizer": EXTRACTIVE}
        return replace(
            result,
            brief=brief,
            models=models,
            warnings=result.warnings + tuple(f"{result.source}: {warning}" for warning in brief.warnings),
            checks=result.checks + tuple(check_brief(brief.text(), result.translation)),
        )

    def brief_english(
        self,
        text: str,
        *,
        source: str = "-",
        warnings: Sequence[str] = (),
        decoding: Decoding = Decoding(),
        style: QuoteStyle = QuoteStyle.CURLY,
    ) -> BriefResult:
        """The brief of an English article (no translation): its quotations are the ledger. A text that is not
        English is briefed all the same, with a warning."""
        language = [f"{source}: {c.detail} (brief summarizes English; 'brief translate' takes French)"
                    for c in check_language(text, "en")]
        brief = summarise_result(result_from_english(text, source=source), self.summariser, decoding)
        return BriefResult(source, brief, {"summarizer": self.model},
                           (*warnings, *self.warnings, *language, *brief.warnings), style)


    def brief_many(
        self,
        items: Iterable[T],
        prepare: Callable[[T], Source],
        *,
        decoding: Decoding = Decoding(),
        style: QuoteStyle = QuoteStyle.CURLY,
    ) -> Iterator[tuple[T, BriefResult | BriefError]]:
        """The brief of each English document, in order; an input that cannot be read is yielded as its error."""
        for item in items:
            try:
                source = prepare(item)
                yield item, self.brief_english(source.text, source=source.name, warnings=source.warnings,
                                               decoding=decoding, style=style)
            except BriefError as exc:
                yield item, exc


def load_briefer(
    spec: str, options: EngineOptions, *, notify: Notify | None = None, load_engine: EngineLoader | None = None
) -> Briefer:
    """--summarizer SPEC loaded. "extractive": no model. "auto": the lock's default summarizer when it is cached or
    can be downloaded and verified; otherwise (not found, unverifiable, unloadable) extractive, with a warning.
    Anything else (a lock name, a repo id, a directory) must load: its errors propagate."""
    if spec == "extractive":
        return Briefer(None)
    if load_engine is None:
        from .backends import load_engine
    auto = spec == "auto"
    try:
        loaded = load_engine("summarizer", None if auto else spec, options, notify)
    except (ModelError, ImportError) as exc:
        if not auto:
            raise
        if isinstance(exc, ModelNotFoundError):
            why = exc.short + (f" ('{exc.remedy}' gets it)" if exc.remedy else "")
        else:
            why = f"it could not be loaded: {first_line(exc)}"
        return Briefer(None, EXTRACTIVE, (f"briefs are extractive: the summariser {why}",))
    return Briefer(loaded.engine, loaded.model, loaded.warnings)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
