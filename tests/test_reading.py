import pytest

from translate_cli.errors import InputError
from translate_cli.reading import decode, normalise

FRENCH = "L’État a salué des « avancées considérables » à 4,9 %."


def test_utf8_with_and_without_bom():
    assert decode(FRENCH.encode("utf-8")).text == FRENCH
    assert decode(b"\xef\xbb\xbf" + FRENCH.encode("utf-8")).text == FRENCH
    assert decode(FRENCH.encode("utf-8")).warnings == ()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding):
    data = FRENCH.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + FRENCH).encode(encoding)
    decoded = decode(data)
    assert decoded.text == FRENCH
    assert decoded.warnings == ()


def test_cp1252_fallback_warns_and_keeps_accents():
    text = "Le ministre a été reçu à Noël – « très bien »."
    decoded = decode(text.encode("cp1252"), "a.txt")
    assert decoded.text == text
    assert decoded.encoding == "cp1252"
    assert len(decoded.warnings) == 1 and "a.txt" in decoded.warnings[0]


def test_latin1_only_bytes():
    text = "Été à Montréal, côté cœur"  # œ is not latin-1: use a latin-1 text instead
    text = "Été à Montréal, côté été"
    decoded = decode(text.encode("latin-1"))
    assert decoded.text == text


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"   \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_bad_inputs_are_errors(data, words):
    with pytest.raises(InputError, match=words):
        decode(data, "x")


def test_normalise_spaces_and_apostrophes():
    text = "L’État\u00a0: «\u202fOui\u202f» ?\r\nLigne\u200b deux"
    assert normalise(text) == "L'État : « Oui » ?\nLigne deux"


def test_normalise_keeps_closing_single_quote():
    # ’ after a word and before a space closes a ‘ ’ quotation; only ’ between letters is an apostrophe
    assert normalise("‘non’ dit-il, aujourd’hui") == "‘non’ dit-il, aujourd'hui"
