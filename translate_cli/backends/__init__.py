"""Model engines behind the contract in translate_cli/engine.py, and the one loader that builds them.

    load_engine("translator", "opus-mt-fr-en", EngineOptions(backend=Backend.AUTO))

Two families, each with what its engines share in one module: CTranslate2 (ct2_engine.py, conversions in
ct2_convert.py) and transformers + torch (torch_engine.py). Marian translators and BART summariser classes in each
(ct2_marian, ct2_bart, torch_marian, torch_bart) hold only what differs. Nothing heavy is imported here.
"""

from __future__ import annotations

from importlib.util import find_spec

from ..engine import LoadedEngine, Notify, Role
from ..errors import EngineUnsupportedError
from ..options import Backend, EngineOptions
from ..result import ModelInfo


def uses_ctranslate2(backend: Backend) -> bool:
    """--backend auto picks CTranslate2 (int8 on CPU, int8_float16 on GPU) whenever it is installed."""
    if backend is Backend.AUTO:
        return find_spec("ctranslate2") is not None
    return backend is Backend.CTRANSLATE2


def _engine_class(role: Role, ctranslate2: bool) -> type:
    if role == "translator" and ctranslate2:
        from .ct2_marian import CT2MarianTranslator

        return CT2MarianTranslator
    if role == "translator":
        from .torch_marian import TorchMarianTranslator

        return TorchMarianTranslator
    if ctranslate2:
        from .ct2_bart import CT2BartSummariser

        return CT2BartSummariser
    from .torch_bart import TorchBartSummariser

    return TorchBartSummariser


def load_engine(role: Role, spec: str | None, options: EngineOptions, notify: Notify | None = None) -> LoadedEngine:
    """Resolve `spec` (None: the lock's default for `role`; a lock name, a repo id or a directory), download and
    verify it where needed (models.resolve), and load it on the family `options.backend` picks. With backend auto,
    a model CTranslate2 cannot convert runs on torch, with a warning."""
    from .. import models

    resolved = models.resolve(spec, role)
    model = ModelInfo(resolved.name, resolved.repo, resolved.revision, str(resolved.path))
    warnings = resolved.warnings
    ctranslate2 = uses_ctranslate2(options.backend)
    if notify is not None:
        notify(f"loading the {role} {resolved.name or resolved.path} ({'CTranslate2' if ctranslate2 else 'torch'})")
    try:
        engine = _engine_class(role, ctranslate2)(resolved.path, options, weights=resolved.weights, notify=notify)
    except EngineUnsupportedError as exc:
        if not ctranslate2 or options.backend is not Backend.AUTO:
            raise
        engine = _engine_class(role, False)(resolved.path, options, weights=resolved.weights, notify=notify)
        warnings += (f"{role} {resolved.name or resolved.path}: CTranslate2 cannot run it ({exc}); running it on "
                     "torch",)
    return LoadedEngine(engine, model, warnings)
