"""The names check: capitalised names and acronyms of the French survive in the English (known exonyms and close
spellings pass: Sergueï → Sergei, Moscou → Moscow)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from ..result import Check
from .common import WORD, flag, fold
from .lexicon import english_word, french_common_word, french_first_name

# French capitalised words that are not names, or whose English form differs: folded key → accepted English forms
# (folded, space-separated words). Keys of compounds use a space for the hyphen: "etats unis".
_NAME_TABLE: dict[str, tuple[str, ...]] = {
    # countries, peoples and places whose English name differs
    "russie": ("russia", "russian", "russians"), "chine": ("china", "chinese"),
    "turquie": ("turkey", "turkish", "turkiye"), "allemagne": ("germany", "german", "germans"),
    "angleterre": ("england", "english", "britain"), "espagne": ("spain", "spanish"), "italie": ("italy", "italian"),
    "royaume uni": ("united kingdom", "uk", "u k", "britain", "british"),
    "grande bretagne": ("britain", "great britain", "british", "uk", "u k", "united kingdom"),
    "etats unis": ("united states", "us", "u s", "usa", "america", "american", "washington"),
    "pays bas": ("netherlands", "dutch", "holland"), "suisse": ("switzerland", "swiss"),
    "autriche": ("austria", "austrian"), "pologne": ("poland", "polish"), "hongrie": ("hungary", "hungarian"),
    "grece": ("greece", "greek"), "irlande": ("ireland", "irish"), "ecosse": ("scotland", "scottish"),
    "galles": ("wales", "welsh"), "norvege": ("norway", "norwegian"), "suede": ("sweden", "swedish"),
    "danemark": ("denmark", "danish"), "bielorussie": ("belarus", "belarusian"), "mexique": ("mexico", "mexican"),
    "bresil": ("brazil", "brazilian"), "perou": ("peru", "peruvian"), "japon": ("japan", "japanese"),
    "coree": ("korea", "korean"), "inde": ("india", "indian"), "liban": ("lebanon", "lebanese"),
    "maroc": ("morocco", "moroccan"), "tchad": ("chad", "chadian"), "irak": ("iraq", "iraqi"),
    "koweit": ("kuwait",), "cisjordanie": ("west bank",), "asie": ("asia", "asian"),
    "afrique": ("africa", "african"), "amerique": ("america", "american"), "europe": ("europe", "european"),
    "mali": ("mali", "malian"), "sahel": ("sahel",), "cote": ("coast", "cote"), "ivoire": ("ivory", "ivoire"),
    "nouvelle": ("new",), "haye": ("hague",), "cap": ("cape",), "moyen": ("middle",), "proche": ("near", "middle"),
    "extreme": ("far",), "orient": ("east", "orient", "eastern"), "occident": ("west", "western"),
    "nord": ("north", "northern"), "sud": ("south", "southern"), "est": ("east", "eastern"),
    "ouest": ("west", "western"), "hexagone": ("france", "french"),
    "francais": ("french", "france", "frenchmen", "frenchwomen", "people"), "francaises": ("french", "women"),
    "allemands": ("germans", "german"), "anglais": ("english", "british", "britons"),
    "britanniques": ("british", "britons", "britain"), "chinois": ("chinese",), "japonais": ("japanese",),
    "espagnols": ("spanish", "spaniards"), "suisses": ("swiss",), "polonais": ("poles", "polish"),
    "hongrois": ("hungarians", "hungarian"), "neerlandais": ("dutch",), "libanais": ("lebanese",),
    "marocains": ("moroccans", "moroccan"), "irakiens": ("iraqis", "iraqi"), "turcs": ("turks", "turkish"),
    # cities
    "moscou": ("moscow", "kremlin"), "londres": ("london",), "bruxelles": ("brussels",), "pekin": ("beijing", "peking"),
    "varsovie": ("warsaw",), "geneve": ("geneva",), "lisbonne": ("lisbon",), "caire": ("cairo",),
    "alger": ("algiers",), "beyrouth": ("beirut",), "kiev": ("kyiv", "kiev"), "copenhague": ("copenhagen",),
    "edimbourg": ("edinburgh",), "vienne": ("vienna",), "athenes": ("athens",), "anvers": ("antwerp",),
    "tombouctou": ("timbuktu",), "bagdad": ("baghdad",), "teheran": ("tehran",), "damas": ("damascus",),
    "mecque": ("mecca",), "venise": ("venice",), "florence": ("florence",), "seville": ("seville",),
    # institutions and acronyms
    "etat": ("state", "government", "country"), "etats": ("states", "state", "countries"),
    "onu": ("un", "u n", "united nations"), "ue": ("eu", "e u", "european union"), "otan": ("nato",),
    "pib": ("gdp",), "pdg": ("ceo", "chief executive", "chairman", "boss", "head", "president"),
    "tva": ("vat",), "fmi": ("imf",), "bce": ("ecb",), "oms": ("who", "world health organization"),
    "ong": ("ngo", "ngos"), "ocde": ("oecd",), "urss": ("ussr", "soviet union"), "cedeao": ("ecowas",),
    "ua": ("au", "african union"), "rdc": ("drc", "congo"), "smic": ("minimum wage", "smic"),
    "sdf": ("homeless",), "hlm": ("social housing", "hlm"), "jo": ("olympics", "olympic games", "games"),
    "rn": ("rn", "national rally"), "lfi": ("lfi", "france unbowed"), "ps": ("ps", "socialist", "socialists"),
    "lr": ("lr", "republicans"), "insoumise": ("unbowed", "insoumise"),
    "premier": ("prime", "premier", "first"), "ministre": ("minister",), "gouvernement": ("government",),
    "conseil": ("council",), "cour": ("court",), "tribunal": ("court", "tribunal"), "palais": ("palace", "palais"),
    "eglise": ("church",), "dieu": ("god",), "coupe": ("cup",), "jeux": ("games", "olympics"), "ligue": ("league",),
    "banque": ("bank",), "bourse": ("stock exchange", "stock market", "bourse", "exchange"), "fonds": ("fund",),
    "unies": ("united",), "armee": ("army", "armed"), "marine": ("navy", "marine"), "noel": ("christmas",),
    "paques": ("easter",), "toussaint": ("all saints",), "saint": ("saint", "st"), "sainte": ("saint", "st"),
}


@lru_cache(maxsize=1)
def _cldr_names() -> dict[str, tuple[str, ...]]:
    """French → English names of countries, territories, regions and languages from CLDR (Babel): Équateur →
    ecuador, Caraïbes → caribbean, Royaume-Uni → united kingdom (folded; compounds' hyphens as spaces)."""
    from babel import Locale

    french, english = Locale("fr"), Locale("en")
    table: dict[str, set[str]] = {}
    for fr_names, en_names in ((french.territories, english.territories), (french.languages, english.languages)):
        for code, name in fr_names.items():
            if code in en_names:
                key = " ".join(WORD.findall(fold(name)))
                table.setdefault(key, set()).add(" ".join(WORD.findall(fold(en_names[code]))))
    return {key: tuple(values) for key, values in table.items()}


# Capitalised but never a name to look for.
_NOT_NAMES = frozenset(
    form
    for w in """le la les l un une des du de d et ou en au aux à a ce cet cette ces son sa ses leur leurs mon ma mes
    notre nos votre vos il elle ils elles on nous vous je tu y qu que qui quoi dont où si mais donc car ni
    m mm mme mmes mlle mlles dr dre drs pr pre me mgr st ste cie monsieur madame mademoiselle messieurs mesdames
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre
    octobre novembre décembre""".split()
    for form in (w, fold(w))
)
# Words after which the next capitalised word still counts as sentence-initial: "Le Premier ministre", "La Russie".
_DETERMINERS = frozenset(fold(w) for w in "le la les l un une des du d au aux ce cet cette ces son sa ses".split())
# Abbreviations whose full stop does not end a sentence: "M. Antoine Mercier", "p. ex. les Maldives".
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle dr dre pr pre me mgr st ste ex etc av apr cf env art vol no nº p pp chap".split()
)
_ROMAN = re.compile(r"[IVXLCDM]+(?:e|er|ème|eme)?")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w]*(?:-[\w]+)*")
_OPENER = re.compile(r"[«“„‹‘\"(\[—–:;]")
_STOP = re.compile(r"[.!?…]")
_LOWER = re.compile(r"[^\W\dA-ZÀ-ÖØ-Þ_]")  # letters that are not capitals (close enough for French)
_LETTER = re.compile(r"[^\W\d_]")
_CAPITALS = re.compile(r"[A-ZÀ-ÖØ-Þ]{2}")


@lru_cache(maxsize=4096)
def mostly_caps(text: str) -> bool:
    """An all-caps line (a shouted headline), as restore.prepare judges it."""
    if not _CAPITALS.search(text):
        return False
    lower = len(_LOWER.findall(text))
    if lower > 0.1 * len(text):
        return False
    letters = len(_LETTER.findall(text))
    return letters >= 4 and letters - lower >= 0.9 * letters


@lru_cache(maxsize=4096)
def name_mentions(source: str) -> tuple[tuple[str, bool], ...]:
    """Capitalised words of a French sentence as (word, initial), initial: at a sentence or quotation start, where a
    capital says nothing. Determiners, titles, months, days, single letters and roman numerals are left out."""
    mentions: list[tuple[str, bool]] = []
    initial = True
    previous_end = 0
    previous = ""
    for match in _NAME_TOKEN.finditer(source):
        word = match[0]
        if match.start() - previous_end > 1 or source[previous_end: match.start()] != " ":
            gap = source[previous_end: match.start()]
            if _OPENER.search(gap) or (
                _STOP.search(gap) and not (len(previous) == 1 or previous.lower() in _ABBREVIATIONS)
            ):
                initial = True
        lowered = word.lower()
        if word[0].isupper() and len(word) > 1 and lowered not in _NOT_NAMES and not _ROMAN.fullmatch(word):
            mentions.append((word, initial))
        previous_end, previous = match.end(), word
        if lowered not in _DETERMINERS:
            initial = False
    return tuple(mentions)


def document_names(sources: Iterable[str]) -> frozenset[str]:
    """Folded names that occur somewhere as a name (capitalised mid-sentence, or an acronym): a sentence-initial
    'Diop a rencontré' is then checked too."""
    names = set()
    for source in sources:
        if mostly_caps(source):
            continue
        for word, initial in name_mentions(source):
            if not initial or _is_acronym(word):
                names.add(fold(word))
    return frozenset(names)


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Whether a and b are at most `limit` edits apart, a swap of neighbours one edit (Tharir ~ Tahrir)."""
    if abs(len(a) - len(b)) > limit:
        return False
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


def similar_spelling(name: str, word: str) -> bool:
    """Sergueï ~ Sergei, Russes ~ Russians, Maliens ~ Malians, Mélenchon ~ Melenchon (both folded)."""
    if name[0] != word[0] or len(word) < 3:
        return False
    shorter = min(len(name), len(word))
    prefix = 0
    for ca, cb in zip(name, word):
        if ca != cb:
            break
        prefix += 1
    if prefix >= 4 and prefix >= 0.6 * (shorter if len(word) + 2 >= len(name) else len(name)):
        return True  # a much shorter word must share most of the name: Thatcher is not "that"
    if shorter >= 7:
        return _edit_distance_at_most(name, word, 2)
    return shorter >= 4 and _edit_distance_at_most(name, word, 1)


_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: A6, M83
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")


def _same_acronym(french: str, english: str) -> bool:
    """VIH ~ HIV, CIJ ~ ICJ, ONUSIDA ~ UNAIDS: English reorders an acronym's letters (folded, both)."""
    shorter, longer = sorted((french, english), key=len)
    return len(longer) - len(shorter) <= 1 and Counter(shorter) <= Counter(longer)


class _EnglishWords:
    def __init__(self, target: str) -> None:
        folded = fold(target)
        self.tokens = set(_TOKEN.findall(folded))
        self.acronyms = [fold(a.rstrip("s")) for a in _ACRONYM.findall(target)]
        words = WORD.findall(folded)
        self.words = set(words)
        self.words.update(w[:-1] for w in words if len(w) > 3 and w.endswith("s"))
        self.joined = f" {' '.join(words)} "
        self.by_initial: dict[str, list[str]] = {}
        for word in self.words:
            self.by_initial.setdefault(word[0], []).append(word)

    def has(self, folded: str, acronym: bool = False) -> bool:
        if folded in self.words or (folded.endswith("s") and folded[:-1] in self.words) or folded in self.tokens:
            return True
        if acronym and any(_same_acronym(folded, a) for a in self.acronyms):
            return True
        for alternatives in (_NAME_TABLE.get(folded), _cldr_names().get(folded)):
            if alternatives and any(f" {alt} " in self.joined for alt in alternatives):
                return True
        return any(similar_spelling(folded, word) for word in self.by_initial.get(folded[0], ()))


def _name_survives(word: str, english: _EnglishWords) -> bool:
    folded = fold(word)
    if "-" not in folded:
        return english.has(folded, _is_acronym(word))
    compound = folded.replace("-", " ")
    if (compound in _NAME_TABLE or compound in _cldr_names()) and english.has(compound):
        return True
    parts = [p for p in word.split("-") if p[:1].isupper() and len(p) > 1 and fold(p) not in _NOT_NAMES]
    return all(english.has(fold(p)) for p in parts) if parts else True


def check_names(index: int, source: str, target: str, known_names: frozenset[str] | None) -> list[Check]:
    caps = mostly_caps(source)
    known = known_names or frozenset()
    wanted = []
    for word, initial in name_mentions(source):
        folded = fold(word)
        # a capital that may only mark the start: check known names and acronyms only
        listed = folded in known or folded in _NAME_TABLE or folded.replace("-", " ") in _NAME_TABLE
        if (caps or initial) and not (listed or (not caps and _is_acronym(word))):
            continue
        wanted.append(word)
    if not wanted:
        return []
    english = _EnglishWords(target)
    missing = [w for w in dict.fromkeys(wanted) if not _name_survives(w, english)]
    missing = _without_initialisms(missing, source, english)
    if not missing:
        return []
    novel = _novel_names(source, target)  # names the English has and the French lacks: a substitution
    by_surname = [w for w in missing if _named_by_surname(w, source, english)]
    if by_surname and not novel:  # English calls a person by the surname (Larry Hagman → Hagman)
        missing = [w for w in missing if w not in by_surname]
        if not missing:
            names = ", ".join(f"“{w}”" for w in by_surname)
            return [Check("names", "info", index, f"first names not repeated in the translation: {names}")]
    listed = ", ".join(f"“{w}”" for w in missing)
    if any(_proper_name(w, source) for w in missing):
        return [flag("names", index, f"not found in the translation: {listed}")]
    # Only capitalised common words (Laboratoires, État, Frères): English usually translates them. A reader must
    # look only where the English has a name the French lacks instead.
    if novel:
        instead = ", ".join(f"“{w}”" for w in novel)
        return [flag("names", index, f"not found in the translation: {listed}; it names {instead} instead")]
    return [Check("names", "info", index, f"capitalised common words not found, probably translated: {listed}")]


def _proper_name(word: str, source: str) -> bool:
    """Whether a capitalised word is a name for certain: an acronym, a word the French dictionary does not list as a
    common word, a CLDR country or language, or a common word used as a surname."""
    return (_is_acronym(word) or not french_common_word(word) or fold(word).replace("-", " ") in _cldr_names()
            or _after_a_person(word, source))


_TITLES = frozenset("m mm mme mmes mlle dr dre pr pre me mgr monsieur madame president presidente ministre".split())
_PARTICLES = frozenset("le la les de du des d van von di da del".split())


def _after_a_person(word: str, source: str) -> bool:
    """A common word used as a surname: after a first name or a title, particles skipped (Élisabeth Borne,
    Bruno Le Maire, M. Boulanger)."""
    match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", source)
    if match is None or "-" in word:  # madame Tout-le-Monde: a figure of speech, not a surname
        return False
    before = re.findall(r"[^\W\d_]+", source[max(0, match.start() - 60): match.start()])
    while before and fold(before[-1]) in _PARTICLES:
        before.pop()
    return bool(before) and (fold(before[-1]) in _TITLES or french_first_name(before[-1]))


def _named_by_surname(word: str, source: str, english: _EnglishWords) -> bool:
    """A first name (the dictionary's) whose surname, the capitalised word after it, is in the English."""
    if not french_first_name(word):
        return False
    following = re.search(rf"(?<!\w){re.escape(word)}[ -]+([A-ZÀ-ÖØ-Þ][\w'-]+)", source)
    return following is not None and _name_survives(following[1], english)


def _without_initialisms(missing: list[str], source: str, english: _EnglishWords) -> list[str]:
    """The missing words less runs of consecutive ones the English writes as their initials (New York → NY)."""
    if len(missing) < 2 or not english.acronyms:
        return missing
    kept = list(missing)
    for start in range(len(missing) - 1):
        for end in range(len(missing), start + 1, -1):
            run = missing[start:end]
            if re.search(r"(?<!\w)" + r"[ -]+".join(map(re.escape, run)) + r"(?!\w)", source) and \
                    fold("".join(w[0] for w in run)) in english.acronyms:
                kept = [w for w in kept if w not in run]
                break
    return kept


def _novel_names(source: str, target: str) -> list[str]:
    """Capitalised words of the English that are neither English dictionary words nor spelt like a word of the
    French: names the translation brought in (at a sentence start too: there a dictionary word is no name)."""
    french = {fold(w) for w in _TOKEN.findall(source)}
    by_initial: dict[str, list[str]] = {}
    for word in french:
        by_initial.setdefault(word[0], []).append(word)

    def known(part: str) -> bool:
        folded = fold(part)
        return folded in french or english_word(part) or any(
            similar_spelling(folded, w) or similar_spelling(w, folded) for w in by_initial.get(folded[0], ()))

    novel = [word for word, _ in name_mentions(target) if not all(known(part) for part in word.split("-") if part)]
    return list(dict.fromkeys(novel))

