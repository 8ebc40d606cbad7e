"""brief's own cache: where it is, and the hashes it remembers so that an unchanged file is hashed once."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def cache_dir() -> Path:
    """brief's own cache: $BRIEF_CACHE, else the platform's user cache dir."""
    env = os.environ.get("BRIEF_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("brief"))


def _memory_path() -> Path:
    return cache_dir() / "verified.json"


def load_memory() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(_memory_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {"files": data.get("files") or {}, "published": data.get("published") or {}}


def save_memory(memory: dict[str, dict[str, Any]]) -> None:
    with contextlib.suppress(OSError):  # the memory only saves work; a read-only cache must not stop a run
        atomic_write(_memory_path(), json.dumps(memory, indent=1, sort_keys=True))


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: Path, *, rehash: bool = False) -> str:
    """sha256 of a file, remembered by (real path, size, mtime) so unchanged files are hashed once."""
    real = os.path.realpath(path)
    stat = os.stat(real)
    memory = load_memory()
    entry = memory["files"].get(real)
    if (not rehash and isinstance(entry, dict) and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns and isinstance(entry.get("sha256"), str)):
        return entry["sha256"]
    digest = _hash_file(Path(real))
    memory["files"][real] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
    save_memory(memory)
    return digest


def git_blob_sha1(path: Path) -> str:
    """The git object id of a file: what the hub publishes for files not stored in LFS."""
    digest = hashlib.sha1(b"blob %d\0" % os.path.getsize(path))
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()

