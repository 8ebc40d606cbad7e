#!/usr/bin/env python3
"""brief's speed, side by side with the engines it is built on, in one run.

    python benchmarks/bench_translate.py --marian /tmp/standins/marian --bart /tmp/standins/bart

Every system runs as its own process (whole-process wall time and peak RSS, from wait4), on the same sentences,
with the same beam size and the same cap on new tokens (stand-in weights never stop on their own):

  naive         transformers, one sentence per generate() call
  hf-batched    transformers, sorted by length, 16 sentences per generate() call, inference_mode
  ct2-raw       ctranslate2.Translator int8 + sentencepiece, one translate_batch over all sentences
  brief-ct2     `brief translate --backend ctranslate2` (the CLI's own entry point)
  brief-torch   `brief translate --backend torch`

plus: the real `python -m translate_cli translate` command on the seed article against the naive script on the same
article, `brief --help` cold start, time versus article length (1×, 4×, 16× the seed article, every sentence distinct)
and, with --bart, the summariser (transformers vs brief's CTranslate2 summariser). A table is printed and everything
(with the exact commands) is written as JSON under benchmarks/results/. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
SEEDS = REPO / "seeds"
SEED_ARTICLE = SEEDS / "mali-russie-diop-lavrov.fr.txt"
MARK = "BENCH_JSON "

# Per variant of the seed article, its names replaced: every sentence of the seed names one of them, so the 4× and
# 16× articles have no repeated sentence (brief translates a repeated sentence once, which would flatter it).
_NAMES = {
    "Mali": "Mali Niger Tchad Sénégal Togo Bénin Gabon Congo Cameroun Ghana Kenya Nigeria Soudan Maroc Angola Zambie",
    "Russie": "Russie Chine Inde Turquie Iran Algérie Égypte Qatar Brésil Japon Corée Serbie Hongrie Cuba Chili Pérou",
    "Moscou": "Moscou Pékin Delhi Ankara Téhéran Alger Caire Doha Brasilia Tokyo Séoul Belgrade Budapest Havane "
              "Santiago Lima",
    "Diop": "Diop Traoré Keita Sow Touré Cissé Diallo Bâ Camara Sylla Kouyaté Dembélé Coulibaly Konaté Sangaré Niang",
    "Lavrov": "Lavrov Wang Jaishankar Fidan Araghchi Attaf Abdelatty Thani Vieira Iwaya Cho Djuric Szijjarto "
              "Rodriguez Klaveren Schialer",
    "Kidal": "Kidal Gao Tombouctou Ménaka Mopti Ségou Sikasso Kayes Koulikoro Tessalit Anéfis Aguelhok Léré Niono "
             "Bourem Ansongo",
}


# ----------------------------------------------------------------------------------------------- processes


def child_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["BRIEF_CACHE"] = str(args.cache)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.pop("BRIEF_CONFIG", None)
    if args.omp_passive:
        # OpenMP threads that spin while waiting are up to 10x slower when other processes share the cores.
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    return env


def _cpu_times() -> list[int]:
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            return [int(v) for v in handle.readline().split()[1:9]]
    except OSError:
        return [0] * 8


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all processes, all cores, and time the
    hypervisor stole for other machines)."""
    values = _cpu_times()
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def machine_steal_s() -> float:
    return _cpu_times()[7] / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(max_wait: float, threshold: float = 0.25) -> float:
    """Wait (at most `max_wait` s) until other processes use under `threshold` cores; returns the load seen."""
    deadline = time.monotonic() + max_wait
    while True:
        before = machine_busy_s()
        time.sleep(0.5)
        load = (machine_busy_s() - before) / 0.5
        if load < threshold or time.monotonic() >= deadline:
            return round(load, 2)
        time.sleep(1.5)


def run_child(cmd: list[str], env: dict[str, str], timeout: float | None = None) -> dict[str, Any]:
    """Run one whole process: wall time, CPU time and peak RSS (its own, from wait4), exit status, the worker's
    JSON, and how many cores other processes kept busy meanwhile (a noisy machine shows there)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        busy_before, steal_before = machine_busy_s(), machine_steal_s()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # blocking: no polling on a 2-core machine
        if timer:
            timer.cancel()
        wall = time.perf_counter() - start
        busy = machine_busy_s() - busy_before
        steal = machine_steal_s() - steal_before
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    report: dict[str, Any] = {}
    for line in stdout.splitlines():
        if line.startswith(MARK):
            report = json.loads(line[len(MARK):])
    return {
        "command": shlex.join(cmd),
        "returncode": proc.returncode,
        "process_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "other_cores_busy": round(max(0.0, busy - usage.ru_utime - usage.ru_stime) / wall, 2) if wall else None,
        "stolen_cores": round(steal / wall, 2) if wall else None,  # part of other_cores_busy: the hypervisor's
        "worker": report,
        "stderr_tail": stderr.strip().splitlines()[-3:] if proc.returncode else [],
    }


def worker_cmd(name: str, spec: dict[str, Any], workdir: Path) -> list[str]:
    path = workdir / f"spec-{name}-{len(list(workdir.glob('spec-*')))}.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--spec", str(path)]


def emit(report: dict[str, Any]) -> None:
    print(MARK + json.dumps(report), flush=True)


# ------------------------------------------------------------------------------------------------- corpus


class _Recorder:
    """A Translator that records what brief would send to the model. `garble` drops quotation marks (what the
    stand-ins do), so quoted sentences take brief's second, quote-by-quote pass."""

    name = "recorder"
    max_input_tokens = 256
    default_beams = 4

    def __init__(self, garble: bool) -> None:
        from translate_cli.engine import CallLimits

        self.garble = garble
        self.batches: list[list[str]] = []
        self.call_limits = CallLimits()

    def count_tokens(self, texts):
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts, decoding):
        self.batches.append(list(texts))
        if self.garble:
            return ["".join(c for c in text if c not in "«»“”\"‹›„") for text in texts]
        return list(texts)


def model_inputs(text: str, *, garble: bool) -> list[str]:
    """The unique strings brief's pipeline gives the model for `text` (all passes, in order)."""
    import translate_cli

    recorder = _Recorder(garble)
    translate_cli.load(recorder, retries=0, brief=False).translate(text)  # the first and second passes
    return [text for batch in recorder.batches for text in batch]


def article_variant(text: str, variant: int) -> str:
    for name, choices in _NAMES.items():
        replacement = choices.split()[variant % 16]
        text = re.sub(rf"\b{name}\b", replacement, text)
    return text


def scaled_article(times: int) -> str:
    seed = SEED_ARTICLE.read_text(encoding="utf-8").strip()
    return "\n\n".join(article_variant(seed, v) for v in range(times)) + "\n"


def words(texts: list[str]) -> int:
    return sum(len(text.split()) for text in texts)


# ------------------------------------------------------------------------------------------------ workers


def _count_hf(sequences, eos_id: int) -> int:
    """Tokens transformers generated: after the start token, up to and including the first </s>."""
    total = 0
    for row in sequences.tolist():
        body = row[1:]
        total += next((i + 1 for i, token in enumerate(body) if token == eos_id), len(body))
    return total


def worker_hf(spec: dict[str, Any]) -> None:
    """naive / hf-batched: plain transformers, as their users write it."""
    t0 = time.perf_counter()
    import torch
    from transformers import MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    t_import = time.perf_counter()
    dtype = getattr(torch, spec["torch_dtype"])
    tokenizer = MarianTokenizer.from_pretrained(spec["marian"])
    model = MarianMTModel.from_pretrained(spec["marian"], dtype=dtype).eval().to(spec["device"])
    t_load = time.perf_counter()
    sentences = spec["sentences"]
    eos = tokenizer.eos_token_id
    generated = 0
    outputs: list[str] = []
    from translate_cli.engine import LengthCap

    cap = LengthCap.parse(spec["max_new_tokens"])  # 40, or "1x": relative to each sentence's tokens
    settings = {"num_beams": spec["beams"], "max_new_tokens": spec["max_new_tokens"]}
    if spec["mode"] == "naive":
        for sentence in sentences:
            batch = tokenizer([sentence], return_tensors="pt").to(spec["device"])
            out = model.generate(**batch, **{**settings, "max_new_tokens": cap(batch["input_ids"].shape[1])})
            generated += _count_hf(out, eos)
            outputs.append(tokenizer.decode(out[0], skip_special_tokens=True))
    else:
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]), reverse=True)
        size = spec["batch_size"]
        with torch.inference_mode():
            for k in range(0, len(order), size):
                chunk = [sentences[i] for i in order[k: k + size]]
                batch = tokenizer(chunk, return_tensors="pt", padding=True).to(spec["device"])
                out = model.generate(**batch, **{**settings, "max_new_tokens": cap(batch["input_ids"].shape[1])})
                generated += _count_hf(out, eos)
                outputs += tokenizer.batch_decode(out, skip_special_tokens=True)
    if spec["device"].startswith("cuda"):
        torch.cuda.synchronize()
    t_end = time.perf_counter()
    report = {"import_s": t_import - t0, "load_s": t_load - t_import, "translate_s": t_end - t_load,
              "target_tokens": generated, "outputs": len(outputs), "threads": torch.get_num_threads()}
    if spec.get("summarise_with"):  # the naive path's brief: the translation through transformers' BART
        from transformers import AutoTokenizer, BartForConditionalGeneration

        start = time.perf_counter()
        bart_tokenizer = AutoTokenizer.from_pretrained(spec["summarise_with"])
        bart = BartForConditionalGeneration.from_pretrained(spec["summarise_with"], dtype=dtype).eval()
        bart = bart.to(spec["device"])
        loaded = time.perf_counter()
        # Like brief, summarise all of it: windows of at most 1022 tokens (+ <s> </s>), one generate() each.
        ids = bart_tokenizer(" ".join(outputs), add_special_tokens=False, verbose=False).input_ids
        windows = [bart_tokenizer.decode(ids[k: k + 1022]) for k in range(0, len(ids), 1022)]
        summary_tokens = 0
        for window in windows:
            batch = bart_tokenizer([window], return_tensors="pt", truncation=True, max_length=1024).to(spec["device"])
            summary_tokens += _count_hf(bart.generate(**batch), bart_tokenizer.eos_token_id)
        report.update(summary_load_s=loaded - start, summary_s=time.perf_counter() - loaded,
                      summary_input_tokens=len(ids), summary_chunks=len(windows), summary_tokens=summary_tokens)
    emit(report)


def worker_ct2_raw(spec: dict[str, Any]) -> None:
    """ct2-raw: what a CTranslate2 user writes: sentencepiece + one translate_batch call."""
    t0 = time.perf_counter()
    import ctranslate2
    import sentencepiece

    t_import = time.perf_counter()
    inter = int(spec.get("inter_threads") or 1)
    translator = ctranslate2.Translator(spec["ct2_path"], device=spec["device"], compute_type=spec["compute_type"],
                                        intra_threads=spec["intra_threads"], inter_threads=inter)
    source = sentencepiece.SentencePieceProcessor(model_file=str(Path(spec["marian"]) / "source.spm"))
    target = sentencepiece.SentencePieceProcessor(model_file=str(Path(spec["marian"]) / "target.spm"))
    t_load = time.perf_counter()
    tokens = [pieces + ["</s>"] for pieces in source.encode(spec["sentences"], out_type=str)]
    limit = spec["max_decoding_length"]
    batch_size = spec["max_batch_size"]
    if inter > 1 and spec["batch_type"] == "tokens" and batch_size > 0:  # a token batch for every worker
        batch_size = max(max(map(len, tokens)), min(batch_size, -(-sum(map(len, tokens)) // inter)))
    results = translator.translate_batch(tokens, beam_size=spec["beams"], max_batch_size=batch_size,
                                         batch_type=spec["batch_type"], max_input_length=512,
                                         max_decoding_length=limit, return_scores=False)
    outputs = [target.decode_pieces(r.hypotheses[0]).replace("\u2581", " ").strip() for r in results]
    t_end = time.perf_counter()
    generated = sum(len(r.hypotheses[0]) + (len(r.hypotheses[0]) < limit) for r in results)
    emit({"import_s": t_import - t0, "load_s": t_load - t_import, "translate_s": t_end - t_load,
          "target_tokens": generated, "outputs": len(outputs)})


def worker_brief(spec: dict[str, Any]) -> None:
    """brief-ct2 / brief-torch: the `brief translate` entry point, with counters on the loaded translator."""
    t0 = time.perf_counter()
    from translate_cli import backends, cli

    t_import = time.perf_counter()
    stats: dict[str, Any] = {"import_s": t_import - t0, "load_s": 0.0, "engine_s": 0.0, "model_calls": 0,
                             "model_inputs": 0, "target_tokens": 0}
    holder: dict[str, Any] = {}
    load_engine = backends.load_engine

    def timed_load(role: str, *a: Any, **k: Any):
        start = time.perf_counter()
        loaded = load_engine(role, *a, **k)
        if role != "translator":
            return loaded
        stats["load_s"] += time.perf_counter() - start
        translator = loaded.engine
        holder["translator"] = translator
        stats["translator_class"] = type(translator).__name__
        inner = translator.translate_batch

        def translate_batch(texts, decoding):
            start = time.perf_counter()
            out = inner(texts, decoding)
            stats["engine_s"] += time.perf_counter() - start
            stats["model_calls"] += 1
            stats["model_inputs"] += len(texts)
            return out

        translator.translate_batch = translate_batch
        model = getattr(translator, "model", None)
        if model is not None and not hasattr(translator, "generated_tokens"):
            generate, eos = model.generate, translator.tokenizer.eos_token_id

            def counted_generate(*a: Any, **k: Any):
                out = generate(*a, **k)
                stats["target_tokens"] += _count_hf(out, eos)
                return out

            model.generate = counted_generate
        return loaded

    backends.load_engine = timed_load

    @atexit.register
    def report() -> None:
        translator = holder.get("translator")
        if translator is not None and hasattr(translator, "generated_tokens"):
            stats["target_tokens"] = translator.generated_tokens
        stats["total_in_process_s"] = time.perf_counter() - t0
        stats["torch_imported"] = "torch" in sys.modules
        try:
            result = json.loads(Path(spec["output"]).read_text(encoding="utf-8"))
            stats["quotes"] = len(result.get("quotes", []))
            stats["sentences"] = len(result.get("sentences", []))
            translation = result.get("translation", "")
            stats["curly_pairs"] = [translation.count("\u201c"), translation.count("\u201d")]
        except (OSError, ValueError):
            pass
        emit(stats)

    sys.argv = ["brief", *spec["argv"]]
    cli.main()


def worker_bart_hf(spec: dict[str, Any]) -> None:
    t0 = time.perf_counter()
    import torch
    from transformers import AutoTokenizer, BartForConditionalGeneration
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    t_import = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(spec["bart"])
    model = BartForConditionalGeneration.from_pretrained(spec["bart"], dtype=getattr(torch, spec["torch_dtype"]))
    model = model.eval().to(spec["device"])
    t_load = time.perf_counter()
    batch = tokenizer([spec["text"]], return_tensors="pt", truncation=True, max_length=1024).to(spec["device"])
    with torch.inference_mode():
        out = model.generate(**batch, num_beams=spec["beams"], max_new_tokens=spec["max_new_tokens"])
    if spec["device"].startswith("cuda"):
        torch.cuda.synchronize()
    t_end = time.perf_counter()
    emit({"import_s": t_import - t0, "load_s": t_load - t_import, "translate_s": t_end - t_load,
          "input_tokens": int(batch["input_ids"].shape[1]), "target_tokens": _count_hf(out, tokenizer.eos_token_id)})


def worker_bart_ct2(spec: dict[str, Any]) -> None:
    t0 = time.perf_counter()
    from translate_cli.backends.ct2_bart import CT2BartSummariser
    from translate_cli.engine import Decoding, LengthCap
    from translate_cli.options import EngineOptions

    t_import = time.perf_counter()
    summariser = CT2BartSummariser(spec["bart"], EngineOptions(device=spec["device"]),
                                   compute_type=spec["compute_type"])
    t_load = time.perf_counter()
    summariser.summarise([spec["text"]], Decoding(beams=spec["beams"],
                                                  length_cap=LengthCap.fixed(spec["max_new_tokens"])))
    t_end = time.perf_counter()
    emit({"import_s": t_import - t0, "load_s": t_load - t_import, "translate_s": t_end - t_load,
          "input_tokens": summariser.count_tokens([spec["text"]])[0], "target_tokens": summariser.generated_tokens,
          "torch_imported": "torch" in sys.modules})


WORKERS = {"hf": worker_hf, "ct2-raw": worker_ct2_raw, "brief": worker_brief, "bart-hf": worker_bart_hf,
           "bart-ct2": worker_bart_ct2}


# --------------------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--marian", type=Path, help="A MarianMT checkpoint directory (opus-mt-fr-en or its stand-in).")
    ap.add_argument("--bart", type=Path, help="A BART summariser checkpoint directory (optional).")
    ap.add_argument("--corpus", type=Path, nargs="+", default=sorted(SEEDS.glob("*.fr.txt")),
                    help="French text files, translated as one document [default: seeds/*.fr.txt].")
    ap.add_argument("--max-new-tokens", type=int, default=40, help="Cap on new tokens, the same for every system.")
    ap.add_argument("--command-caps", default=None,
                    help="Caps for the seed-article commands, comma-separated (N fixed, Rx relative to each model "
                         "input) [default: --max-new-tokens, then 1x]. torch runs the first only.")
    ap.add_argument("--beams", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=16, help="Sentences per call for hf-batched (brief: its own).")
    ap.add_argument("--device", default="cpu", help="cpu | cuda")
    ap.add_argument("--torch-dtype", default=None, help="transformers baselines' dtype [cpu: float32, cuda: float16]")
    ap.add_argument("--compute-type", default=None, help="CTranslate2 compute type [cpu: int8, cuda: int8_float16]")
    ap.add_argument("--systems",
                    default="naive,naive-brief-inputs,hf-batched,ct2-raw,ct2-raw-brief-inputs,"
                            "ct2-raw-workers-brief-inputs,brief-ct2,brief-torch,brief-ct2-defaults,commands",
                    help="Comma-separated subset to run.")
    ap.add_argument("--lengths", default="1,4,16", help="Article lengths (× the seed article); empty to skip.")
    ap.add_argument("--length-backends", default="ctranslate2,torch")
    ap.add_argument("--brief-retries", type=int, default=0,
                    help="brief's --retries in every brief run but brief-ct2-defaults [default: 0: stand-in output "
                         "loops by construction, so the loop retry would re-translate every sentence].")
    ap.add_argument("--ct2-batch", default="tokens:4096",
                    help="ct2-raw batching, TYPE:SIZE (examples:16, tokens:4096, examples:0 = one batch).")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("BRIEF_BENCH_CACHE",
                                                                      Path(tempfile.gettempdir()) / "brief-bench")),
                    help="BRIEF_CACHE for every brief process (CTranslate2 conversions land here).")
    ap.add_argument("--out", type=Path, help="JSON output [default: benchmarks/results/bench-<time>.json].")
    ap.add_argument("--timeout", type=float, default=1800, help="Per-process limit, seconds.")
    ap.add_argument("--omp-passive", action="store_true",
                    help="OMP_WAIT_POLICY=PASSIVE for every system (a machine shared with other work).")
    ap.add_argument("--deadline", type=float, default=0,
                    help="Seconds for the whole run: no new part starts after it (0: none). Partial JSON is kept.")
    ap.add_argument("--repeat", type=int, default=1,
                    help="Runs of each --repeat-systems system, interleaved; the fastest is reported (all kept).")
    ap.add_argument("--repeat-systems", default="ct2-raw,ct2-raw-brief-inputs,ct2-raw-workers-brief-inputs,brief-ct2")
    ap.add_argument("--wait-idle", type=float, default=0,
                    help="Before each timed process, wait up to this many seconds for other processes to go quiet.")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker is None and args.marian is None:
        ap.error("--marian DIR is required")
    args.torch_dtype = args.torch_dtype or ("float32" if args.device == "cpu" else "float16")
    args.compute_type = args.compute_type or ("int8" if args.device == "cpu" else "int8_float16")
    return args


def environment(args: argparse.Namespace) -> dict[str, Any]:
    import importlib.metadata as md

    info: dict[str, Any] = {"python": platform.python_version(), "machine": platform.machine(),
                            "cpu_count": os.cpu_count()}
    try:
        from translate_cli.backends.hardware import physical_cores

        info["physical_cores"] = physical_cores()
    except ImportError:
        pass
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    if args.device.startswith("cuda"):
        try:
            info["gpu"] = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                                          "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
        except OSError:
            info["gpu"] = None
    for package in ("torch", "transformers", "ctranslate2", "sentencepiece", "tokenizers"):
        try:
            info[package] = md.version(package)
        except md.PackageNotFoundError:
            info[package] = None
    return info


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.env = child_env(args)
        self.t0 = time.monotonic()
        self.work = Path(tempfile.mkdtemp(prefix="brief-bench-"))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.out = args.out or RESULTS / f"bench-{args.device}-{stamp}.json"
        self.data: dict[str, Any] = {
            "started": stamp, "argv": sys.argv, "settings": {
                "max_new_tokens": args.max_new_tokens, "beams": args.beams, "device": args.device,
                "torch_dtype": args.torch_dtype, "ct2_compute_type": args.compute_type, "marian": str(args.marian),
                "omp_wait_policy": "PASSIVE" if args.omp_passive else os.environ.get("OMP_WAIT_POLICY"),
                "brief_retries": args.brief_retries,
                "bart": str(args.bart) if args.bart else None, "corpus": [str(p) for p in args.corpus]},
            "environment": environment(args), "systems": {}, "commands": {}, "lengths": {}, "summariser": {},
        }

    def save(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def spec(self, **extra: Any) -> dict[str, Any]:
        a = self.args
        return {"marian": str(a.marian), "bart": str(a.bart) if a.bart else None, "device": a.device,
                "beams": a.beams, "max_new_tokens": a.max_new_tokens, "torch_dtype": a.torch_dtype,
                "compute_type": a.compute_type, "batch_size": a.batch_size, **extra}

    def run(self, name: str, worker: str, **extra: Any) -> dict[str, Any]:
        return self.timed(name, worker_cmd(worker, self.spec(**extra), self.work))

    def time_left(self) -> float:
        if not self.args.deadline:
            return float("inf")
        return self.args.deadline - (time.monotonic() - self.t0)

    def timed(self, name: str, cmd: list[str]) -> dict[str, Any]:
        left = self.time_left()
        if left < 5:
            print(f"  skipping {name}: deadline", file=sys.stderr, flush=True)
            self.data.setdefault("skipped", []).append(name)
            return {"command": shlex.join(cmd), "returncode": None, "process_s": None, "peak_rss_mb": None,
                    "worker": {}, "skipped": "deadline"}
        load = wait_for_quiet(min(self.args.wait_idle, left / 4)) if self.args.wait_idle else None
        print(f"  running {name} …", file=sys.stderr, flush=True)
        result = run_child(cmd, self.env, min(self.args.timeout, max(5.0, left)))
        result["other_cores_busy_before"] = load
        if result["returncode"] != 0:
            print(f"  {name} failed ({result['returncode']}): {result['stderr_tail']}", file=sys.stderr)
        return result

    def brief_argv(self, path: Path, backend: str, output: Path, *, defaults: bool = False,
                   summarise: bool = False, cap: str | None = None) -> list[str]:
        """brief translate, translation only (--no-brief) and --retries --brief-retries unless `defaults`;
        with `summarise`, the brief too, by the --bart stand-in."""
        a = self.args
        argv = ["translate", str(path), "--translator", str(a.marian), "--backend", backend, "--device", a.device,
                "--beams", str(a.beams), "--max-new-tokens", cap or str(a.max_new_tokens), "-q", "-f", "json",
                "-o", str(output)]
        if not defaults:
            argv += ["--retries", str(a.brief_retries)]
        if summarise and a.bart:
            argv += ["--brief", "--summarizer", str(a.bart)]
        elif not defaults:
            argv += ["--no-brief"]
        return argv

    # ---- parts

    def prepare(self) -> None:
        a = self.args
        text = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in a.corpus) + "\n"
        self.corpus_file = self.work / "corpus.fr.txt"
        self.corpus_file.write_text(text, encoding="utf-8")
        self.sentences = model_inputs(text, garble=False)  # brief's first pass: whole sentences
        garbled = model_inputs(text, garble=True)
        self.brief_inputs = garbled  # both passes, when the model loses every quotation mark (stand-ins do)
        self.data["corpus"] = {
            "documents": len(a.corpus), "sentences": len(self.sentences), "source_words": words(self.sentences),
            "brief_model_inputs_when_quotes_are_lost": len(garbled),
            "brief_second_pass_words": words(garbled) - words(self.sentences),
        }
        seed = SEED_ARTICLE.read_text(encoding="utf-8")
        self.seed_sentences = model_inputs(seed, garble=False)
        lengths = a.length_backends.split(",") if a.lengths.strip() else []
        if {"ct2-raw", "ct2-raw-brief-inputs", "brief-ct2", "commands"} & {*self.systems()} or \
                "ctranslate2" in lengths or a.bart:
            from translate_cli.backends.ct2_convert import converted_dir, ensure_converted, is_converted

            os.environ["BRIEF_CACHE"] = str(a.cache)
            for label, directory in (("marian", a.marian), ("bart", a.bart)):
                if directory is None:
                    continue
                target = converted_dir(directory)
                fresh = not is_converted(target)
                start = time.perf_counter()
                path = ensure_converted(directory)
                self.data.setdefault("conversion", {})[label] = {
                    "path": str(path), "seconds": round(time.perf_counter() - start, 2) if fresh else None,
                    "note": "converted now (one time)" if fresh else "already in the cache"}
            self.ct2_path = str(converted_dir(a.marian))
        self.save()

    def systems(self) -> list[str]:
        return [s for s in self.args.systems.split(",") if s]

    def cold_start(self) -> None:
        base = [sys.executable, "-m", "translate_cli"]
        for flag in ("--help", "--version"):
            runs = [run_child([*base, flag], self.env) for _ in range(5)]
            times = [r["process_s"] for r in runs]
            self.data["commands"][f"brief {flag}"] = {
                "command": runs[0]["command"], "median_s": statistics.median(times), "min_s": min(times),
                "peak_rss_mb": runs[0]["peak_rss_mb"], "returncode": runs[0]["returncode"]}
        self.save()

    def corpus_systems(self) -> None:
        a = self.args
        repeated = {s for s in a.repeat_systems.split(",") if s}
        for round_ in range(max(1, a.repeat)):
            for system in self.systems():
                if round_ and system not in repeated:
                    continue
                result = self.corpus_system(system)
                if result is None:
                    continue
                runs = self.data["systems"].setdefault(system, {}).get("runs", []) + [result]
                best = min(runs, key=lambda r: r["process_s"] if r["returncode"] == 0 else float("inf"))
                if result.get("skipped") and len(runs) == 1:
                    best = result
                self.data["systems"][system] = {**best, "runs": runs}
                self.save()

    def corpus_system(self, system: str) -> dict[str, Any] | None:
        a = self.args
        if system in ("naive", "hf-batched", "naive-brief-inputs"):
            sentences = self.brief_inputs if system == "naive-brief-inputs" else self.sentences
            result = self.run(system, "hf", mode="batched" if system == "hf-batched" else "naive",
                              sentences=sentences)
        elif system in ("ct2-raw", "ct2-raw-brief-inputs", "ct2-raw-workers-brief-inputs"):
            kind, _, size = a.ct2_batch.partition(":")
            sentences = self.sentences if system == "ct2-raw" else self.brief_inputs
            limit = a.max_new_tokens - 1  # the model forces </s> as the last token: brief decodes N-1 words
            # -workers: the raw engine set up as brief sets it up on CPU (one single-threaded worker per core)
            workers = self.cores() if system == "ct2-raw-workers-brief-inputs" and a.device == "cpu" else 1
            result = self.run(system, "ct2-raw", ct2_path=self.ct2_path, intra_threads=self.cores() // workers,
                              inter_threads=workers, max_decoding_length=limit, batch_type=kind,
                              max_batch_size=int(size or 0), sentences=sentences)
        elif system in ("brief-ct2", "brief-ct2-bs64", "brief-torch", "brief-ct2-defaults"):
            backend = "torch" if system == "brief-torch" else "ctranslate2"
            output = self.work / f"{system}.json"
            argv = self.brief_argv(self.corpus_file, backend, output, defaults=system == "brief-ct2-defaults")
            if system == "brief-ct2-bs64":  # 64 sentences per call, instead of brief's default: a whole pass
                argv += ["--batch-size", "64"]
            result = self.run(system, "brief", argv=argv, output=str(output))
        else:
            return None
        result["source_words"] = words(self.sentences)
        return result

    def cores(self) -> int:
        from translate_cli.backends.hardware import physical_cores

        return physical_cores()

    def commands(self) -> None:
        """The seed article as a user runs it: the real command (no counters), against the naive script, at each
        --command-caps cap (a relative cap sizes the stand-ins' English like a real translation's: a quotation
        translated apart from its frame gets a cap for its own length, not a whole sentence's)."""
        if "commands" not in self.systems():
            return
        caps = [c.strip() for c in (self.args.command_caps or f"{self.args.max_new_tokens},1x").split(",") if c]
        for k, cap in enumerate(caps):
            suffix = "" if k == 0 else f" [cap {cap}]"
            for backend in ("ctranslate2", "torch") if k == 0 else ("ctranslate2",):
                output = self.work / f"command-{backend}-{k}.json"
                argv = self.brief_argv(SEED_ARTICLE, backend, output, summarise=True, cap=cap)
                cmd = [sys.executable, "-m", "translate_cli", *argv]
                result = self.timed(f"command brief translate --backend {backend}{suffix}", cmd)
                try:
                    parsed = json.loads(output.read_text(encoding="utf-8"))
                    result["quotes"] = len(parsed.get("quotes", []))
                    result["summary_chunks"] = parsed.get("brief", {}).get("chunks")
                    result["summary_input_tokens"] = parsed.get("brief", {}).get("input_tokens")
                except (OSError, ValueError):
                    result["quotes"] = None
                self.data["commands"][f"brief translate seed --backend {backend}{suffix}"] = result
                self.save()
            naive = self.run(f"naive (seed article){suffix}", "hf", mode="naive", sentences=self.seed_sentences,
                             summarise_with=str(self.args.bart) if self.args.bart else None, max_new_tokens=cap)
            self.data["commands"][f"naive transformers script, seed article{suffix}"] = naive
            self.save()

    def lengths(self) -> None:
        a = self.args
        factors = [int(f) for f in a.lengths.split(",") if f.strip()]
        for backend in [b for b in a.length_backends.split(",") if b]:
            rows = {}
            for factor in factors:
                path = self.work / f"article-{factor}x.fr.txt"
                if not path.exists():
                    path.write_text(scaled_article(factor), encoding="utf-8")
                output = self.work / f"length-{backend}-{factor}.json"
                result = self.run(f"brief {backend} {factor}×", "brief",
                                  argv=self.brief_argv(path, backend, output), output=str(output))
                text = path.read_text(encoding="utf-8")
                firsts = model_inputs(text, garble=False)
                result["source_words"] = len(text.split())
                result["unique_sentences"] = len(set(firsts))
                rows[f"{factor}x"] = result
                self.data["lengths"][backend] = rows
                self.save()

    def summariser(self) -> None:
        a = self.args
        if a.bart is None:
            return
        from translate_cli.backends.ct2_bart import load_bpe_tokenizer

        tokenizer = load_bpe_tokenizer(a.bart)
        paragraphs = [p for p in SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        text = paragraphs[0]
        for paragraph in paragraphs[1:]:  # about 400 input tokens, as in the stand-ins' README
            candidate = f"{text}\n\n{paragraph}"
            if len(tokenizer.encode(candidate).ids) > 400:
                break
            text = candidate
        cap = 141  # distilbart-cnn: max_length 142 counts the decoder start token
        for name, worker in (("transformers", "bart-hf"), ("brief-ct2", "bart-ct2")):
            result = self.run(f"summariser {name}", worker, text=text, max_new_tokens=cap)
            self.data["summariser"][name] = result
            self.save()

    # ---- report

    def table(self) -> str:
        rows = [("system", "sents", "words", "tgt tok", "load s", "engine s", "process s", "words/s", "tok/s eng",
                 "tok/s proc", "RSS MB", "others")]

        def add(label: str, result: dict[str, Any], source_words: int | None = None, sentences: Any = "") -> None:
            w = result.get("worker", {})
            tokens = w.get("target_tokens") or 0
            engine = w.get("translate_s", w.get("engine_s"))
            process = result.get("process_s") or 0
            words_ = source_words if source_words is not None else result.get("source_words")
            rows.append((
                label, str(sentences), str(words_ or ""), str(tokens), f"{w.get('load_s', 0):.2f}",
                f"{engine:.2f}" if engine else "", f"{process:.2f}",
                f"{words_ / process:.1f}" if words_ and process else "",
                f"{tokens / engine:.1f}" if engine and tokens else "",
                f"{tokens / process:.1f}" if process and tokens else "", f"{result.get('peak_rss_mb') or 0:.0f}",
                f"{result.get('other_cores_busy') or 0:.2f}"))

        n = len(self.sentences)
        for system, result in self.data["systems"].items():
            w = result.get("worker", {})
            add(system, result, sentences=w.get("model_inputs") or w.get("outputs") or n)
        for name, result in self.data["commands"].items():
            if "worker" in result or name.startswith("brief translate"):
                add(f"[cmd] {name}", result, source_words=words(self.seed_sentences))
        for backend, lengths in self.data["lengths"].items():
            for factor, result in lengths.items():
                add(f"[len] brief {backend} {factor}", result, sentences=result.get("unique_sentences", ""))
        for name, result in self.data["summariser"].items():
            add(f"[sum] {name}", result, sentences=1)
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
                 for row in rows]
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(lines)

    def verdicts(self) -> dict[str, Any]:
        s, c, out = self.data["systems"], self.data["commands"], {}

        def tok_per_s(result: dict[str, Any], process: bool) -> float | None:
            w = result.get("worker", {})
            seconds = result.get("process_s") if process else w.get("translate_s", w.get("engine_s"))
            return w.get("target_tokens", 0) / seconds if seconds and w.get("target_tokens") else None

        if "brief-ct2" in s and "ct2-raw" in s:
            brief, raw = s["brief-ct2"], s["ct2-raw"]
            out["brief_ct2_vs_raw_ct2_words_per_s_process"] = _ratio(raw["process_s"], brief["process_s"])
            out["brief_ct2_vs_raw_ct2_tokens_per_s_engine"] = _ratio(tok_per_s(brief, False), tok_per_s(raw, False))
        for name in ("brief-ct2", "brief-ct2-bs64"):
            if name in s and "ct2-raw-brief-inputs" in s:
                # The same model inputs on both sides (brief's two passes): what is left is pipeline overhead.
                out[f"{name.replace('-', '_')}_vs_raw_ct2_same_inputs_process"] = _ratio(
                    s["ct2-raw-brief-inputs"]["process_s"], s[name]["process_s"])
            if name in s and "ct2-raw-workers-brief-inputs" in s:
                out[f"{name.replace('-', '_')}_vs_raw_ct2_workers_same_inputs_process"] = _ratio(
                    s["ct2-raw-workers-brief-inputs"]["process_s"], s[name]["process_s"])
            if name in s and "ct2-raw" in s:
                out[f"{name.replace('-', '_')}_vs_raw_ct2_tokens_per_s_process"] = _ratio(
                    tok_per_s(s[name], True), tok_per_s(s["ct2-raw"], True))
        if "brief-torch" in s and "naive-brief-inputs" in s:
            # The same model inputs on both sides (brief's two passes): the torch path against the naive loop.
            out["brief_torch_vs_naive_same_inputs_process"] = _ratio(s["naive-brief-inputs"]["process_s"],
                                                                     s["brief-torch"]["process_s"])
        if "brief-torch" in s and "naive" in s:
            out["brief_torch_vs_naive_tokens_per_s_process"] = _ratio(tok_per_s(s["brief-torch"], True),
                                                                      tok_per_s(s["naive"], True))
            out["brief_torch_vs_naive_words_per_s_process"] = _ratio(s["naive"]["process_s"],
                                                                     s["brief-torch"]["process_s"])
        for key, cmd in c.items():
            if not key.startswith("brief translate seed --backend "):
                continue
            backend, _, suffix = key.removeprefix("brief translate seed --backend ").partition(" ")
            naive = c.get(f"naive transformers script, seed article{' ' + suffix if suffix else ''}")
            label = backend + ("_cap_" + suffix.strip("[]").split()[-1] if suffix else "")
            if naive and cmd and cmd.get("process_s") and naive.get("process_s"):
                out[f"seed_article_command_{label}_speedup_vs_naive"] = _ratio(naive["process_s"], cmd["process_s"])
                out[f"seed_article_command_{label}_peak_rss_mb"] = cmd["peak_rss_mb"]
        for backend, rows in self.data["lengths"].items():
            if "1x" in rows and "16x" in rows:
                one, sixteen = rows["1x"], rows["16x"]
                out[f"length_{backend}_16x_over_1x_process"] = _ratio(sixteen["process_s"], one["process_s"])
                e1 = one["worker"].get("total_in_process_s", 0) - one["worker"].get("load_s", 0)
                e16 = sixteen["worker"].get("total_in_process_s", 0) - sixteen["worker"].get("load_s", 0)
                out[f"length_{backend}_16x_over_1x_after_load"] = _ratio(e16, e1)
        if "brief --help" in c:
            out["help_cold_start_median_s"] = c["brief --help"]["median_s"]
        self.data["verdicts"] = out
        return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def main(argv: list[str] | None = None) -> None:
    if str(REPO) not in sys.path[:1]:
        sys.path.insert(0, str(REPO))  # this checkout's translate_cli, not an installed copy
    args = parse_args(argv)
    if args.worker:
        WORKERS[args.worker](json.loads(args.spec.read_text(encoding="utf-8")))
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    print(f"brief benchmark → {bench.out}", file=sys.stderr)
    bench.prepare()
    bench.cold_start()
    bench.corpus_systems()
    bench.commands()
    bench.lengths()
    bench.summariser()
    verdicts = bench.verdicts()
    bench.data["table"] = bench.table()
    bench.save()
    print(bench.data["table"])
    print()
    for key, value in verdicts.items():
        print(f"{key}: {value}")
    print(f"\nJSON: {bench.out}")


if __name__ == "__main__":
    main()
