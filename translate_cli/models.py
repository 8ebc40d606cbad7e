"""Which model files brief uses, where they come from, and proof that they are the pinned ones.

models.lock pins each model to a hub repo, a revision and per-file sizes and sha256 hashes. `resolve` turns a
spec (None, a lock name, a repo id or a local directory) into verified files in the standard Hugging Face cache.
Nothing heavy is imported here; huggingface_hub is imported inside the functions that talk to the hub.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from translate_cli import resources
from translate_cli.errors import ConfigError, ModelError, ModelNotFoundError, VerificationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

UNKNOWN = "unknown"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")  # in order of preference
# Loading these runs pickle: never accept one whose content nothing vouches for.
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
# What a repo that is not in the lock contributes besides its weights.
_SUPPORT_FILES = (
    "config.json", "generation_config.json", "tokenizer_config.json", "special_tokens_map.json",
    "added_tokens.json", "tokenizer.json", "vocab.json", "merges.txt", "source.spm", "target.spm",
    "spiece.model", "sentencepiece.bpe.model",
)
_COMMIT_RE = re.compile(r"[0-9a-f]{40}")
_SHORT_HEX_RE = re.compile(r"[0-9a-f]{7,39}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_REPO_RE = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_LOCK_HEADER = """\
# Models brief uses, pinned to a hub revision with each file's size and sha256.
# `brief models lock` refreshes revisions, sizes and hashes from huggingface.co (run it where the hub is
# reachable). A hash of "unknown" is checked against the hash the hub publishes when online; offline, an
# unpinned pickle (.bin) weights file is refused.
"""


# --------------------------------------------------------------------------------------------------- lock


@dataclass(frozen=True)
class LockedFile:
    name: str
    size: int | None
    sha256: str | None
    optional: bool = False


@dataclass(frozen=True)
class LockedModel:
    name: str
    role: str
    repo: str
    revision: str
    files: tuple[LockedFile, ...]


@dataclass(frozen=True)
class Lock:
    models: dict[str, LockedModel]
    defaults: dict[str, str] = field(default_factory=dict)


def lock_file_path() -> Path:
    """The lock in use: $BRIEF_LOCK, else the one shipped with brief."""
    env = os.environ.get("BRIEF_LOCK")
    return Path(env).expanduser() if env else resources.lock_path()


def read_lock(path: Path | None = None) -> Lock:
    path = Path(path) if path is not None else lock_file_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"models lock not found: {path} (set BRIEF_LOCK or reinstall brief)") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"models lock {path} cannot be read: {exc}") from None

    def bad(what: str) -> ConfigError:
        return ConfigError(f"models lock {path}: {what}")

    models: dict[str, LockedModel] = {}
    tables = data.get("models", {})
    if not isinstance(tables, dict):
        raise bad("[models] must be a table")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise bad(f"models.{name} must be a table")
        values = {key: table.get(key) for key in ("role", "repo", "revision")}
        for key, value in values.items():
            if not isinstance(value, str) or not value:
                raise bad(f"models.{name}.{key} must be a non-empty string")
        if not _REPO_RE.fullmatch(values["repo"]):
            raise bad(f"models.{name}.repo {values['repo']!r} is not an 'owner/name' repo id")
        revision = values["revision"]
        if _SHORT_HEX_RE.fullmatch(revision):
            raise bad(f"models.{name}.revision {revision!r} is an abbreviated commit: write all 40 hex digits "
                      "or a branch name")
        files = []
        for entry in table.get("files", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise bad(f"every models.{name}.files entry needs a name")
            size = entry.get("size", UNKNOWN)
            sha = entry.get("sha256", UNKNOWN)
            if not (size == UNKNOWN or (isinstance(size, int) and not isinstance(size, bool) and size >= 0)):
                raise bad(f"models.{name} {entry['name']}: size must be a byte count or \"unknown\"")
            if not isinstance(sha, str) or not (sha == UNKNOWN or _SHA256_RE.fullmatch(sha.lower())):
                raise bad(f"models.{name} {entry['name']}: sha256 must be 64 hex digits or \"unknown\"")
            optional = entry.get("optional", False)
            if not isinstance(optional, bool):
                raise bad(f"models.{name} {entry['name']}: optional must be true or false")
            files.append(LockedFile(entry["name"], None if size == UNKNOWN else size,
                                    None if sha == UNKNOWN else sha.lower(), optional))
        models[name] = LockedModel(name, values["role"], values["repo"], revision, tuple(files))
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        raise bad("[defaults] must map roles to model names")
    for role, name in defaults.items():
        if name not in models:
            raise bad(f"the default {role} {name!r} is not a model in the lock")
    return Lock(models, dict(defaults))


def _toml_key(key: str) -> str:
    return key if _BARE_KEY_RE.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def dumps_lock(lock: Lock) -> str:
    lines = [_LOCK_HEADER, "[defaults]"]
    lines += [f"{_toml_key(role)} = {_toml_str(name)}" for role, name in lock.defaults.items()]
    for model in lock.models.values():
        key = f"models.{_toml_key(model.name)}"
        lines += ["", f"[{key}]", f"role = {_toml_str(model.role)}", f"repo = {_toml_str(model.repo)}",
                  f"revision = {_toml_str(model.revision)}"]
        for file in model.files:
            lines += ["", f"[[{key}.files]]", f"name = {_toml_str(file.name)}",
                      f"size = {file.size if file.size is not None else _toml_str(UNKNOWN)}",
                      f"sha256 = {_toml_str(file.sha256 or UNKNOWN)}"]
            if file.optional:
                lines.append("optional = true")
    return "\n".join(lines) + "\n"


def write_lock(lock: Lock, path: Path) -> None:
    _atomic_write(Path(path), dumps_lock(lock))


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------ hashes and memory


def cache_dir() -> Path:
    """brief's own cache: $BRIEF_CACHE, else the platform's user cache dir."""
    env = os.environ.get("BRIEF_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("brief"))


def _memory_path() -> Path:
    return cache_dir() / "verified.json"


def _load_memory() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(_memory_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {"files": data.get("files") or {}, "published": data.get("published") or {}}


def _save_memory(memory: dict[str, dict[str, Any]]) -> None:
    with contextlib.suppress(OSError):  # the memory only saves work; a read-only cache must not stop a run
        _atomic_write(_memory_path(), json.dumps(memory, indent=1, sort_keys=True))


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
    memory = _load_memory()
    entry = memory["files"].get(real)
    if (not rehash and isinstance(entry, dict) and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns and isinstance(entry.get("sha256"), str)):
        return entry["sha256"]
    digest = _hash_file(Path(real))
    memory["files"][real] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
    _save_memory(memory)
    return digest


def git_blob_sha1(path: Path) -> str:
    """The git object id of a file: what the hub publishes for files not stored in LFS."""
    digest = hashlib.sha1(b"blob %d\0" % os.path.getsize(path))
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------- hub


@dataclass(frozen=True)
class _PubFile:
    """What the hub publishes about one file at one commit."""

    size: int | None
    sha256: str | None  # LFS files only
    git_sha1: str | None  # plain git blobs only


class _Hub:
    """Every call brief makes to huggingface_hub, in one place so that tests can substitute them."""

    def download(self, repo: str, filename: str, revision: str, *, local_only: bool) -> Path:
        import huggingface_hub

        return Path(huggingface_hub.hf_hub_download(repo, filename, revision=revision,
                                                    local_files_only=local_only))

    def published(self, repo: str, revision: str) -> tuple[str, dict[str, _PubFile]]:
        """(commit sha, files) the hub publishes at `revision`."""
        from huggingface_hub import HfApi

        info = HfApi().model_info(repo, revision=revision, files_metadata=True)
        if not info.sha:
            raise ModelError(f"the hub gave no commit for {repo}@{revision}")
        files = {}
        for sibling in info.siblings or []:
            lfs = sibling.lfs
            files[sibling.rfilename] = _PubFile(
                size=lfs.size if lfs else sibling.size,
                sha256=lfs.sha256.lower() if lfs else None,
                git_sha1=None if lfs else sibling.blob_id,
            )
        return info.sha, files


_hub = _Hub()


def _offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().upper() in {"1", "ON", "YES", "TRUE"}


def _no_download_reason(online: bool) -> str:
    if online:
        return "the hub cannot be reached"
    return "downloads are disabled (HF_HUB_OFFLINE is set)" if _offline() else "downloads are disabled"


def _dir_hint(role: str) -> str:
    return f", or pass --{role} DIR" if role in ("translator", "summarizer") else ""


def _short(revision: str) -> str:
    return revision[:7] if _COMMIT_RE.fullmatch(revision) else revision


def _not_found(exc: BaseException) -> bool:
    """True for 'this repo/revision/file does not exist', as opposed to 'cannot reach the hub'."""
    from huggingface_hub import errors

    not_found = (errors.EntryNotFoundError, errors.RepositoryNotFoundError, errors.RevisionNotFoundError)
    return isinstance(exc, not_found) and not isinstance(exc, errors.LocalEntryNotFoundError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _published_at(repo: str, commit: str) -> dict[str, _PubFile] | None:
    """Published file facts remembered from an earlier online run; a commit never changes, so they hold."""
    if not _COMMIT_RE.fullmatch(commit):
        return None
    files = _load_memory()["published"].get(f"{repo}@{commit}")
    if not isinstance(files, dict):
        return None
    return {name: _PubFile(f.get("size"), f.get("sha256"), f.get("git_sha1")) for name, f in files.items()}


def _remember_published(repo: str, commit: str, files: dict[str, _PubFile]) -> None:
    memory = _load_memory()
    memory["published"][f"{repo}@{commit}"] = {
        name: {"size": f.size, "sha256": f.sha256, "git_sha1": f.git_sha1} for name, f in files.items()
    }
    _save_memory(memory)


def _fetch_published(repo: str, revision: str) -> tuple[str, dict[str, _PubFile]]:
    commit, files = _hub.published(repo, revision)
    _remember_published(repo, commit, files)
    return commit, files


# --------------------------------------------------------------------------------------------- resolve


@dataclass(frozen=True)
class ResolvedModel:
    name: str | None
    role: str
    repo: str | None
    revision: str | None
    path: Path
    weights: Path | None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "repo": self.repo, "revision": self.revision, "path": str(self.path)}


@dataclass(frozen=True)
class FileReport:
    name: str
    status: str  # "ok" | "mismatch" | "missing" | "unverified"
    detail: str


@dataclass(frozen=True)
class _Plan:
    """A hub model to fetch: a lock entry, or a repo outside the lock with the files it offers."""

    name: str | None
    role: str
    repo: str
    revision: str
    files: tuple[LockedFile, ...]

    @property
    def label(self) -> str:
        who = f"'{self.name}' " if self.name else ""
        return f"{self.role} {who}({self.repo}@{_short(self.revision)})"

    @property
    def handle(self) -> str:
        return self.name or self.repo


def wanted_files(model: LockedModel) -> tuple[LockedFile, ...]:
    """The files brief fetches for a lock entry: all of them, but only the preferred weights file."""
    names = {f.name for f in model.files}
    weights = next((w for w in WEIGHT_FILES if w in names), None)
    return tuple(f for f in model.files if f.name not in WEIGHT_FILES or f.name == weights)


def _local_weights(directory: Path) -> Path | None:
    return next((directory / w for w in WEIGHT_FILES if (directory / w).is_file()), None)


def _pick_repo_files(names: list[str] | set[str]) -> tuple[LockedFile, ...]:
    weights = next((w for w in WEIGHT_FILES if w in names), None)
    if weights is None:
        raise ModelNotFoundError(f"no {' or '.join(WEIGHT_FILES)} in the repo (sharded checkpoints are not "
                                 "supported: download it and pass the directory)")
    return tuple(LockedFile(n, None, None) for n in (*_SUPPORT_FILES, weights) if n in names)


def _repo_plan(repo: str, role: str, online: bool) -> _Plan:
    """A repo outside the lock, at its current main: the file list comes from the hub, else from the cache."""
    reason = _no_download_reason(False)
    if online:
        try:
            published = _fetch_published(repo, "main")[1]
        except Exception as exc:
            if _not_found(exc):
                raise ModelNotFoundError(f"{role} {repo} is not on the hub: {_first_line(exc)}") from None
            reason = _no_download_reason(True)
        else:
            # Fetched at "main", not at the commit, so that the cache records main for offline runs.
            return _Plan(None, role, repo, "main", _pick_repo_files(set(published)))
    try:
        config = _hub.download(repo, "config.json", "main", local_only=True)
    except Exception:
        raise ModelNotFoundError(
            f"{role} {repo} is not in the cache and {reason}: run 'brief models pull {repo}' where "
            f"huggingface.co is reachable{_dir_hint(role)}") from None
    snapshot = config.parent
    return _Plan(None, role, repo, _commit_of({"config.json": config}, "main"),
                 _pick_repo_files([p.name for p in snapshot.iterdir()]))


def _plan(spec: str | None, role: str | None, lock: Lock, *, online: bool) -> _Plan | Path:
    """What `spec` names: a local directory (returned as a Path) or a hub model to fetch."""
    if spec is None:
        if role is None or role not in lock.defaults:
            raise ConfigError(f"models lock names no default {role or 'model'}")
        spec = lock.defaults[role]
    local = Path(spec).expanduser()
    if local.is_dir():
        return local
    entry = lock.models.get(spec)
    if entry is None and _REPO_RE.fullmatch(spec):
        same_repo = [m for m in lock.models.values() if m.repo == spec]
        entry = next((m for m in same_repo if m.role == role), same_repo[0] if same_repo else None)
        if entry is None:
            return _repo_plan(spec, role or "model", online)
    if entry is None:
        names = ", ".join(lock.models) or "none"
        raise ModelNotFoundError(f"unknown {role or 'model'} {spec!r}: not a directory, a repo id (owner/name) "
                                 f"or a model in the lock ({names})")
    if role is not None and entry.role != role:
        raise ConfigError(f"{entry.name!r} is a {entry.role}, not a {role}")
    return _Plan(entry.name, entry.role, entry.repo, entry.revision, wanted_files(entry))


def _commit_of(paths: dict[str, Path], revision: str) -> str:
    if _COMMIT_RE.fullmatch(revision):
        return revision
    for path in paths.values():
        parts = path.parts
        if "snapshots" in parts:
            index = len(parts) - 1 - parts[::-1].index("snapshots")
            if index + 1 < len(parts) and _COMMIT_RE.fullmatch(parts[index + 1]):
                return parts[index + 1]
    return revision


def _fetch(plan: _Plan, *, local_only: bool) -> tuple[dict[str, Path], list[FileReport]]:
    """Download (or find in the cache) every file of the plan; missing required files are reported."""
    from huggingface_hub import errors

    paths: dict[str, Path] = {}
    missing: list[FileReport] = []
    for file in plan.files:
        try:
            paths[file.name] = _hub.download(plan.repo, file.name, plan.revision, local_only=local_only)
        except Exception as exc:
            if file.optional and isinstance(exc, errors.EntryNotFoundError):
                continue  # an optional file the repo lacks, or (offline) that was never fetched
            if isinstance(exc, errors.LocalEntryNotFoundError):
                missing.append(FileReport(file.name, "missing", "not in the cache"))
                local_only = True  # one miss means the hub is out of reach: don't wait on it again
            elif _not_found(exc):
                missing.append(FileReport(file.name, "missing", f"not on the hub: {_first_line(exc)}"))
            else:
                raise ModelError(f"cannot fetch {file.name} of {plan.label}: {_first_line(exc)}") from None
    return paths, missing


def _check(path: Path, file: LockedFile, published: _PubFile | None, *, rehash: bool = False) -> FileReport:
    size = path.stat().st_size
    want_size = file.size if file.size is not None else (published.size if published else None)
    if want_size is not None and size != want_size:
        return FileReport(file.name, "mismatch", f"size {size} bytes, expected {want_size}")
    if file.sha256 or (published and published.sha256):
        want, source = (file.sha256, "pinned") if file.sha256 else (published.sha256, "published")
        got = sha256_file(path, rehash=rehash)
        if got == want:
            return FileReport(file.name, "ok", f"sha256 {got[:12]} ({source})")
        return FileReport(file.name, "mismatch", f"sha256 {got[:12]}…, {source} {want[:12]}…")
    if published and published.git_sha1:
        got = git_blob_sha1(path)
        if got == published.git_sha1:
            return FileReport(file.name, "ok", f"git blob {got[:12]} (published)")
        return FileReport(file.name, "mismatch", f"git blob {got[:12]}…, published {published.git_sha1[:12]}…")
    return FileReport(file.name, "unverified", "no pinned hash, and the hub's published hash is unavailable")


def _check_all(plan: _Plan, paths: dict[str, Path], *, online: bool, rehash: bool = False) -> list[FileReport]:
    commit = _commit_of(paths, plan.revision)
    published: dict[str, _PubFile] | None = None
    if any(f.sha256 is None for f in plan.files if f.name in paths):
        published = _published_at(plan.repo, commit)
        if published is None and online:
            try:
                published = _fetch_published(plan.repo, commit)[1]
            except Exception:
                published = None  # unreachable: files left unverified are judged below
    return [_check(paths[f.name], f, (published or {}).get(f.name), rehash=rehash)
            for f in plan.files if f.name in paths]


def resolve(spec: str | None, role: str, *, allow_download: bool = True, lock: Lock | None = None) -> ResolvedModel:
    """The verified files of a `role` ("translator", "summarizer") model.

    `spec` is None (the lock's default for `role`), a local directory (used as given, unchecked), a lock name,
    or a repo id (its lock entry if it has one, else the repo's main checked against the hub's hashes).
    Hub files are fetched into the Hugging Face cache unless `allow_download` is False or HF_HUB_OFFLINE is
    set. Raises ModelNotFoundError, VerificationError or ConfigError, each with one line saying what to do.
    """
    return _resolve(spec, role, allow_download=allow_download, lock=lock)


def _resolve(spec: str | None, role: str | None, *, allow_download: bool, lock: Lock | None,
             refresh: bool = False) -> ResolvedModel:
    online = allow_download and not _offline()
    plan = _plan(spec, role, lock if lock is not None else read_lock(), online=online)
    if isinstance(plan, Path):
        return ResolvedModel(None, role or "model", None, None, plan, _local_weights(plan))
    paths, missing = _fetch(plan, local_only=True)
    if online and (missing or refresh):
        # Ask the hub first: an unreachable hub fails this call at once, where each download would retry
        # for ~20 s. The answer is needed anyway to check files the lock has no hash for.
        try:
            _fetch_published(plan.repo, plan.revision)
        except ModelError:
            raise
        except Exception as exc:
            if _not_found(exc):
                raise ModelNotFoundError(f"{plan.label} is not on the hub: {_first_line(exc)}") from None
        else:
            paths, missing = _fetch(plan, local_only=False)
    if missing:
        reason = _no_download_reason(online)
        if all(m.detail == "not in the cache" for m in missing):
            raise ModelNotFoundError(
                f"{plan.label} is not in the cache and {reason}: run 'brief models pull {plan.handle}' where "
                f"huggingface.co is reachable{_dir_hint(plan.role)}")
        raise ModelNotFoundError(f"{plan.label}: {missing[0].name} {missing[0].detail}")
    unverified = []
    for report in _check_all(plan, paths, online=online):
        if report.status == "mismatch":
            raise VerificationError(
                f"{report.name} of {plan.label} does not match: {report.detail}; delete "
                f"{os.path.realpath(paths[report.name])} and run 'brief models pull {plan.handle}'")
        if report.status == "unverified":
            if report.name.endswith(_PICKLE_SUFFIXES):
                raise VerificationError(
                    f"{report.name} of {plan.label} has no pinned hash and the hub cannot be reached to check it, "
                    f"so it will not be unpickled: run 'brief models lock' where huggingface.co is reachable"
                    f"{_dir_hint(plan.role)}")
            unverified.append(report.name)
    warnings = ()
    if unverified:
        warnings = (f"{plan.label}: {', '.join(unverified)} not verified (no pinned hash, hub unreachable); "
                    "run 'brief models lock' where huggingface.co is reachable",)
    first = next(iter(paths.items()))
    snapshot = first[1].parents[len(Path(first[0]).parts) - 1]
    weights = next((paths[w] for w in WEIGHT_FILES if w in paths), None)
    return ResolvedModel(plan.name, plan.role, plan.repo, _commit_of(paths, plan.revision), snapshot, weights,
                         warnings)


# ------------------------------------------------------------------------------------ pull/verify/lock


def pull(name_or_repo: str, *, lock: Lock | None = None) -> ResolvedModel:
    """Download and verify a model (a lock name or a repo id) into the cache."""
    return _resolve(name_or_repo, None, allow_download=True, lock=lock, refresh=True)


def is_cached(model: LockedModel) -> bool:
    """Whether every required file of a lock entry is in the cache (nothing is downloaded or hashed)."""
    plan = _Plan(model.name, model.role, model.repo, model.revision, wanted_files(model))
    return not _fetch(plan, local_only=True)[1]


def verify(name: str, *, lock: Lock | None = None, rehash: bool = False) -> list[FileReport]:
    """Check the cached files of a model against the lock (or the hub's hashes); downloads nothing."""
    plan = _plan(name, None, lock if lock is not None else read_lock(), online=not _offline())
    if isinstance(plan, Path):
        raise ConfigError(f"{name} is a local directory: there is nothing to verify it against")
    paths, missing = _fetch(plan, local_only=True)
    reports = {r.name: r for r in (*missing, *_check_all(plan, paths, online=not _offline(), rehash=rehash))}
    return [reports[f.name] for f in plan.files if f.name in reports]


def relock(lock: Lock, names: list[str] | tuple[str, ...] | None = None) -> Lock:
    """The lock with each model (or `names`) pinned to a commit, with the sizes and sha256 hashes the hub
    publishes there. Small files the hub hashes only with git are downloaded and hashed here."""
    if _offline():
        raise ModelError("HF_HUB_OFFLINE is set: unset it and run 'brief models lock' where huggingface.co is "
                         "reachable")
    unknown = [n for n in names or () if n not in lock.models]
    if unknown:
        raise ConfigError(f"not in the lock: {', '.join(unknown)}")
    models = dict(lock.models)
    for name in names or list(lock.models):
        model = lock.models[name]
        label = f"'{name}' ({model.repo}@{_short(model.revision)})"
        try:
            commit, published = _fetch_published(model.repo, model.revision)
        except ModelError:
            raise
        except Exception as exc:
            if _not_found(exc):
                raise ModelNotFoundError(f"{label} is not on the hub: {_first_line(exc)}") from None
            raise ModelError(f"cannot read the published hashes of {label} from the hub ({_first_line(exc)}): "
                             "run 'brief models lock' where huggingface.co is reachable") from None
        files = []
        for file in model.files:
            pub = published.get(file.name)
            if pub is None:
                if file.optional:
                    continue  # absent at this commit, and a commit never changes
                raise ModelNotFoundError(f"{label}: {file.name} is not in the repo at {commit[:7]}")
            sha256 = pub.sha256
            if sha256 is None:  # a plain git blob: fetch it, check its blob id, hash it
                try:
                    path = _hub.download(model.repo, file.name, commit, local_only=False)
                except Exception as exc:
                    raise ModelError(f"cannot fetch {file.name} of {label} to hash it ({_first_line(exc)}): run "
                                     "'brief models lock' where huggingface.co is reachable") from None
                if pub.git_sha1 and git_blob_sha1(path) != pub.git_sha1:
                    raise VerificationError(f"{file.name} of {label} does not match its published git blob id")
                sha256 = sha256_file(path)
            if file.sha256 and file.sha256 != sha256 and model.revision == commit:
                raise VerificationError(
                    f"{file.name} of {label}: the lock pins sha256 {file.sha256[:12]}… but the hub publishes "
                    f"{sha256[:12]}… for the same commit; set it to \"unknown\" to accept the hub's")
            files.append(LockedFile(file.name, pub.size, sha256, file.optional))
        models[name] = replace(model, revision=commit, files=tuple(files))
    return Lock(models, dict(lock.defaults))
