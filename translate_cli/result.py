"""What brief produces. `Result.to_dict()` is brief's JSON schema (see README); `BriefResult` is `brief summarize`'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .quotes import QuoteStyle

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Span:
    """A verbatim piece of the input: `text` is input[start:end], the text as decoded, before anything was removed
    or normalised. `normalised` is the same French as the model and the checks read it (one space between words)."""

    text: str
    start: int
    end: int
    normalised: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ArticleInfo:
    """What a web page says about its article (HTML input): None where the page does not say."""

    title: str | None = None
    author: str | None = None
    date: str | None = None  # as the page gives it, ISO 8601 where it can be read
    site: str | None = None
    url: str | None = None
    language: str | None = None  # the page's declared language (<html lang>)

    def to_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "author": self.author, "date": self.date, "site": self.site, "url": self.url,
                "language": self.language}


@dataclass(frozen=True)
class Link:
    """A Markdown link: its text's offsets in the article text, its URL, and (once translated) its English."""

    start: int
    end: int
    url: str
    target: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "url": self.url, "target": self.target}


@dataclass(frozen=True)
class SentenceResult:
    index: int
    paragraph: int
    french: Span
    target: str
    method: str  # "plain", "inline" (translated whole, marks verified), "separate" (quote and frame apart), "original"

    @property
    def source(self) -> str:
        """The sentence as the input has it (verbatim)."""
        return self.french.text

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "paragraph": self.paragraph, **self.french.to_dict(), "target": self.target}


@dataclass(frozen=True)
class NestedQuote:
    french: Span
    target: str

    @property
    def source(self) -> str:
        return self.french.text

    def to_dict(self) -> dict[str, Any]:
        return {**self.french.to_dict(), "target": self.target}


@dataclass(frozen=True)
class QuoteResult:
    """One top-level quotation, French ↔ English."""

    french: Span  # its content between the marks, verbatim (a quotation running over paragraphs: all of them)
    target: str
    sentences: tuple[int, ...]
    nested: tuple[NestedQuote, ...]
    method: str  # "inline", "separate", "mixed" when its sentences were restored differently, or "original"
    speaker: str | None = None
    origin: str = "marks"  # "marks" (« », “ ”, "…") or "blockquote" (a web page's <blockquote>, marks or not)

    @property
    def source(self) -> str:
        """The quotation's content as the input has it (verbatim)."""
        return self.french.text

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.french.to_dict(),
            "target": self.target,
            "sentences": list(self.sentences),
            "nested": [nested.to_dict() for nested in self.nested],
            "method": self.method,
            "origin": self.origin,
            "speaker": self.speaker,
        }


@dataclass(frozen=True)
class Check:
    """A finding about the output, or a decision brief took on it.

    Fidelity flags and retry notes concern a sentence (`sentence`; None: the brief). The brief's decisions about
    quotations and its summary carry an `action` ("verbatim", "replaced", "fallback", …), `where` it was taken
    ("headline", "summary", "quotes") and the `text` acted on.
    """

    check: str
    severity: Severity
    sentence: int | None = None
    detail: str = ""
    where: str | None = None
    action: str | None = None
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        if self.action is None:
            return {"check": self.check, "severity": self.severity, "sentence": self.sentence, "detail": self.detail}
        return {"check": self.check, "where": self.where, "action": self.action, "text": self.text,
                "detail": self.detail}


@dataclass(frozen=True)
class KeyQuote:
    text: str  # a ledger quote's English wording, verbatim in the translation
    speaker: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "speaker": self.speaker}


@dataclass(frozen=True)
class Brief:
    """An article's brief: a headline, a 2–4 sentence summary and 1–3 key quotes, every quotation verbatim."""

    headline: str
    summary: str
    quotes: tuple[KeyQuote, ...]
    method: str  # "abstractive" or "extractive"
    checks: tuple[Check, ...] = ()
    chunks: int = 0  # map-pass inputs given to the abstractive model (0 when extractive)
    input_tokens: int = 0  # tokens of the article in those inputs (0 when extractive)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "summary": self.summary,
            "quotes": [quote.to_dict() for quote in self.quotes],
            "method": self.method,
            "checks": [check.to_dict() for check in self.checks],
            "chunks": self.chunks,
            "input_tokens": self.input_tokens,
        }

    def text(self) -> str:
        """Headline, summary and key quotes as one text (what the brief's own checks read)."""
        return f"{self.headline}\n{self.summary}\n" + "\n".join(quote.text for quote in self.quotes)


@dataclass(frozen=True)
class ModelInfo:
    """Which model a run used: its models.lock name, hub repo and revision, and the directory it was read from."""

    name: str | None
    repo: str | None = None
    revision: str | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "repo": self.repo, "revision": self.revision, "path": self.path}


EXTRACTIVE = ModelInfo("extractive")


@dataclass(frozen=True)
class Result:
    source: str  # the input's path, or "-" for stdin / a string
    translation: str
    sentences: tuple[SentenceResult, ...]
    quotes: tuple[QuoteResult, ...]
    models: Mapping[str, ModelInfo] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    record_id: str | None = None  # set for a JSON Lines input record: its "id"
    record_fields: Mapping[str, Any] | None = None  # and its other fields, echoed under "input"
    checks: tuple[Check, ...] = ()  # fidelity flags and retry notes
    brief: Brief | None = None  # when a brief was asked for
    quote_style: QuoteStyle = QuoteStyle.CURLY  # the translation's quotation marks (writers quote key quotes alike)
    article: ArticleInfo | None = None  # a web page's metadata (HTML input)
    blocks: tuple[str, ...] = ()  # per paragraph, its kind in a web page or Markdown: "h1"…"h6", "p", "item", "quote"
    links: tuple[Link, ...] = ()  # a Markdown article's links, their English text filled
    verbatim: tuple[tuple[int, str], ...] = ()  # Markdown kept as is (code, rules): (paragraph it precedes, source)

    @property
    def flagged(self) -> list[Check]:
        """Checks that flag a possible problem (retry notes are information, not flags)."""
        return [check for check in self.checks if check.severity != "info"]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.record_id is None else {"id": self.record_id}
        data |= {
            "source": self.source,
            "translation": self.translation,
            "sentences": [sentence.to_dict() for sentence in self.sentences],
            "quotes": [quote.to_dict() for quote in self.quotes],
            "models": {role: model.to_dict() for role, model in self.models.items()},
            "warnings": list(self.warnings),
            "checks": [check.to_dict() for check in self.checks],
        }
        if self.article is not None:
            data["article"] = self.article.to_dict()
        if self.links:
            data["links"] = [link.to_dict() for link in self.links]
        if self.brief is not None:
            data["brief"] = self.brief.to_dict()
        if self.record_id is not None:
            data["input"] = dict(self.record_fields or {})
        return data


@dataclass(frozen=True)
class BriefResult:
    """`brief summarize`'s output: the brief of an English text."""

    source: str
    brief: Brief
    models: Mapping[str, ModelInfo]
    warnings: tuple[str, ...] = ()
    quote_style: QuoteStyle = QuoteStyle.CURLY
    record_id: str | None = None  # set for a JSON Lines input record: its "id"
    record_fields: Mapping[str, Any] | None = None  # and its other fields, echoed under "input"

    @property
    def flagged(self) -> list[Check]:
        """No fidelity checks run on a brief of English text (its quotations are checked inside the brief)."""
        return []

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.record_id is None else {"id": self.record_id}
        data |= {"source": self.source, "brief": self.brief.to_dict(),
                 "models": {role: model.to_dict() for role, model in self.models.items()},
                 "warnings": list(self.warnings)}
        if self.record_id is not None:
            data["input"] = dict(self.record_fields or {})
        return data
