import pytest

from translate_cli.quotes import CLOSE, CONTINUE, LITERAL, OPEN, QuoteStyle
from translate_cli.reading import normalise
from translate_cli.segment import segment


def parse(text: str):
    doc = segment(normalise(text))
    return doc, doc.quotes


def contents(text: str) -> list[str]:
    doc, quotes = parse(text)
    return [" ".join(doc.text[a:b].split()) for q in quotes.top_level() for a, b in q.spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Il a dit « oui » et « non ».", ["oui", "non"]),
        ("Il a dit “oui” et “non”.", ["oui", "non"]),
        ("Er sagte „ja“ hier.", ["ja"]),
        ('Il a dit "oui" puis "non".', ["oui", "non"]),
        ("Il a dit « je ‹ refuse › tout ».", ["je ‹ refuse › tout"]),
        ("Il a dit « je “refuse” tout ».", ["je “refuse” tout"]),
        ("Il a dit “je ‘refuse’ tout”.", ["je ‘refuse’ tout"]),
        ("L'État dit « c'est l'heure ».", ["c'est l'heure"]),
    ],
)
def test_quote_kinds(text, expected):
    assert contents(text) == expected


def test_nested_depth_and_parent():
    _, quotes = parse("« Il a crié ‹ au secours › deux fois », dit-elle.")
    outer, inner = quotes.quotes
    assert (outer.depth, inner.depth, inner.parent) == (0, 1, outer.id)
    assert quotes.descendants(outer.id) == [inner]


def test_quote_spanning_sentences_is_one_quote():
    doc, quotes = parse("« Nous voulons la paix. Nous sommes prêts. Vraiment », a-t-il dit.")
    assert len(quotes.top_level()) == 1
    assert len(doc.sentences) == 3


def test_quote_continued_into_next_paragraph():
    text = "Il a déclaré : « Nous irons jusqu'au bout.\n\n« Nous ne céderons pas », a-t-il ajouté."
    doc, quotes = parse(text)
    assert len(quotes.top_level()) == 1
    assert [m.role for m in quotes.marks] == [OPEN, CONTINUE, CLOSE]
    assert quotes.warnings == ()
    assert contents(text) == ["Nous irons jusqu'au bout.", "Nous ne céderons pas"]


def test_old_style_continuation_with_closing_guillemet():
    _, quotes = parse("« Premier paragraphe.\n\n» Second paragraphe », dit-il.")
    assert [m.role for m in quotes.marks] == [OPEN, CONTINUE, CLOSE]


def test_em_dash_dialogue_is_not_a_quotation():
    _, quotes = parse("— Oui, répond-il.\n— Non, dit-elle.")
    assert quotes.quotes == () and quotes.marks == ()


@pytest.mark.parametrize(
    "text, literal",
    [
        ("Il a dit « oui et rien d'autre.", "«"),
        ("Il a dit oui » et rien d'autre.", "»"),
        ("Un « début.\n\nUn autre paragraphe sans suite.", "«"),
    ],
)
def test_unmatched_mark_is_literal_with_warning(text, literal):
    _, quotes = parse(text)
    assert quotes.quotes == ()
    assert [(m.char, m.role) for m in quotes.marks] == [(literal, LITERAL)]
    assert len(quotes.warnings) == 1 and "unmatched" in quotes.warnings[0]


def test_apostrophes_are_not_quotes():
    _, quotes = parse("Aujourd’hui, l’armée d’Etat s’est retirée.")
    assert quotes.marks == ()


def test_styles():
    assert QuoteStyle.CURLY.marks(0) == ("“", "”") and QuoteStyle.CURLY.marks(1) == ("‘", "’")
    assert QuoteStyle.STRAIGHT.marks(0) == ('"', '"') and QuoteStyle.STRAIGHT.marks(1) == ("'", "'")
    assert QuoteStyle.GUILLEMETS.marks(0) == ("«", "»") and QuoteStyle.GUILLEMETS.marks(1) == ("“", "”")
    assert QuoteStyle.CURLY.marks(2) == ("“", "”")
