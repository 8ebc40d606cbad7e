"""The library's front door: `load(...)` gives a Brief whose `translate(text)` runs every stage.

read → normalise → segment (+ quotation parse) → translate (batched) → restore quotations → Result
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import InputError
from .options import Options, resolve_options
from .quotes import QuoteStyle
from .reading import decode, normalise, read_path
from .restore import translate_document
from .result import Result
from .segment import segment
from .translate import Translator, translate_texts


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

    def _translate_strings(self, texts: Sequence[str]) -> list[str]:
        return translate_texts(
            self.translator, texts, batch_size=self.options.batch_size, batch_tokens=self.options.batch_tokens
        )

    def translate(self, text: str, *, source: str = "-", warnings: Sequence[str] = ()) -> Result:
        """Translate one French document given as text."""
        normalised = normalise(text)
        if not normalised.strip():
            raise InputError(f"{source}: empty input (no text to translate)")
        document = segment(normalised)
        translation, sentences, quotes = translate_document(
            document, self._translate_strings, QuoteStyle(self.options.quotes)
        )
        return Result(
            source=source,
            translation=translation,
            sentences=tuple(sentences),
            quotes=tuple(quotes),
            models=self.models,
            warnings=self.load_warnings + tuple(warnings) + document.quotes.warnings,
        )

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
