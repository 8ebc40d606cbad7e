"""A checkpoint's generation settings, read once, and the length rules every engine of a kind applies alike."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..decoding import Decoding, LengthCap
from ..errors import ModelError

# Generated and source tokens share Marian's 512 positions: cutting inputs at 256 tokens leaves the translation room
# to be longer than its source without running off the position table.
MAX_SPLIT_TOKENS = 256


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from None
    return data if isinstance(data, dict) else {}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class GenerationSettings:
    """What a checkpoint says about generating: its generation settings over its config's, as transformers takes
    them (a config.json without generation_config.json still has them)."""

    max_positions: int | None
    max_length: int | None  # counts the decoder start token, as transformers counts it
    min_length: int | None
    num_beams: int | None
    length_penalty: float | None
    no_repeat_ngram_size: int | None
    forced_bos_token_id: int | None
    forced_eos_token_id: int | None

    @classmethod
    def merge(cls, config: Mapping[str, Any], generation: Mapping[str, Any]) -> GenerationSettings:
        settings = {**config, **generation}
        penalty = settings.get("length_penalty")
        return cls(
            max_positions=_int(config.get("max_position_embeddings") or None),
            max_length=_int(settings.get("max_length") or None),
            min_length=_int(settings.get("min_length")),
            num_beams=_int(settings.get("num_beams") or None),
            length_penalty=None if penalty is None else float(penalty),
            no_repeat_ngram_size=_int(settings.get("no_repeat_ngram_size")),
            forced_bos_token_id=_int(settings.get("forced_bos_token_id")),
            forced_eos_token_id=_int(settings.get("forced_eos_token_id")),
        )

    @classmethod
    def read(cls, model_dir: Path) -> GenerationSettings:
        """From a checkpoint directory's config.json and generation_config.json."""
        return cls.merge(read_json(model_dir / "config.json"), read_json(model_dir / "generation_config.json"))

    @property
    def forced_eos(self) -> bool:
        """transformers forces </s> as the last new token: an engine that would emit a word there stops a step
        earlier to give the same text."""
        return self.forced_eos_token_id is not None


@dataclass(frozen=True)
class TranslationLimits:
    """Marian's length rules, the same for every engine that runs it."""

    max_positions: int
    max_length: int  # new tokens at most (</s> included): generation max_length less the start token

    @classmethod
    def of(cls, settings: GenerationSettings) -> TranslationLimits:
        positions = settings.max_positions or 512
        return cls(positions, (settings.max_length or positions) - 1)

    @property
    def max_input_tokens(self) -> int:
        return min(MAX_SPLIT_TOKENS, self.max_positions - 2)

    def cap(self, source_tokens: int, length_cap: LengthCap | None) -> int:
        """New tokens allowed for a source of this many tokens (</s> included): the length cap (brief's default
        is 2 × source + 16: without a cap tied to the source a looping model runs to 512 tokens on every bad
        sentence), within the model's max_length and position table; None: the model's max_length."""
        wanted = self.max_length if length_cap is None else length_cap(source_tokens)
        return min(self.max_length, self.max_positions - 1, wanted)


def summary_tokens(decoding: Decoding, source_tokens: int) -> int | None:
    """A summary's cap on new tokens from its Decoding (a fixed cap as given); None: the model's own."""
    cap = decoding.length_cap
    if cap is None:
        return None
    return cap.extra if not cap.ratio else cap(source_tokens)


def ensure_within_limit(counts: list[int], limit: int) -> None:
    """Summarisers never truncate: an input over the model's limit is the caller's chunking bug, so say so."""
    over = [count for count in counts if count > limit]
    if over:
        raise ValueError(f"summariser input of {max(over)} tokens exceeds the limit of {limit}")
