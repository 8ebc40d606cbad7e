"""Which model files brief uses, where they come from, and proof that they are the pinned ones.

models.lock (lock.py) pins each model to a hub repo, a revision and per-file sizes and sha256 hashes. `resolve`
(resolve.py) turns a spec (None, a lock name, a repo id or a local directory) into verified files in the standard
Hugging Face cache, talking to the hub through hub.py; hashes are remembered in brief's own cache (cache.py).
Nothing heavy is imported here; huggingface_hub is imported inside the functions that talk to the hub.
"""

from __future__ import annotations

from .cache import cache_dir, git_blob_sha1, sha256_file
from .lock import (
    UNKNOWN,
    WEIGHT_FILES,
    Lock,
    LockedFile,
    LockedModel,
    dumps_lock,
    lock_file_path,
    read_lock,
    write_lock,
)
from .resolve import FileReport, ResolvedModel, is_cached, pull, relock, resolve, verify, wanted_files

__all__ = [
    "UNKNOWN", "WEIGHT_FILES", "FileReport", "Lock", "LockedFile", "LockedModel", "ResolvedModel", "cache_dir",
    "dumps_lock", "git_blob_sha1", "is_cached", "lock_file_path", "pull", "read_lock", "relock", "resolve",
    "sha256_file", "verify", "wanted_files", "write_lock",
]
