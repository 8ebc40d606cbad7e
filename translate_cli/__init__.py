"""brief: French news articles into English, every quotation intact.

    >>> import translate_cli
    >>> brief = translate_cli.load("path/to/opus-mt-fr-en")   # or a models.lock name / repo id
    >>> result = brief.translate("« Nous voulons la paix », a déclaré le ministre.")
    >>> result.translation, result.quotes

Importing this package is cheap: torch and transformers load only when a model does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Brief",
    "BriefError",
    "ExitStatus",
    "Options",
    "Result",
    "Translator",
    "__version__",
    "load",
    "resolve_options",
]

if TYPE_CHECKING:
    from .errors import BriefError, ExitStatus
    from .options import Options, resolve_options
    from .pipeline import Brief, load
    from .result import Result
    from .translate import Translator

_LAZY = {
    "Brief": "pipeline",
    "load": "pipeline",
    "BriefError": "errors",
    "ExitStatus": "errors",
    "Options": "options",
    "resolve_options": "options",
    "Result": "result",
    "Translator": "translate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
