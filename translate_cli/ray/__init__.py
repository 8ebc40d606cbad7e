"""brief on Ray Data (the ray extra: pip install "brief-translate[ray]").

    >>> import ray, translate_cli
    >>> from translate_cli.ray import translate_dataset
    >>> ds = ray.data.from_items([{"id": "a1", "text": "« Nous voulons la paix », a déclaré le ministre."}])
    >>> rows = translate_dataset(ds, actors=2, options=translate_cli.resolve_options({"brief": False}))
    >>> [json.loads(row["result"]) for row in rows.iter_rows()]   # brief's JSON for each record; or row["error"]

`TranslateRows` is the callable class (usable without Ray); importing this module does not import Ray.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["TranslateRows", "WorkerSetupError", "connect", "translate_dataset"]

if TYPE_CHECKING:
    from .dataset import connect, translate_dataset
    from .rows import TranslateRows, WorkerSetupError

_LAZY = {"TranslateRows": "rows", "WorkerSetupError": "rows", "connect": "dataset", "translate_dataset": "dataset"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
