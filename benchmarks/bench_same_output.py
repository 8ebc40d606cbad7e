"""Same input, same output on real-size weights (issue 13): the seed articles translated together and each alone give
byte-identical JSON, per backend and precision; and the torch CPU int8 path's speed with row-wise int8 (now) against
torch's dynamic int8 (before), on the same inputs in the same process, rounds alternated.

    python ../shared/tools/standins/build.py marian /tmp/standins/marian   # random weights, never in the repo
    python benchmarks/bench_same_output.py --marian /tmp/standins/marian [--max-new-tokens 24] [--rounds 2]

Random weights never stop on their own: every configuration gets the same cap on new tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import translate_cli  # noqa: E402
from translate_cli.backends import int8_rows, torch_engine  # noqa: E402
from translate_cli.reading import Source, source_from_path  # noqa: E402


def _dumps(result) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False)


def same_output(marian: str, backend: str, precision: str, sources: list[Source], cap: int) -> dict:
    brief = translate_cli.load(marian, backend=backend, precision=precision, device="cpu", brief=False,
                               max_new_tokens=cap, retries=0)
    started = time.perf_counter()
    together = [_dumps(result) for _, result in brief.translate_many(sources)]
    alone = [_dumps(brief.translate(s.text, source=s.name)) for s in sources]
    identical = sum(a == b for a, b in zip(together, alone))
    return {"backend": backend, "precision": precision, "int8": getattr(brief.translator, "int8", None),
            "articles": len(sources), "identical": identical, "seconds": round(time.perf_counter() - started, 1)}


def int8_speed(marian: str, sources: list[Source], cap: int, rounds: int) -> dict:
    """Seconds to translate the articles together with the torch backend: row-wise int8 and brief's attention (now)
    vs dynamic int8 and transformers' default attention (before)."""
    kernel, attention = int8_rows.pick_kernel, torch_engine._attention
    times: dict[str, list[float]] = {"rows": [], "dynamic": []}
    schemes = {}
    for _ in range(rounds):
        for scheme in ("dynamic", "rows"):
            if scheme == "dynamic":
                int8_rows.pick_kernel = lambda: None  # type: ignore[assignment]
                torch_engine._attention = lambda device: None  # type: ignore[assignment]
            brief = translate_cli.load(marian, backend="torch", precision="auto", device="cpu", brief=False,
                                       max_new_tokens=cap, retries=0)
            int8_rows.pick_kernel, torch_engine._attention = kernel, attention  # type: ignore[assignment]
            schemes[scheme] = brief.translator.int8
            started = time.perf_counter()
            for _ in brief.translate_many(sources):
                pass
            times[scheme].append(time.perf_counter() - started)
    medians = {scheme: round(statistics.median(values), 2) for scheme, values in times.items()}
    return {"schemes": schemes, "kernel": kernel(), "seconds": times, "median": medians,
            "rows_vs_dynamic": round(medians["dynamic"] / medians["rows"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marian", required=True, help="an opus-mt-fr-en directory (the stand-in)")
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("BRIEF_CACHE", "/tmp/brief-bench")
    sources = [source_from_path(path) for path in sorted((REPO / "seeds").glob("*.fr.txt"))[:3]]
    report: dict = {"cap": args.max_new_tokens, "same_output": []}
    for backend in ("torch", "ctranslate2"):
        for precision in ("auto", "float32"):
            row = same_output(args.marian, backend, precision, sources, args.max_new_tokens)
            report["same_output"].append(row)
            print(f"{backend:12} {precision:8} int8={row['int8']}: {row['identical']} of {row['articles']} articles "
                  f"byte-identical together and alone ({row['seconds']} s)", flush=True)
    speed = int8_speed(args.marian, sources, args.max_new_tokens, args.rounds)
    report["torch_int8_speed"] = speed
    print(f"torch int8, {len(sources)} articles together: rows ({speed['kernel']}) {speed['median']['rows']} s, "
          f"dynamic {speed['median']['dynamic']} s: rows is {speed['rows_vs_dynamic']}x dynamic's speed")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
