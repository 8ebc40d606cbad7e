"""format=html: a fragment's blocks come back around their English, inline markup kept where it wraps a block's
whole text, dropped inside it; scripts and comments verbatim; no text lost."""

from __future__ import annotations

import pytest

from translate_cli.serve.fragments import block_translations, document_text, split_fragment


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
