"""Resolving a model spec to verified files: a local directory as given, or hub files fetched into the Hugging Face
cache at the pinned revision and checked against the lock's sizes and sha256 (or the hub's published hashes)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError, ModelError, ModelNotFoundError, VerificationError
from .cache import git_blob_sha1, sha256_file
from .hub import (
    PublishedFile,
    dir_hint,
    fetch_published,
    first_line,
    hub,
    no_download_reason,
    not_found,
    offline,
    published_at,
    reachable,
    short,
)
from .lock import COMMIT_RE, REPO_RE, WEIGHT_FILES, Lock, LockedFile, LockedModel, read_lock

# Loading these runs pickle: never accept one whose content nothing vouches for.
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
# What a repo that is not in the lock contributes besides its weights.
_SUPPORT_FILES = (
    "config.json", "generation_config.json", "tokenizer_config.json", "special_tokens_map.json",
    "added_tokens.json", "tokenizer.json", "vocab.json", "merges.txt", "source.spm", "target.spm",
    "spiece.model", "sentencepiece.bpe.model",
)


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
        return f"{self.role} {who}({self.repo}@{short(self.revision)})"

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
    if online:
        try:
            published = fetch_published(repo, "main")[1]
        except Exception as exc:
            if not_found(exc):
                raise ModelNotFoundError(f"{role} {repo} is not on the hub: {first_line(exc)}") from exc
        else:
            # Fetched at "main", not at the commit, so that the cache records main for offline runs.
            return _Plan(None, role, repo, "main", _pick_repo_files(set(published)))
    try:
        config = hub.download(repo, "config.json", "main", local_only=True)
    except Exception as exc:
        reason = no_download_reason()
        raise ModelNotFoundError(
            f"{role} {repo} is not in the cache and {reason}: run 'brief models pull {repo}' where "
            f"huggingface.co is reachable{dir_hint(role)}", short=f"{repo} is not in the cache and {reason}",
            remedy=f"brief models pull {repo}") from exc
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
    if entry is None and REPO_RE.fullmatch(spec):
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
    if COMMIT_RE.fullmatch(revision):
        return revision
    for path in paths.values():
        parts = path.parts
        if "snapshots" in parts:
            index = len(parts) - 1 - parts[::-1].index("snapshots")
            if index + 1 < len(parts) and COMMIT_RE.fullmatch(parts[index + 1]):
                return parts[index + 1]
    return revision


def _fetch(plan: _Plan, *, local_only: bool) -> tuple[dict[str, Path], list[FileReport]]:
    """Download (or find in the cache) every file of the plan; missing required files are reported."""
    from huggingface_hub import errors

    paths: dict[str, Path] = {}
    missing: list[FileReport] = []
    for file in plan.files:
        try:
            paths[file.name] = hub.download(plan.repo, file.name, plan.revision, local_only=local_only)
        except Exception as exc:
            if file.optional and isinstance(exc, errors.EntryNotFoundError):
                continue  # an optional file the repo lacks, or (offline) that was never fetched
            if isinstance(exc, errors.LocalEntryNotFoundError):
                missing.append(FileReport(file.name, "missing", "not in the cache"))
                local_only = True  # one miss means the hub is out of reach: don't wait on it again
            elif not_found(exc):
                missing.append(FileReport(file.name, "missing", f"not on the hub: {first_line(exc)}"))
            else:
                raise ModelError(f"cannot fetch {file.name} of {plan.label}: {first_line(exc)}") from exc
    return paths, missing


def _check(path: Path, file: LockedFile, published: PublishedFile | None, *, rehash: bool = False) -> FileReport:
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
    published: dict[str, PublishedFile] | None = None
    if any(f.sha256 is None for f in plan.files if f.name in paths):
        published = published_at(plan.repo, commit)
        if published is None and online:
            try:
                published = fetch_published(plan.repo, commit)[1]
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
    online = allow_download and reachable()
    plan = _plan(spec, role, lock if lock is not None else read_lock(), online=online)
    if isinstance(plan, Path):
        return ResolvedModel(None, role or "model", None, None, plan, _local_weights(plan))
    paths, missing = _fetch(plan, local_only=True)
    hub_error: BaseException | None = None
    if online and (missing or refresh):
        # Ask the hub first: an unreachable hub fails this call at once, where each download would retry
        # for ~20 s. The answer is needed anyway to check files the lock has no hash for.
        try:
            fetch_published(plan.repo, plan.revision)
        except ModelError:
            raise
        except Exception as exc:
            if not_found(exc):
                raise ModelNotFoundError(f"{plan.label} is not on the hub: {first_line(exc)}") from exc
            hub_error = exc  # the cause a --debug traceback shows
        else:
            paths, missing = _fetch(plan, local_only=False)
    if missing:
        reason = no_download_reason(allow_download)
        if all(m.detail == "not in the cache" for m in missing):
            raise ModelNotFoundError(
                f"{plan.label} is not in the cache and {reason}: run 'brief models pull {plan.handle}' where "
                f"huggingface.co is reachable{dir_hint(plan.role)}",
                short=f"{plan.handle} is not in the cache and {reason}", remedy=f"brief models pull {plan.handle}",
            ) from hub_error
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
                    f"{dir_hint(plan.role)}")
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
    plan = _plan(name, None, lock if lock is not None else read_lock(), online=not offline())
    if isinstance(plan, Path):
        raise ConfigError(f"{name} is a local directory: there is nothing to verify it against")
    paths, missing = _fetch(plan, local_only=True)
    reports = {r.name: r for r in (*missing, *_check_all(plan, paths, online=not offline(), rehash=rehash))}
    return [reports[f.name] for f in plan.files if f.name in reports]


def relock(lock: Lock, names: list[str] | tuple[str, ...] | None = None) -> Lock:
    """The lock with each model (or `names`) pinned to a commit, with the sizes and sha256 hashes the hub
    publishes there. Small files the hub hashes only with git are downloaded and hashed here."""
    if offline():
        raise ModelError("HF_HUB_OFFLINE is set: unset it and run 'brief models lock' where huggingface.co is "
                         "reachable")
    unknown = [n for n in names or () if n not in lock.models]
    if unknown:
        raise ConfigError(f"not in the lock: {', '.join(unknown)}")
    models = dict(lock.models)
    for name in names or list(lock.models):
        model = lock.models[name]
        label = f"'{name}' ({model.repo}@{short(model.revision)})"
        try:
            commit, published = fetch_published(model.repo, model.revision)
        except ModelError:
            raise
        except Exception as exc:
            if not_found(exc):
                raise ModelNotFoundError(f"{label} is not on the hub: {first_line(exc)}") from exc
            raise ModelError(f"cannot read the published hashes of {label} from the hub ({first_line(exc)}): "
                             "run 'brief models lock' where huggingface.co is reachable") from exc
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
                    path = hub.download(model.repo, file.name, commit, local_only=False)
                except Exception as exc:
                    raise ModelError(f"cannot fetch {file.name} of {label} to hash it ({first_line(exc)}): run "
                                     "'brief models lock' where huggingface.co is reachable") from exc
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

