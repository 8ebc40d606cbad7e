"""Issue 14 (HTML part): a saved web page translates as its article — body only, structure kept, every quotation
in the ledger, metadata filled — through the same pipeline as text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner
from fakes import FakeTranslator

import translate_cli
from translate_cli.cli import cli
from translate_cli.options import Options
from translate_cli.reading import source_from_bytes, source_from_path
from translate_cli.writers import render

WEB = Path(__file__).parent / "data" / "web"
ARTICLE = WEB / "news-article.html"
PAGE_FURNITURE = ["Accueil", "Politique", "abonner", "À lire aussi", "Réforme des retraites", "Commentaires",
                  "Jean-Pierre", "insupportable", "Mentions légales", "publicité", "ne pas traduire", "dataLayer"]


def _brief(fake: FakeTranslator | None = None):
    return translate_cli.load(fake or FakeTranslator(), options=Options(summarizer="extractive"))


def test_the_article_body_only_with_its_structure_and_metadata():
    source = source_from_path(ARTICLE)
    assert source.blocks == ("h1", "p", "p", "p", "h2", "p", "quote", "p", "item", "item", "p")
    assert source.text.startswith("Grève à la SNCF : les syndicats durcissent le ton\n\nLes cheminots ont cessé")
    assert source.text.endswith("attend son train depuis 7 h 30.")  # trafilatura writes &nbsp; as a space
    assert not any(word in source.text for word in PAGE_FURNITURE)
    assert "Herriot" in source.text and "l’hôpital Édouard-Herriot" in source.text  # <br> inside a sentence: a space
    assert "40 % des TGV" in source.text
    assert source.article.to_dict() == {
        "title": "Grève à la SNCF : les syndicats durcissent le ton", "author": "Claire Martin",
        "date": "2026-11-30", "site": "Le Quotidien du Rail",
        "url": "https://www.quotidien-rail.example/social/2026/11/30/greve-sncf-syndicats", "language": "fr",
    }


def test_every_quotation_in_the_ledger_and_every_letter_in_exactly_one_sentence():
    fake = FakeTranslator()
    result = _brief(fake).translate_file(ARTICLE)
    source = source_from_path(ARTICLE)
    assert [(q.origin, q.source) for q in result.quotes] == [
        ("marks", "Nous irons jusqu’au bout si la direction ne revient pas sur sa décision."),
        ("marks", "La situation reviendra à la normale jeudi"),
        ("marks", "très minoritaire"),
        ("blockquote", "Nous demandons l’ouverture immédiate de négociations sur les salaires et le retrait du projet "
                       "de réorganisation des ateliers."),
        ("marks", "On ne peut pas continuer comme ça"),
    ]
    for quote in result.quotes:
        assert source.text[quote.french.start: quote.french.end] == quote.source
    covered = [0] * len(source.text)
    for sentence in result.sentences:
        assert source.text[sentence.french.start: sentence.french.end] == sentence.source
        for at in range(sentence.french.start, sentence.french.end):
            covered[at] += 1
    assert all(covered[at] == 1 for at, char in enumerate(source.text) if char.isalpha())
    # no sentence runs across two blocks: each stays inside one paragraph of the page
    assert {s.paragraph for s in result.sentences} == set(range(len(source.blocks)))
    assert all("\n" not in s.source for s in result.sentences)
    # the model never saw the page's furniture, scripts or styles
    seen = " ".join(text for batch in fake.batches for text in batch)
    assert not any(word in seen for word in PAGE_FURNITURE)
    # the blockquote is the brief's to quote, never its own statement
    assert "NOUS DEMANDONS" not in result.brief.summary


def test_json_markdown_and_text_outputs(cli_fake):
    result = CliRunner().invoke(cli, ["translate", str(ARTICLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["source", "translation", "sentences", "quotes", "models", "warnings", "checks", "article",
                          "brief"]
    assert data["article"]["site"] == "Le Quotidien du Rail"
    assert [q["origin"] for q in data["quotes"]] == ["marks", "marks", "marks", "blockquote", "marks"]
    markdown = CliRunner().invoke(cli, ["translate", str(ARTICLE), "--format", "markdown", "--no-brief"]).stdout
    assert markdown.startswith("Le Quotidien du Rail, Claire Martin, 2026-11-30  \nhttps://www.quotidien-rail")
    assert "\n# GRÈVE À LA SNCF: LES SYNDICATS DURCISSENT LE TON\n" in markdown
    assert "\n## DES NÉGOCIATIONS AU POINT MORT\n" in markdown
    assert "\n> NOUS DEMANDONS L'OUVERTURE IMMÉDIATE" in markdown
    assert "\n- DES FILES D'ATTENTE DE DEUX HEURES AUX GUICHETS;\n- DES TRAINS RÉGIONAUX" in markdown
    text = CliRunner().invoke(cli, ["translate", str(ARTICLE), "--no-brief"]).stdout
    assert text.startswith("Le Quotidien du Rail, Claire Martin, 2026-11-30\nhttps://www.quotidien-rail.example/"
                           "social/2026/11/30/greve-sncf-syndicats\n\nGRÈVE À LA SNCF")


def test_a_page_in_cp1252_declared_by_meta():
    result = _brief().translate_file(WEB / "news-cp1252.html")
    assert result.article.site == "La Gazette" and not result.warnings
    assert result.blocks == ("h1", "p", "p", "p")  # the headline, which trafilatura gives as the title only
    assert result.sentences[0].source == "Budget : l’Assemblée adopte la première partie"
    assert [q.source for q in result.quotes] == [
        "C’est une étape décisive pour le redressement de nos comptes", "débat exigeant mais loyal", "injuste"]
    assert "DÉPUTÉS" in result.translation and "Ã" not in result.translation


def test_a_page_without_an_article_is_one_failed_input(cli_fake, tmp_path):
    result = CliRunner().invoke(cli, ["translate", str(WEB / "index-page.html")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"brief: error: {WEB / 'index-page.html'}: no article text found in this page (an index page or a login "
        "wall?)"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "index.html").write_bytes((WEB / "index-page.html").read_bytes())
    (tmp_path / "in" / "article.html").write_bytes(ARTICLE.read_bytes())
    batch = CliRunner().invoke(cli, ["translate", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out")])
    assert batch.exit_code == 1  # one input failed, the other was translated
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["article.en.txt"]


def test_detection_by_extension_or_content_and_forcing_a_format(tmp_path):
    data = ARTICLE.read_bytes()
    assert source_from_bytes(data, "page").blocks  # no extension: the content says HTML
    assert source_from_bytes(data, "-").blocks  # stdin likewise
    forced = source_from_bytes(data, "page.html", "text")
    assert forced.blocks == () and forced.text.startswith("<!DOCTYPE html>")
    plain = "Le ministre a dit « oui ».".encode()
    assert source_from_bytes(plain, "note.txt") == source_from_bytes(plain, "note.txt", "text")  # text as before
    assert source_from_bytes(b"<p>Le ministre a dit \xc2\xab oui \xc2\xbb.</p>", "x.txt").blocks == ()


def test_without_the_web_extra_html_input_says_which_extra_and_exits_3(cli_fake, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if not installed
    result = CliRunner().invoke(cli, ["translate", str(ARTICLE)])
    assert result.exit_code == 3
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"brief: error: {ARTICLE}: HTML input needs brief's web extra "
                           '(pip install "brief-translate[web]")')


def test_render_keeps_plain_text_results_unchanged():
    brief = translate_cli.load(FakeTranslator(), options=Options(brief=False))
    result = brief.translate("Le ministre a dit « oui ».\n\nIl est parti.")
    assert result.article is None and result.blocks == ()
    assert render("markdown", result).startswith("LE MINISTRE A DIT “OUI”.\n\nIL EST PARTI.\n")
    assert render("text", result) == "LE MINISTRE A DIT “OUI”.\n\nIL EST PARTI.\n"
