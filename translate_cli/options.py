"""Run options: one frozen dataclass, resolved once per run from flags > BRIEF_* env > config files > defaults."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .backends import LengthCap
from .errors import ConfigError
from .resources import configs_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

QUOTE_STYLES = ("curly", "straight", "guillemets")
BACKENDS = ("auto", "torch", "ctranslate2")
PRECISIONS = ("auto", "float32")


@dataclass(frozen=True)
class Options:
    translator: str | None = None  # None: models.lock's default translator
    summarizer: str = "auto"
    device: str = "auto"
    beams: int = 0  # 0: the model's generation_config
    batch_size: int = 0  # 0: a whole pass per call, cut into jobs for the engine's workers
    batch_tokens: int = 0  # 0: the engine's preference
    max_new_tokens: str = "0"  # new tokens per model input: N fixed, Rx or Rx+N relative to it, 0: 2x+16
    quotes: str = "curly"
    backend: str = "auto"
    precision: str = "auto"  # auto: int8 weights on CPU, half precision on GPU; float32: full precision
    threads: int = 0  # CPU threads for the models (0: every physical core this process may use)
    brief: bool = True  # write a headline, summary and key quotes after translating
    retries: int = 1  # re-translations of a sentence that loops, echoes French or has an odd length (0: off)

    def __post_init__(self) -> None:
        if self.quotes not in QUOTE_STYLES:
            raise ConfigError(f"quotes must be one of {', '.join(QUOTE_STYLES)}, not {self.quotes!r}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}")
        if self.backend not in BACKENDS:
            raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        try:
            LengthCap.parse(self.max_new_tokens)
        except ValueError as exc:
            raise ConfigError(f"max_new_tokens: {exc}") from None
        for name in ("beams", "retries", "batch_size", "batch_tokens", "threads"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 or more, not {getattr(self, name)}")
        device = self.device
        if not (device in ("auto", "cpu", "cuda") or (device.startswith("cuda:") and device[5:].isdigit())):
            raise ConfigError(f"device must be auto, cpu, cuda or cuda:N, not {device!r}")

    def with_overrides(self, **overrides: Any) -> Options:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_FIELDS = {f.name: f for f in fields(Options)}


def _coerce(name: str, value: Any, origin: str) -> Any:
    kind = type(getattr(Options(), name)) if name != "translator" else str
    if kind is str and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a whole number where text is expected (max_new_tokens = 40 in TOML)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is bool:
        lowered = str(value).strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{origin}: {name} must be true or false, not {value!r}")
    if kind is int:
        try:
            return int(str(value).strip())
        except ValueError:
            raise ConfigError(f"{origin}: {name} must be a whole number, not {value!r}") from None
    if isinstance(value, str):
        return value
    raise ConfigError(f"{origin}: {name} must be a {kind.__name__}, not {value!r}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    return {name: _coerce(name, value, str(path)) for name, value in data.items()}


def resolve_options(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Options:
    """Build the run's Options. Read at call time, never at import, so tests and long-lived callers see changes."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    default_file = configs_dir() / "default.toml"
    if default_file.exists():
        values.update(_read_toml(default_file))
    if environ.get("BRIEF_CONFIG"):
        values.update(_read_toml(Path(environ["BRIEF_CONFIG"]).expanduser()))
    for name in _FIELDS:
        env_value = environ.get(f"BRIEF_{name.upper()}")
        if env_value not in (None, ""):
            values[name] = _coerce(name, env_value, f"BRIEF_{name.upper()}")
    for name, value in (overrides or {}).items():
        if name not in _FIELDS:
            raise ConfigError(f"unknown option: {name}")
        if value is not None:
            values[name] = _coerce(name, value, "option")
    return Options(**values)
