"""Who said it: the person the French source credits with each quotation of the ledger (« … », a déclaré X /
selon X / a-t-il souligné …), pronouns resolved to the nearest named subject, anonymous sources left unnamed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .checks.common import fold
from .checks.names import similar_spelling
from .quotes import mask_quotes, quoted_spans
from .result import QuoteResult, Result

_QUOTE_MARKS = frozenset("“”«»„‹›\"")

_UPPER = "A-ZÀ-ÖØ-Þ"
_NAME_TOKEN = (rf"(?:[{_UPPER}]\.(?:-[{_UPPER}]\.)?|(?:MM|Mmes|Mme|Mlle|Mgr|Mrs|Mr|Ms|Dr|Pr|Me|M)\.?(?=\s)"
               rf"|[{_UPPER}][\w-]*(?:['’][{_UPPER}][\w-]*)?)")
_PARTICLE = r"(?:de|du|van|von|da|di|del|ben|bin|el|al)"
_NAME_RUN = re.compile(rf"(?<![\w'’-]){_NAME_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_TOKEN})*")
_TITLES = {"M": "m", "M.": "m", "MM.": "m", "Mr": "m", "Mr.": "m", "Mgr": "m", "Mgr.": "m", "Mme": "f",
           "Mmes": "f", "Mlle": "f", "Mrs": "f", "Mrs.": "f", "Ms": "f", "Ms.": "f", "Dr": "", "Dr.": "", "Pr": "",
           "Pr.": "", "Me": "", "Me.": ""}
# Capitalised words that start sentences or name things, never people: articles, prepositions, pronouns, …
_NOT_NAMES = frozenset(
    """Le La Les Un Une Des Du De Au Aux En Dans Sur Sous Selon Pour Par Avec Sans Chez Après Avant Depuis Pendant
    Parmi Entre Vers Contre Malgré Et Mais Ou Donc Or Ni Car Si Ce Cet Cette Ces Son Sa Ses Leur Leurs Il Elle Ils
    Elles On Nous Vous Je Tu Certains Certaines Plusieurs Tous Toutes Chaque Aucun Aucune Quand Lorsque Comme Alors
    Ainsi Puis Enfin Reste Faute Combien Pourquoi Comment Où Qui Que Quoi Oui Non À Ô
    The A An In On At Of For With From By To And But Or So If As After Before Since During Among Between According
    He She It They We I You His Her Its Their Our This That These Those There Here When While Where Why How What
    Who Yes No""".split()
)
_SPEECH = (r"déclar|dit|di[st]\b|lanc|soulign|rappel|prév|assur|confirm|ajout|estim|expliqu|affirm|insist|interro|"
           r"demand|répond|poursui|conclu|martel|martèl|résum|indiqu|précis|not|observ|reconn|fait valoir|"
           r"fait savoir|tranch|exclam|souffl|gliss|regrett|dénonc|avert|admi|racont|ironis|lâch|plaid|assén|"
           r"rétorqu|répliqu|promi|promet|jug|salu|avou|annonc|concè|concé|repren|insurg|emport|indign|alarm|alert|"
           r"sout|écri|confi|comment|appel|exhort|menac|assén|said|says|told|added|asked|warned|explained|"
           r"stressed|insisted|noted|wrote|declared|argued|claimed")
_ATTRIBUTION = re.compile(
    rf"^(?:(?:a|avait|aurait|ont|avaient|va|vient de)(?:-t-(?:il|elle|on))?\s+|s'est\s+|se sont\s+|s'était\s+|s')?"
    rf"(?:{_SPEECH})|^selon\b|^according to\b|^[\w']+-t-(?:il|elle)\b|^[\w']+-(?:il|elle)s?\b|^(?:he|she)\s+\w+",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"-t-(il|elle)\b|-(il|elle)s?\b|\bselon (lui|elle)\b|^(he|she)\b|^(Il|Elle)\b", re.IGNORECASE)
_ANONYMOUS = re.compile(r"anonymat|anonyme|sous couvert|anonymity|anonymous", re.IGNORECASE)
_AFTER_PREPOSITION = re.compile(r"(?:\b(?:par|de|à|avec|chez|pour|contre|sur|by|of|with|to)|\bd')\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Mention:
    start: int
    name: str
    gender: str  # "m", "f" or "" (unknown)
    reliable: bool  # a title, two name words, or a known surname


def _mentions(text: str, known: dict[str, str]) -> list[_Mention]:
    found = []
    for match in _NAME_RUN.finditer(text):
        words = match.group().split()
        gender, titled, article = "", False, False
        while words and (words[0] in _TITLES or words[0] in _NOT_NAMES or re.match(r"[LDJ]['’]", words[0])):
            titled = titled or words[0] in _TITLES
            gender = _TITLES.get(words[0]) or gender
            article = article or words[0] in ("Le", "La", "Les", "The")
            words = words[1:]
        words = [w for w in words if not (len(w) > 1 and w.isupper() and not w.endswith("."))]  # AFP, CGT
        if not words or words[-1] in _TITLES:
            continue
        name = " ".join(words)
        if len(words) == 1 and words[0] in known:
            name = known[words[0]]
        reliable = titled or len(words) >= 2 or words[0] in known
        if not reliable and article:
            continue  # "Le Monde", "La Russie": a name after an article is a thing
        if not gender:
            role = re.search(r"\b(la|une|le|un)\s+[^\W\d]+\s*,?\s*$", text[: match.start()], re.IGNORECASE)
            gender = {"la": "f", "une": "f", "le": "m", "un": "m"}[role.group(1).lower()] if role else ""
        found.append(_Mention(match.start(), name, gender, reliable))
    return found


def known_names(result: Result) -> dict[str, str]:
    """Surname → full name for every person named with two or more words in the French source."""
    known: dict[str, str] = {}
    for sentence in result.sentences:
        for mention in _mentions(mask_quotes(sentence.french.normalised), {}):
            words = mention.name.split()
            if len(words) >= 2:
                known.setdefault(words[-1], mention.name)
    return known


def _subject(text: str, known: dict[str, str]) -> _Mention | None:
    """The first reliable person named outside quotations and not after a preposition: usually the subject."""
    masked = mask_quotes(text)
    for mention in _mentions(masked, known):
        if mention.reliable and not _AFTER_PREPOSITION.search(masked[: mention.start]):
            return mention
    return None


_UNNAMED = _Mention(-1, "", "", False)


def _sentence_speaker(sentence: str, known: dict[str, str]) -> _Mention | None:
    """Who a previous sentence is about, for pronoun resolution: a named person, _UNNAMED when its subject is an
    unnamed person ("a confirmé le chef de la diplomatie", "Un conseiller résume"), None when it says nothing."""
    spans = quoted_spans(sentence)[0]
    if spans and spans[-1].closed:
        clause = _first_clause(sentence[spans[-1].end:])
        if _ATTRIBUTION.match(clause):
            named = _mentions(clause, known)
            if named:
                return named[0]
            return None if _PRONOUN.search(clause) else _UNNAMED
    subject = _subject(sentence, known)
    if subject:
        return subject
    return _UNNAMED if re.match(r"\s*(?:Un|Une|A|An)\s+[a-zé]", sentence) else None


def _resolve_pronoun(sources: Sequence[str], gender: str, before: str, known: dict[str, str]) -> str | None:
    """The pronoun's antecedent: a person named earlier in the sentence, else the subject of the nearest previous
    sentence that names one (the subject, not the last name: in "Diop a rencontré Lavrov. « … », a-t-il dit" the
    speaker is Diop), stopping at an unnamed subject. Up to four sentences back."""
    here = _subject(before, known)
    if here and (not gender or not here.gender or here.gender == gender):
        return here.name
    for sentence in reversed(sources[-4:]):
        mention = _sentence_speaker(sentence, known)
        if mention is _UNNAMED:
            return None
        if mention and (not gender or not mention.gender or mention.gender == gender):
            return mention.name
    return None


def _first_clause(after: str) -> str:
    after = after.lstrip(" ,")
    return re.split(r"[,;:(«“„\"]", after, maxsplit=1)[0].strip().rstrip(".!?…").strip()


def _pronoun_gender(match: re.Match[str]) -> str:
    pronoun = next(g for g in match.groups() if g).lower()
    return "f" if pronoun in ("elle", "she") else "m" if pronoun in ("il", "lui", "he") else ""


def speaker_for(result: Result, quote: QuoteResult, known: dict[str, str] | None = None) -> str | None:
    """The person the French source credits with `quote`, or None when it names no one (or names a role only).

    Looks, in order, at the clause right after the closing mark (« … », a déclaré X / selon X / a-t-il souligné),
    then at the text before the opening mark (X a souligné : « … » / Il a remercié … « … »), then at a previous
    sentence ending in ":". Pronouns resolve to the nearest previously named subject. Anonymous sources give None.
    Pass `known` (see known_names) when calling for many quotes of one result.
    """
    if not quote.sentences:
        return None
    known = known_names(result) if known is None else known
    covered = [s for s in result.sentences if s.index in set(quote.sentences)]
    if not covered:
        return None
    # A quotation can span sentences (and paragraphs, one piece each): find it in the sentences joined.
    text = " ".join(s.french.normalised for s in covered)
    pieces = [p for p in quote.french.normalised.split("\n\n") if p.strip()] or [quote.french.normalised]
    begin = _before_mark(text, pieces[0], 0)
    end = _after_mark(text, pieces[-1], begin or 0)
    previous = [s.french.normalised for s in result.sentences if s.index < covered[0].index]
    before = text[:begin] if begin is not None else ""
    after = text[end:] if end is not None else ""
    if _ANONYMOUS.search(mask_quotes(before) + " " + _first_clause(after)):
        return None
    clause = _first_clause(after)
    if clause and _ATTRIBUTION.match(clause):
        named = _mentions(clause, known)
        if named:
            return named[0].name
        pronoun = _PRONOUN.search(clause)
        if pronoun:
            return _resolve_pronoun(previous, _pronoun_gender(pronoun), before, known)
        return None  # a role: "a confirmé le chef de la diplomatie russe"
    return _speaker_before(before, previous, known)


def _speaker_before(before: str, previous: Sequence[str], known: dict[str, str]) -> str | None:
    masked = mask_quotes(before)
    people = [m for m in _mentions(masked, known) if m.reliable and not _AFTER_PREPOSITION.search(masked[: m.start])]
    if people:
        if len(people) > 1 and re.fullmatch(r"\s*(?:et|and)\s*", masked[people[0].start + len(people[0].name):
                                                                         people[1].start]):
            return None  # "Abdoulaye Diop et Sergueï Lavrov … « … »": several speakers
        return people[0].name
    pronoun = re.match(r"\s*(Il|Elle|He|She)\b", before)
    if pronoun:
        return _resolve_pronoun(previous, _pronoun_gender(pronoun), "", known)
    if not masked.strip(" —–-") and previous and previous[-1].rstrip().endswith(":"):
        return _speaker_before(previous[-1], previous[:-1], known)
    return None


def _before_mark(text: str, piece: str, start: int) -> int | None:
    at = text.find(piece, start)
    if at < 0:
        return None
    while at > 0 and (text[at - 1].isspace() or text[at - 1] in _QUOTE_MARKS):
        at -= 1
    return at


def _after_mark(text: str, piece: str, start: int) -> int | None:
    at = text.find(piece, start)
    if at < 0:
        return None
    at += len(piece)
    while at < len(text) and (text[at].isspace() or text[at] in _QUOTE_MARKS):
        at += 1
    return at


def attribute_speakers(result: Result) -> Result:
    """`result` with each ledger quote's `speaker` filled (where still None) from the French source."""
    known = known_names(result)
    quotes = tuple(q if q.speaker else replace(q, speaker=speaker_for(result, q, known)) for q in result.quotes)
    return replace(result, quotes=quotes)


_ENGLISH_NAME = re.compile(r"[A-Z][\w'’-]*")


def english_spelling(name: str, translation: str) -> str:
    """`name` as the translation spells it: 'Sergueï Lavrov' → 'Sergei Lavrov' where the English says so; the
    French form when the translation has no run of words that spell each of its words alike."""
    parts = name.split()
    if not parts or name in translation:
        return name
    words = list(_ENGLISH_NAME.finditer(translation))
    for i in range(len(words) - len(parts) + 1):
        run = words[i: i + len(parts)]
        if translation[run[0].start(): run[-1].end()].count(" ") != len(parts) - 1:
            continue  # the words must follow one another
        if all(fold(p) == fold(w[0]) or similar_spelling(fold(p), fold(w[0])) for p, w in zip(parts, run)):
            if all(p.lower() == w[0].lower() for p, w in zip(parts, run)):
                return name  # the same name in capitals (a shouted line): the French casing reads better
            return translation[run[0].start(): run[-1].end()]
    return name
