"""Run options: frozen, typed, resolved once per run from flags > BRIEF_* env > config files > defaults.

Settings have flat names (`device`, `quotes`, …) everywhere a user writes them: flags, BRIEF_DEVICE, TOML keys,
`load(device=…)`. `Options` groups them: `engine` (how models run, the same for every engine) apart from the
run's own settings. None means "the engine's default" (the model's beam size, every physical core, …).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

from .decoding import Decoding, LengthCap
from .errors import ConfigError
from .quotes import QuoteStyle
from .resources import configs_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class Backend(str, Enum):
    AUTO = "auto"  # CTranslate2 when installed, else torch
    TORCH = "torch"
    CTRANSLATE2 = "ctranslate2"


class Precision(str, Enum):
    AUTO = "auto"  # int8 weights on CPU, half precision on GPU
    FLOAT32 = "float32"  # full precision, for reference runs


def _choices(kind: type[Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


QUOTE_STYLES = _choices(QuoteStyle)
BACKENDS = _choices(Backend)
PRECISIONS = _choices(Precision)


def _check_device(device: str) -> str:
    if not (device in ("auto", "cpu", "cuda") or (device.startswith("cuda:") and device[5:].isdigit())):
        raise ConfigError(f"device must be auto, cpu, cuda or cuda:N, not {device!r}")
    return device


@dataclass(frozen=True)
class EngineOptions:
    """How engines run; the translator and the summariser are loaded with the same."""

    backend: Backend = Backend.AUTO
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    precision: Precision = Precision.AUTO
    threads: int | None = None  # CPU threads for the models (None: every physical core this process may use)

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", _enum(Backend, self.backend, "backend"))
        object.__setattr__(self, "precision", _enum(Precision, self.precision, "precision"))
        _check_device(self.device)
        _check_positive("threads", self.threads)


@dataclass(frozen=True)
class Options:
    translator: str | None = None  # a models.lock name, a repo id or a directory; None: the lock's default
    summarizer: str = "auto"  # auto | extractive | a models.lock name | a repo id | a directory
    engine: EngineOptions = field(default_factory=EngineOptions)
    beams: int | None = None  # None: the model's generation_config
    batch_size: int | None = None  # sentences per engine call (None: as the engine asks, a whole pass)
    batch_tokens: int | None = None  # padded tokens per engine call (None: as the engine asks)
    max_new_tokens: LengthCap = field(default_factory=LengthCap)  # new tokens per model input
    quotes: QuoteStyle = QuoteStyle.CURLY
    brief: bool = True  # write a headline, summary and key quotes after translating
    retries: int = 1  # re-translations of a sentence that loops, echoes French or has an odd length (0: off)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quotes", _enum(QuoteStyle, self.quotes, "quotes"))
        try:
            object.__setattr__(self, "max_new_tokens", LengthCap.parse(self.max_new_tokens))
        except ValueError as exc:
            raise ConfigError(f"max_new_tokens: {exc}") from None
        for name in ("beams", "batch_size", "batch_tokens"):
            _check_positive(name, getattr(self, name))
        if self.retries < 0:
            raise ConfigError(f"retries must be 0 or more, not {self.retries}")

    @property
    def decoding(self) -> Decoding:
        """The first translation pass's decoding (retries derive theirs from it)."""
        return Decoding(beams=self.beams, length_cap=self.max_new_tokens)

    def settings(self) -> dict[str, Any]:
        """Every setting by its flat name, as flags, BRIEF_* variables and config files name them."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "engine"}
        values.update({f.name: getattr(self.engine, f.name) for f in fields(EngineOptions)})
        return values

    def with_overrides(self, **overrides: Any) -> Options:
        """These options with the given settings (flat names; None leaves a setting as it is)."""
        unknown = sorted(set(overrides) - set(SETTINGS))
        if unknown:
            raise ConfigError(f"unknown option: {', '.join(unknown)}")
        given = {name: read_setting(name, value, "option") for name, value in overrides.items() if value is not None}
        return _build({**self.settings(), **given})


def _enum(kind: type[Enum], value: Any, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be one of {', '.join(_choices(kind))}, not {value!r}") from None


def _check_positive(name: str, value: int | None) -> None:
    # 0 is accepted where a user writes it (flags, env, TOML: "0 = the default") and arrives here as None.
    if value is not None and value < 1:
        raise ConfigError(f"{name} must be 1 or more, not {value}")


def _build(values: Mapping[str, Any]) -> Options:
    engine = {name: values[name] for name in _ENGINE_SETTINGS if name in values}
    run = {name: value for name, value in values.items() if name not in _ENGINE_SETTINGS}
    return Options(engine=EngineOptions(**engine), **run)


# ------------------------------------------------------------------------------------------- reading settings


def _text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a whole number where text is expected (max_new_tokens = 40 in TOML)
    if isinstance(value, str):
        return value
    raise ValueError("text")


def _optional_text(value: Any) -> str | None:
    return _text(value) or None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("true or false")


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a whole number")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError("a whole number") from None


def _count_or_default(value: Any) -> int | None:
    """A count where 0 (as users write it) means: the engine's default."""
    number = _whole(value)
    if number < 0:
        raise ValueError("0 or more")
    return number or None


_READERS: dict[str, Callable[[Any], Any]] = {
    "translator": _optional_text, "summarizer": _text, "device": _text, "backend": _text, "precision": _text,
    "threads": _count_or_default, "beams": _count_or_default, "batch_size": _count_or_default,
    "batch_tokens": _count_or_default, "max_new_tokens": _text, "quotes": _text, "brief": _flag,
    "retries": _whole,
}
SETTINGS = tuple(_READERS)
_ENGINE_SETTINGS = frozenset(f.name for f in fields(EngineOptions))


def read_setting(name: str, value: Any, origin: str) -> Any:
    """A setting's value as a user writes it (text from env, TOML values, flag values), checked."""
    if isinstance(value, Enum | LengthCap) or value is None:
        return value
    try:
        return _READERS[name](value)
    except ValueError as exc:
        raise ConfigError(f"{origin}: {name} must be {exc}, not {value!r}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    return {name: read_setting(name, value, str(path)) for name, value in data.items()}


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
    for name in SETTINGS:
        env_value = environ.get(f"BRIEF_{name.upper()}")
        if env_value not in (None, ""):
            values[name] = read_setting(name, env_value, f"BRIEF_{name.upper()}")
    for name, value in (overrides or {}).items():
        if name not in _READERS:
            raise ConfigError(f"unknown option: {name}")
        if value is not None:
            values[name] = read_setting(name, value, "option")
    return _build(values)
