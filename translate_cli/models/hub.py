"""Every call brief makes to the Hugging Face hub, and what it remembers of the hub's answers."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from .cache import load_memory, save_memory
from .lock import COMMIT_RE


@dataclass(frozen=True)
class PublishedFile:
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

    def published(self, repo: str, revision: str) -> tuple[str, dict[str, PublishedFile]]:
        """(commit sha, files) the hub publishes at `revision`."""
        from huggingface_hub import HfApi

        info = HfApi().model_info(repo, revision=revision, files_metadata=True)
        if not info.sha:
            raise ModelError(f"the hub gave no commit for {repo}@{revision}")
        files = {}
        for sibling in info.siblings or []:
            lfs = sibling.lfs
            files[sibling.rfilename] = PublishedFile(
                size=lfs.size if lfs else sibling.size,
                sha256=lfs.sha256.lower() if lfs else None,
                git_sha1=None if lfs else sibling.blob_id,
            )
        return info.sha, files


hub = _Hub()


def offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().upper() in {"1", "ON", "YES", "TRUE"}


# A hub that could not be reached is not asked again for a while: the translator's failed probe tells the
# summariser's (and the next document's) that theirs would fail too, without another wait.
UNREACHABLE_FOR_S = 300.0
_unreachable_until = 0.0


def reachable() -> bool:
    """Whether asking the hub is worth it: not offline, and no recent attempt failed to reach it."""
    return not offline() and time.monotonic() >= _unreachable_until


def forget_unreachable() -> None:
    """Ask the hub again next time (tests, or a caller that knows the network is back)."""
    global _unreachable_until
    _unreachable_until = 0.0


def _mark_unreachable() -> None:
    global _unreachable_until
    _unreachable_until = time.monotonic() + UNREACHABLE_FOR_S


def no_download_reason(allow_download: bool = True) -> str:
    if offline():
        return "downloads are disabled (HF_HUB_OFFLINE is set)"
    if allow_download and not reachable():
        return "the hub cannot be reached"
    return "downloads are disabled"


def dir_hint(role: str) -> str:
    return f", or pass --{role} DIR" if role in ("translator", "summarizer") else ""


def short(revision: str) -> str:
    return revision[:7] if COMMIT_RE.fullmatch(revision) else revision


def not_found(exc: BaseException) -> bool:
    """True for 'this repo/revision/file does not exist', as opposed to 'cannot reach the hub'."""
    from huggingface_hub import errors

    not_found = (errors.EntryNotFoundError, errors.RepositoryNotFoundError, errors.RevisionNotFoundError)
    return isinstance(exc, not_found) and not isinstance(exc, errors.LocalEntryNotFoundError)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def published_at(repo: str, commit: str) -> dict[str, PublishedFile] | None:
    """Published file facts remembered from an earlier online run; a commit never changes, so they hold."""
    if not COMMIT_RE.fullmatch(commit):
        return None
    files = load_memory()["published"].get(f"{repo}@{commit}")
    if not isinstance(files, dict):
        return None
    return {name: PublishedFile(f.get("size"), f.get("sha256"), f.get("git_sha1")) for name, f in files.items()}


def remember_published(repo: str, commit: str, files: dict[str, PublishedFile]) -> None:
    memory = load_memory()
    memory["published"][f"{repo}@{commit}"] = {
        name: {"size": f.size, "sha256": f.sha256, "git_sha1": f.git_sha1} for name, f in files.items()
    }
    save_memory(memory)


def fetch_published(repo: str, revision: str) -> tuple[str, dict[str, PublishedFile]]:
    try:
        commit, files = hub.published(repo, revision)
    except ModelError:
        raise
    except Exception as exc:
        if not not_found(exc):
            _mark_unreachable()
        raise
    remember_published(repo, commit, files)
    return commit, files

