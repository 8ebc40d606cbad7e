"""Local executor vs Ray executor on one machine: the same 50 articles, the same model, whole `brief` processes,
side by side (local, ray, local, ray, …), the cluster's start-up timed apart.

    python ../shared/tools/standins/build.py marian /tmp/standins/marian
    python benchmarks/bench_ray.py --translator /tmp/standins/marian --max-new-tokens 40

The 50 articles are the seed articles and WMT newstest2013 documents (../shared/data/wmt13-fr-en, read from there,
never copied into the repo), each document cut to its first --segments segments so that an article is
article-sized. Both executors get the same flags (extractive brief, --retries 0: random stand-in weights trip every
check, and retries would time the retry path); the Ray arm connects to a cluster started here with `ray start
--head` (its start-up reported separately, not in the ratio). Each arm's outputs are checked byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BRIEF_WMT_DIR: where a machine without ../shared has a copy (gpu_check.sh --prepare carries one to the device)
WMT = Path(os.environ.get("BRIEF_WMT_DIR") or ROOT.parent / "shared" / "data" / "wmt13-fr-en")


def make_articles(folder: Path, count: int, segments: int) -> int:
    """Seeds first, then WMT documents, `count` in all; returns how many sentences-ish lines they hold."""
    texts = [seed.read_text(encoding="utf-8") for seed in sorted((ROOT / "seeds").glob("*.fr.txt"))]
    if WMT.is_dir():
        lines = (WMT / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
        for doc in map(json.loads, (WMT / "newstest2013.docs.jsonl").read_text(encoding="utf-8").splitlines()):
            body = lines[doc["start_line"] - 1: doc["end_line"]][:segments]
            texts.append(body[0] + "\n\n" + " ".join(body[1:]) + "\n")
    else:
        print(f"note: {WMT} absent: articles are the seeds repeated", file=sys.stderr)
    for i in range(count):
        (folder / f"article{i:03d}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
    return sum(len(texts[i % len(texts)].split(". ")) for i in range(count))


def ray_command() -> list[str]:
    script = Path(sys.executable).with_name("ray")
    return [str(script)] if script.exists() else [shutil.which("ray") or "ray"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".brief-outcomes.jsonl"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--translator", required=True, help="model directory (e.g. a stand-in)")
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--segments", type=int, default=12, help="first segments of each WMT document")
    parser.add_argument("--max-new-tokens", default="40")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--cpus-per-actor", type=float, default=1)
    parser.add_argument("--runs", type=int, default=3, help="pairs (local, ray) after one warm-up pair")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "ray.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "in"
        folder.mkdir()
        lines = make_articles(folder, args.articles, args.segments)
        env = {**os.environ, "BRIEF_CACHE": str(work / "cache"), "RAY_USAGE_STATS_ENABLED": "0"}
        port = socket.socket()
        port.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{port.getsockname()[1]}"
        port.close()
        started = time.perf_counter()
        subprocess.run([*ray_command(), "start", "--head", f"--port={address.rsplit(':', 1)[1]}",
                        f"--num-cpus={os.cpu_count()}", "--include-dashboard=false", "--disable-usage-stats"],
                       env=env, check=True, capture_output=True)
        cluster_start = time.perf_counter() - started
        try:
            common = [sys.executable, "-m", "translate_cli", "translate", str(folder), "--translator",
                      args.translator, "--max-new-tokens", args.max_new_tokens, "--backend", args.backend,
                      "--summarizer", "extractive", "--retries", "0", "--quiet", "--format", "json", "--overwrite"]
            arms = {
                "local": common,
                "ray": [*common, "--executor", "ray", "--ray-address", address, "--actors", str(args.actors),
                        "--cpus-per-actor", str(args.cpus_per_actor)],
            }
            times: dict[str, list[float]] = {name: [] for name in arms}
            for run in range(args.runs + 1):  # run 0 warms caches (a CTranslate2 conversion, page cache)
                for name, cmd in arms.items():
                    elapsed = timed([*cmd, "--out-dir", str(work / name)], env)
                    if run:
                        times[name].append(elapsed)
                    print(f"run {run} {name}: {elapsed:.1f}s", file=sys.stderr)
            same = tree(work / "local") == tree(work / "ray")
        finally:
            subprocess.run([*ray_command(), "stop", "--force"], env=env, capture_output=True)
    local, ray = (statistics.median(times[name]) for name in ("local", "ray"))
    ratios = [r / lo for lo, r in zip(times["local"], times["ray"])]
    figures = {
        "articles": args.articles, "segments_per_wmt_document": args.segments, "sentences_approx": lines,
        "max_new_tokens": args.max_new_tokens, "backend": args.backend, "actors": args.actors,
        "cpus_per_actor": args.cpus_per_actor, "cpus": os.cpu_count(), "runs": times,
        "local_median_s": round(local, 2), "ray_median_s": round(ray, 2),
        "ray_over_local_median_of_pairs": round(statistics.median(ratios), 3),
        "cluster_start_s": round(cluster_start, 2), "outputs_byte_identical": same,
    }
    print(f"{'executor':<44}{'median s':>10}")
    print(f"{'local (one process)':<44}{local:>10.1f}")
    print(f"{f'ray ({args.actors} actors x {args.cpus_per_actor:g} CPU, cluster already up)':<44}{ray:>10.1f}")
    print(f"ray / local (median of pairs): {statistics.median(ratios):.2f}x; cluster start-up {cluster_start:.1f}s; "
          f"outputs byte-identical: {same}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
