"""CTranslate2 conversions of transformers checkpoints, made once and kept in brief's cache.

Conversion (`ensure_converted`) runs once per model version, in a child process (it needs transformers and torch,
and its memory is given back when it ends), into ``models.cache_dir()/ct2/<key>``; the key is derived from the
model's files, so a changed checkpoint is converted again. A conversion is written to a temporary directory and
renamed into place: a crash or a concurrent run never leaves half a model behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..engine import Notify
from ..errors import EngineUnsupportedError, ModelError

# Files whose content decides what the converter writes (hashed: they are small).
_IDENTITY_FILES = (
    "config.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json",
    "source.spm", "target.spm", "merges.txt", "tokenizer.json",
)
# Weights: identified by name, size and mtime (hashing 300 MB-1.2 GB on every run would cost seconds).
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_MARKER = "brief-source.json"  # written last inside a finished conversion


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
    notify: Notify | None = None,
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
        try:
            if in_process:
                _convert(source_dir, staged, quantization)
            else:
                _convert_in_child(source_dir, staged, quantization)
        except EngineUnsupportedError as exc:  # name the checkpoint the user gave, not the staging view of it
            raise EngineUnsupportedError(str(exc).replace(str(source_dir), str(model_dir))) from exc
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
        raise EngineUnsupportedError(f"cannot convert {model_dir} for CTranslate2: {exc}".splitlines()[0]) from exc


def _convert_in_child(model_dir: Path, out_dir: Path, quantization: str) -> None:
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    code = "import sys; from translate_cli.backends.ct2_convert import _convert_main; _convert_main(sys.argv[1:])"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(model_dir), str(out_dir), quantization],
        env=env, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
        detail = next((line for line in reversed(lines) if line.startswith("brief-convert: ")), None)
        detail = detail[len("brief-convert: "):] if detail else (lines[-1] if lines else f"exit {proc.returncode}")
        raise EngineUnsupportedError(detail if detail.startswith("cannot convert") else
                         f"cannot convert {model_dir} for CTranslate2: {detail}")


def _convert_main(argv: list[str]) -> None:
    """Child-process entry point: convert, and report a failure as one line."""
    model_dir, out_dir, quantization = argv
    try:
        _convert(Path(model_dir), Path(out_dir), quantization)
    except ModelError as exc:
        print(f"brief-convert: {exc}", file=sys.stderr)
        sys.exit(3)
