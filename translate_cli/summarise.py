"""The brief of a translated article: a headline, a 2–4 sentence summary and 1–3 key quotes — never a misquote.

    summarise_result(result, summariser)        # summariser None → extractive
    load_summariser("auto", device="cpu")       # --summarizer auto | extractive | NAME | REPO | DIR

Abstractive path: the translation's sentences, grouped by paragraph, are packed into chunks that fit the model's input
limit (an over-long sentence is cut at clause, then word boundaries; nothing is left out), each chunk is summarised
(map), and the joined partial summaries are summarised again (reduce; chunked again while they do not fit). The
headline is the first sentence of that summary, shortened by deletion only (no second generation: a second model
call costs time and is one more chance to invent). Output that is empty or unusable falls back to extractive.

Extractive path: whole sentences of the translation scored by position, centrality (word overlap with the rest of the
article) and quotations; verbatim by construction. Headline: the article's title line when it has one, else its first
sentence shortened by deletion.

Either way every quoted span of the headline and summary is checked: it must occur verbatim inside one of the article's
quotations (the ledger; the whole translation when there is no ledger). `checks` records each decision as a dict
with five string keys, {"check", "where", "action", "text", "detail"}:
    check "quote", where "headline" | "summary" | "quotes", action one of
        "verbatim"      kept as written
        "replaced"      altered by the model: replaced by the closest ledger quote's exact wording (in "detail")
        "completed"     cut short by the model: replaced by the full ledger wording (in "detail")
        "unquoted"      no such quotation in the article: quotation marks dropped, words kept
        "mark-removed"  a stray, empty or unclosed quotation mark removed
        "excerpt"       a key quote running over several paragraphs: its longest paragraph is used
    check "summary", where "summary", action "fallback": the abstractive output was unusable ("detail" says why),
        the extractive summary is used.
Nothing heavy is imported at module level: torch/transformers load only in backends.torch_bart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from . import splitting
from .result import QuoteResult, Result, SentenceResult

# ----------------------------------------------------------------------------------------------- API types


@runtime_checkable
class Summariser(Protocol):
    """Any engine that turns English texts into English summaries, one output per input, in order."""

    name: str
    max_input_tokens: int  # inputs are planned so that count_tokens(text) never exceeds this

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def summarise(self, texts: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True)
class KeyQuote:
    text: str  # a ledger quote's English wording, verbatim in the translation
    speaker: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "speaker": self.speaker}


Check = dict[str, str]


@dataclass(frozen=True)
class BriefSummary:
    headline: str
    summary: str
    quotes: tuple[KeyQuote, ...]
    method: str  # "abstractive" or "extractive"
    checks: tuple[Check, ...] = ()
    chunks: int = 0  # map-pass inputs given to the abstractive model (0 when extractive)
    input_tokens: int = 0  # tokens of the article in those inputs (0 when extractive)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "summary": self.summary,
            "quotes": [quote.to_dict() for quote in self.quotes],
            "method": self.method,
            "checks": [dict(check) for check in self.checks],
            "chunks": self.chunks,
            "input_tokens": self.input_tokens,
        }


def _check(check: str, where: str, action: str, text: str = "", detail: str = "") -> Check:
    return {"check": check, "where": where, "action": action, "text": text, "detail": detail}


# ------------------------------------------------------------------------------------------- text helpers

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as into about over after before than then that this
    these those there here it its he she they we you his her their our your them him us me is are was were be been
    being has have had do does did will would shall should can could may might must not no nor so too very also just
    only more most such said says say according who whom whose which what when where while why how all any both each
    few other some own same le la les un une des du de et en est que qui dans pour par sur pas""".split()
)


def _tokens(text: str) -> list[str]:
    """Content words, lower-cased and crudely de-pluralised: enough for overlap scores."""
    out = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        if len(word) < 3 or word in _STOP:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _words(text: str) -> list[str]:
    return text.split()


# ---------------------------------------------------------------------------------------- quoted spans

# Opening mark → marks that close it. Single quotes count only at word boundaries (otherwise they are apostrophes).
_PAIRS = {"“": "”", "«": "»", "„": "“”", "‹": "›", '"': '"', "‘": "’", "'": "'’"}
_STRAY_CLOSERS = frozenset("”»›")
_QUOTE_MARKS = frozenset("“”«»„‹›\"")


@dataclass(frozen=True)
class QuotedSpan:
    start: int  # index of the opening mark
    end: int  # one past the closing mark; len(text) when it is never closed
    content: str
    closed: bool


def _opens(text: str, i: int) -> bool:
    char = text[i]
    if char not in _PAIRS:
        return False
    if char in "'‘":
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return (before.isspace() or before in "([{—–-/“«\"") and not after.isspace() and after not in "'‘’"
    return True


def _closes(text: str, i: int, opener: str) -> bool:
    if text[i] not in _PAIRS[opener]:
        return False
    if opener in "'‘":
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return not before.isspace() and not after.isalnum()
    return True


def _find_close(text: str, i: int) -> int | None:
    opener = text[i]
    nested: list[str] = []
    for j in range(i + 1, len(text)):
        if nested and _closes(text, j, nested[-1]):
            nested.pop()
        elif _closes(text, j, opener):
            return j  # an outer closer ends the quotation even if a nested "opener" was an apostrophe
        elif _opens(text, j):
            nested.append(text[j])
    return None


def quoted_spans(text: str) -> tuple[list[QuotedSpan], list[int]]:
    """Top-level quotations of `text` (any common mark style) and the positions of stray closing marks."""
    spans: list[QuotedSpan] = []
    stray: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if _opens(text, i):
            j = _find_close(text, i)
            if j is not None:
                spans.append(QuotedSpan(i, j + 1, text[i + 1: j], True))
                i = j + 1
                continue
            if char in "'‘":
                i += 1  # an apostrophe after all
                continue
            if not text[i + 1:].strip():
                stray.append(i)  # a lone mark at the very end
                break
            spans.append(QuotedSpan(i, len(text), text[i + 1:], False))
            break
        if char in _STRAY_CLOSERS:
            stray.append(i)
        i += 1
    return spans, stray


def _inside_quote(spans: Sequence[QuotedSpan], pos: int) -> bool:
    return any(span.start < pos < span.end for span in spans)


# ---------------------------------------------------------------------------------- English sentences

_EN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen sen rep gov lt col capt sgt jr sr co corp inc ltd no vs etc jan feb mar apr jun jul aug "
    "sep sept oct nov dec m mme mm".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[”\"»’')\]]*\s+(?=[A-Z0-9“\"«‘(À-Ö])")


def split_sentences(text: str) -> list[str]:
    """English sentences of a short text (a summary); never splits inside a quotation."""
    text = " ".join(text.split())
    spans = quoted_spans(text)[0]
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.end()
        if _inside_quote(spans, cut):
            continue
        before = re.search(r"([\w.]+)[.]+$", text[start: match.start() + 1])
        if before and text[match.start()] == "." and (
            before.group(1).lower().rstrip(".") in _EN_ABBREVIATIONS or len(before.group(1).rstrip(".")) == 1
        ):
            continue
        pieces.append(text[start:cut].strip())
        start = cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


# ------------------------------------------------------------------------------------------ chunk planning


@dataclass(frozen=True)
class Chunk:
    text: str
    tokens: int


CountFn = Callable[[Sequence[str]], list[int]]


def split_long(text: str, count_tokens: CountFn, limit: int) -> list[str]:
    """English text cut into pieces of at most `limit` tokens at clause, then word boundaries; nothing dropped."""
    return splitting.split_long(text, count_tokens, limit, splitting.ENGLISH_CLAUSES)


def plan_chunks(paragraphs: Sequence[Sequence[str]], count_tokens: CountFn, limit: int) -> list[Chunk]:
    """Pack paragraphs (each a list of sentences) into chunks of at most `limit` tokens, in order, leaving out nothing.

    As few chunks as possible (each chunk is a model call), cutting between sentences, and at paragraph boundaries
    where that costs no extra chunk; inside a sentence (at a clause, else a word) only where that saves a whole
    chunk, or where a sentence alone is over the limit. Then the most even sizes (no scrap of a last chunk). Sizes
    are estimated from piece counts, then measured; a chunk that measures over the limit (tokenisation at a join
    can differ) is halved until it fits.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    cleaned = [[" ".join(s.split()) for s in sentences if s.strip()] for sentences in paragraphs]
    cleaned = [sentences for sentences in cleaned if sentences]
    if not cleaned:
        return []
    pieces, counts, groups = _plan(cleaned, count_tokens, limit, fine=False)
    chunks = _measured(pieces, groups, count_tokens, limit)
    if len(chunks) > math.ceil(sum(counts) / limit):  # sentence boundaries cost a chunk: try cuts inside them
        fine_pieces, _, fine_groups = _plan(cleaned, count_tokens, limit, fine=True)
        fine = _measured(fine_pieces, fine_groups, count_tokens, limit)
        if len(fine) < len(chunks):  # only a whole chunk saved (measured, not estimated) is worth a cut sentence
            chunks = fine
    return chunks


def _measured(pieces: list[str], groups: list[list[int]], count_tokens: CountFn, limit: int) -> list[Chunk]:
    """The groups' chunks, measured; a group that measures over the limit is halved until it fits."""
    texts = [" ".join(pieces[k] for k in group) for group in groups]
    chunks: list[Chunk] = []
    for group, text, count in zip(groups, texts, count_tokens(texts)):
        chunks.extend([Chunk(text, count)] if count <= limit else _fit(group, pieces, count_tokens, limit))
    return chunks


def _plan(
    paragraphs: list[list[str]], count_tokens: CountFn, limit: int, *, fine: bool
) -> tuple[list[str], list[int], list[list[int]]]:
    """(pieces, their token counts, groups of piece indices). Pieces are sentences, or with `fine` pieces of at
    most limit/64 tokens cut at clause, then word boundaries (a sentence over the limit is always cut)."""
    pieces: list[str] = []
    starts: dict[int, int] = {}  # piece index → 2 at a paragraph start, 1 at a sentence start
    size = max(1, limit // 64) if fine else max(1, limit // 8)
    for sentences in paragraphs:
        for n, (sentence, count) in enumerate(zip(sentences, count_tokens(sentences))):
            starts[len(pieces)] = 2 if n == 0 else 1
            pieces.extend(split_long(sentence, count_tokens, size) if fine or count > limit else [sentence])
    # Counted as they sit in a chunk, after a space: byte-level BPE tokenises " word" and "word" differently, and
    # plain counts fell ~1% short of the joined text's, so chunks packed to the limit measured over it.
    counts = count_tokens([" " + piece for piece in pieces])
    # Two tokens of margin: a chunk's first piece has no space before it.
    budget = max(1, limit - 2) if limit > 64 else limit
    return pieces, counts, _partition(counts, starts, budget, unit=size if fine else max(1, limit // 32))


def _partition(counts: Sequence[int], starts: dict[int, int], limit: int, unit: int) -> list[list[int]]:
    """Consecutive groups of piece indices, each summing to at most `limit` (a piece over it stands alone):
    fewest groups, then fewest cuts inside a sentence, then inside a paragraph, then the smallest largest group
    (dynamic programming).

    Runs of tiny pieces (a list of one-word lines) are first merged into units of up to `unit` tokens, so that
    a group spans a bounded number of units and planning stays linear in the text's length."""
    units: list[list[int]] = []
    unit_size = 0
    for k, count in enumerate(counts):
        if units and unit_size + count <= unit:
            units[-1].append(k)
            unit_size += count
        else:
            units.append([k])
            unit_size = count
    unit_counts = [sum(counts[k] for k in members) for members in units]
    unit_starts = [starts.get(members[0], 0) for members in units]
    return [[k for u in group for k in units[u]] for group in _partition_units(unit_counts, unit_starts, limit)]


def _partition_units(counts: Sequence[int], starts: Sequence[int], limit: int) -> list[list[int]]:
    n = len(counts)
    # best[j]: (groups, cuts inside sentences, cuts inside paragraphs, largest group) for units[:j], and where its
    # last group starts.
    best: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] + [(n + 1, n + 1, n + 1, 0)] * n
    start_of: list[int] = [0] * (n + 1)
    for j in range(1, n + 1):
        size = 0
        for i in range(j - 1, -1, -1):
            size += counts[i]
            if size > limit and i < j - 1:
                break
            groups, in_sentences, in_paragraphs, largest = best[i]
            cut = starts[i] if i > 0 else 2
            candidate = (groups + 1, in_sentences + (cut == 0), in_paragraphs + (cut < 2), max(largest, size))
            if candidate < best[j]:
                best[j], start_of[j] = candidate, i
    bounds, j = [], n
    while j > 0:
        bounds.append((start_of[j], j))
        j = start_of[j]
    return [list(range(i, j)) for i, j in reversed(bounds)]


def _fit(group: list[int], pieces: list[str], count_tokens: CountFn, limit: int) -> list[Chunk]:
    text = " ".join(pieces[k] for k in group)
    count = count_tokens([text])[0]
    if count <= limit or len(group) == 1:
        return [Chunk(text, count)]
    half = len(group) // 2
    return _fit(group[:half], pieces, count_tokens, limit) + _fit(group[half:], pieces, count_tokens, limit)


# ------------------------------------------------------------------------------------------ quote fidelity


def _style_marks(translation: str) -> tuple[str, str]:
    """The translation's top-level quotation marks, so that the brief's quotes look like the article's."""
    counts = {"“": translation.count("“"), "«": translation.count("«"), '"': translation.count('"')}
    best = max(counts, key=lambda mark: counts[mark]) if any(counts.values()) else "“"
    return {"“": ("“", "”"), "«": ("«", "»"), '"': ('"', '"')}[best]


def ledger_wordings(result: Result) -> list[str]:
    """Every ledger quote's English wording as it stands in the translation: a quote running over paragraphs gives
    one wording per paragraph, since only those are contiguous in the translation."""
    wordings: list[str] = []
    for quote in result.quotes:
        for piece in quote.target.split("\n\n"):
            piece = piece.strip()
            if piece and piece in result.translation and piece not in wordings:
                wordings.append(piece)
    return wordings


def _plain(text: str) -> str:
    text = " ".join(text.lower().replace("’", "'").split())
    return re.sub(r"^(?:\.\.\.|…|\s)+|(?:\.\.\.|…|[\s.,;:])+$", "", text)


def _is_truncation(content: str, wording: str) -> bool:
    """The span is a cut-short (or ellipsed) piece of `wording`: a model truncating a quote, not altering it."""
    plain = _plain(content)
    return len(plain) >= 8 and len(plain.split()) >= 2 and plain in _plain(wording)


def _closest(content: str, wordings: Sequence[str]) -> str | None:
    """The ledger wording sharing most content words with `content`, if it shares enough to be the same quote."""
    span = set(_tokens(content))
    if not span:
        return None
    best, best_key = None, (0.0, 0.0)
    for wording in wordings:
        words = set(_tokens(wording))
        overlap = len(span & words)
        if not (overlap >= 2 or (len(span) == 1 and overlap == 1 and len(words) <= 3)):
            continue
        key = (overlap / len(span), overlap / len(span | words))
        if key[0] >= 0.5 and key > best_key:
            best, best_key = wording, key
    return best


def check_quotes(text: str, wordings: Sequence[str], translation: str, where: str) -> tuple[str, list[Check]]:
    """`text` with every quoted span verbatim from the article's quotations, and what was done to get there.

    Accepted: a span inside a ledger wording (or inside the translation when there is no ledger). A cut-short span
    is completed and an altered one replaced with the closest ledger wording; a span with no ledger match loses its
    marks (an invented quote, or the article's own words presented as a quotation); stray marks go.
    """
    wordings = [w for w in wordings if w]
    opening, closing = _style_marks(translation)
    spans, stray = quoted_spans(text)
    events: list[tuple[int, QuotedSpan | None]] = sorted(
        [(span.start, span) for span in spans] + [(pos, None) for pos in stray], key=lambda event: event[0]
    )
    checks: list[Check] = []
    out: list[str] = []
    cursor = 0
    for pos, span in events:
        out.append(text[cursor:pos])
        if span is None:
            checks.append(_check("quote", where, "mark-removed", text[pos], "a closing mark with no opening mark"))
            cursor = pos + 1
            continue
        cursor = span.end
        content = span.content.strip()
        if not content:
            checks.append(_check("quote", where, "mark-removed", text[span.start: span.end], "an empty quotation"))
            continue
        if span.closed and _accepted(content, wordings, translation):
            out.append(f"{opening}{content}{closing}")
            checks.append(_check("quote", where, "verbatim", content))
            continue
        if span.closed and content in translation:
            out.append(content)
            checks.append(_check("quote", where, "unquoted", content, "the article's words, not a quotation"))
            continue
        truncated = next((w for w in wordings if _is_truncation(content, w)), None)
        closest = truncated or (_closest(content, wordings) if span.closed else None)
        if closest:
            closest = _trim(closest)
            out.append(f"{opening}{closest}{closing}")
            checks.append(_check("quote", where, "completed" if truncated else "replaced", content, closest))
        elif span.closed:
            out.append(content)
            checks.append(_check("quote", where, "unquoted", content, "no such quotation in the article"))
        else:
            out.append(text[span.start + 1: span.end])
            checks.append(_check("quote", where, "mark-removed", text[span.start], "a quotation never closed"))
    out.append(text[cursor:])
    repaired = _tidy("".join(out))
    # Safety net: whatever the rebuild produced must pass the same rule; anything else loses its marks.
    spans, stray = quoted_spans(repaired)
    bad = [s for s in spans if not s.closed or not _accepted(s.content.strip(), wordings, translation)]
    if bad or stray:
        for span in bad:
            checks.append(_check("quote", where, "unquoted", span.content.strip(), "failed the final check"))
        drop = set(stray) | {s.start for s in bad} | {s.end - 1 for s in bad if s.closed}
        repaired = _tidy("".join(c for i, c in enumerate(repaired) if i not in drop))
    return repaired, checks


def _trim(wording: str) -> str:
    """A ledger wording without the comma English puts inside closing marks ("…Russia,” said X"): still verbatim."""
    return wording.rstrip(" ,;:")


def _accepted(content: str, wordings: Sequence[str], translation: str) -> bool:
    return bool(content) and (any(content in w for w in wordings) if wordings else content in translation)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r" +(?=[,.;:!?])", "", text).strip()


# ----------------------------------------------------------------------------------------------- headline

_HEADLINE_WORDS = 20
_ASIDE = re.compile(r",\s+((?:[A-ZÀ-Ö]|(?:who|which|whose|the|a|an|his|her|its|their)\b)[^,“”«»\"]{0,80}?),\s+")
_CLAUSE_BREAK = re.compile(r",\s|;\s|:\s|\s[—–]\s")


def headline_from(sentence: str, max_words: int = _HEADLINE_WORDS) -> str:
    """A one-line headline from a sentence of the article or summary, by deletion only (never new words):
    drop a final period, then asides between commas, then cut at a clause boundary or between words — never
    inside a quotation."""
    text = " ".join(sentence.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    while len(_words(text)) > max_words:
        spans = quoted_spans(text)[0]
        aside = next((m for m in _ASIDE.finditer(text) if not _inside_quote(spans, m.start())
                      and len(m.group(1).split()) <= 8), None)
        if aside is None:
            break
        text = text[: aside.start()] + " " + text[aside.end():]
    if len(_words(text)) <= max_words:
        return text
    spans = quoted_spans(text)[0]
    cuts = [m.start() for m in _CLAUSE_BREAK.finditer(text)
            if not _inside_quote(spans, m.start()) and 6 <= len(_words(text[: m.start()])) <= max_words]
    if cuts:
        return text[: cuts[-1]].rstrip(" ,;:—–")
    end = 0
    for match in re.finditer(r"\S+", text):
        if len(_words(text[: match.end()])) > max_words:
            break
        if not _inside_quote(spans, match.end()) or any(s.end == match.end() for s in spans):
            end = match.end()
    return text[:end].rstrip(" ,;:—–") + "…" if end else text


# ------------------------------------------------------------------------------------------------ speakers

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


def _mask(text: str) -> str:
    """`text` with every quotation blanked out (same length): names inside quotes are not speakers."""
    chars = list(text)
    for span in quoted_spans(text)[0]:
        chars[span.start: span.end] = " " * (span.end - span.start)
    return "".join(chars)


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
        for mention in _mentions(_mask(sentence.source), {}):
            words = mention.name.split()
            if len(words) >= 2:
                known.setdefault(words[-1], mention.name)
    return known


def _subject(text: str, known: dict[str, str]) -> _Mention | None:
    """The first reliable person named outside quotations and not after a preposition: usually the subject."""
    masked = _mask(text)
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
    text = " ".join(s.source for s in covered)
    pieces = [p for p in quote.source.split("\n\n") if p.strip()] or [quote.source]
    begin = _before_mark(text, pieces[0], 0)
    end = _after_mark(text, pieces[-1], begin or 0)
    previous = [s.source for s in result.sentences if s.index < covered[0].index]
    before = text[:begin] if begin is not None else ""
    after = text[end:] if end is not None else ""
    if _ANONYMOUS.search(_mask(before) + " " + _first_clause(after)):
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
    masked = _mask(before)
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


# ---------------------------------------------------------------------------------------------- extractive

_ENDS_SENTENCE = re.compile(r"[.!?…][”\"»’')\]]*$")


@dataclass(frozen=True)
class _Unit:
    """Consecutive sentences that must stay together (a quotation spans them), as a verbatim slice."""

    positions: tuple[int, ...]  # positions in result.sentences
    paragraph: int
    text: str
    quotes: int  # ledger quotes inside
    usable: bool  # one paragraph and found in the translation: safe to lift out


def _offsets(result: Result) -> list[tuple[int, int] | None]:
    """Where each sentence's English stands in the translation (found in order)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for sentence in result.sentences:
        at = result.translation.find(sentence.target, cursor) if sentence.target else -1
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(sentence.target)))
        cursor = at + len(sentence.target)
    return spans


def _units(result: Result) -> list[_Unit]:
    position = {s.index: k for k, s in enumerate(result.sentences)}
    joined = [False] * len(result.sentences)  # joined[k]: sentence k and k+1 are one unit
    quotes_at = [0] * len(result.sentences)
    for quote in result.quotes:
        ks = sorted(position[i] for i in quote.sentences if i in position)
        if ks:
            quotes_at[ks[0]] += 1
            for k in range(ks[0], ks[-1]):
                joined[k] = True
    offsets = _offsets(result)
    units: list[_Unit] = []
    group: list[int] = []
    for k in range(len(result.sentences)):
        group.append(k)
        if k + 1 < len(result.sentences) and joined[k]:
            continue
        paragraphs = {result.sentences[g].paragraph for g in group}
        first, last = offsets[group[0]], offsets[group[-1]]
        if first and last:
            text = result.translation[first[0]: last[1]]
        else:
            text = " ".join(result.sentences[g].target for g in group)
        units.append(_Unit(tuple(group), result.sentences[group[0]].paragraph, text,
                           sum(quotes_at[g] for g in group), len(paragraphs) == 1 and bool(first and last)))
        group = []
    return units


def _title(result: Result) -> SentenceResult | None:
    """The article's title: a short first line standing alone, without final punctuation."""
    if len(result.sentences) < 2:
        return None
    first = result.sentences[0]
    alone = sum(1 for s in result.sentences if s.paragraph == first.paragraph) == 1
    text = first.target.strip()
    if alone and text and not _ENDS_SENTENCE.search(text) and len(_words(text)) <= 20 and text[0] not in "“«\"":
        return first
    return None


def _extractive(result: Result, skip_title: bool) -> tuple[str, str]:
    """(headline, summary) from whole sentences of the translation."""
    title = _title(result) if skip_title else None
    units = [u for u in _units(result) if u.text.strip() and not (title and u.positions[0] == 0)]
    # Whole sentences only: no headings, dialogue lines or fragments; none spanning paragraphs.
    candidates = [
        u for u in units
        if u.usable and _ENDS_SENTENCE.search(u.text) and len(_words(u.text)) >= 6 and u.text[:1] not in "—–-•"
    ] or units
    if not candidates:
        return "", ""
    tokens = [set(_tokens(u.text)) for u in candidates]
    centrality = []
    for i, own in enumerate(tokens):
        score = 0.0
        for j, other in enumerate(tokens):
            if i != j and own and other:
                score += len(own & other) / (math.log(len(own) + 1) + math.log(len(other) + 1))
        centrality.append(score)
    top = max(centrality) or 1.0
    scores = [
        1.0 / (1.0 + k / 3.0)  # news puts the gist first
        + centrality[k] / top  # sentences sharing words with many others carry the topic
        + (0.4 if unit.quotes else 0.0)  # quotations are what a brief is for
        - (0.5 if len(_words(unit.text)) > 60 else 0.0)
        for k, unit in enumerate(candidates)
    ]
    target = 2 if len(candidates) <= 4 else 4 if len(candidates) >= 30 else 3
    # The lead is kept whatever its score: a news article's first sentence is its best one-line context.
    chosen: list[int] = [0] if len(_words(candidates[0].text)) <= 60 else []
    sentences = len(candidates[0].positions) if chosen else 0
    for k in sorted(range(len(candidates)), key=lambda k: -scores[k]):
        if k in chosen:
            continue
        size = len(candidates[k].positions)
        if sentences and sentences + size > max(target, 2) or sentences >= target:
            continue
        if any(tokens[k] and len(tokens[k] & tokens[c]) > 0.6 * min(len(tokens[k]), len(tokens[c]) or 1)
               for c in chosen):
            continue  # near-duplicate of a sentence already chosen
        chosen.append(k)
        sentences += size
    summary = " ".join(candidates[k].text.strip() for k in sorted(chosen))
    lead = candidates[0].text if not title else title.target
    headline = headline_from(split_sentences(lead)[0] if lead.strip() else lead)
    return headline, summary


# ---------------------------------------------------------------------------------------------- key quotes


def key_quotes(result: Result, known: dict[str, str] | None = None, limit: int = 3) -> tuple[list[KeyQuote],
                                                                                                list[Check]]:
    """1–`limit` quotes from the ledger (none only when it is empty), verbatim, with their speakers.

    Preferred: quotes of a readable length, with a named speaker, early in the article, on its main topic, from
    different speakers; a quote contained in another one already chosen is skipped.
    """
    known = known_names(result) if known is None else known
    article = set(_tokens(result.translation))
    candidates: list[tuple[float, int, str, str | None]] = []
    checks: list[Check] = []
    for k, quote in enumerate(result.quotes):
        pieces = [p.strip() for p in quote.target.split("\n\n") if p.strip() and p.strip() in result.translation]
        if not pieces:
            continue
        wording = _trim(max(pieces, key=len))
        speaker = quote.speaker or speaker_for(result, quote, known)
        words = len(_words(wording))
        length = 1.0 if 8 <= words <= 40 else 0.6 if 4 <= words <= 60 else 0.2
        topic = len(set(_tokens(wording)) & article) / (len(set(_tokens(wording))) or 1)
        score = length + (0.5 if speaker else 0.0) + 0.3 / (1 + k / 4) + 0.3 * topic
        candidates.append((score, k, wording, speaker))
        if len(pieces) > 1 or "\n\n" in quote.target:
            checks.append(_check("quote", "quotes", "excerpt", quote.target, wording))
    chosen: list[tuple[float, int, str, str | None]] = []
    pool = sorted(candidates, key=lambda c: -c[0])
    while pool and len(chosen) < limit:
        speakers = {c[3] for c in chosen if c[3]}
        pool.sort(key=lambda c: -(c[0] - (0.4 if c[3] in speakers else 0.0)))
        best = pool.pop(0)
        if any(best[2] in c[2] or c[2] in best[2] for c in chosen):
            continue
        if chosen and best[0] - (0.4 if best[3] in speakers else 0.0) < 1.0:
            break  # only substantial extra quotes
        chosen.append(best)
    chosen.sort(key=lambda c: c[1])
    used = {c[2] for c in chosen}
    return [KeyQuote(c[2], c[3]) for c in chosen], [c for c in checks if c["detail"] in used]


# --------------------------------------------------------------------------------------------- abstractive

_FALLBACK_ERRORS = (RuntimeError, ValueError, IndexError, MemoryError)


def _paragraphs(result: Result) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    last = None
    for sentence in result.sentences:
        if sentence.paragraph != last:
            paragraphs.append([])
            last = sentence.paragraph
        paragraphs[-1].append(sentence.target)
    if not paragraphs:
        paragraphs = [[p] for p in result.translation.split("\n\n") if p.strip()]
    return paragraphs


def _clean(text: str) -> str:
    """Model output on one line, without the space CNN-trained models put before punctuation."""
    text = " ".join((text or "").split())
    return re.sub(r"\s+(?=[,.;:!?](?:\s|$))", "", text)


def _unusable(summary: str, translation: str) -> str | None:
    """Why an abstractive summary can't be used (None when it can)."""
    words = _WORD.findall(summary.lower())
    if not summary.strip():
        return "empty output"
    if len(words) < 4:
        return f"too short ({len(words)} words)"
    if len(set(words)) < 0.3 * len(words):
        return "repetitive output"
    content = _tokens(summary)
    vocabulary = set(_tokens(translation))
    if content and sum(word in vocabulary for word in content) < 0.5 * len(content):
        return "mostly words that are not in the article"
    return None


def _map_reduce(summariser: Summariser, paragraphs: list[list[str]]) -> tuple[str, int, int]:
    """(summary, map chunks, map input tokens). Partial summaries are summarised again until one remains."""
    limit = summariser.max_input_tokens
    chunks = plan_chunks(paragraphs, summariser.count_tokens, limit)
    if not chunks:
        return "", 0, 0
    partials = [_clean(s) for s in _summarise_checked(summariser, [c.text for c in chunks])]
    for _ in range(4):  # each pass shrinks the text several times over; four passes cover any article
        partials = [p for p in partials if p]
        if len(partials) <= 1:
            break
        reduce_chunks = plan_chunks([[p] for p in partials], summariser.count_tokens, limit)
        if len(reduce_chunks) >= len(partials):
            break  # not shrinking: keep the partials as they are
        partials = [_clean(s) for s in _summarise_checked(summariser, [c.text for c in reduce_chunks])]
    return " ".join(p for p in partials if p), len(chunks), sum(c.tokens for c in chunks)


def _summarise_checked(summariser: Summariser, texts: list[str]) -> list[str]:
    outputs = summariser.summarise(texts)
    if len(outputs) != len(texts):
        raise RuntimeError(f"{summariser.name} returned {len(outputs)} summaries for {len(texts)} inputs")
    return [o if isinstance(o, str) else "" for o in outputs]


# ------------------------------------------------------------------------------------------ entry points


def summarise_result(result: Result, summariser: Summariser | None) -> BriefSummary:
    """The brief of a translated article. `summariser` None → extractive; abstractive output that is empty,
    unusable or raises falls back to extractive with a warning. Every quoted span of the headline and summary
    occurs verbatim inside one of the article's quotations (see check_quotes)."""
    known = known_names(result)
    quotes, quote_checks = key_quotes(result, known)
    wordings = ledger_wordings(result)
    checks: list[Check] = []
    warnings: list[str] = []
    method, chunks, tokens = "extractive", 0, 0
    headline = summary = ""
    if summariser is not None and result.translation.strip():
        reason = None
        try:
            raw, chunks, tokens = _map_reduce(summariser, _paragraphs(result))
        except _FALLBACK_ERRORS as exc:
            raw, reason = "", f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        reason = reason or _unusable(raw, result.translation)
        if reason is None:
            sentences = split_sentences(raw)[:4]
            summary, summary_checks = check_quotes(" ".join(sentences), wordings, result.translation, "summary")
            reason = _unusable(summary, result.translation)
            if reason is None:
                method = "abstractive"
                checks.extend(summary_checks)
                headline = headline_from(split_sentences(summary)[0])
        if reason is not None:
            warnings.append(f"summariser {summariser.name}: {reason}; using the extractive summary")
            checks.append(_check("summary", "summary", "fallback", raw[:200], reason))
    if method == "extractive":
        headline, summary = _extractive(result, skip_title=True)
        summary, summary_checks = check_quotes(summary, wordings, result.translation, "summary")
        checks.extend(summary_checks)
    headline, headline_checks = check_quotes(headline, wordings, result.translation, "headline")
    checks.extend(headline_checks)
    checks.extend(quote_checks)
    return BriefSummary(headline, summary, tuple(quotes), method, tuple(checks), chunks, tokens, tuple(warnings))


def result_from_english(text: str, *, source: str = "-") -> Result:
    """A Result for English text that needs no translation (`brief summarize`): the text is its own translation,
    and its quotations (“…” or "…") form the ledger."""
    from .reading import normalise
    from .segment import segment, split_paragraphs

    normalised = normalise(text)
    # One line per paragraph, so that sentences and quotations are contiguous slices of the "translation".
    flat = "\n\n".join(" ".join(normalised[a:b].split()) for a, b in split_paragraphs(normalised))
    document = segment(flat)
    sentences = tuple(
        SentenceResult(s.index, s.paragraph, document.sentence_text(s), document.sentence_text(s), "original")
        for s in document.sentences
    )
    quotes = []
    for quote in document.quotes.top_level():
        content = "\n\n".join(flat[a:b].strip() for a, b in quote.spans)
        covered = tuple(s.index for s in document.sentences if s.start < quote.close_pos and s.end > quote.open_pos)
        quotes.append(QuoteResult(content, content, covered, (), "original"))
    return Result(source, flat, sentences, tuple(quotes), warnings=document.quotes.warnings)


def load_summariser(
    spec: str,
    *,
    device: str = "auto",
    max_new_tokens: int | None = None,
    ctranslate2: bool = False,
    precision: str = "auto",
    threads: int | None = None,
) -> tuple[Summariser | None, dict[str, Any], list[str]]:
    """--summarizer SPEC → (summariser or None for extractive, its description for Result.models, warnings).

    "extractive": no model. "auto": the lock's default summarizer when it is cached or can be downloaded and
    verified; otherwise (not found, unverifiable, unloadable) extractive with a warning. Anything else (a lock
    name, a repo id, a directory) must load: its errors propagate.
    """
    extractive = {"name": "extractive", "repo": None, "revision": None, "path": None}
    if spec == "extractive":
        return None, extractive, []
    from . import models
    from .errors import ModelError

    auto = spec == "auto"
    try:
        resolved = models.resolve(None if auto else spec, "summarizer")
        settings = {
            "device": device, "max_new_tokens": max_new_tokens, "weights": resolved.weights, "precision": precision,
            "threads": threads,
        }
        summariser: Summariser
        if ctranslate2:
            from .backends.ct2_bart import CT2BartSummariser

            summariser = CT2BartSummariser.from_checkpoint(resolved.path, **settings)
        else:
            from .backends.torch_bart import TorchBartSummariser

            summariser = TorchBartSummariser(resolved.path, **settings)
    except (ModelError, ImportError) as exc:
        if not auto:
            raise
        return None, extractive, [f"no abstractive summariser ({exc}); using the extractive summary"]
    return summariser, resolved.to_dict(), list(resolved.warnings)
