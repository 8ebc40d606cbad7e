"""Marian (opus-mt) through CTranslate2: the transformers checkpoint converted once into brief's cache.

Translating from an already converted model imports neither torch nor transformers: tokenisation is SentencePiece
(source.spm / target.spm) used exactly as MarianTokenizer uses it, and generation is ctranslate2.Translator.
Conversion (`ensure_converted`) runs once per model version, in a child process (it needs transformers and torch,
and its memory is given back when it ends), into ``models.cache_dir()/ct2/<key>``; the key is derived from the
model's files, so a changed checkpoint is converted again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ModelError
from . import LengthCap, RetryDecoding, plan_jobs, worker_layout
from .torch_marian import _MAX_SPLIT_TOKENS

# Files whose content decides what the converter writes (hashed: they are small).
_IDENTITY_FILES = (
    "config.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json",
    "source.spm", "target.spm", "merges.txt", "tokenizer.json",
)
# Weights: identified by name, size and mtime (hashing 300 MB-1.2 GB on every run would cost seconds).
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_MARKER = "brief-source.json"  # written last inside a finished conversion
_SPECIAL_PIECES = frozenset(("</s>", "<unk>", "<pad>"))
_SPIECE_UNDERLINE = "\u2581"


# ------------------------------------------------------------------------------------------- conversion


def weights_file(model_dir: str | Path, weights: str | Path | None = None) -> Path:
    """The weights file a conversion reads: `weights` when given (the verified one), else the one transformers
    would pick."""
    model_dir = Path(model_dir)
    if weights is not None:
        return Path(weights)
    found = next((model_dir / name for name in _WEIGHT_FILES if (model_dir / name).is_file()), None)
    if found is None:
        raise ModelError(f"no {' or '.join(_WEIGHT_FILES)} in {model_dir}: cannot convert it for CTranslate2")
    return found


def model_key(model_dir: str | Path, *, quantization: str, weights: str | Path | None = None) -> str:
    """Identity of a converted model: quantization, CTranslate2 major version, support files' content and the
    weights file's name/size/mtime. Any change gives a new key, hence a new conversion."""
    import ctranslate2

    model_dir = Path(model_dir)
    digest = hashlib.sha256()
    digest.update(f"brief-ct2/1 ctranslate2-{ctranslate2.__version__.split('.')[0]} {quantization}\n".encode())
    for name in _IDENTITY_FILES:
        path = model_dir / name
        if path.is_file():
            digest.update(f"{name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    chosen = weights_file(model_dir, weights)
    stat = os.stat(os.path.realpath(chosen))
    digest.update(f"{chosen.name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def converted_dir(model_dir: str | Path, *, quantization: str = "int8", weights: str | Path | None = None) -> Path:
    """Where `ensure_converted` puts (or has put) the conversion of `model_dir`."""
    from ..models import cache_dir

    model_dir = Path(model_dir)
    resolved = model_dir.resolve()
    # A Hugging Face snapshot (…/models--org--name/snapshots/<commit>) is named after its repo.
    name = resolved.parents[1].name if resolved.parent.name == "snapshots" else resolved.name
    label = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:48] or "model"
    key = model_key(model_dir, quantization=quantization, weights=weights)
    return cache_dir() / "ct2" / f"{label}-{quantization}-{key}"


def is_converted(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / _MARKER).is_file()


def ensure_converted(
    model_dir: str | Path,
    *,
    quantization: str = "int8",
    weights: str | Path | None = None,
    notify: Callable[[str], None] | None = None,
    in_process: bool = False,
) -> Path:
    """The CTranslate2 conversion of a transformers checkpoint directory, made once and reused.

    `weights` names the weights file to convert (the verified one; default: the one transformers picks), so a
    neighbour that appeared later is never read. Converts into a temporary directory next to the final one and
    renames it into place, so a crash or a concurrent run never leaves a half-written model behind. Other
    conversions of the same source directory (an older version of the model) are removed. `in_process` converts
    in this process instead of a child process.
    """
    model_dir = Path(model_dir)
    target = converted_dir(model_dir, quantization=quantization, weights=weights)
    if is_converted(target):
        return target
    if notify:
        notify(f"converting {model_dir} for CTranslate2 ({quantization}, one time) into {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        staged = work / "model"
        source_dir = _checkpoint_view(model_dir, weights_file(model_dir, weights), work / "checkpoint")
        if in_process:
            _convert(source_dir, staged, quantization)
        else:
            _convert_in_child(source_dir, staged, quantization)
        source = {"source": str(model_dir.resolve()), "quantization": quantization}
        (staged / _MARKER).write_text(json.dumps(source) + "\n", encoding="utf-8")
        if target.exists() and not is_converted(target):
            shutil.rmtree(target, ignore_errors=True)  # debris that is not a finished conversion
        try:
            os.rename(staged, target)
        except OSError:
            if not is_converted(target):  # not a concurrent winner: a real failure
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _remove_stale(target, str(model_dir.resolve()), quantization)
    return target


def _checkpoint_view(model_dir: Path, weights: Path, view: Path) -> Path:
    """A directory of links to the checkpoint's support files and to `weights` alone: what the converter loads."""
    view.mkdir()
    for entry in model_dir.iterdir():
        if entry.name in _WEIGHT_FILES or entry.name.endswith((".safetensors", ".bin", ".h5", ".msgpack")):
            continue
        if entry.is_file():
            os.symlink(os.path.realpath(entry), view / entry.name)
    os.symlink(os.path.realpath(weights), view / weights.name)
    return view


def _remove_stale(current: Path, source: str, quantization: str) -> None:
    """Drop earlier conversions of the same source directory (the model changed since)."""
    for other in current.parent.iterdir():
        if other == current or other.name.startswith(".") or not other.is_dir():
            continue
        try:
            recorded = json.loads((other / _MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if recorded.get("source") == source and recorded.get("quantization") == quantization:
            shutil.rmtree(other, ignore_errors=True)


def _convert(model_dir: Path, out_dir: Path, quantization: str) -> None:
    import ctranslate2

    try:
        converter = ctranslate2.converters.TransformersConverter(str(model_dir), low_cpu_mem_usage=True)
        converter.convert(str(out_dir), quantization=quantization, force=True)
    except Exception as exc:  # noqa: BLE001 - the converter raises anything from ValueError to OSError
        raise ModelError(f"cannot convert {model_dir} for CTranslate2: {exc}".splitlines()[0]) from exc


def _convert_in_child(model_dir: Path, out_dir: Path, quantization: str) -> None:
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    code = "import sys; from translate_cli.backends.ct2_marian import _convert_main; _convert_main(sys.argv[1:])"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(model_dir), str(out_dir), quantization],
        env=env, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
        detail = next((line for line in reversed(lines) if line.startswith("brief-convert: ")), None)
        detail = detail[len("brief-convert: "):] if detail else (lines[-1] if lines else f"exit {proc.returncode}")
        raise ModelError(detail if detail.startswith("cannot convert") else
                         f"cannot convert {model_dir} for CTranslate2: {detail}")


def _convert_main(argv: list[str]) -> None:
    """Child-process entry point: convert, and report a failure as one line."""
    model_dir, out_dir, quantization = argv
    try:
        _convert(Path(model_dir), Path(out_dir), quantization)
    except ModelError as exc:
        print(f"brief-convert: {exc}", file=sys.stderr)
        sys.exit(3)


# -------------------------------------------------------------------------------------- device, threads


def pick_device(device: str) -> tuple[str, int]:
    """("cpu" | "cuda", device index) for an Options.device value, without importing torch."""
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return ("cuda", 0) if gpus > 0 else ("cpu", 0)
    if device.startswith("cuda"):
        index = int(device.partition(":")[2] or 0)
        if index >= gpus:
            raise ModelError(f"--device {device}: no such CUDA device for CTranslate2 (use --device cpu)")
        return "cuda", index
    return "cpu", 0


def default_compute_type(device: str, device_index: int = 0) -> str:
    """int8 on CPU; int8 weights with float16 activations on GPU (falling back to what the device supports)."""
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(device, device_index)
    preferred = ("int8_float16", "int8_bfloat16", "float16", "int8") if device == "cuda" else ("int8", "int8_float32")
    return next((kind for kind in preferred if kind in supported), "default")


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from None
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Engine:
    """A loaded ctranslate2.Translator and the settings it was loaded with."""

    translator: Any
    model_path: Path
    device: str
    device_index: int
    compute_type: str
    workers: int  # jobs run in parallel (CTranslate2 inter_threads)
    threads_per_worker: int  # CTranslate2 intra_threads


def open_engine(
    model_dir: Path,
    *,
    device: str,
    precision: str,
    quantization: str,
    compute_type: str | None,
    weights: str | Path | None,
    threads: int | None,
    workers: int | None,
    notify: Callable[[str], None] | None,
) -> Engine:
    """Convert `model_dir` once (see ensure_converted) and load it on `device`: int8 on CPU, int8 weights with
    half-precision activations on GPU; precision "float32" uses a float32 conversion run in float32 (the
    reference, not the fast path)."""
    import ctranslate2

    chosen_device, device_index = pick_device(device)
    if precision == "float32":
        quantization, compute_type = "float32", compute_type or "float32"
    compute_type = compute_type or default_compute_type(chosen_device, device_index)
    workers, per_worker = worker_layout(chosen_device, threads, workers)
    path = ensure_converted(model_dir, quantization=quantization, weights=weights, notify=notify)
    try:
        translator = ctranslate2.Translator(
            str(path), device=chosen_device, device_index=device_index, compute_type=compute_type,
            intra_threads=per_worker, inter_threads=workers,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"cannot load the CTranslate2 model {path}: {exc}".splitlines()[0]) from exc
    return Engine(translator, path, chosen_device, device_index, compute_type, workers, per_worker)


def run_jobs(
    translator: Any,
    batch: Sequence[Sequence[str]],
    jobs: Sequence[Sequence[int]],
    limits: Sequence[int],
    prefixes: Sequence[Sequence[str]] | None = None,
    **settings: Any,
) -> list[Any]:
    """Every job submitted before any is awaited (each one engine batch with its own max_decoding_length), so
    the workers never wait for Python; results in `batch` order."""
    pending = []
    for job, limit in zip(jobs, limits):
        pending.append(translator.translate_batch(
            [list(batch[i]) for i in job],
            target_prefix=[list(prefixes[i]) for i in job] if prefixes is not None else None,
            max_batch_size=0,  # the job is the batch
            max_decoding_length=limit,
            asynchronous=True,
            **settings,
        ))
    results: list[Any] = [None] * len(batch)
    for job, futures in zip(jobs, pending):
        for i, future in zip(job, futures):
            results[i] = future.result()
    return results


def _notify_terminal(message: str) -> None:
    if sys.stderr is not None and sys.stderr.isatty():
        print(f"brief: {message}", file=sys.stderr, flush=True)


def decoding_steps(hypothesis: Sequence[str], limit: int) -> int:
    """Tokens a hypothesis cost: its own, plus the </s> CTranslate2 leaves out when it stopped before `limit`
    (transformers counts that </s> among its generated tokens too)."""
    return len(hypothesis) + (1 if len(hypothesis) < limit else 0)


# ------------------------------------------------------------------------------------------- translator


class CT2MarianTranslator(RetryDecoding):
    """The Translator protocol over a CTranslate2 conversion of a MarianMT checkpoint directory."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "auto",
        beams: int | None = None,
        max_new_tokens: int | str | LengthCap | None = None,
        compute_type: str | None = None,
        quantization: str = "int8",
        weights: str | Path | None = None,
        precision: str = "auto",
        threads: int | None = None,
        workers: int | None = None,
        max_batch_tokens: int = 2048,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        import sentencepiece

        model_dir = Path(model_dir)
        self.name = f"ctranslate2:{model_dir.name}"
        missing = [name for name in ("config.json", "source.spm", "target.spm") if not (model_dir / name).is_file()]
        if missing:
            raise ModelError(f"cannot load a Marian translator from {model_dir}: no {', '.join(missing)}")
        config = read_json(model_dir / "config.json")
        if read_json(model_dir / "tokenizer_config.json").get("separate_vocabs"):
            raise ModelError(f"{model_dir}: Marian models with separate vocabularies are not supported by the "
                             "ctranslate2 backend (use --backend torch)")
        generation = read_json(model_dir / "generation_config.json")
        self.max_positions = int(config.get("max_position_embeddings") or 512)
        self.max_input_tokens = min(_MAX_SPLIT_TOKENS, self.max_positions - 2)
        self.beams = beams or int(generation.get("num_beams") or config.get("num_beams") or 1)
        self.length_cap = LengthCap.parse(max_new_tokens)
        # The model's own length limit (generation max_length counts the start token) bounds any computed cap.
        self.max_length = int(generation.get("max_length") or self.max_positions) - 1
        self.forced_eos = generation.get("forced_eos_token_id", config.get("forced_eos_token_id")) is not None
        self.max_batch_tokens = max_batch_tokens
        self.engine = open_engine(
            model_dir, device=device, precision=precision, quantization=quantization, compute_type=compute_type,
            weights=weights, threads=threads, workers=workers, notify=notify,
        )
        self.translator = self.engine.translator  # ctranslate2.Translator
        self._source = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self._target = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
        self.generated_tokens = 0  # target tokens generated so far (what benchmarks count)
        # When the user sets no batch size, a whole pass comes here in one call and is cut into jobs for the
        # engine's workers (plan_jobs: sorted by length, max_batch_tokens padded tokens each, a multiple of the
        # workers). Measured on the stand-ins (benchmarks/README.md): 16 sentences per call ran at 0.72x raw
        # CTranslate2, 64 at 0.94x, a whole pass at 0.97-1.09x; 2048 tokens a batch as fast as 4096 with half the
        # memory.
        self.preferred_batch_size = 256
        self.preferred_batch_tokens = 1 << 20

    @classmethod
    def from_checkpoint(cls, model_dir: str | Path, **settings: Any) -> CT2MarianTranslator:
        """Load from a transformers checkpoint directory, converting it first if needed (one time; a line on
        stderr says so when stderr is a terminal)."""
        settings.setdefault("notify", _notify_terminal)
        return cls(model_dir, **settings)

    # MarianTokenizer: an optional leading ">>xx<<" language code kept whole, SentencePiece pieces, then "</s>".
    def encode(self, texts: Sequence[str]) -> list[list[str]]:
        """Source tokens as MarianTokenizer produces them (pieces outside the vocabulary become <unk> in the
        model, as in MarianTokenizer)."""
        codes: list[list[str]] = []
        bodies: list[str] = []
        for text in texts:
            if text.startswith(">>") and (end := text.find("<<")) != -1:
                codes.append([text[: end + 2]])
                bodies.append(text[end + 2:])
            else:
                codes.append([])
                bodies.append(text)
        pieces = self._source.encode(bodies, out_type=str)
        return [code + body + ["</s>"] for code, body in zip(codes, pieces)]

    def decode(self, tokens: Sequence[str]) -> str:
        """Target tokens to text, as MarianTokenizer.decode(..., skip_special_tokens=True) with the target spm."""
        pieces = [token for token in tokens if token not in _SPECIAL_PIECES]
        return self._target.decode_pieces(pieces).replace(_SPIECE_UNDERLINE, " ").strip()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(tokens) for tokens in self.encode(texts)]

    def cap(self, batch: Sequence[Sequence[str]]) -> int:
        """New tokens allowed (the end-of-sentence included), by the torch backend's rule: the length cap
        (--max-new-tokens; default 2 × source + 16) of the longest source, within the model's max_length and
        position table."""
        longest = max((len(tokens) for tokens in batch), default=1)
        return min(self.max_length, self.max_positions - 1, self.length_cap(longest))

    def max_decoding_length(self, batch: Sequence[Sequence[str]]) -> int:
        """CTranslate2's limit for `cap` new tokens. transformers forces </s> as the last of them
        (forced_eos_token_id) while CTranslate2 would emit a word there: one step fewer gives the same text."""
        cap = self.cap(batch)
        return max(1, cap - 1) if self.forced_eos else cap

    def translate_batch(self, texts: Sequence[str], **decoding: Any) -> list[str]:
        """Translate; `decoding` takes the torch backend's overrides: beams, no_repeat_ngram_size,
        repetition_penalty. The texts become engine jobs (plan_jobs), each decoded to its longest source's cap;
        each output is then cut to its own source's cap."""
        unknown = set(decoding) - {"beams", "no_repeat_ngram_size", "repetition_penalty"}
        if unknown:
            raise TypeError(f"unsupported decoding settings for CTranslate2: {', '.join(sorted(unknown))}")
        if not texts:
            return []
        batch = self.encode(texts)
        jobs = plan_jobs([len(tokens) for tokens in batch], self.engine.workers, self.max_batch_tokens)
        results = run_jobs(
            self.translator,
            batch,
            jobs,
            [self.max_decoding_length([batch[i] for i in job]) for job in jobs],
            beam_size=int(decoding.get("beams") or self.beams),
            no_repeat_ngram_size=int(decoding.get("no_repeat_ngram_size") or 0),
            repetition_penalty=float(decoding.get("repetition_penalty") or 1.0),
            max_input_length=self.max_positions,
            return_scores=False,
        )
        outputs = []
        for tokens, result in zip(batch, results):
            own = self.max_decoding_length([tokens])
            hypothesis = result.hypotheses[0][:own]
            self.generated_tokens += decoding_steps(hypothesis, own)
            outputs.append(self.decode(hypothesis))
        return outputs
