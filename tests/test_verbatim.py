"""Issue 13: the ledger and sentence sources are the input's own characters, with offsets that slice back to them;
the model reads a normalised form of the same French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeTranslator, fake_loader

import translate_cli
from translate_cli.options import Options
from translate_cli.reading import normalise_aligned
from translate_cli.writers import one_line, render

ROOT = Path(__file__).resolve().parent.parent
TYPOGRAPHY = Path(__file__).parent / "data" / "typography.fr.txt"
ARTICLES = sorted((ROOT / "seeds").glob("*.fr.txt")) + [TYPOGRAPHY]
TYPOGRAPHIC = "\u00a0\u202f\u00ad\u2019"


def _translate(text: str, fake: FakeTranslator | None = None):
    fake = fake or FakeTranslator()
    brief = translate_cli.load(fake, options=Options(summarizer="extractive"))
    return brief.translate(text)


def _spans(data: dict) -> list[dict]:
    spans = list(data["sentences"])
    for quote in data["quotes"]:
        spans += [quote, *quote["nested"]]
    return spans


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_every_source_is_a_verbatim_slice_of_the_input(path):
    text = path.read_text(encoding="utf-8")
    data = _translate(text).to_dict()
    assert data["sentences"] and data["quotes"]
    for span in _spans(data):
        assert span["source"] and text[span["start"]: span["end"]] == span["source"]
        assert span["source"] == span["source"].strip()
    starts = [s["start"] for s in data["sentences"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_the_typography_fixture_keeps_its_characters_and_the_model_reads_plain_ones():
    text = TYPOGRAPHY.read_text(encoding="utf-8")
    fake = FakeTranslator()
    result = _translate(text, fake)
    quotes = [quote.source for quote in result.quotes]
    assert quotes == [
        "Nous n’irons pas négocier sous la menace\u202f!",
        "l’offre reste sur la table",
        "personne n’a parlé de “sanc\u00adtions”",
        "Combien de temps encore\u202f?",
        "Nous avons fait des propositions concrètes. Le gouvernement doit les entendre.\n\n«\u00a0Sinon, la "
        "mobilisation continuera jusqu’au 14\u00a0juillet",
    ]
    assert [n.source for n in result.quotes[2].nested] == ["sanc\u00adtions"]
    # what the model and the checks read: plain spaces and apostrophes, no soft hyphen
    assert result.quotes[2].french.normalised == "personne n'a parlé de “sanctions”"
    assert result.quotes[4].french.normalised.startswith("Nous avons fait des propositions concrètes.")
    sent = [text for batch in fake.batches for text in batch]
    assert sent and not any(char in model_input for model_input in sent for char in TYPOGRAPHIC)
    assert result.sentences[1].source.startswith("L’intersyndicale a annoncé mardi qu’elle maintenait son préavis\u00a0:")
    assert "porte\u00ad-parole" in result.sentences[1].source and "deux\u00a0heures." in result.sentences[1].source


def test_offsets_count_characters_of_the_text_as_decoded_control_characters_included():
    text = "Il a dit\x07 « oui\u00ad ».\r\nPuis\x1b[1m « non »."
    result = _translate(text)
    assert [(q.source, q.french.start, q.french.end) for q in result.quotes] == [("oui", 12, 15), ("non", 32, 35)]
    assert [s.source for s in result.sentences] == ["Il a dit\x07 « oui\u00ad ».", "Puis\x1b[1m « non »."]
    assert all(text[s.french.start: s.french.end] == s.source for s in result.sentences)


def test_normalise_aligned_maps_every_character_back():
    original = "a\r\nb\u2029c\u00a0d\u00ade l\u2019f\tg"
    aligned = normalise_aligned(original)
    assert aligned.text == "a\nb\n\nc de l'f g"
    assert aligned.verbatim(0, len(aligned.text)) == (original, 0, len(original))
    assert aligned.verbatim(7, 9) == ("d\u00ade", 7, 10)  # a soft hyphen inside a span belongs to it
    assert aligned.verbatim(1, 2) == ("\r\n", 1, 3)  # a replaced character covers what it replaced


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_markdown_and_text_show_the_verbatim_french(fmt):
    text = TYPOGRAPHY.read_text(encoding="utf-8")
    result = _translate(text)
    output = render(fmt, result)
    for quote in result.quotes:
        french = one_line(quote.source)
        assert (f"| {french} |" if fmt == "markdown" else f"fr: {french}\n") in output
    assert "\u202f!" in output and "sanc\u00adtions" in output and "\n\n«" not in output.split("Quotations")[-1]


def test_the_cli_json_slices_back_into_the_decoded_file_crlf_and_bom_included(tmp_path, monkeypatch):
    from translate_cli import backends
    from translate_cli.cli import cli

    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    monkeypatch.setattr(backends, "load_engine", fake_loader(FakeTranslator()))
    text = TYPOGRAPHY.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "article.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = CliRunner().invoke(cli, ["translate", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    decoded = path.read_bytes().decode("utf-8-sig")  # offsets index the text after its byte-order mark
    assert len(data["quotes"]) == 5
    for span in _spans(data):
        assert decoded[span["start"]: span["end"]] == span["source"]
    assert "\r\n\r\n«\u00a0Sinon" in data["quotes"][4]["source"]


def test_json_lines_records_offsets_index_their_text_field(tmp_path, monkeypatch):
    from translate_cli import backends
    from translate_cli.cli import cli

    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    monkeypatch.setattr(backends, "load_engine", fake_loader(FakeTranslator()))
    texts = ["Il a dit\u00a0: «\u00a0l’accord tient\u202f!\u00a0»", TYPOGRAPHY.read_text(encoding="utf-8")]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n" for n, t in enumerate(texts)),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(source), "--input-format", "jsonl", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["0", "1"]  # ids are strings in the output
    assert records[0]["quotes"][0]["source"] == "l’accord tient\u202f!"
    for record, text in zip(records, texts):
        for span in _spans(record):
            assert text[span["start"]: span["end"]] == span["source"]


def test_human_outputs_never_write_terminal_escapes_and_crlf_with_a_control_is_one_line_break():
    text = "Il a dit « Bon\x1b]0;pwned\x07jour\x1b[2J ».\r\x1b[0m\nPuis il est parti."
    result = _translate(text)
    assert "\x1b" in result.quotes[0].source  # JSON keeps the input's characters
    for fmt in ("text", "markdown"):
        assert "\x1b" not in render(fmt, result) and "\x07" not in render(fmt, result)
    assert [s.paragraph for s in result.sentences] == [0, 0]  # \r, a reset sequence, \n: one line break
