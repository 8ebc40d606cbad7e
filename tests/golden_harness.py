"""Runs `brief` in-process with deterministic fake engines, for the golden-output test (test_golden.py).

The fakes answer every model call from the text alone (no weights, nothing that differs between CPUs), so the
CLI's whole output — stdout, stderr, exit status, files written — is a pure function of the inputs. This module is
the one place that knows how fakes get into the CLI; the golden test and its recorded outputs never change when
that seam changes.

Translators (`--translator golden-<kind>`) and the summariser (`--summarizer golden`):
    upper      French upper-cased: quotation marks kept, so quoted sentences are accepted whole; every sentence
               echoes French, so every sentence is retried (the retry upper-cases too: first translation kept)
    garble     marks mangled: every quoted sentence is translated quote by quote; retries drop the marks
    reference  the seed article's professional English (tests/data) where a sentence matches, else upper-cased
    loop       sentences of 8+ words come back as a decoding loop; the retry reverses each word (kept: better)
    empty      sentences mentioning "a" come back empty (coverage: the French is kept)
    golden     summariser: the first two sentences of each chunk (80 words a chunk), plus an altered quotation
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate_cli.cli import Environment
from translate_cli.engine import CallLimits, Decoding, LoadedEngine
from translate_cli.result import ModelInfo

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def _reference() -> dict[str, str]:
    from translate_cli.reading import normalise
    from translate_cli.segment import segment

    french = (REPO / "seeds" / "mali-russie-diop-lavrov.fr.txt").read_text(encoding="utf-8")
    doc = segment(normalise(french))
    english = (TESTS / "data" / "mali-russie-diop-lavrov.en.txt").read_text(encoding="utf-8").splitlines()
    return {" ".join(doc.sentence_text(s).split()): line for s, line in zip(doc.sentences, english)}


def _garble(text: str) -> str:
    stripped = "".join(c for c in text if c not in "«»“”\"‹›„")
    return f'" {stripped.upper()} » «'


def _drop_marks(text: str) -> str:
    return "".join(c for c in text if c not in "«»“”\"‹›„").upper()


def _loop(text: str) -> str:
    words = text.split()
    return " ".join([words[0]] * 6 + words[1:]).upper() if len(words) >= 8 else text.upper()


def _reversed_words(text: str) -> str:
    return " ".join(word[::-1] for word in text.split())


def _empty(text: str) -> str:
    return "" if " a " in f" {text} " else text.upper()


def _kinds() -> dict[str, tuple[Callable[[str], str], Callable[[str], str]]]:
    reference = _reference()
    return {
        "upper": (str.upper, str.upper),
        "garble": (_garble, _drop_marks),
        "reference": (lambda t: reference.get(t, t.upper()), str.upper),
        "loop": (_loop, _reversed_words),
        "empty": (_empty, str.upper),
    }


class GoldenTranslator:
    """First pass: `first(text)`; a retry (other decoding settings): `retry(text)`."""

    default_beams = 4  # the retry schedule's starting point, as opus-mt's generation_config gives it
    call_limits = CallLimits()

    def __init__(self, kind: str, first: Callable[[str], str], retry: Callable[[str], str]) -> None:
        self.name = f"golden-{kind}"
        self.max_input_tokens = 40
        self.first, self.retry = first, retry

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        fn = self.first if decoding.repetition_penalty is None else self.retry
        return [fn(text) for text in texts]


class GoldenSummariser:
    name = "golden-summariser"
    max_input_tokens = 80

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) for text in texts]

    def summarise(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        outputs = []
        for text in texts:
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
            summary = " ".join(sentences[:2])
            quoted = re.search(r"“([^”]{12,})”", text)
            if quoted:  # a quotation the model shortened: the brief must restore its exact wording
                words = quoted.group(1).split()
                summary += f" Officials said “{' '.join(words[: max(2, len(words) - 2)])}”."
            outputs.append(summary)
        return outputs


_environment: Environment | None = None


def install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Route brief's engine loading to the fakes; everything else (extractive briefs, `--summarizer auto`
    resolution against an empty, offline cache) runs for real."""
    global _environment
    from translate_cli.backends import load_engine

    kinds = _kinds()

    def load_fake(role, spec, options, notify=None):
        if role == "translator":
            kind = (spec or "").removeprefix("golden-")
            first, retry = kinds[kind]
            return LoadedEngine(GoldenTranslator(kind, first, retry), ModelInfo(f"golden-{kind}"))
        if spec == "golden":
            return LoadedEngine(GoldenSummariser(), ModelInfo("golden-summariser"))
        return load_engine(role, spec, options, notify)

    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hf-hub"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    _environment = Environment(load_engine=load_fake)


def run_brief(args: Sequence[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of one `brief` command in the current directory."""
    from translate_cli.cli import cli

    result = CliRunner().invoke(cli, list(args), input=stdin, obj=_environment)
    return result.exit_code, result.stdout, result.stderr
