"""brief: French news articles into English, every quotation intact.

    >>> import translate_cli
    >>> pipeline = translate_cli.load("path/to/opus-mt-fr-en")   # or a models.lock name / repo id
    >>> result = pipeline.translate("« Nous voulons la paix », a déclaré le ministre.")
    >>> result.translation, result.quotes, result.brief

Importing this package is cheap: torch and transformers load only when a model does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

__all__ = [
    "Brief",
    "BriefError",
    "CallLimits",
    "Decoding",
    "EngineOptions",
    "ExitStatus",
    "LengthCap",
    "Options",
    "Pipeline",
    "Result",
    "Summariser",
    "Translator",
    "__version__",
    "load",
    "resolve_options",
]

if TYPE_CHECKING:
    from .engine import CallLimits, Decoding, LengthCap, Summariser, Translator
    from .errors import BriefError, ExitStatus
    from .options import EngineOptions, Options, resolve_options
    from .pipeline import Pipeline, load
    from .result import Brief, Result

_LAZY = {
    "Pipeline": "pipeline",
    "load": "pipeline",
    "Brief": "result",
    "Result": "result",
    "BriefError": "errors",
    "ExitStatus": "errors",
    "EngineOptions": "options",
    "Options": "options",
    "resolve_options": "options",
    "CallLimits": "engine",
    "Decoding": "engine",
    "LengthCap": "engine",
    "Summariser": "engine",
    "Translator": "engine",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
