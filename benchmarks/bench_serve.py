"""`brief serve` under load, on one machine: 50 article-sized requests sent at once, the same 50 one at a time,
and the same documents through in-process `translate_many`, all in one call (what serving costs) and one per call
(what batching documents together gains in the engine itself); then an overload run.

    python ../shared/tools/standins/build.py marian /tmp/standins/marian
    python benchmarks/bench_serve.py --translator /tmp/standins/marian --max-new-tokens 40

Articles as in bench_ray.py (seeds and WMT newstest2013 documents cut to --segments segments). Every arm: the same
model and flags (extractive brief, --retries 0: random stand-in weights trip every check). Requests are POST
/v1/translate {"text", "brief": false} over loopback; throughput is documents per second of wall time from the
first request sent to the last answer; latency is each request's own.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ray import ROOT, make_articles  # noqa: E402


def post(url: str, text: str) -> tuple[int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url + "/v1/translate", data=json.dumps({"text": text, "brief": False}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=1800) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def start(args: argparse.Namespace, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "translate_cli", "serve", "--port", str(port), "--quiet",
                                *common_flags(args), "--request-timeout", "1800", *extra], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=5).read()
            return process, url
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def common_flags(args: argparse.Namespace) -> list[str]:
    return ["--translator", args.translator, "--max-new-tokens", args.max_new_tokens, "--backend", args.backend,
            "--device", args.device, "--summarizer", "extractive", "--retries", "0"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--translator", required=True)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--segments", type=int, default=12)
    parser.add_argument("--max-new-tokens", default="40")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (benchmarks/gpu_check.sh serve: cuda)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "serve.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        make_articles(folder, args.articles, args.segments)
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
        env = {**os.environ, "BRIEF_CACHE": str(Path(tmp) / "cache")}
        # in-process: one translate_many over the same documents (its own process, models loaded before timing)
        script = ("import json, sys, time, translate_cli\nfrom translate_cli.reading import source_from_bytes\n"
                  f"p = translate_cli.load({args.translator!r}, max_new_tokens={args.max_new_tokens!r}, "
                  f"backend={args.backend!r}, device={args.device!r}, summarizer='extractive', retries=0, "
                  "brief=False)\n"
                  "texts = json.load(sys.stdin)\n"
                  "p.translate('Le ministre est arrivé.')\n"
                  "t = time.perf_counter()\n"
                  "list(p.translate_many([source_from_bytes(x.encode(), '-', 'text') for x in texts]))\n"
                  "together = time.perf_counter() - t\n"
                  "t = time.perf_counter()\n"
                  "for x in texts: list(p.translate_many([source_from_bytes(x.encode(), '-', 'text')]))\n"
                  "print(together, time.perf_counter() - t)\n")
        done = subprocess.run([sys.executable, "-c", script], input=json.dumps(texts), capture_output=True,
                              text=True, env=env, cwd=ROOT, check=True)
        in_process, in_process_one_by_one = map(float, done.stdout.strip().splitlines()[-1].split())
        print(f"in-process translate_many: {in_process:.1f}s (one document per call: {in_process_one_by_one:.1f}s)",
              file=sys.stderr)
        process, url = start(args, env)
        try:
            post(url, "Le ministre est arrivé.")  # warm
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(texts)) as pool:
                concurrent = list(pool.map(lambda text: post(url, text), texts))
            concurrent_wall = time.perf_counter() - started
            print(f"{len(texts)} at once: {concurrent_wall:.1f}s", file=sys.stderr)
            started = time.perf_counter()
            sequential = [post(url, text) for text in texts]
            sequential_wall = time.perf_counter() - started
            print(f"one at a time: {sequential_wall:.1f}s", file=sys.stderr)
        finally:
            process.terminate()
            process.wait(60)
        process, url = start(args, env, "--max-queue", "4")
        try:
            with ThreadPoolExecutor(max_workers=len(texts)) as pool:
                overload = list(pool.map(lambda text: post(url, text), texts))
            recovered = post(url, texts[0])[0]
        finally:
            process.terminate()
            process.wait(60)
    latencies = [seconds for status, seconds in concurrent if status == 200]
    figures = {
        "articles": len(texts), "max_new_tokens": args.max_new_tokens, "backend": args.backend,
        "device": args.device,
        "in_process_s": round(in_process, 2), "concurrent_s": round(concurrent_wall, 2),
        "sequential_s": round(sequential_wall, 2), "in_process_one_by_one_s": round(in_process_one_by_one, 2),
        # what batching documents together gains in the engine itself: the ceiling of concurrent over sequential
        "in_process_together_over_one_by_one": round(in_process_one_by_one / in_process, 3),
        "concurrent_errors": sum(status != 200 for status, _ in concurrent),
        "served_over_in_process_throughput": round(in_process / concurrent_wall, 3),
        "concurrent_over_sequential_throughput": round(sequential_wall / concurrent_wall, 3),
        "latency_p50_s": round(percentile(latencies, 0.5), 2), "latency_p95_s": round(percentile(latencies, 0.95), 2),
        "sequential_latency_p50_s": round(statistics.median(s for _, s in sequential), 2),
        "overload_max_queue": 4, "overload_429": sum(status == 429 for status, _ in overload),
        "overload_200": sum(status == 200 for status, _ in overload), "after_overload_status": recovered,
    }
    for name, value in figures.items():
        print(f"{name:<40}{value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
