"""Which language a document is written in, roughly: enough to warn that a text given to `brief translate` is not
French (or one given to `brief summarize` is not English).

Function words decide: they are any text's most frequent words, they differ from language to language, and they
need no model (nothing to load, nothing to unpickle; microseconds a document). A word several languages share
counts for each of them in part. A guess needs enough function words and a clear lead over the runner-up;
otherwise there is none, and nothing is said (benchmarks/bench_language.py measures it on WMT news).
"""

from __future__ import annotations

import re
from collections import Counter

_FUNCTION_WORDS = {
    "fr": """le la les l un une des du de d et est sont été être ont a au aux ce cette ces c il elle ils elles nous
        vous on je j qui que qu quoi dont où ne n pas plus se s sa son ses leur leurs lui y en dans pour par sur
        avec sans sous chez vers entre depuis pendant selon mais ou donc car ni si comme aussi très tout tous toute
        toutes même encore déjà avait était sera fait peut être cela ça notre nos votre vos mon ma mes après avant""",
    "en": """the a an of and to in is are was were be been being that this these those it its for on with as at by
        from or but not no they them their there he she his her him we our you your i my have has had do does did
        will would can could should which who whom what when where while than then so if about into over after
        before because also only just more most such very""",
    "de": """der die das den dem des ein eine einer eines einem einen und ist sind war waren nicht zu von mit sich
        auf für im in ist es an als auch aus bei nach wie wird werden hat haben noch nur oder aber wenn dass sie er
        wir ihr ich man kein keine über unter zum zur vom sehr schon""",
    "es": """el la los las lo un una unos unas de del y en es son fue ser que por con para se no al como más pero sus
        su le les ya o este esta estos estas eso ha han hay muy también sin sobre entre cuando donde porque desde
        hasta todo""",
    "it": """il lo la i gli le un uno una di del della dei degli delle e è sono che per con non in nel nella si da
        al alla ma come anche più questo questa quello ha hanno essere stato tra fra dove quando perché molto""",
    "pt": """o a os as um uma uns umas de do da dos das e é são foi que em no na nos nas por para com não se mais
        como mas ao aos seu sua seus suas ele ela eles elas também já muito quando onde porque entre sobre até""",
    "nl": """de het een en van in is zijn was waren dat die op te voor met niet aan er maar om ook als bij door naar
        uit wordt worden heeft hebben nog wel dan of zij hij we ik je over onder""",
}
_OWNERS: dict[str, tuple[str, ...]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _OWNERS[_word] = (*_OWNERS.get(_word, ()), _language)

# Letters, apostrophes splitting elisions (l'État → l, état; qu'il → qu, il).
_TOKEN = re.compile(r"[^\W\d_]+")
MIN_FUNCTION_WORDS = 8  # fewer: too little text to say (a headline, a single short sentence)
MIN_LEAD = 2.0  # the best language's score over the runner-up's


def guess_language(text: str) -> str | None:
    """The text's language ("fr", "en", "de", "es", "it", "pt", "nl"), or None when it cannot say with confidence."""
    return detect_language(text)[0]


def detect_language(text: str) -> tuple[str | None, float]:
    """guess_language's answer and its confidence: the best language's share of the function words' votes, 0-100
    (0 when there is no guess)."""
    scores: Counter[str] = Counter()
    hits = 0
    for token in _TOKEN.findall(text.lower()):
        owners = _OWNERS.get(token)
        if owners:
            hits += 1
            for language in owners:
                scores[language] += 1 / len(owners)
    if hits < MIN_FUNCTION_WORDS:
        return None, 0.0
    ranked = scores.most_common(2)
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < MIN_LEAD * runner_up:
        return None, 0.0
    return best, round(100 * score / sum(scores.values()), 1)


NAMES = {"fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
         "nl": "Dutch"}
