"""models.lock: which model brief uses for each role, pinned to a hub revision with each file's size and sha256."""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import resources
from ..errors import ConfigError
from .cache import atomic_write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

UNKNOWN = "unknown"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")  # in order of preference
COMMIT_RE = re.compile(r"[0-9a-f]{40}")
REPO_RE = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_SHORT_HEX_RE = re.compile(r"[0-9a-f]{7,39}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_LOCK_HEADER = """\
# Models brief uses, pinned to a hub revision with each file's size and sha256.
# `brief models lock` refreshes revisions, sizes and hashes from huggingface.co (run it where the hub is
# reachable). A hash of "unknown" is checked against the hash the hub publishes when online; offline, an
# unpinned pickle (.bin) weights file is refused.
"""



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
        if not REPO_RE.fullmatch(values["repo"]):
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
    atomic_write(Path(path), dumps_lock(lock))

