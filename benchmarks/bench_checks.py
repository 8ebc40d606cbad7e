"""What the fidelity checks cost next to the translation they check, on one model, in one process.

    python benchmarks/bench_checks.py --translator /tmp/standins/marian --max-new-tokens 32

Translates the seed articles with retries off (`--retries 0`: random stand-in weights trip every check, and retries
would time the retry path), then times the checks of those results alone. Prints both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import translate_cli
from translate_cli.checks import check_brief, check_result

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--translator", required=True)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "checks.json")
    args = parser.parse_args()
    brief = translate_cli.load(args.translator, max_new_tokens=args.max_new_tokens, retries=0, brief=False,
                               backend=args.backend)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.fr.txt"))]
    start = time.perf_counter()
    results = [brief.translate(text) for text in texts]
    translate_s = time.perf_counter() - start
    start = time.perf_counter()
    for result in results:
        check_result(result)
        check_brief(result.translation[:400], result.translation)
    checks_s = time.perf_counter() - start
    sentences = sum(len(r.sentences) for r in results)
    figures = {
        "sentences": sentences,
        "translate_s": round(translate_s, 3),
        "checks_s": round(checks_s, 4),
        "checks_share_of_translation": round(checks_s / translate_s, 5),
    }
    print(f"{sentences} sentences: translation {translate_s:.2f} s (checks included), "
          f"checks alone {checks_s * 1000:.1f} ms = {100 * checks_s / translate_s:.2f}% of the translation")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
