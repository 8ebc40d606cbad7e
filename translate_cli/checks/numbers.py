"""The numbers check: every number, percentage, amount, time and date of the French in an accepted English form
(1,5 million → 1.5 million; 4,9 % → 4.9%; 28 février → February 28; 15 h 30 → 3:30 pm); and check_brief, every
number the brief writes in digits found in the translation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..result import Check
from .common import DIGIT, flag

_SCALE = {
    "million": 10**6, "millions": 10**6, "m": 10**6, "mn": 10**6, "mln": 10**6,
    "milliard": 10**9, "milliards": 10**9, "md": 10**9, "mds": 10**9, "mrd": 10**9, "mrds": 10**9,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "bln": 10**9,
    "trillion": 10**12, "trillions": 10**12, "tn": 10**12,
    "mille": 10**3, "milles": 10**3, "thousand": 10**3, "thousands": 10**3, "k": 10**3, "hundred": 100,
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
      (?:[{_SPACE_CHARS}]?(?P<scale>millions?|milliards?|billions?|milles?|Mds?|Mrds?|M(?=[{_SPACE_CHARS}]?[€$£])
                                 |k(?=[{_SPACE_CHARS}]?[€$£]))(?!\w)(?P<half>[{_SPACE_CHARS}]et[{_SPACE_CHARS}]demie?\b)?)?
      (?:[{_SPACE_CHARS}]?[€$£%])?
    )""",
    re.X,
)
_EN_NUMBER = re.compile(
    r"(?<![\w])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?"
    r"(?:[\s-]?(?P<scale>(?i:million|mln|mn|m|billion|bln|bn|trillion|tn|thousand|k))\b)?"
)
# 20.12.2012, 20/12/2012, 12/20/2012, 2012-12-20: (month, day) in both orders where both can be
_EN_NUMERIC_DATE = re.compile(r"(?<![\d.])(?P<a>[0-3]?\d)[./](?P<b>[0-3]?\d)[./](?:\d{4}|\d{2})(?![\d])"
                              r"|(?<![\d-])\d{4}-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")
_EN_GLUED = re.compile(r"([^\W\d_]{2,})(\d+)(?![\d])")  # Ariane5: a number glued to a name
_EN_A_DAY = re.compile(r"\b(?:a|one|per|each|every)\s+day\b|\bdaily\b", re.I)  # 24 heures → a day
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
_DECADES = {word[:-1] + "ies": value for word, value in _TENS.items()}  # the eighties → 80
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "twentieth": 20, "thirtieth": 30, "hundredth": 100,
}
_ONE_WORDS = frozenset({"a", "an", "once", "single", "sole", "lone"})
_WORD_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_WORDS = re.compile(r"[a-z]+")
_HAS_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join([*_UNITS, *_TENS, *_DECADES, *_ORDINALS, *_ONE_WORDS, "half"]) + r")\b", re.I
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
            if re.fullmatch(r"[1-9]\d{0,2},\d{3}", text):  # '80,000 âmes': thousands written the English way
                values.add(Decimal(text.replace(",", "")))
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


_RANGE = re.compile(rf"[{_SPACE_CHARS}]*(?:et|à|ou|-|–)[{_SPACE_CHARS}]*")
_DECADE = re.compile(rf"\bann[ée]es[{_SPACE_CHARS}]$", re.I)
_ROUND = re.compile(rf"[{_SPACE_CHARS}]+de[{_SPACE_CHARS}]+finales?\b")


@dataclass(frozen=True)
class _Mention:
    text: str  # as written in the source
    kind: str  # "number", "date" or "time"
    values: frozenset  # accepted keys: Decimals, or (hour, minute), or (month, day)


def french_numbers(source: str) -> list[_Mention]:
    """Every number, amount, percentage, time and day-month date of a French text."""
    mentions = []
    matches = list(_FR_NUMBER.finditer(source))
    for position, match in enumerate(matches):
        if match["month"]:
            mentions.append(_Mention(match[0], "date", frozenset({(_FR_MONTHS[match["month"].lower()],
                                                                   int(match["day"]))})))
        elif match["hour"]:
            hour, minute = int(match["hour"]), int(match["minute"] or 0)
            if hour <= 24:
                mentions.append(_Mention(match[0], "time", frozenset({(hour, minute)})))  # 24 h: midnight, a day
            else:  # '30 h' is not a time: a duration, or a number
                mentions.append(_Mention(match[0], "number", frozenset({Decimal(hour)})))
        else:
            scale = _FR_SCALE.get((match["scale"] or "").lower(), 1)
            scales = {scale}
            following = matches[position + 1] if position + 1 < len(matches) else None
            if scale == 1 and following is not None and following["scale"] and _RANGE.fullmatch(
                    source, match.end(), following.start()):  # 'entre 12 et 16 milles' → 12 to 16 thousand, 12,000
                scales.add(_FR_SCALE[following["scale"].lower()])
            half = Decimal("0.5") if match["half"] else 0  # '2 millions et demi' → 2.5 million
            values = {(value + half) * each for value in _fr_values(match["num"]) for each in scales}
            decade = _DECADE.search(source, max(0, match.start() - 8), match.start())  # 'années ' just before
            if decade and re.fullmatch(r"1\d\d0|20[0-2]0", match["num"]):
                values.add(Decimal(match["num"][2:]))  # 'les années 1980' → the 80s, the '80s
            elif decade and re.fullmatch(r"[1-9]0", match["num"]):
                values.update({Decimal(1900 + int(match["num"])), Decimal(2000 + int(match["num"]))})  # → the 1980s
            if _ROUND.match(source, match.end()) and match[0][-1:] in "eᵉ":
                values.add(2 * Decimal(match["num"]))  # '8e de finale' → the last 16, the round of 16
            mentions.append(_Mention(match[0], "number", frozenset(values)))
    return mentions


@dataclass(frozen=True)
class _EnglishNumbers:
    values: frozenset  # Decimals
    times: frozenset  # (hour, minute)
    months: frozenset  # month numbers
    dates: frozenset = frozenset()  # (month, day) written in digits
    a_day: bool = False  # "a day", "per day", "daily": how English often renders a French 24 h
    glued: frozenset = frozenset()  # (name, number) written as one word: Ariane5


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
    dates: set[tuple[int, int]] = set()
    for match in _EN_NUMERIC_DATE.finditer(text):
        if match["m"]:
            dates.add((int(match["m"]), int(match["d"])))
        else:
            dates.update({(int(match["b"]), int(match["a"])), (int(match["a"]), int(match["b"]))})
    glued = frozenset((stem.lower(), Decimal(number)) for stem, number in _EN_GLUED.findall(text))
    if words and _HAS_NUMBER_WORD.search(text):
        values |= _word_values(text)
    return _EnglishNumbers(frozenset(values), frozenset(times), months, frozenset(dates), bool(_EN_A_DAY.search(text)),
                           glued)


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
        elif token in _DECADES:
            values.add(Decimal(_DECADES[token]))
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
        # '19 h' may be a time (7 pm) or a duration (19 hours); '4 h' usually is a duration; '1h30' 1.5 hours
        duration = Decimal(hour) + Decimal(minute) / 60 if minute in (0, 15, 30, 45) else None
        return (hour % 24, minute) in english.times or duration in english.values or (
            duration == 24 and english.a_day)
    [(month, day)] = mention.values
    return (month, day) in english.dates or month in english.months and Decimal(day) in english.values


def _glued_found(mention: _Mention, source: str, english: _EnglishNumbers) -> bool:
    """« Ariane 5 » → "Ariane5": the English glues the number to the name the French writes it after (a G5 or a
    COVID19 of the English stands for no French number of its own)."""
    return mention.kind == "number" and any(
        value in mention.values and re.search(rf"(?i)\b{re.escape(stem)}[{_SPACE_CHARS}-]*{re.escape(mention.text)}",
                                              source)
        for stem, value in english.glued)


def check_numbers(index: int, source: str, target: str) -> list[Check]:
    mentions = french_numbers(source) if DIGIT.search(source) else []
    if not mentions:
        return []
    english = english_numbers(target)
    missing = [m.text for m in mentions if not _number_found(m, english) and not _glued_found(m, source, english)]
    if not missing:
        return []
    listed = ", ".join(f"“{' '.join(text.split())}”" for text in dict.fromkeys(missing))
    return [flag("numbers", index, f"not found in the translation: {listed}")]



def check_brief(brief_text: str, translation: str) -> list[Check]:
    """Every number the brief writes in digits must occur in the translation (in any accepted form)."""
    if not DIGIT.search(brief_text):
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
    return [flag("brief_numbers", None, f"in the brief but not in the translation: {listed}")]

