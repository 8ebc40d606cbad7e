"""How one engine call decodes: the length cap on new tokens, and the frozen Decoding settings of a call.

The pipeline decodes its first pass with Options.decoding and makes a new Decoding for every retry attempt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

_CAP_PATTERN = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*x)?\s*(?:\+?\s*(\d+))?\s*$")


@dataclass(frozen=True)
class LengthCap:
    """New tokens one model input may generate: `ratio` × its source tokens + `extra` (ratio 0: a fixed cap).

    The default, 2x+16, leaves room for any real translation while a looping output is cut soon after its
    sentence's length instead of running to the model's 512. "40" is a fixed cap, "1x+4" a relative one: each
    piece of a sentence translated in pieces gets a cap for its own length. Engines take one length limit per
    call, so a job (inputs of similar length) is generated to its longest source's cap and each output is then
    cut to its own.
    """

    ratio: float = 2.0
    extra: int = 16

    @classmethod
    def parse(cls, value: int | str | LengthCap | None) -> LengthCap:
        """None, 0, "0", "auto" → the default; 40 or "40" → fixed; "1.5x", "1.5x+8" → relative (ratio ≤ 100)."""
        if isinstance(value, LengthCap):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = value.strip().lower() if isinstance(value, str) else None
        if value is None or text in ("", "0", "auto"):
            return cls()
        match = _CAP_PATTERN.match(text) if text is not None else None
        if match:
            ratio, extra = float(match.group(1) or 0), int(match.group(2) or 0)
            if (ratio > 0 or extra > 0) and ratio <= 100 and extra <= 100_000:
                return cls(ratio, extra)
        raise ValueError(
            f"a token cap is N (fixed), Rx or Rx+N (relative to the source), or 0 (default), not {value!r}"
        )

    @classmethod
    def fixed(cls, tokens: int) -> LengthCap:
        return cls(0.0, tokens)

    def __call__(self, source_tokens: int) -> int:
        # At least 2: with a forced </s> as the last new token, a cap of 1 would leave no room for a word.
        return max(2, math.ceil(self.ratio * source_tokens) + self.extra)

    def __str__(self) -> str:
        if not self.ratio:
            return str(self.extra)
        return f"{self.ratio:g}x" + (f"+{self.extra}" if self.extra else "")


@dataclass(frozen=True)
class Decoding:
    """How one engine call decodes. None everywhere means: as the model's own generation settings say."""

    beams: int | None = None
    length_cap: LengthCap | None = None  # None: the model's own max_length
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None

    def describe(self, base: Decoding | None = None) -> str:
        """The settings given (those that differ from `base`), as a retry note shows them: 'beams 6,
        no_repeat_ngram_size 3, repetition_penalty 1.2'."""
        parts = []
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None and (base is None or value != getattr(base, field.name)):
                parts.append(f"{field.name} {value}")
        return ", ".join(parts) or "the same settings"
