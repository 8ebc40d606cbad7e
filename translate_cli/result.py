"""What a translation produces. `Result.to_dict()` is brief's JSON schema (see README)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SentenceResult:
    index: int
    paragraph: int
    source: str
    target: str
    method: str  # "plain", "inline" (translated whole, marks verified) or "separate" (quote and frame apart)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "paragraph": self.paragraph, "source": self.source, "target": self.target}


@dataclass(frozen=True)
class NestedQuote:
    source: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target}


@dataclass(frozen=True)
class QuoteResult:
    """One top-level quotation, French ↔ English."""

    source: str
    target: str
    sentences: tuple[int, ...]
    nested: tuple[NestedQuote, ...]
    method: str  # "inline", "separate" or "mixed" when its sentences were restored differently
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "sentences": list(self.sentences),
            "nested": [nested.to_dict() for nested in self.nested],
            "method": self.method,
            "speaker": self.speaker,
        }


@dataclass(frozen=True)
class Result:
    source: str  # the input's path, or "-" for stdin / a string
    translation: str
    sentences: tuple[SentenceResult, ...]
    quotes: tuple[QuoteResult, ...]
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    record_id: str | None = None  # set for a JSON Lines input record: its "id"
    record_fields: dict[str, Any] | None = None  # and its other fields, echoed under "input"
    checks: tuple[Any, ...] = ()  # checks.Check: fidelity flags and retry notes
    brief: Any | None = None  # a summarise.BriefSummary when a brief was asked for
    quote_style: str = "curly"  # how the translation's quotation marks look (writers quote key quotes alike)

    @property
    def flagged(self) -> list[Any]:
        """Checks that flag a possible problem (retry notes are information, not flags)."""
        return [check for check in self.checks if check.severity != "info"]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.record_id is None else {"id": self.record_id}
        data |= {
            "source": self.source,
            "translation": self.translation,
            "sentences": [sentence.to_dict() for sentence in self.sentences],
            "quotes": [quote.to_dict() for quote in self.quotes],
            "models": self.models,
            "warnings": list(self.warnings),
            "checks": [check.to_dict() for check in self.checks],
        }
        if self.brief is not None:
            data["brief"] = self.brief.to_dict()
        if self.record_id is not None:
            data["input"] = self.record_fields or {}
        return data
