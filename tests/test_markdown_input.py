"""Issue 14 (Markdown): a Markdown article's headings, links, lists, block quotes and code survive into the English
Markdown; the model reads the prose only."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fakes import FakeTranslator

import translate_cli
from translate_cli.cli import cli
from translate_cli.options import Options
from translate_cli.reading import source_from_bytes, source_from_path
from translate_cli.writers import render

ARTICLE = Path(__file__).parent / "data" / "markdown" / "article.md"


def _translated(fake: FakeTranslator):
    return translate_cli.load(fake, options=Options(brief=False)).translate_file(ARTICLE)


def test_the_prose_blocks_links_and_verbatim_parts():
    source = source_from_path(ARTICLE)
    assert source.blocks == ("h1", "p", "h2", "p", "quote", "p", "item", "item", "p", "number", "number", "p")
    assert [source.text[link.start: link.end] for link in source.links] == [
        "l'Agence France-Presse", "le site de la SNCF", "dossier"]
    assert [link.url for link in source.links] == [
        "https://www.afp.example/greve", "https://www.sncf.example/info", "/dossier/greve"]
    assert [text for _, text in source.verbatim] == [
        "```\nhoraires: https://www.sncf.example/horaires?ligne=TER\n```", "---"]
    assert not any(mark in source.text for mark in ("**", "](", "```", "# ", "> "))


def test_round_trip_into_english_markdown():
    fake = FakeTranslator()
    result = _translated(fake)
    markdown = render("markdown", result)
    assert markdown.startswith("# GRÈVE À LA SNCF: LES SYNDICATS DURCISSENT LE TON\n\nLES CHEMINOTS ONT CESSÉ LE "
                               "TRAVAIL MARDI MATIN DANS TOUTE LA FRANCE, SELON [L'AGENCE FRANCE-PRESSE]"
                               "(https://www.afp.example/greve).\n\n## CE QUE DEMANDENT LES SYNDICATS\n")
    assert "\n> NOUS DEMANDONS L'OUVERTURE IMMÉDIATE DE NÉGOCIATIONS SUR LES SALAIRES.\n" in markdown
    assert "\n- DES FILES D'ATTENTE DE DEUX HEURES AUX GUICHETS;\n- DES TRAINS RÉGIONAUX" in markdown
    assert "\n1. UNE ASSEMBLÉE GÉNÉRALE MERCREDI;\n2. UN NOUVEAU PRÉAVIS POUR LE WEEK-END.\n" in markdown
    assert "\n```\nhoraires: https://www.sncf.example/horaires?ligne=TER\n```\n\n---\n\nPLUS D'INFORMATIONS SUR " \
           "[LE SITE DE LA SNCF](https://www.sncf.example/info) ET DANS NOTRE [DOSSIER](/dossier/greve).\n" in markdown
    seen = [text for batch in fake.batches for text in batch]
    assert not any("horaires" in text or "](" in text or "**" in text for text in seen)  # code and markup: never
    # the quotations: « » and the block quote, in the ledger
    assert [(q.origin, q.source) for q in result.quotes] == [
        ("marks", "Nous irons jusqu'au bout si la direction ne revient pas sur sa décision."),
        ("blockquote", "Nous demandons l'ouverture immédiate de négociations sur les salaires."),
    ]


def test_a_link_whose_english_text_the_translation_lacks_follows_its_paragraph():
    # whole sentences upper-cased, short link texts translated otherwise: the translation lacks them
    result = _translated(FakeTranslator(lambda text: text.upper() if len(text) > 25 else f"the {text}"))
    markdown = render("markdown", result)
    assert "([the dossier](/dossier/greve))" in markdown and "[LE SITE DE LA SNCF]" not in markdown
    assert markdown.count("https://www.sncf.example/info") == 1  # every URL kept, once


def test_json_has_the_links_and_offsets_into_the_article_text(cli_fake):
    result = CliRunner().invoke(cli, ["translate", str(ARTICLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    text = source_from_path(ARTICLE).text
    assert [(text[link["start"]: link["end"]], link["url"], link["target"]) for link in data["links"]] == [
        ("l'Agence France-Presse", "https://www.afp.example/greve", "L'AGENCE FRANCE-PRESSE"),
        ("le site de la SNCF", "https://www.sncf.example/info", "LE SITE DE LA SNCF"),
        ("dossier", "/dossier/greve", "DOSSIER"),
    ]
    for sentence in data["sentences"]:
        assert text[sentence["start"]: sentence["end"]] == sentence["source"]


def test_markdown_is_read_by_extension_and_text_can_be_forced():
    data = ARTICLE.read_bytes()
    assert source_from_bytes(data, "a.md").blocks[0] == "h1"
    assert source_from_bytes(data, "a.txt").blocks == ()
    forced = source_from_bytes(data, "a.md", "text")
    assert forced.blocks == () and forced.text.startswith("# Grève")
    assert source_from_bytes(data, "-", "markdown").links


def test_a_link_whose_text_starts_or_ends_with_spaces():
    from translate_cli.markdown_input import read_markdown

    article = read_markdown("[ Le président ](http://x.fr) a parlé, selon [l'AFP ](http://afp.fr).")
    assert [article.text[link.start: link.end] for link in article.links] == ["Le président", "l'AFP"]
