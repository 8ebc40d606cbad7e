"""How often the language check (translate_cli/language.py) is right, wrong or silent on real news: the French and
English sides of WMT newstest2013, per document and per segment, and how long it takes.

    python benchmarks/bench_language.py [--data ../shared/data/wmt13-fr-en]

A wrong guess on a document is a false alarm a user would see ("this text looks English, not French"); a silent
one (None) says nothing. Segments are single sentences or headlines: most are too short to say.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from translate_cli.language import guess_language  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "wmt13-fr-en")
    args = parser.parse_args()
    if not (args.data / "newstest2013.fr").is_file():
        sys.exit(f"no WMT data in {args.data} (see its README)")
    sides = {lang: (args.data / f"newstest2013.{lang}").read_text(encoding="utf-8").splitlines()
             for lang in ("fr", "en")}
    docs = [json.loads(line) for line in (args.data / "newstest2013.docs.jsonl").read_text().splitlines()]
    start = time.perf_counter()
    for lang, lines in sides.items():
        texts = ["\n".join(lines[d["start_line"] - 1: d["end_line"]]) for d in docs]
        by_doc = Counter(guess_language(text) for text in texts)
        by_segment = Counter(guess_language(line) for line in lines)
        print(f"{lang}: documents {dict(by_doc)} of {len(texts)}; segments {dict(by_segment)} of {len(lines)}")
    elapsed = time.perf_counter() - start
    words = sum(len(line.split()) for lines in sides.values() for line in lines) * 2  # documents and segments
    print(f"time: {elapsed:.3f} s for {words:,} words ({1e6 * elapsed / words:.2f} µs a word)")


if __name__ == "__main__":
    main()
