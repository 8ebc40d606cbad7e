"""Deterministic engines for pipeline tests. They implement the engine contract (translate_cli/engine.py) and take
the same batching path as the real engines: a whole pass per call, unless a test asks for call limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from translate_cli.engine import CallLimits, Decoding


class FakeTranslator:
    """Applies `fn` to each input (`retry_fn` when the pipeline retries with other decoding); records every call."""

    default_beams = 4

    def __init__(
        self,
        fn: Callable[[str], str] = str.upper,
        max_input_tokens: int = 256,
        name: str = "fake",
        retry_fn: Callable[[str], str] | None = None,
        call_limits: CallLimits = CallLimits(),
    ):
        self.fn = fn
        self.retry_fn = retry_fn
        self.retried: list[list[str]] = []
        self.max_input_tokens = max_input_tokens
        self.name = name
        self.call_limits = call_limits
        self.batches: list[list[str]] = []
        self.decodings: list[Decoding] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        self.decodings.append(decoding)
        if decoding.repetition_penalty is not None:  # the retry schedule's decoding
            self.retried.append(list(texts))
            return [(self.retry_fn or self.fn)(text) for text in texts]
        self.batches.append(list(texts))
        return [self.fn(text) for text in texts]

    @property
    def inputs(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


def fake_loader(translator: FakeTranslator, summariser: object | None = None, name: str = "fake"):
    """An engine loader (see translate_cli.engine.EngineLoader) that hands out these objects: for
    `translate_cli.load(load_engine=…)` and the CLI's Environment."""
    from translate_cli.backends import load_engine
    from translate_cli.engine import LoadedEngine
    from translate_cli.result import ModelInfo

    def load(role, spec, options, notify=None):
        if role == "translator":
            return LoadedEngine(translator, ModelInfo(name, path="x"))
        if summariser is not None:
            return LoadedEngine(summariser, ModelInfo(summariser.name))
        return load_engine(role, spec, options, notify)

    return load


def garble_quotes(text: str) -> str:
    """A model that mangles quotation marks: drops some, adds stray ones, and reorders."""
    stripped = "".join(c for c in text if c not in "«»“”\"‹›„")
    return f'" {stripped.upper()} » «'


def drop_quotes(text: str) -> str:
    return "".join(c for c in text if c not in "«»“”\"‹›„").upper()
