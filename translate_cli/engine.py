"""The engine contract: what the pipeline asks of a translation or summary engine, and the values it passes.

    translator.translate_batch(texts, Decoding(beams=4, length_cap=LengthCap(2.0, 16))) -> list[str]
    summariser.summarise(texts, Decoding()) -> list[str]

Engines (translate_cli.backends, a test's fake, a user's own object) implement `Translator` or `Summariser`; the
pipeline relies on nothing else. A `Decoding` is frozen: the pipeline makes a new one for every retry attempt.
Nothing heavy is imported here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from .decoding import Decoding, LengthCap

if TYPE_CHECKING:  # pragma: no cover
    from .options import EngineOptions
    from .result import ModelInfo

__all__ = ["CallLimits", "Decoding", "EngineLoader", "LengthCap", "LoadedEngine", "Notify", "Role", "Summariser",
           "Translator", "as_summariser", "as_translator"]

Notify = Callable[[str], None]  # where an engine sends a notice for the user (a one-time conversion, say)
Role = Literal["translator", "summarizer"]  # as models.lock names them


@dataclass(frozen=True)
class CallLimits:
    """How an engine wants a pass cut into calls: at most `items` inputs and `tokens` padded tokens a call.
    None: no limit — the engine takes a whole pass and shares it out among its workers itself."""

    items: int | None = None
    tokens: int | None = None


@runtime_checkable
class Translator(Protocol):
    """Turns French strings into English strings, one output per input, in order."""

    name: str
    max_input_tokens: int  # longer inputs (in the engine's tokens) are split before they reach the engine
    default_beams: int  # beams when Decoding.beams is None: where the retry schedule starts
    call_limits: CallLimits

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def translate_batch(self, texts: Sequence[str], decoding: Decoding) -> list[str]: ...


@runtime_checkable
class Summariser(Protocol):
    """Turns English texts into English summaries, one output per input, in order. Inputs are planned so that
    count_tokens(text) never exceeds max_input_tokens; an engine never truncates."""

    name: str
    max_input_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def summarise(self, texts: Sequence[str], decoding: Decoding) -> list[str]: ...


@dataclass(frozen=True)
class LoadedEngine:
    """What an engine loader gives back: the engine, which model it runs, and warnings from getting it."""

    engine: Any  # a Translator for the translator role, a Summariser for the summarizer role
    model: ModelInfo
    warnings: tuple[str, ...] = ()


class EngineLoader(Protocol):
    """How front ends get engines: backends.load_engine, or a test's stand-in with the same signature."""

    def __call__(
        self, role: Role, spec: str | None, options: EngineOptions, notify: Notify | None = None
    ) -> LoadedEngine: ...


class _Adapted:
    """What both brief 0.1 adapters share: the engine, its name, its input limit and its token counts."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name = str(engine.name)
        self.max_input_tokens = int(engine.max_input_tokens)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.engine.count_tokens(texts)


class LegacyTranslator(_Adapted):
    """An engine written for brief 0.1 — `name`, `max_input_tokens`, `count_tokens(texts)`,
    `translate_batch(texts)` — seen as a Translator. It decodes one way only, so a retry gives its first answer
    again (and the retry note says the first translation was kept)."""

    default_beams = 1
    call_limits = CallLimits(items=16, tokens=4096)  # what brief 0.1 gave every engine

    def translate_batch(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        return self.engine.translate_batch(texts)


class LegacySummariser(_Adapted):
    """A summariser written for brief 0.1 (`summarise(texts)`) seen as a Summariser: decoding settings unused."""

    def summarise(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        return self.engine.summarise(texts)


def _takes_decoding(method: Any) -> bool:
    try:
        parameters = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


def _checked(engine: Any, contract: type, members: tuple[str, ...]) -> Any:
    missing = [name for name in members if not hasattr(engine, name)]
    if missing:
        raise TypeError(f"{type(engine).__name__} is not a {contract.__name__}: it has no {', '.join(missing)}")
    return engine


def as_translator(engine: Any) -> Translator:
    """`engine` itself when it implements Translator; a brief 0.1 engine (one-argument translate_batch) through
    LegacyTranslator. An engine whose translate_batch takes a Decoding must declare the whole contract."""
    if not _takes_decoding(engine.translate_batch):
        return LegacyTranslator(engine)
    return _checked(engine, Translator, ("name", "max_input_tokens", "default_beams", "call_limits", "count_tokens"))


def as_summariser(engine: Any) -> Summariser:
    """`engine` itself when it implements Summariser; a brief 0.1 summariser (one-argument summarise) through
    LegacySummariser."""
    if not _takes_decoding(engine.summarise):
        return LegacySummariser(engine)
    return _checked(engine, Summariser, ("name", "max_input_tokens", "count_tokens"))
