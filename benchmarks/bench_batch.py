"""50 articles: one `brief` run over a folder versus 50 separate `brief` invocations, whole processes, side by side.

    python benchmarks/bench_batch.py --translator /tmp/standins/marian --articles 50 --max-new-tokens 16

Articles are cut from seeds/*.fr.txt (two paragraphs each). Both arms use the same model, beams and generation cap;
figures are wall-clock seconds of whole processes (model load included), printed and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_articles(folder: Path, count: int) -> list[Path]:
    paragraphs = [
        p.strip()
        for seed in sorted((ROOT / "seeds").glob("*.fr.txt"))
        for p in seed.read_text(encoding="utf-8").split("\n\n")
        if len(p.split()) > 12
    ]
    paths = []
    for i in range(count):
        path = folder / f"article{i:03d}.txt"
        path.write_text(paragraphs[i % len(paragraphs)] + "\n\n" + paragraphs[(i * 7 + 3) % len(paragraphs)] + "\n")
        paths.append(path)
    return paths


def brief_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "translate_cli", "translate", *args]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--translator", required=True, help="model directory (e.g. a stand-in)")
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--max-new-tokens", type=int, default=16)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "batch.json")
    args = parser.parse_args()
    common = ["--translator", args.translator, "--max-new-tokens", str(args.max_new_tokens),
              "--beams", str(args.beams), "--backend", args.backend, "--quiet",
              # random stand-in weights trip every fidelity check: retries would time the retry path, not brief
              "--retries", "0", "--summarizer", "extractive"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        paths = make_articles(folder, args.articles)
        one_run = timed(brief_cmd(str(folder), "--out-dir", str(Path(tmp) / "out1"), *common))
        separate = sum(timed(brief_cmd(str(p), "-o", str(Path(tmp) / "out2" / p.name), *common)) for p in paths)
    figures = {
        "articles": args.articles,
        "max_new_tokens": args.max_new_tokens,
        "beams": args.beams,
        "backend": args.backend,
        "one_run_s": round(one_run, 2),
        "separate_runs_s": round(separate, 2),
        "speedup": round(separate / one_run, 2),
    }
    print(f"{'system':<32}{'seconds':>10}{'per article':>14}")
    print(f"{'brief, one run over the folder':<32}{one_run:>10.1f}{one_run / args.articles:>14.2f}")
    print(f"{f'brief, {args.articles} separate invocations':<32}{separate:>10.1f}{separate / args.articles:>14.2f}")
    print(f"speed-up: {separate / one_run:.1f}x")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
