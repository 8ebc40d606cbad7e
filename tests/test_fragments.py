"""format=html: a fragment's blocks come back around their English; inline markup placed where its English is
known (a whole block, sentence or quotation, words kept unchanged, a link's own translation), dropped elsewhere;
scripts and comments verbatim; no text lost."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from fakes import FakeTranslator, fake_loader

import translate_cli
from translate_cli.reading import source_from_bytes
from translate_cli.serve.fragments import block_translations, document_text, english_fragment, split_fragment
from translate_cli.serve.inline import Anchors, Inline, place_inline, render


@pytest.mark.parametrize(("markup", "texts", "rebuilt"), [
    ('<p class="lead">Le <b>ministre</b> arrive.</p>', ["Le ministre arrive."],
     '<p class="lead">LE MINISTRE ARRIVE.</p>'),
    ('<ul><li><a href="/a">« Oui », dit-il.</a></li><li>Non.</li></ul>', ["« Oui », dit-il.", "Non."],
     '<ul><li><a href="/a">« OUI », DIT-IL.</a></li><li>NON.</li></ul>'),
    ("<p><strong><em>Tout</em></strong></p>", ["Tout"], "<p><strong><em>TOUT</em></strong></p>"),
    ("<p><b>Un</b> deux</p>", ["Un deux"], "<p>UN DEUX</p>"),
    ("Texte seul<br>et suite", ["Texte seul", "et suite"], "TEXTE SEUL<br>ET SUITE"),
    ('<div><!-- note --><script>var p = "<p>";</script><p>A &amp; B</p></div>', ["A & B"],
     '<div><!-- note --><script>var p = "<p>";</script><p>A &amp; B</p></div>'),
])
def test_blocks_come_back_around_their_english(markup, texts, rebuilt):
    fragment = split_fragment(markup)
    assert fragment.texts == texts
    assert fragment.rebuild([text.upper() if text != "A & B" else text for text in fragment.texts]) == rebuilt


def test_each_block_is_a_paragraph_of_one_document_and_gets_its_own_english():
    fragment = split_fragment("<p>« Nous voulons</p><p>la paix », dit-il.</p>")
    assert document_text(fragment) == "« Nous voulons\n\nla paix », dit-il."
    assert block_translations(fragment, "“We want\n\npeace,” he said.", []) == ["“We want", "peace,” he said."]
    # the translation's paragraphs do not match the blocks: each block gets its sentences' English
    assert block_translations(fragment, "one paragraph", [(0, "“We want"), (1, "peace,” he said.")]) == [
        "“We want", "peace,” he said."]


WORDS = {"Le": "The", "le": "the", "ministre": "minister", "arrive": "arrives", "à": "in", "lundi": "on Monday",
         "a": "has", "dit": "said", "Nous": "We", "voulons": "want", "la": "the", "paix": "peace", "Lisez": "Read",
         "l'article": "the article", "sur": "on", "Il": "He", "est": "is", "parti": "gone", "et": "and"}


def dictionary(text: str) -> str:
    """A translator that knows a few words (and their order): English the placement can be checked against."""
    return re.sub(r"[\w']+", lambda m: WORDS.get(m.group(), m.group()), text)


@pytest.fixture(scope="module")
def pipeline():
    return translate_cli.load(load_engine=fake_loader(FakeTranslator(dictionary)), brief=False)


def translated(pipeline, markup: str) -> str:
    """What /translate answers for format=html: the fragment's document, its links translated on their own."""
    fragment = split_fragment(markup)
    if not document_text(fragment).strip():  # nothing to translate: the markup as given
        return fragment.rebuild([])
    source = replace(source_from_bytes(document_text(fragment).encode(), "-", "text"), links=fragment.links())
    [(_, result)] = pipeline.translate_many([source])
    return english_fragment(fragment, result)


@pytest.mark.parametrize(("markup", "english"), [
    # a link: its text's own English found in the block's English; words the English keeps unchanged (a name)
    ('<p>Lisez <a href="/a">l\'article</a> sur <a href="https://x.fr/p" rel="nofollow">Paris</a>.</p>',
     '<p>Read <a href="/a">the article</a> on <a href="https://x.fr/p" rel="nofollow">Paris</a>.</p>'),
    # emphasis on a word whose English is not known for sure: dropped, its text kept
    ("<p>Le <b>ministre</b> arrive à <i>Lyon</i> lundi.</p>", "<p>The minister arrives in <i>Lyon</i> on Monday.</p>"),
    # a whole quotation, marks inside or outside the element; a whole sentence
    ("<p><em>« Nous voulons la paix »</em>, a dit le ministre. <strong>Il est parti.</strong></p>",
     "<p><em>“We want the peace”</em>, has said the minister. <strong>He is gone.</strong></p>"),
    ('<p>« <i>Nous voulons la paix</i> », a dit <a href="/m">le ministre</a>.</p>',
     '<p>“<i>We want the peace</i>”, has said <a href="/m">the minister</a>.</p>'),
    # nested elements around the same words stay nested in the same order
    ("<p><a href='/x'><b>Paris</b></a> et <b><a href='/y'>Lyon</a></b></p>",
     "<p><a href='/x'><b>Paris</b></a> and <b><a href='/y'>Lyon</a></b></p>"),
    # an element around whole blocks, and one opened in a block and closed in the next: their markup kept as given
    ('<a href="/x"><p>Le ministre</p></a><div><span class="k">Il est <p>parti</p></span></div>',
     '<a href="/x"><p>The minister</p></a><div><span class="k">He is <p>gone</p></span></div>'),
])
def test_inline_markup_is_placed_where_its_english_is_known(pipeline, markup, english):
    assert translated(pipeline, markup) == english


@pytest.mark.parametrize(("markup", "english"), [
    # text decoded from entities in untranslated elements is escaped again: never live markup
    ("<p>Le</p><code>&lt;img src=x onerror=alert(1)&gt;</code>",
     "<p>The</p><code>&lt;img src=x onerror=alert(1)&gt;</code>"),
    ("<p>Le <code/> &lt;b&gt;</p>", "<p>The <code/> &lt;b&gt;</p>"),
    # an element holding a <br> or a block crosses blocks: its tags go to the blocks' edges, balanced
    ("<p><b>Le<br>ministre</b> <i>arrive<br>lundi</i></p>", "<p><b>The<br></b>minister arrives<i><br>on Monday</i></p>"),
    ("<b>Le ministre<br></b> arrive", "<b>The minister<br></b> arrives"),
    ("<div><a href=/x><p>Le ministre</p></a> <b>Paris</b> arrive</div>",
     "<div><a href=/x><p>The minister</p></a> <b>Paris</b> arrives</div>"),
    # misnested input: the element closed implicitly loses its tags, both of them
    ("<p>Le <b>ministre <i>arrive</b> lundi</i>.</p>", "<p>The minister arrives on Monday.</p>"),
    # repeated words: each element on its own copy
    ("<p>Il est parti. <b>Il est parti.</b></p>", "<p>He is gone. <b>He is gone.</b></p>"),
    ("Le ministre et <a href=/m>le ministre</a>", "The minister and <a href=/m>the minister</a>"),
    ("« Nous voulons », a dit le ministre. « <i>Nous voulons</i> »",
     "“We want”, has said the minister. “<i>We want</i>”"),
    # a link's English is whole words; matching ignores case without shifting offsets
    ("Le ministre arrive <a href=/x>à</a> Lyon.", "The minister arrives <a href=/x>in</a> Lyon."),
    ('<p>İstanbul et <a href="/x">le ministre</a> arrive</p>', '<p>İstanbul and <a href="/x">the minister</a> arrives</p>'),
    # spaces around an element that cuts the text stay; </br> is a <br>; <wbr> goes; declarations stay
    ("Le <img src=x> ministre", "The <img src=x> minister"),
    ("Le</br>ministre", "The<br>minister"),
    ("<b>Paris <wbr>Lyon</b>", "<b>Paris Lyon</b>"),
    ("<!DOCTYPE html><p>Le ministre</p>", "<!DOCTYPE html><p>The minister</p>"),
    # <pre>: each line on its own, line breaks and indentation kept
    ("<pre>Le ministre\n\n  <b>Paris</b> arrive\n</pre><p>Il est\nparti.</p>",
     "<pre>The minister\n\n  <b>Paris</b> arrives\n</pre><p>He is gone.</p>"),
])
def test_odd_markup_comes_back_balanced_escaped_and_in_place(pipeline, markup, english):
    assert translated(pipeline, markup) == english


def _tags(markup: str) -> list[str]:
    return re.findall(r"</?[a-z]+", markup)


def _balanced(markup: str) -> bool:
    stack: list[str] = []
    for tag in _tags(markup):
        if tag in ("<br", "<img"):
            continue
        if not tag.startswith("</"):
            stack.append(tag[1:])
        elif not stack or stack.pop() != tag[2:]:
            return False
    return not stack


def test_random_well_formed_fragments_come_back_well_formed_with_every_word(pipeline):
    import random

    rng = random.Random(7)
    words = ["Le", "ministre", "arrive", "à", "Paris", "lundi", "Il", "est", "parti.", "la", "paix", "et"]

    def fragment(depth: int) -> str:
        pieces = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if depth and kind < 0.45:
                tag = rng.choice(["b", "i", "span", "p", "li"])
                opening = f'<a href="/{rng.randint(0, 9)}">' if tag == "span" and rng.random() < 0.5 else f"<{tag}>"
                pieces.append(f"{opening}{fragment(depth - 1)}</{'a' if opening.startswith('<a') else tag}>")
            elif kind < 0.55:
                pieces.append("<br>")
            else:
                pieces.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))))
        return " ".join(pieces)

    for _ in range(300):
        markup = fragment(3)
        english = translated(pipeline, markup)
        assert _balanced(english), (markup, english)
        plain = dictionary(" ".join(split_fragment(markup).texts))
        assert re.findall(r"[\w']+", re.sub(r"<[^>]*>", " ", english)) == re.findall(r"[\w']+", plain), markup


def test_an_element_whose_english_would_cross_another_is_dropped():
    # "a b" wraps "b c" in the French order's English: the second cannot nest or stay apart, so it goes
    french, english = "un deux trois", "deux trois un"
    spans = [Inline(0, 7, "<i>", "</i>", order=0), Inline(4, 13, "<b>", "</b>", order=1)]
    anchors = Anchors(sentences=[], links={(0, 7): "deux trois", (4, 13): "trois un"})
    placed = place_inline(french, english, spans, anchors)
    assert [(p.start, p.end, p.inline.opening) for p in placed] == [(0, 10, "<i>")]
    assert render(english, placed, str.upper) == "<i>DEUX TROIS</i> UN"


def test_a_plain_word_found_in_the_english_is_not_taken_for_the_same_word():
    # French "a" (has) is not the English article; "2024" and "@afp" are kept by any translation
    french, english = "Il a gagné en 2024 selon @afp", "He won a prize in 2024 according to @afp"
    spans = [Inline(3, 4, "<b>", "</b>"), Inline(14, 18, "<i>", "</i>"), Inline(25, 29, "<a href='/afp'>", "</a>")]
    assert render(english, place_inline(french, english, spans, Anchors()), str) == (
        "He won a prize in <i>2024</i> according to <a href='/afp'>@afp</a>")


def test_of_several_unchanged_occurrences_the_one_at_the_same_place_is_wrapped():
    french = "Paris gagne, puis Lyon perd, puis Paris."
    placed = place_inline(french, "Paris wins, then Lyon loses, then Paris.", [Inline(34, 39, "<b>", "</b>")],
                          Anchors())
    assert [(p.start, p.end) for p in placed] == [(34, 39)]
