"""How often the fidelity checks cry wolf on correct translations, and how often they catch planted errors: WMT
newstest2013 through brief's real pipeline, with a translator that answers each whole segment with its
professional human translation.

    python benchmarks/bench_fidelity.py [--data ../shared/data/wmt13-fr-en] [--examples 5] [--json out.json]

Each document is one text, one segment a paragraph. A sentence counts when brief translated it whole and it is a
whole segment (brief did not cut the segment into sentences, split it for length, or translate its quotations
apart): only then is its English the reference's. False alarms: such sentences with an `error` or `warning` flag,
per 100. Recall: one planted error per eligible sentence, one kind per run (a dropped number, a replaced name, the
French echoed, a decoding loop, the sentence cut to a quarter), caught by its check ÷ planted. The data stays in
../shared (its README): nothing of it goes into the repository or the tests.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import translate_cli  # noqa: E402
from translate_cli.checks.names import name_mentions  # noqa: E402
from translate_cli.checks.numbers import french_numbers  # noqa: E402
from translate_cli.engine import CallLimits, Decoding  # noqa: E402
from translate_cli.options import Options  # noqa: E402
from translate_cli.reading import normalise  # noqa: E402
from translate_cli.translation.restore import prepare  # noqa: E402

KINDS = ("number", "name", "echo", "loop", "cut")
CAUGHT_BY = {"number": {"numbers"}, "name": {"names"}, "echo": {"echo"}, "loop": {"repetition"},
             "cut": {"length", "coverage"}}
_DIGITS = re.compile(r"\d[\d,.]*\d|\d")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


class ReferenceTranslator:
    """Answers each whole segment with its reference English (retries too: a planted error stays planted), and
    anything else — a piece of a cut sentence — with a marker the benchmark leaves out."""

    name = "reference"
    max_input_tokens = 256
    default_beams = 4
    call_limits = CallLimits()

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        return [self.answers.get(text, "[not a whole segment]") for text in texts]


def model_input(french: str) -> str:
    """What brief sends the model for a segment it keeps whole."""
    return prepare(normalise(french))


def load(data: Path) -> list[dict]:
    fr = (data / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
    en = (data / "newstest2013.en").read_text(encoding="utf-8").splitlines()
    docs = []
    for line in (data / "newstest2013.docs.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        rows = range(doc["start_line"] - 1, doc["end_line"])
        docs.append({**doc, "fr": [fr[i] for i in rows], "en": [en[i] for i in rows]})
    return docs


# ------------------------------------------------------------------------------------------- planted errors


def drop_number(french: str, english: str) -> str | None:
    if not french_numbers(french):
        return None
    match = _DIGITS.search(english)
    return None if match is None else " ".join((english[: match.start()] + english[match.end():]).split())


def replace_name(french: str, english: str) -> str | None:
    names = {word for word, initial in name_mentions(french) if not initial}
    for match in _CAPITALISED.finditer(english):
        if match.group() in names:
            return english[: match.start()] + "Zorglub" + english[match.end():]
    return None


def echo(french: str, english: str) -> str | None:
    return french


def loop(french: str, english: str) -> str | None:
    words = english.split()
    if len(words) < 4:
        return None
    return " ".join(words[:3] * 4 + words[3:])


def cut(french: str, english: str) -> str | None:
    words = english.split()
    if len(french) < 40 or len(words) < 8:  # the length check's floor: shorter sentences say little
        return None
    return " ".join(words[: max(1, len(words) // 4)])


PLANT: dict[str, Callable[[str, str], str | None]] = {"number": drop_number, "name": replace_name, "echo": echo,
                                                       "loop": loop, "cut": cut}


# ------------------------------------------------------------------------------------------------- a run


def run(docs: list[dict], corrupt: Callable[[str, str], str | None] | None) -> dict:
    """Every document through the pipeline; per eligible sentence: its flags, and whether an error was planted."""
    answers: dict[str, str] = {}
    planted: set[str] = set()
    for doc in docs:
        for french, english in zip(doc["fr"], doc["en"]):
            changed = corrupt(french, english) if corrupt else None
            answers[model_input(french)] = changed if changed is not None else english
            if changed is not None:
                planted.add(" ".join(normalise(french).split()))
    pipeline = translate_cli.load(ReferenceTranslator(answers), options=Options(brief=False, summarizer="extractive"))
    rows = []
    excluded = 0
    for doc in docs:
        result = pipeline.translate("\n\n".join(doc["fr"]), source=doc["docid"])
        whole = {" ".join(normalise(segment).split()) for segment in doc["fr"]}
        flags: dict[int, list] = defaultdict(list)
        for check in result.flagged:
            if check.sentence is not None:
                flags[check.sentence].append(check)
        for sentence in result.sentences:
            source = " ".join(sentence.french.normalised.split())
            if sentence.method not in ("plain", "inline") or source not in whole or "[not a whole segment]" in \
                    sentence.target:
                excluded += 1
                continue
            rows.append({"doc": doc["docid"], "origlang": doc["origlang"], "source": sentence.source,
                         "target": sentence.target, "planted": source in planted,
                         "flags": [(c.check, c.severity, c.detail) for c in flags.get(sentence.index, [])]})
    return {"rows": rows, "excluded": excluded}


def false_alarms(rows: list[dict], examples: int) -> dict:
    flagged = [r for r in rows if r["flags"]]
    by_check = Counter(check for r in flagged for check in {f[0] for f in r["flags"]})
    samples: dict[str, list] = defaultdict(list)
    for r in flagged:
        for check, _, detail in r["flags"]:
            if len(samples[check]) < examples:
                samples[check].append({"source": r["source"], "target": r["target"], "detail": detail})
    return {"sentences": len(rows), "flagged": len(flagged),
            "per_100": round(100 * len(flagged) / len(rows), 2) if rows else None,
            "by_check": dict(by_check.most_common()), "examples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "wmt13-fr-en")
    parser.add_argument("--examples", type=int, default=5, help="false alarms shown per check")
    parser.add_argument("--json", type=Path, help="write every figure (and the examples) here")
    args = parser.parse_args()
    if not (args.data / "newstest2013.fr").is_file():
        sys.exit(f"no WMT data in {args.data}: see ../shared/data/wmt13-fr-en/README.md")
    docs = load(args.data)
    started = time.perf_counter()
    clean = run(docs, None)
    report: dict = {"excluded_sentences": clean["excluded"]}
    for scope, rows in (("origlang fr", [r for r in clean["rows"] if r["origlang"] == "fr"]), ("all", clean["rows"])):
        report[scope] = false_alarms(rows, args.examples)
        figures = report[scope]
        print(f"false alarms, {scope}: {figures['flagged']} of {figures['sentences']} sentences = "
              f"{figures['per_100']} per 100; by check {figures['by_check']}")
    print(f"excluded (cut, split or translated in pieces): {clean['excluded']} sentences")
    report["recall"] = {}
    for kind in KINDS:
        rows = [r for r in run(docs, PLANT[kind])["rows"] if r["planted"]]
        caught = sum(1 for r in rows if {f[0] for f in r["flags"]} & CAUGHT_BY[kind])
        report["recall"][kind] = {"planted": len(rows), "caught": caught,
                                  "recall": round(100 * caught / len(rows), 1) if rows else None}
        print(f"recall, {kind}: {caught} of {len(rows)} = {report['recall'][kind]['recall']}%")
    print(f"({time.perf_counter() - started:.1f} s)")
    for scope in ("origlang fr", "all"):
        for check, samples in report[scope]["examples"].items():
            print(f"\n[{scope}] {check}:")
            for sample in samples:
                print(f"  FR {sample['source']}\n  EN {sample['target']}\n  -> {sample['detail']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
