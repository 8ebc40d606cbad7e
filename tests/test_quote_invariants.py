"""The quotation guarantee under random documents and misbehaving models: same count, same order, balanced."""

import random

import pytest
from fakes import FakeTranslator
from quote_check import top_level_quotes

import translate_cli
from translate_cli.options import Options

WORDS = "le ministre a dit que la paix reste fragile selon Diop et Lavrov en 2023 avec 1,5 million d'euros".split()
OPEN_CLOSE = [("« ", " »"), ("“", "”"), ('"', '"'), ("„", "“")]
# Nested marks that cannot be read as the outer quote's own closer (“ closes „, ” closes “).
INNER = {"« ": [("‹ ", " ›"), ("“", "”"), ("‘", "’")], "“": [("‹ ", " ›"), ("‘", "’"), ("« ", " »")],
         '"': [("‹ ", " ›"), ("“", "”"), ("‘", "’")], "„": [("‹ ", " ›"), ("‘", "’"), ("« ", " »")]}


def phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng: random.Random) -> tuple[str, int]:
    """A sentence with 0–2 top-level quotes, some with a nested one."""
    parts, quotes = [phrase(rng, rng.randint(1, 5)).capitalize()], 0
    for _ in range(rng.randint(0, 2)):
        opening, closing = rng.choice(OPEN_CLOSE)
        inner = phrase(rng, rng.randint(1, 4))
        if rng.random() < 0.3:
            i_open, i_close = rng.choice(INNER[opening])
            inner += f" {i_open}{phrase(rng, 2)}{i_close}"
        parts.append(f"{opening}{inner}{closing}")
        parts.append(rng.choice([",", "", "et"]) + " " + phrase(rng, rng.randint(0, 3)))
        quotes += 1
    return " ".join(p for p in parts if p.strip()).strip() + rng.choice([".", " !", " ?"]), quotes


def document(rng: random.Random) -> tuple[str, int]:
    paragraphs, total = [], 0
    for _ in range(rng.randint(1, 4)):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            text, count = sentence(rng)
            sentences.append(text)
            total += count
        if rng.random() < 0.3:  # a quote spanning two sentences
            sentences.append(f"« {phrase(rng, 3).capitalize()}. {phrase(rng, 3).capitalize()} », a-t-il dit.")
            total += 1
        paragraphs.append(" ".join(sentences))
    if rng.random() < 0.3:  # a quote continued into the next paragraph, French style
        paragraphs.append(f"Il a ajouté : « {phrase(rng, 4)}.\n\n« {phrase(rng, 3).capitalize()} », conclut-il.")
        total += 1
    return "\n\n".join(paragraphs), total


def chaos(rng: random.Random):
    def translate(text: str) -> str:
        choice = rng.random()
        if choice < 0.2:
            return ""
        if choice < 0.4:
            return "".join(c for c in text if c not in "«»“”\"„‹›‘’").upper()
        if choice < 0.6:
            return rng.choice(['" ', "« ", "” ", "' "]) + text.upper() + rng.choice(['"', "»", "“", ""])
        if choice < 0.7:
            return "the " * rng.randint(1, 30)
        return text.upper()

    return translate


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("style, opening, closing", [("curly", "“", "”"), ("guillemets", "«", "»")])
def test_random_documents_keep_every_quotation(seed, style, opening, closing):
    rng = random.Random(seed)
    text, expected = document(rng)
    fake = FakeTranslator(chaos(random.Random(seed + 1000)), retry_fn=chaos(random.Random(seed + 2000)))
    brief = translate_cli.load(fake, options=Options(quotes=style, summarizer="extractive"))
    result = brief.translate(text)
    assert len(result.quotes) == expected, text
    english = top_level_quotes(result.translation, opening, closing)
    assert len(english) == expected
    assert english == [q.target for q in result.quotes]
    assert len(result.sentences) == len({s.index for s in result.sentences})
    assert result.warnings == ()
    for quote in result.quotes:
        assert len(quote.nested) == sum(quote.french.normalised.count(mark) for mark in "‹“‘«")
