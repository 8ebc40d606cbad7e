"""The language check (translate_cli/language.py): right on real articles, silent when it cannot tell."""

from pathlib import Path

import pytest

from translate_cli.language import guess_language

TESTS = Path(__file__).resolve().parent
SEEDS = TESTS.parent / "seeds"

OTHER = {
    "de": "Der Minister ist am Montag in Paris angekommen, um den Haushalt vorzustellen. Die Opposition hat Hunderte "
          "von Änderungen an dem Text angekündigt, der die Ausgaben für Wohnungen und Schulen kürzt.",
    "es": "El ministro llegó el lunes a París para presentar el presupuesto. La oposición prometió cientos de "
          "enmiendas al texto, que recorta el gasto en vivienda y en las escuelas del país.",
    "it": "Il ministro è arrivato lunedì a Parigi per presentare il bilancio. L'opposizione ha promesso centinaia di "
          "emendamenti al testo, che taglia la spesa per la casa e per le scuole del paese.",
    "pt": "O ministro chegou na segunda-feira a Paris para apresentar o orçamento. A oposição prometeu centenas de "
          "emendas ao texto, que corta os gastos com a habitação e com as escolas do país.",
    "nl": "De minister is maandag in Parijs aangekomen om de begroting voor te stellen. De oppositie heeft honderden "
          "amendementen op de tekst beloofd, die de uitgaven voor woningen en scholen verlaagt.",
}


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.fr.txt")))
def test_the_french_seeds_are_french(seed):
    assert guess_language((SEEDS / seed).read_text(encoding="utf-8")) == "fr"


def test_english_news_is_english():
    english = (TESTS / "data" / "mali-russie-diop-lavrov.en.txt").read_text(encoding="utf-8")
    assert guess_language(english) == "en"
    for line in english.splitlines():
        assert guess_language(line) in ("en", None)  # one sentence: English, or too short to say


@pytest.mark.parametrize("language", sorted(OTHER))
def test_other_languages_are_told_apart(language):
    assert guess_language(OTHER[language]) == language


def test_a_french_article_quoting_english_is_never_called_english():
    quote = ("Le ministre a répondu en anglais : « We will never give up, and we will win this war », avant de "
             "quitter la salle sous les applaudissements de ses partisans, qui l'attendaient depuis le matin.")
    assert guess_language(quote) in ("fr", None)  # half its function words are English: it may say nothing
    article = (SEEDS / "mali-russie-diop-lavrov.fr.txt").read_text(encoding="utf-8")
    assert guess_language(article + "\n\n" + quote) == "fr"


@pytest.mark.parametrize("text", ["", "Oui.", "GRÈVE À LA SNCF", "Emmanuel Macron, Paris, 2024", "OK then."])
def test_too_little_text_says_nothing(text):
    assert guess_language(text) is None
