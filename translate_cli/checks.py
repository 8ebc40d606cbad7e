"""Fidelity checks: where a French → English translation may have gone wrong, so that a reader knows where to look.

    check_sentence(index, source, target)  # one sentence pair → [Check, …]
    check_result(result)                   # every sentence of a Result (names seen elsewhere in the article count)
    check_brief(brief_text, translation)   # every number of the brief must occur in the translation

Checks, by name (severity):
    coverage    (error)    the translation is empty, or one of its quotations came back empty
    echo        (error)    the "translation" is (mostly) the French source copied back
    repetition  (error)    a decoding loop: an n-gram repeated back to back, or text that compresses too well
    numbers     (error)    a number, percentage, amount, time or date of the source has no accepted English form
    names       (warning)  a capitalised name or acronym of the source is missing (known exonyms and fuzzy forms pass)
    length      (warning)  the translation is far shorter or longer than the source (dropped or invented content)
    brief_numbers (error)  check_brief: a number of the brief occurs nowhere in the translation

One root cause, one flag: a sentence flagged by coverage, echo or repetition is not checked for numbers, names or
length (their flags would only be noise). `RETRYABLE` names the checks that different decoding may fix.

Pure Python and linear in the text's length (regexes compiled once, no quadratic scans): a few tens of microseconds
per sentence, against milliseconds for the translation itself.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import eq
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .result import Result

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY = {
    "coverage": ERROR,
    "echo": ERROR,
    "repetition": ERROR,
    "numbers": ERROR,
    "names": WARNING,
    "length": WARNING,
    "brief_numbers": ERROR,
}
RETRYABLE = frozenset({"repetition", "echo", "length", "coverage"})


@dataclass(frozen=True)
class Check:
    check: str
    severity: str  # "error" | "warning" | "info"
    sentence: int | None  # the sentence's index in the Result; None for the brief
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "severity": self.severity, "sentence": self.sentence, "detail": self.detail}


def _flag(check: str, sentence: int | None, detail: str) -> Check:
    return Check(check, SEVERITY[check], sentence, detail)


def needs_retry(checks: Iterable[Check]) -> bool:
    """Whether a sentence's checks call for a retry with different decoding."""
    return any(c.check in RETRYABLE for c in checks)


def penalty(checks: Iterable[Check]) -> tuple[int, int, int]:
    """Sort key to keep the better of two candidates (lower is better): retryable flags, errors, all flags."""
    checks = list(checks)
    return (
        sum(c.check in RETRYABLE for c in checks),
        sum(c.severity == ERROR for c in checks),
        len(checks),
    )


def summary_line(checks: Sequence[Check]) -> str:
    """One line for stderr: '3 checks flagged: numbers ×2 (sentences 4, 7), repetition (sentence 9)'."""
    if not checks:
        return "no checks flagged"
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.check, []).append(check)
    parts = []
    for name, group in groups.items():
        count = f" ×{len(group)}" if len(group) > 1 else ""
        indexes = sorted({c.sentence for c in group if c.sentence is not None})
        where = []
        if indexes:
            where.append(("sentence " if len(indexes) == 1 else "sentences ") + ", ".join(map(str, indexes)))
        if any(c.sentence is None for c in group):
            where.append("brief")
        parts.append(f"{name}{count} ({'; '.join(where)})")
    noun = "check" if len(checks) == 1 else "checks"
    return f"{len(checks)} {noun} flagged: " + ", ".join(parts)


# ------------------------------------------------------------------------------------------------ shared helpers

_WORD = re.compile(r"[^\W\d_]+")  # letters only: numbers are the numbers check's business
_HAS_WORD = re.compile(r"[^\W_]")
_DIGIT = re.compile(r"\d")


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[code] = base
    table.update({ord("œ"): "oe", ord("Œ"): "Oe", ord("æ"): "ae", ord("Æ"): "Ae", ord("ß"): "ss"})
    return table


_FOLD = _build_fold_table()


def _fold(text: str) -> str:
    """Lowercase, accents stripped: Sergueï → serguei, État → etat."""
    return text.translate(_FOLD).lower()


# ------------------------------------------------------------------------------------------------ numbers

_SCALE = {
    "million": 10**6, "millions": 10**6, "m": 10**6, "mn": 10**6, "mln": 10**6,
    "milliard": 10**9, "milliards": 10**9, "md": 10**9, "mds": 10**9, "mrd": 10**9, "mrds": 10**9,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "bln": 10**9,
    "trillion": 10**12, "trillions": 10**12, "tn": 10**12,
    "mille": 10**3, "thousand": 10**3, "thousands": 10**3, "k": 10**3, "hundred": 100,
}
_FR_SCALE = dict(_SCALE, billion=10**12, billions=10**12)  # a French billion is an English trillion

_FR_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
}
_EN_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

_SPACE_CHARS = " \u00a0\u202f\u2009"
# French: a date (28 février, 1er mars), a time (15 h 30, 19 h, 8 heures), or a number with its scale (1,5 million,
# 200 M€, 3,2 milliards, 12 000, 4,9, 49.3, 1er, 2e). Alternatives are tried in that order at each position.
_FR_NUMBER = re.compile(
    rf"""(?<![\w])(?:
      (?P<day>[0-3]?\d)(?:er|re)?[{_SPACE_CHARS}]?(?P<month>(?i:{'|'.join(_FR_MONTHS)}))(?!\w)
    | (?P<hour>[0-2]?\d)[{_SPACE_CHARS}]?(?:h|heures?)(?:[{_SPACE_CHARS}]?(?P<minute>[0-5]\d))?(?!\w)
    | (?P<num>(?:\d{{1,3}}(?:[{_SPACE_CHARS}]\d{{3}})+(?!\d)|\d+)(?:[.,]\d+)*)
      (?:er|re|e|ème|eme|nde?|ᵉ)?(?!\w)
      (?:[{_SPACE_CHARS}]?(?P<scale>millions?|milliards?|billions?|mille|Mds?|Mrds?|M(?=[{_SPACE_CHARS}]?[€$£])
                                 |k(?=[{_SPACE_CHARS}]?[€$£]))(?!\w))?
      (?:[{_SPACE_CHARS}]?[€$£%])?
    )""",
    re.X,
)
_EN_NUMBER = re.compile(
    r"(?<![\w])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?"
    r"(?:\s?(?P<scale>(?i:million|mln|mn|m|billion|bln|bn|trillion|tn|thousand|k))\b)?"
)
_EN_SPACED = re.compile(r"(?<![\w,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])")
_EN_TIME = re.compile(
    r"(?<![\w:.])(?P<h>[0-2]?\d)(?:[:.](?P<m>[0-5]\d))?\s?(?:(?P<ap>(?i:[ap]))\.?\s?(?i:m)\b\.?"
    r"|\s(?P<part>in the (?:morning|afternoon|evening)|at night|o'clock))"
    r"|(?<![\w:.])(?P<h24>[0-2]?\d)[:.h](?P<m24>[0-5]\d)(?!\d)"
    r"|\b(?P<noon>noon|midday|midnight)\b"
    r"|\b(?P<quarter>half past|quarter past|quarter to) (?P<hw>[0-2]?\d|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve)\b",
    re.I,
)
_EN_MONTH = re.compile(r"\b(" + "|".join(sorted((m.capitalize() for m in _EN_MONTHS), key=len, reverse=True)) + r")\b")

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "dozen": 12, "decade": 10, "decades": 10,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "twentieth": 20, "thirtieth": 30, "hundredth": 100,
}
_ONE_WORDS = frozenset({"a", "an", "once", "single", "sole", "lone"})
_WORD_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_WORDS = re.compile(r"[a-z]+")
_HAS_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join([*_UNITS, *_TENS, *_ORDINALS, *_ONE_WORDS, "half"]) + r")\b", re.I
)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regexes only pass digits
        return None


def _fr_values(text: str) -> set[Decimal]:
    """The values a French numeral may denote: '1,5' → 1.5; '12 000' → 12000; '1.500' → 1500 or 1.5; '49.3' → 49.3."""
    text = "".join(c for c in text if c not in _SPACE_CHARS)
    values: set[Decimal] = set()
    if "," in text and "." not in text:
        if text.count(",") == 1:
            values.add(Decimal(text.replace(",", ".")))
        else:  # 1,234,567 written the English way
            values.add(Decimal(text.replace(",", "")))
    elif "." in text:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
            values.add(Decimal(text.replace(".", "")))
        if text.count(".") == 1:
            value = _decimal(text.replace(",", ""))
            if value is not None:
                values.add(value)
    else:
        values.add(Decimal(text))
    if not values:  # 1.2.3 and the like: any of its parts will do
        values.update(Decimal(part) for part in re.split(r"[.,]", text) if part)
    return values


@dataclass(frozen=True)
class _Mention:
    text: str  # as written in the source
    kind: str  # "number", "date" or "time"
    values: frozenset  # accepted keys: Decimals, or (hour, minute), or (month, day)


def french_numbers(source: str) -> list[_Mention]:
    """Every number, amount, percentage, time and day-month date of a French text."""
    mentions = []
    for match in _FR_NUMBER.finditer(source):
        if match["month"]:
            mentions.append(_Mention(match[0], "date", frozenset({(_FR_MONTHS[match["month"].lower()],
                                                                   int(match["day"]))})))
        elif match["hour"]:
            hour, minute = int(match["hour"]), int(match["minute"] or 0)
            if hour <= 24:
                mentions.append(_Mention(match[0], "time", frozenset({(hour % 24, minute)})))
            else:  # '30 h' is not a time: a duration, or a number
                mentions.append(_Mention(match[0], "number", frozenset({Decimal(hour)})))
        else:
            scale = _FR_SCALE.get((match["scale"] or "").lower(), 1)
            values = frozenset(value * scale for value in _fr_values(match["num"]))
            mentions.append(_Mention(match[0], "number", values))
    return mentions


@dataclass(frozen=True)
class _EnglishNumbers:
    values: frozenset  # Decimals
    times: frozenset  # (hour, minute)
    months: frozenset  # month numbers


def english_numbers(text: str, words: bool = True) -> _EnglishNumbers:
    """Every value an English text expresses, in every reading: '1.5m' → 1.5 and 1500000; '3:30' → (3,30), (15,30)."""
    values: set[Decimal] = set()
    for match in _EN_NUMBER.finditer(text):
        value = Decimal(match["num"].replace(",", "") + (match["frac"] or ""))
        values.add(value)
        if match["scale"]:
            values.add(value * _SCALE[match["scale"].lower()])
    for match in _EN_SPACED.finditer(text):
        values.add(Decimal("".join(c for c in match[0] if c.isdigit())))
    times: set[tuple[int, int]] = set()
    for match in _EN_TIME.finditer(text):
        times |= _time_keys(match)
    months = frozenset(_EN_MONTHS[m.lower()] for m in _EN_MONTH.findall(text))
    if words and _HAS_NUMBER_WORD.search(text):
        values |= _word_values(text)
    return _EnglishNumbers(frozenset(values), frozenset(times), months)


def _time_keys(match: re.Match[str]) -> set[tuple[int, int]]:
    """(hour, minute) readings of an English time: '3:30 pm' → (15, 30); '3:30' → (3, 30) and (15, 30)."""
    if match["noon"]:
        return {(0, 0)} if match["noon"].lower() == "midnight" else {(12, 0)}
    if match["quarter"]:
        word = match["hw"].lower()
        hour = int(word) if word.isdigit() else _UNITS[word]
        kind = match["quarter"].lower()
        hour, minute = (hour - 1, 45) if kind == "quarter to" else (hour, 30 if kind == "half past" else 15)
        return {(hour % 24, minute), ((hour + 12) % 24, minute)} if hour < 12 else {(hour % 24, minute)}
    if match["h24"]:
        hour, minute, part = int(match["h24"]), int(match["m24"]), ""
    else:
        hour, minute = int(match["h"]), int(match["m"] or 0)
        part = (match["ap"] or match["part"] or "").lower()
    if hour > 24:
        return set()
    if part in ("p", "in the afternoon", "in the evening", "at night") and hour < 12:
        return {(hour + 12, minute), (hour, minute)} if part == "at night" else {(hour + 12, minute)}
    if part in ("a", "in the morning"):
        return {(0 if hour == 12 else hour, minute)}
    # 15:30, 3:30, 7 o'clock: both readings of an hour under 12
    return {(hour % 24, minute), (hour + 12, minute)} if hour < 12 else {(hour % 24, minute)}


def _word_values(text: str) -> set[Decimal]:
    """Spelled-out English numbers: two → 2, twenty-five → 25, two million → 2e6, a million → 1e6, first → 1."""
    tokens = _EN_WORDS.findall(text.lower())
    values: set[Decimal] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        value: int | None = None
        if token in _UNITS:
            value = _UNITS[token]
        elif token in _TENS:
            value = _TENS[token]
            if i + 1 < len(tokens) and tokens[i + 1] in _UNITS and _UNITS[tokens[i + 1]] < 10:
                i += 1
                value += _UNITS[tokens[i]]
        elif token in _ORDINALS:
            values.add(Decimal(_ORDINALS[token]))
        elif token in _ONE_WORDS:
            value = 1
        elif token == "half":
            values.add(Decimal("0.5"))
            # one and a half million → 1.5e6
            if i >= 3 and tokens[i - 1] in ("a", "an") and tokens[i - 2] == "and":
                whole = _UNITS.get(tokens[i - 3], _TENS.get(tokens[i - 3]))
                if whole is not None:
                    values.add(whole + Decimal("0.5"))
                    if i + 1 < len(tokens) and tokens[i + 1] in _WORD_SCALES:
                        values.add((whole + Decimal("0.5")) * _WORD_SCALES[tokens[i + 1]])
            if i + 2 < len(tokens) and tokens[i + 1] in ("a", "an") and tokens[i + 2] in _WORD_SCALES:
                values.add(Decimal(_WORD_SCALES[tokens[i + 2]]) / 2)
        if value is not None:
            values.add(Decimal(value))
            if i + 1 < len(tokens) and tokens[i + 1] in _WORD_SCALES:
                values.add(Decimal(value * _WORD_SCALES[tokens[i + 1]]))
        i += 1
    return values


def _number_found(mention: _Mention, english: _EnglishNumbers) -> bool:
    if mention.kind == "number":
        return not mention.values.isdisjoint(english.values)
    if mention.kind == "time":
        [(hour, minute)] = mention.values
        # '19 h' may be a time (7 pm) or a duration (19 hours); '4 h' usually is a duration
        return (hour, minute) in english.times or (minute == 0 and Decimal(hour) in english.values)
    [(month, day)] = mention.values
    return month in english.months and Decimal(day) in english.values


def _check_numbers(index: int, source: str, target: str) -> list[Check]:
    mentions = french_numbers(source) if _DIGIT.search(source) else []
    if not mentions:
        return []
    english = english_numbers(target)
    missing = [m.text for m in mentions if not _number_found(m, english)]
    if not missing:
        return []
    listed = ", ".join(f"“{' '.join(text.split())}”" for text in dict.fromkeys(missing))
    return [_flag("numbers", index, f"not found in the translation: {listed}")]


# ------------------------------------------------------------------------------------------------ names

# French capitalised words that are not names, or whose English form differs: folded key → accepted English forms
# (folded, space-separated words). Keys of compounds use a space for the hyphen: "etats unis".
_NAME_TABLE: dict[str, tuple[str, ...]] = {
    # countries, peoples and places whose English name differs
    "russie": ("russia", "russian", "russians"), "chine": ("china", "chinese"),
    "turquie": ("turkey", "turkish", "turkiye"), "allemagne": ("germany", "german", "germans"),
    "angleterre": ("england", "english", "britain"), "espagne": ("spain", "spanish"), "italie": ("italy", "italian"),
    "royaume uni": ("united kingdom", "uk", "u k", "britain", "british"),
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
# Capitalised but never a name to look for.
_NOT_NAMES = frozenset(
    form
    for w in """le la les l un une des du de d et ou en au aux à a ce cet cette ces son sa ses leur leurs mon ma mes
    notre nos votre vos il elle ils elles on nous vous je tu y qu que qui quoi dont où si mais donc car ni
    m mm mme mmes mlle mlles dr drs pr me mgr st ste cie
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre
    octobre novembre décembre""".split()
    for form in (w, _fold(w))
)
# Words after which the next capitalised word still counts as sentence-initial: "Le Premier ministre", "La Russie".
_DETERMINERS = frozenset(_fold(w) for w in "le la les l un une des du d au aux ce cet cette ces son sa ses".split())
# Abbreviations whose full stop does not end a sentence: "M. Antoine Mercier", "p. ex. les Maldives".
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle dr pr me mgr st ste ex etc av apr cf env art vol no nº p pp chap".split()
)
_ROMAN = re.compile(r"[IVXLCDM]+(?:e|er|ème|eme)?")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w]*(?:-[\w]+)*")
_OPENER = re.compile(r"[«“„‹‘\"(\[—–:;]")
_STOP = re.compile(r"[.!?…]")
_LOWER = re.compile(r"[^\W\dA-ZÀ-ÖØ-Þ_]")  # letters that are not capitals (close enough for French)
_LETTER = re.compile(r"[^\W\d_]")
_CAPITALS = re.compile(r"[A-ZÀ-ÖØ-Þ]{2}")


@lru_cache(maxsize=4096)
def _mostly_caps(text: str) -> bool:
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
        if _mostly_caps(source):
            continue
        for word, initial in name_mentions(source):
            if not initial or _is_acronym(word):
                names.add(_fold(word))
    return frozenset(names)


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _similar(name: str, word: str) -> bool:
    """Sergueï ~ Sergei, Russes ~ Russians, Maliens ~ Malians, Mélenchon ~ Melenchon (both folded)."""
    if name[0] != word[0] or len(word) < 3:
        return False
    shorter = min(len(name), len(word))
    prefix = 0
    for ca, cb in zip(name, word):
        if ca != cb:
            break
        prefix += 1
    if prefix >= 4 and prefix >= 0.6 * shorter:
        return True
    if shorter >= 7:
        return _edit_distance_at_most(name, word, 2)
    return shorter >= 4 and _edit_distance_at_most(name, word, 1)


class _EnglishWords:
    def __init__(self, target: str) -> None:
        words = _WORD.findall(_fold(target))
        self.words = set(words)
        self.words.update(w[:-1] for w in words if len(w) > 3 and w.endswith("s"))
        self.joined = f" {' '.join(words)} "
        self.by_initial: dict[str, list[str]] = {}
        for word in self.words:
            self.by_initial.setdefault(word[0], []).append(word)

    def has(self, folded: str) -> bool:
        if folded in self.words or (folded.endswith("s") and folded[:-1] in self.words):
            return True
        alternatives = _NAME_TABLE.get(folded)
        if alternatives and any(f" {alt} " in self.joined for alt in alternatives):
            return True
        return any(_similar(folded, word) for word in self.by_initial.get(folded[0], ()))


def _name_survives(word: str, english: _EnglishWords) -> bool:
    folded = _fold(word)
    if "-" not in folded:
        return english.has(folded)
    compound = folded.replace("-", " ")
    if compound in _NAME_TABLE and english.has(compound):
        return True
    parts = [p for p in word.split("-") if p[:1].isupper() and len(p) > 1 and _fold(p) not in _NOT_NAMES]
    return all(english.has(_fold(p)) for p in parts) if parts else True


def _check_names(index: int, source: str, target: str, known_names: frozenset[str] | None) -> list[Check]:
    caps = _mostly_caps(source)
    known = known_names or frozenset()
    wanted = []
    for word, initial in name_mentions(source):
        folded = _fold(word)
        # a capital that may only mark the start: check known names and acronyms only
        listed = folded in known or folded in _NAME_TABLE or folded.replace("-", " ") in _NAME_TABLE
        if (caps or initial) and not (listed or (not caps and _is_acronym(word))):
            continue
        wanted.append(word)
    if not wanted:
        return []
    english = _EnglishWords(target)
    missing = [w for w in dict.fromkeys(wanted) if not _name_survives(w, english)]
    if not missing:
        return []
    return [_flag("names", index, "not found in the translation: " + ", ".join(f"“{w}”" for w in missing))]


# ------------------------------------------------------------------------------------------------ echo

_FRENCH_FUNCTION_WORDS = frozenset(
    _fold(w)
    for w in """le la les des du de d l et est une pour dans avec sur par qui que qu pas ne n ce c cette ces il elle
    nous vous ils elles sont au aux ses sa leur leurs mais ou où été être avoir ont fait très aussi comme selon entre
    après avant sans sous chez vers depuis dont lui eux notre nos votre vos mon ma mes se y était sera peut tout
    tous toute toutes même mêmes encore alors donc car déjà ainsi cela ceci ça lors plusieurs aucun aucune chaque
    quand leurs avons avez sommes êtes étaient fut sont""".split()
)
# Words both languages use ("a", "on", possessive "s"): they say nothing about which language a text is in.
_SHARED_WORDS = frozenset("a as but me on or s son t".split())


def _check_echo(index: int, source: str, target: str) -> list[Check]:
    """Flag a target whose words are mostly the source's own or French function words; names and numbers don't count
    (a sentence that is only names and numbers reads the same in both languages)."""
    source_words = _WORD.findall(source.translate(_FOLD))
    source_folded = {w.lower() for w in source_words}
    if _mostly_caps(source):  # an all-caps headline: capitals say nothing about names
        source_names: set[str] = set()
    else:
        source_names = {w.lower() for w in source_words if w[0].isupper()} - _FRENCH_FUNCTION_WORDS
    content = [w for w in source_words if w.lower() not in source_names]
    if len(content) < 3:
        return []
    tokens = [w for w in _WORD.findall(target.translate(_FOLD).lower()) if w not in _SHARED_WORDS]
    if source_names:
        tokens = [w for w in tokens if w not in source_names]
    if len(tokens) < 3:
        return []
    copied = sum(map(source_folded.__contains__, tokens)) / len(tokens)
    french = sum(map(_FRENCH_FUNCTION_WORDS.__contains__, tokens)) / len(tokens)
    if copied >= ECHO_COPIED or french >= ECHO_FRENCH or (copied >= ECHO_COPIED_WITH_FRENCH and french >= 0.1):
        if " ".join(target.split()) == " ".join(source.split()):
            detail = "the translation is the French source unchanged"
        else:
            detail = f"{copied:.0%} of the translation's words are the source's, {french:.0%} French function words"
        return [_flag("echo", index, detail)]
    return []


ECHO_COPIED = 0.7  # share of the target's words (names aside) copied from the source
ECHO_FRENCH = 0.25  # share of the target's words that are French function words
ECHO_COPIED_WITH_FRENCH = 0.45  # a partly translated sentence: copied ≥ this and French ≥ 10%

# ------------------------------------------------------------------------------------------------ repetition

_LOOP_TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[^\w\s])")
# (n-gram size, times back to back): "the the the the", "and the and the and the and the", a clause said thrice, a
# sentence-long span (10+ tokens) twice. Judged against the source: a repetition the French has is not a loop.
_REPEATS = tuple((n, 4 if n <= 2 else 3 if n <= 9 else 2) for n in range(1, 31))
COMPRESSION_RATIO = 2.4  # whisper's threshold (zlib ratio of a looping segment)
_COMPRESSION_MIN_CHARS = 80


def _loop(tokens: Sequence[str]) -> tuple[int, int, int] | None:
    """(n, times, position) of the first n-gram repeated back to back, or None. Linear per n: an n-gram repeated k
    times is a run of (k-1)·n positions where token[i] == token[i+n] (found by bytes.find, in C)."""
    if len(set(tokens)) == len(tokens):
        return None
    for n, times in _REPEATS:
        need = (times - 1) * n
        if len(tokens) < need + n:
            break
        position = bytes(map(eq, tokens, tokens[n:])).find(b"\x01" * need)
        if position >= 0:
            return n, times, position
    return None


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data))


def _check_repetition(index: int, source: str, target: str) -> list[Check]:
    tokens = _LOOP_TOKEN.findall(target.lower())
    loop = _loop(tokens)
    if loop and not _loop(_LOOP_TOKEN.findall(source.lower())):
        n, _, start = loop
        count = 1
        while tokens[start + count * n: start + (count + 1) * n] == tokens[start: start + n]:
            count += 1
        gram = _SPACE_BEFORE_PUNCT.sub("", " ".join(tokens[start: start + n])).strip(" .,;:") or tokens[start]
        return [_flag("repetition", index, f"“{gram}” repeated {count} times in a row")]
    if len(target) >= _COMPRESSION_MIN_CHARS:
        ratio = _compression_ratio(target)
        if ratio > COMPRESSION_RATIO and ratio > _compression_ratio(source) + 0.4:
            return [_flag("repetition", index, f"the translation compresses {ratio:.1f}:1 (a loop; limit "
                                               f"{COMPRESSION_RATIO})")]
    return []


# ------------------------------------------------------------------------------------------------ length

LENGTH_MIN_RATIO = 0.4  # target chars / source chars; FR → EN is about 0.9
LENGTH_MAX_RATIO = 2.2
LENGTH_MIN_SOURCE = 40  # chars: below this a short ratio says little (headlines, "Oui.")
LENGTH_MAX_SLACK = 40  # chars: a longer target must also be this much longer ("Oui" → "Yes, indeed")


def _check_length(index: int, source: str, target: str) -> list[Check]:
    source_len, target_len = len(" ".join(source.split())), len(" ".join(target.split()))
    if not source_len:
        return []
    ratio = target_len / source_len
    if source_len >= LENGTH_MIN_SOURCE and ratio < LENGTH_MIN_RATIO:
        return [_flag("length", index, f"the translation is {ratio:.2f}× the source's length (under "
                                       f"{LENGTH_MIN_RATIO}×: content dropped?)")]
    if ratio > LENGTH_MAX_RATIO and target_len - source_len > LENGTH_MAX_SLACK:
        return [_flag("length", index, f"the translation is {ratio:.2f}× the source's length (over "
                                       f"{LENGTH_MAX_RATIO}×: content invented?)")]
    return []


# ------------------------------------------------------------------------------------------------ coverage

# an opening mark, at most a few spaces or punctuation marks, its closing mark (bounded: linear on any input)
_EMPTY_QUOTE = re.compile(r"“[^\w“]{0,6}”|«[^\w«]{0,6}»|‹[^\w‹]{0,6}›|„[^\w„]{0,6}“|‘[^\w‘’]{0,6}’")


def _check_coverage(index: int, source: str, target: str) -> list[Check]:
    if not _HAS_WORD.search(target):
        return [_flag("coverage", index, "no translation for this sentence")]
    if _EMPTY_QUOTE.search(target) and not _EMPTY_QUOTE.search(source):
        return [_flag("coverage", index, "a quotation of this sentence came back empty")]
    return []


# ------------------------------------------------------------------------------------------------ entry points


def check_sentence(
    index: int, source: str, target: str, *, known_names: frozenset[str] | None = None
) -> list[Check]:
    """Every check on one sentence pair. `known_names` (from `document_names`) lets a sentence-initial name count."""
    if not _HAS_WORD.search(source):
        return []
    for check in (_check_coverage, _check_echo, _check_repetition):
        flags = check(index, source, target)
        if flags:
            return flags
    return [
        *_check_numbers(index, source, target),
        *_check_names(index, source, target, known_names),
        *_check_length(index, source, target),
    ]


def check_result(result: Result) -> list[Check]:
    """Every check on every sentence of a Result, in sentence order."""
    known = document_names(s.source for s in result.sentences)
    checks: list[Check] = []
    for sentence in result.sentences:
        checks.extend(check_sentence(sentence.index, sentence.source, sentence.target, known_names=known))
    return checks


def check_brief(brief_text: str, translation: str) -> list[Check]:
    """Every number the brief writes in digits must occur in the translation (in any accepted form)."""
    if not _DIGIT.search(brief_text):
        return []
    in_translation = english_numbers(translation)
    missing = []
    time_spans = []
    for match in _EN_TIME.finditer(brief_text):
        if match["noon"] or match["quarter"]:
            continue
        time_spans.append(match.span())
        if _time_keys(match).isdisjoint(in_translation.times):
            missing.append(match[0].strip())
    for match in _EN_NUMBER.finditer(brief_text):
        if any(start <= match.start() < end for start, end in time_spans):
            continue
        value = Decimal(match["num"].replace(",", "") + (match["frac"] or ""))
        values = {value * _SCALE[match["scale"].lower()]} if match["scale"] else {value}
        if values.isdisjoint(in_translation.values):
            missing.append(match[0])
    if not missing:
        return []
    listed = ", ".join(f"“{text}”" for text in dict.fromkeys(missing))
    return [_flag("brief_numbers", None, f"in the brief but not in the translation: {listed}")]
